"""storage.connections: when another connection reads the session's snapshot."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from clauses_app.models import ContractingAuthority
from clauses_app.storage import Database
from clauses_app.storage.connections import has_written, own_connection, shares_snapshot


def test_a_transaction_that_wrote_is_told_apart(any_database: Database) -> None:
    with any_database.session() as s:
        s.execute(select(ContractingAuthority.uuid)).all()
        assert not has_written(s.connection())
        s.add(ContractingAuthority(name="Ville de Test"))
        assert not shares_snapshot(s)  # pending, not flushed
        s.flush()
        assert has_written(s.connection())
        assert not shares_snapshot(s)
        s.commit()
        s.execute(select(ContractingAuthority.uuid)).all()  # a new transaction
        assert not has_written(s.connection())


def test_sqlite_shares_its_snapshot_by_holding_its_read_lock(database: Database) -> None:
    """Once shares_snapshot says yes, no other connection can commit a write until the
    session's transaction ends: every connection that reads meanwhile reads the same data."""
    import sqlite3

    assert database.engine.url.database
    with database.session() as s:
        assert shares_snapshot(s)
        writer = sqlite3.connect(database.engine.url.database, timeout=0, isolation_level=None)
        try:
            writer.execute("BEGIN")
            writer.execute("UPDATE setting SET key = key")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                writer.execute("COMMIT")
            writer.execute("ROLLBACK")
        finally:
            writer.close()
    writer = sqlite3.connect(database.engine.url.database, timeout=0, isolation_level=None)
    writer.execute("UPDATE setting SET key = key")  # the session over, writes commit again
    writer.close()


def test_sqlite_in_wal_mode_and_postgresql_do_it_all_on_the_session(
    database: Database, any_database: Database
) -> None:
    """A write-ahead log lets writers commit beside readers, and two sqlite3 connections
    cannot share a snapshot; PostgreSQL's session keeps its own."""
    import sqlite3

    assert database.engine.url.database
    database.engine.dispose()
    switching = sqlite3.connect(database.engine.url.database, isolation_level=None)
    assert switching.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    switching.close()
    with database.session() as s:
        assert not shares_snapshot(s)
    if any_database.engine.dialect.name == "postgresql":
        with any_database.session() as s:
            assert not shares_snapshot(s)


def test_a_database_in_memory_has_no_second_reader() -> None:
    from clauses_app.storage import open_database

    database = open_database("sqlite://")
    try:
        with database.session() as s:
            assert not shares_snapshot(s)
    finally:
        database.dispose()


def test_an_own_connection_is_closed_for_good(database: Database) -> None:
    """Not handed back to the pool, where it would keep its page cache (up to 64 MB)."""
    import sqlite3

    with database.session() as s, own_connection(s) as connection:
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1
        raw = connection.connection.dbapi_connection
    assert raw is not None
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        raw.execute("SELECT 1")


def test_a_spreadsheet_import_runs_with_its_own_page_cache(
    database: Database, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's connection has the smaller cache while it works (its peak memory), and
    the pooled connection gets the engine's cache back afterwards."""
    from sqlalchemy import text

    from clauses_app.exchange import import_sheet
    from clauses_app.exchange.sheets import service
    from clauses_app.storage import connections

    seen: list[int] = []
    real = service.database_identity

    def identity(session: Any, **options: Any) -> Any:
        seen.append(session.execute(text("PRAGMA cache_size")).scalar_one())
        return real(session, **options)

    monkeypatch.setattr(service, "database_identity", identity)
    sheet = tmp_path / "suivi.csv"
    sheet.write_text("Nom;Prénom\nMartin;Léa\n", encoding="utf-8")
    import_sheet(database, sheet, "tracker")
    assert seen == [-connections.SHEET_IMPORT_CACHE_KIB]
    with database.session() as s:
        assert s.execute(text("PRAGMA cache_size")).scalar_one() == -65536


def test_a_postgresql_reading_session_lends_its_snapshot(pg_database: Database) -> None:
    """A REPEATABLE READ session exports its snapshot; a connection beside it reads that
    snapshot (not a write committed since), and none is lent for a later transaction."""
    count = select(func.count()).select_from(ContractingAuthority)
    with pg_database.reading_session() as s:
        assert s.execute(count).scalar() == 0
        assert shares_snapshot(s)
        with pg_database.transaction() as other:
            other.add(ContractingAuthority(name="Ville de Test"))
        with own_connection(s) as connection:
            assert connection.execute(count).scalar() == 0
        assert s.execute(count).scalar() == 0
        s.commit()
        assert s.execute(count).scalar() == 1  # a new transaction, not exported
        with pytest.raises(RuntimeError, match="not shared"), own_connection(s):
            pass


def test_a_snapshot_that_cannot_be_read_leaves_no_connection_open(pg_database: Database) -> None:
    """A job that starts after the session's transaction ended (a cancelled computation's)
    fails to import its snapshot; its connection is closed all the same."""
    from sqlalchemy import event
    from sqlalchemy.exc import DBAPIError

    from clauses_app.storage.connections import SNAPSHOT

    opened: list[Any] = []
    with pg_database.reading_session() as s:
        assert shares_snapshot(s)
        s.info[SNAPSHOT] = (s.get_transaction(), "00000003-0000001B-1")  # ended long ago
        event.listen(pg_database.engine, "checkout", lambda dbapi, *_: opened.append(dbapi))
        with pytest.raises(DBAPIError, match="snapshot"), own_connection(s):
            pass
    assert len(opened) == 1 and opened[0].closed


def test_a_writer_waiting_to_commit_sends_the_work_back_to_the_session(
    database: Database,
) -> None:
    """SQLite: a writer that has begun to commit holds the PENDING lock, which refuses new
    readers while it waits for the session's read lock to go. A connection joining the
    session then would wait for the writer, the writer for the session, the session for
    that connection's work: each until its busy timeout (a save failed after 10 s while the
    lists' figures were computed). The connection gives up at once instead, and the
    figures are made on the session's connection, right."""
    import sqlite3
    import time
    from datetime import date
    from decimal import Decimal

    from clauses_app.services.figures import compute_figures
    from clauses_app.services.periods import Period
    from clauses_app.storage.connections import SnapshotUnavailable
    from tests import builders as b

    with database.transaction() as s:
        contract = b.contract(s, b.authority(s), start_date=date(2025, 1, 1))
        award = b.award(s, b.lot(s, contract), b.company(s), 700)
        b.month_hours(s, b.employment(s, award, b.participant(s), date(2025, 1, 1)), 2025, 2, 70)
    assert database.engine.url.database
    with database.session() as s:
        assert shares_snapshot(s)
        writer = sqlite3.connect(database.engine.url.database, timeout=0, isolation_level=None)
        try:
            writer.execute("BEGIN")
            writer.execute("UPDATE setting SET key = key")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                writer.execute("COMMIT")  # it keeps the PENDING lock: waiting to commit
            started = time.monotonic()
            with pytest.raises(SnapshotUnavailable), own_connection(s):
                pass
            figures = compute_figures(s, Period.year(2025))
            assert time.monotonic() - started < 5
            assert figures.total().hours_done == Decimal("70.00")
        finally:
            writer.execute("ROLLBACK")
            writer.close()


def _sqlite_memory_used() -> int | None:
    """SQLite's own count of the heap it holds (every connection of the process), when the
    driver uses the system's shared library."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("sqlite3")
    if name is None:
        return None
    try:
        used = ctypes.CDLL(name).sqlite3_memory_used
    except (AttributeError, OSError):
        return None
    used.restype = ctypes.c_int64
    return int(used())


def test_a_connection_back_in_the_pool_lets_go_of_its_page_cache(database: Database) -> None:
    if _sqlite_memory_used() is None:
        pytest.skip("the driver's SQLite library cannot be asked for its memory")
    from sqlalchemy import text

    with database.transaction() as s:
        s.execute(text("CREATE TABLE ballast (id INTEGER PRIMARY KEY, filler TEXT)"))
        s.execute(text("INSERT INTO ballast (filler) VALUES (:f)"), [{"f": "x" * 1000}] * 4000)
    database.engine.dispose()  # pages cached while writing: gone
    before = _sqlite_memory_used()
    assert before is not None
    with database.session() as s:
        assert s.execute(text("SELECT count(*) FROM ballast WHERE filler <> ''")).scalar() == 4000
        reading = _sqlite_memory_used()
        assert reading is not None and reading > before + 3_000_000  # ~4 MB of pages cached
    after = _sqlite_memory_used()
    assert after is not None and after < before + 500_000
    assert database.engine.pool.checkedin() == 1  # kept in the pool, only its cache let go


def test_an_invalidated_connection_goes_back_to_the_pool_without_error(
    database: Database,
) -> None:
    with database.session() as s:
        s.execute(select(func.count(ContractingAuthority.uuid))).scalar()
        s.connection().invalidate()  # what a lost connection gets: its driver's one is closed
    with database.session() as s:  # a new one is made
        assert s.execute(select(func.count(ContractingAuthority.uuid))).scalar() == 0

"""Change notifications on PostgreSQL (migration 0014, storage/changes.py): another
connection's commit reaches the listener with the tables it changed; a rollback, and the
application's own writes, do not; a burst of commits is delivered in one or two calls."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from clauses_app.storage import Database, changes
from clauses_app.storage.changes import LONGEST_WAIT_S, ChangeListener
from tests import builders as b
from tests.conftest import requires_postgres

pytestmark = requires_postgres


@pytest.fixture
def received(pg_database: Database) -> Iterator[queue.Queue[frozenset[str]]]:
    calls: queue.Queue[frozenset[str]] = queue.Queue()
    listener = ChangeListener(pg_database.engine, pg_database.backend_pids, calls.put)
    listener.start()
    assert listener.listening.wait(10)
    yield calls
    listener.stop()
    assert not listener._thread.is_alive()


@pytest.fixture
def other(pg_database: Database) -> Iterator[Engine]:
    """Another program's connection (psql, another facilitator's window)."""
    engine = create_engine(pg_database.url)
    yield engine
    engine.dispose()


def test_another_connection_s_commit_is_announced_with_its_tables(
    pg_database: Database, received: queue.Queue[frozenset[str]], other: Engine
) -> None:
    with pg_database.transaction() as s:
        authority = b.authority(s, name="Ville de Rezé")
    with other.begin() as sql:
        sql.execute(text("UPDATE contracting_authority SET name = 'Ville de Rezé (44)' "
                         "WHERE uuid = :u"), {"u": authority.uuid})  # fmt: skip
        sql.execute(text("UPDATE setting SET value = value WHERE false"))  # no row, still said
    assert received.get(timeout=5) == frozenset({"contracting_authority", "setting"})
    with other.connect() as sql:  # rolled back: nothing is said
        sql.execute(text("UPDATE contracting_authority SET name = 'x'"))
        sql.rollback()
    time.sleep(LONGEST_WAIT_S)
    assert received.empty()


def test_the_application_s_own_writes_are_not_announced_to_itself(
    pg_database: Database, received: queue.Queue[frozenset[str]]
) -> None:
    with pg_database.transaction() as s:
        b.authority(s, name="Nantes Métropole")
    with pg_database.transaction() as s:
        s.execute(text("UPDATE contracting_authority SET name = 'Nantes Métropole (44)'"))
    with pytest.raises(queue.Empty):
        received.get(timeout=LONGEST_WAIT_S)


def test_a_burst_of_commits_is_delivered_in_few_calls(
    pg_database: Database, received: queue.Queue[frozenset[str]], other: Engine
) -> None:
    with pg_database.transaction() as s:
        authority = b.authority(s, name="Commune")
    for number in range(40):  # a colleague's import, one commit per row
        with other.begin() as sql:
            sql.execute(text("UPDATE contracting_authority SET name = :n WHERE uuid = :u"),
                        {"n": f"Commune {number}", "u": authority.uuid})  # fmt: skip
    calls = [received.get(timeout=5)]
    time.sleep(LONGEST_WAIT_S)
    while not received.empty():
        calls.append(received.get_nowait())
    assert 1 <= len(calls) <= 2, calls
    assert set().union(*calls) == {"contracting_authority"}


def test_a_lost_listening_connection_is_opened_again(
    pg_database: Database, other: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(changes, "RETRY_S", 0.2)
    calls: queue.Queue[frozenset[str]] = queue.Queue()
    listener = ChangeListener(pg_database.engine, pg_database.backend_pids, calls.put)
    listener.start()
    try:
        assert listener.listening.wait(10)
        with other.begin() as sql:  # the server ends the listener's connection
            ended = sql.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query = 'LISTEN clauses_changes'"
            )).scalars().all()  # fmt: skip
        assert ended == [True]
        deadline = time.monotonic() + 10
        while True:  # a colleague keeps saving until the listener is back
            with other.begin() as sql:
                sql.execute(text("UPDATE setting SET value = value"))
            try:
                assert calls.get(timeout=1) == frozenset({"setting"})
                break
            except queue.Empty:
                assert time.monotonic() < deadline, "the listener did not come back"
    finally:
        listener.stop()


def test_every_data_table_announces_its_changes(pg_database: Database) -> None:
    """A table added by a later migration needs the trigger too (migration 0014's docstring)."""
    with pg_database.engine.connect() as sql:
        tables = set(sql.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )).scalars())  # fmt: skip
        announced = set(sql.execute(text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'clauses_notify'"
        )).scalars())  # fmt: skip
    assert announced == tables - {"alembic_version", "record_history"}
    assert {"participant", "hours_record", "setting"} <= announced

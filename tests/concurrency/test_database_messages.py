"""Database errors a user can meet reach them as one French sentence (busy, constraint,
connection lost, read-only), in the command line and the window; the lock file beside a
database names who has it open; a network share is recognised."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from clauses_app.cli import main
from clauses_app.exchange import export_clause_file
from clauses_app.models import Company
from clauses_app.services import records
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.records import Kind
from clauses_app.storage import Database, DatabaseReadOnlyError, describe_database_error
from clauses_app.storage import engine as engine_module
from clauses_app.storage.presence import (
    PresenceLock,
    is_network_path,
    lock_path,
    other_presence,
    read_presence,
)
from tests.exchange.helpers import build_dataset

MOUNTS = """\
/dev/sda1 / ext4 rw 0 0
//nas/partage /mnt/equipe cifs rw 0 0
nas:/export /srv/nfs nfs4 rw 0 0
"""


def test_network_shares_are_recognised() -> None:
    assert is_network_path(r"\\SERVEUR\Partage\clauses.sqlite3")
    assert is_network_path("//serveur/partage/clauses.sqlite3")
    assert is_network_path("/mnt/equipe/clauses.sqlite3", MOUNTS)
    assert is_network_path("/srv/nfs/a/b.sqlite3", MOUNTS)
    assert not is_network_path("/home/camille/clauses.sqlite3", MOUNTS)
    assert not is_network_path("/mnt/equipe-locale/x.sqlite3", MOUNTS)


def test_the_lock_file_names_who_has_the_base_open(db_path: Path) -> None:
    lock = PresenceLock(db_path)
    assert lock.claim() and read_presence(db_path) == lock.mine
    assert other_presence(db_path) is None  # this very program
    since = datetime(2026, 12, 4, 8, 12, tzinfo=UTC)
    lock_path(db_path).write_text(json.dumps(
        {"user": "camille", "machine": "PC-ACCUEIL", "pid": 4242, "since": since.isoformat()}
    ))  # fmt: skip
    other = other_presence(db_path)
    assert other is not None and other.describe().startswith(
        "camille sur PC-ACCUEIL depuis le 04/12/2026 à "
    )
    lock.release()  # another program's lock now: left alone
    assert lock_path(db_path).exists()
    # A lock left on this machine by a process that has ended is ignored.
    gone = {**lock.mine.__dict__, "pid": 2**22 + 17, "since": since.isoformat()}
    lock_path(db_path).write_text(json.dumps(gone))
    assert other_presence(db_path) is None


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_busy_base_is_one_french_sentence_in_the_cli(
    database: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    source = open_app_database(str(tmp_path / "source.sqlite3"))
    build_dataset(source)
    clause = export_clause_file(source, tmp_path / "a.clause").path
    source.dispose()
    database.dispose()
    lock_path(db_path).write_text(json.dumps(
        {"user": "camille", "machine": "PC-ACCUEIL", "pid": 4242,
         "since": datetime(2026, 12, 4, 8, 12, tzinfo=UTC).isoformat()}
    ))  # fmt: skip
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    holder = _hold_write_lock(db_path)
    try:
        status = main(["--db", str(db_path), "import", str(clause)])
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert status == 3
    assert "La base est occupée par camille sur PC-ACCUEIL depuis le 04/12/2026" in err
    assert "réessayez" in err and "Traceback" not in err and "locked" not in err
    assert main(["--db", str(db_path), "import", str(clause)]) == 0  # free again: it works


def test_a_busy_save_waits_then_gives_way(db_path: Path, database: Database) -> None:
    # The writer waits up to the busy timeout: a lock released meanwhile costs nothing.
    holder = _hold_write_lock(db_path)
    import threading

    threading.Timer(0.3, holder.rollback).start()
    records.save_record(database, Kind.COMPANY, {"name": "Bâti Ouest", "kind": "CLASSIQUE"})
    holder.close()


def test_read_only_refuses_writes_in_french(database: Database) -> None:
    database.set_read_only()
    with pytest.raises(DatabaseReadOnlyError) as caught:
        records.save_record(database, Kind.COMPANY, {"name": "Bâti Ouest", "kind": "CLASSIQUE"})
    assert describe_database_error(caught.value) == str(caught.value)
    assert "lecture seule" in str(caught.value)
    with database.session() as session:  # SQLite itself refuses, too
        with pytest.raises(OperationalError) as raw:
            session.execute(text("DELETE FROM company"))
        assert "lecture seule" in (describe_database_error(raw.value) or "")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_constraint_and_lost_connection_messages(
    backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "postgresql" and not os.environ.get("CLAUSES_TEST_PG_URL"):
        pytest.skip("CLAUSES_TEST_PG_URL not set")
    database: Database = request.getfixturevalue(
        "database" if backend == "sqlite" else "pg_database"
    )
    siret = "73282932000074"
    records.save_record(database, Kind.COMPANY, {"name": "A", "siret": siret, "kind": "CLASSIQUE"})
    with pytest.raises(IntegrityError) as caught, database.transaction() as session:
        session.add(Company(name="B", siret=siret))
    message = describe_database_error(caught.value)
    assert message is not None and message.startswith(
        "La base refuse l'enregistrement : une valeur qui doit être unique est déjà utilisée"
    )
    assert "duplicate" not in message and "UNIQUE" not in message
    if backend != "postgresql":
        return
    with database.session() as victim, database.session() as admin:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.commit()
        with pytest.raises(OperationalError) as lost:
            victim.execute(text("SELECT 1 FROM company"))
    message = describe_database_error(lost.value)
    assert message is not None and message.startswith(
        "La connexion à la base de données a été perdue"
    )


def test_a_stale_orm_write_is_explained(database: Database) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    message = describe_database_error(StaleDataError("UPDATE statement on table 'company'"))
    assert message is not None and message.startswith("Un enregistrement a été modifié")


def test_no_migration_under_the_feet_of_someone_who_has_the_base_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lock file is read before the schema is upgraded: an older base that another
    facilitator has open is refused in French, left as it was, and no backup is taken."""
    from clauses_app.storage import DatabaseError, open_database
    from clauses_app.storage.migrate import current_revision, downgrade, head_revision

    path = tmp_path / "equipe.sqlite3"
    database = open_app_database(str(path))
    downgrade(database.engine, "0007")
    database.dispose()
    lock_path(path).write_text(json.dumps(
        {"user": "camille", "machine": "PC-ACCUEIL", "pid": 4242,
         "since": datetime(2026, 12, 4, 8, 12, tzinfo=UTC).isoformat()}
    ))  # fmt: skip
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as refused:
        open_database(str(path))
    message = str(refused.value)
    assert "doit être mise à jour" in message and "camille sur PC-ACCUEIL" in message
    assert "n'a pas été modifiée" in message
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())
    assert main(["--db", str(path), "stats"]) == 3  # the CLI says the same, exit 3
    assert "camille sur PC-ACCUEIL" in capsys.readouterr().err
    # Once they have closed it, the upgrade runs as usual.
    lock_path(path).unlink()
    database = open_database(str(path))
    assert current_revision(database.engine) == head_revision()
    database.dispose()


def test_a_cli_command_announces_itself_while_it_runs(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A command writes the lock file for its run (a window opened meanwhile is told who is
    writing) and removes it after; a window's lock file is left as it was, and named."""
    from clauses_app.services import bootstrap
    from clauses_app.storage.presence import this_program

    open_app_database(str(db_path)).dispose()
    seen: list[object] = []
    real_open = bootstrap.open_app_database

    def spying_open(db: str | None = None, **options: object) -> Database:
        seen.append(read_presence(db_path))
        return real_open(db, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(bootstrap, "open_app_database", spying_open)
    assert main(["--db", str(db_path), "stats"]) == 0
    me = this_program()
    assert len(seen) == 1 and seen[0] is not None
    assert (seen[0].machine, seen[0].pid) == (me.machine, me.pid)  # type: ignore[attr-defined]
    assert not lock_path(db_path).exists()  # gone with the command
    since = datetime(2026, 12, 4, 8, 12, tzinfo=UTC).isoformat()
    window = json.dumps({"user": "camille", "machine": "PC-ACCUEIL", "pid": 4242, "since": since})
    lock_path(db_path).write_text(window)
    capsys.readouterr()
    assert main(["--db", str(db_path), "stats"]) == 0
    assert lock_path(db_path).read_text() == window  # the window's lock, untouched
    assert "ouverte par camille sur PC-ACCUEIL" in capsys.readouterr().err

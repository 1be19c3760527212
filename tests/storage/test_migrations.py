"""Migrations: pytest-alembic's checks, backups before upgrades, newer schemas refused."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from pytest_alembic import Config as AlembicTestConfig
from pytest_alembic.tests import (  # noqa: F401 - collected as tests of this module
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import Engine, create_engine, inspect, text

from clauses_app.storage import DatabaseError, DatabaseNewerError, open_database
from clauses_app.storage.engine import create_app_engine
from clauses_app.storage.migrate import MIGRATIONS_DIR, head_revision


@pytest.fixture
def alembic_config() -> AlembicTestConfig:
    return AlembicTestConfig(config_options={"script_location": str(MIGRATIONS_DIR)})


@pytest.fixture
def alembic_engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = create_app_engine(f"sqlite:///{tmp_path / 'alembic.sqlite3'}")
    yield engine
    engine.dispose()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_created_at_head(db_path: Path) -> None:
    database = open_database(str(db_path))
    with database.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        fk = connection.execute(text("PRAGMA foreign_keys")).scalar()
    database.dispose()
    assert version == head_revision()
    assert fk == 1
    assert database.backup_path is None  # nothing to back up in a new file


def test_upgrade_backs_the_file_up_first(db_path: Path) -> None:
    from clauses_app.storage.migrate import downgrade, script_directory

    open_database(str(db_path)).dispose()
    previous = script_directory().get_revision(head_revision()).down_revision
    assert isinstance(previous, str)
    engine = create_app_engine(f"sqlite:///{db_path}")
    downgrade(engine, previous)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO contracting_authority (uuid, name, archived, created_at, updated_at)"
                " VALUES ('0123456789abcdef0123456789abcdef', 'Ville témoin', 0,"
                " '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
            )
        )
    engine.dispose()

    reopened = open_database(str(db_path))
    reopened.dispose()

    backup = reopened.backup_path
    assert backup is not None and backup.parent == db_path.parent / "backups"
    with sqlite3.connect(backup) as connection:
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        names = connection.execute("SELECT name FROM contracting_authority").fetchall()
    assert version == previous  # the copy is the database as it was before the upgrade
    assert names == [("Ville témoin",)]
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            head_revision()
        )


def test_newer_schema_is_refused_and_left_byte_identical(db_path: Path) -> None:
    open_database(str(db_path)).dispose()
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    before = _digest(db_path)
    with pytest.raises(DatabaseNewerError, match="version plus récente"):
        open_database(str(db_path))
    assert _digest(db_path) == before
    assert not (db_path.parent / "backups").exists()


def test_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("ceci n'est pas une base")
    before = _digest(bogus)
    with pytest.raises(DatabaseError, match="n'est pas une base de données"):
        open_database(str(bogus))
    assert _digest(bogus) == before


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    before = _digest(other)
    with pytest.raises(DatabaseError, match="ne sont pas celles"):
        open_database(str(other))
    assert _digest(other) == before


def test_unreachable_postgres_url_gives_one_sentence() -> None:
    pytest.importorskip("psycopg")
    unreachable = r"^Le serveur « 127\.0\.0\.1 » \(port 1\) ne répond pas"
    with pytest.raises(DatabaseError, match=unreachable):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_packaged_head_read_from_files_equals_alembics() -> None:
    from clauses_app.storage.migrate import known_revisions, script_directory

    scripts = script_directory()
    assert head_revision() == scripts.get_current_head()
    assert known_revisions() == {rev.revision for rev in scripts.walk_revisions()}


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        names = [n for n in inspect(c).get_table_names() if n != "alembic_version"]
        return {n: c.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}


def test_upgrade_from_the_first_schema_keeps_every_row(tmp_path: Path) -> None:
    """Batch mode copies a parent table and drops the original: with foreign keys on, that
    drop used to cascade and empty the lots, awards, employments and hours."""
    from clauses_app.exchange import import_sheet
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.storage.migrate import downgrade, upgrade
    from tests.exchange.sheet_makers import write_tracker_csv

    database = open_app_database(str(tmp_path / "db.sqlite3"))
    result = import_sheet(database, write_tracker_csv(tmp_path / "t.csv", rows=30), "tracker")
    assert result.applied
    before = _row_counts(database.engine)
    assert before["hours_record"] == 30 and before["lot"] > 0

    downgrade(database.engine, "0001")
    upgrade(database.engine)

    after = _row_counts(database.engine)
    # The history goes with a downgrade below 0009 and starts again at the upgrade.
    assert before.pop("record_history") > 0 and after.pop("record_history") == 0
    assert after == before
    with database.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    database.dispose()

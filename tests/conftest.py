"""Test-wide set-up: Qt offscreen before anything imports it, a private CLAUSES_HOME per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from clauses_app.storage import Database


@pytest.fixture(autouse=True)
def clauses_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, logs and config folders; nothing touches the real home."""
    home = tmp_path_factory.mktemp("clauses-home")
    monkeypatch.setenv("CLAUSES_HOME", str(home))
    monkeypatch.delenv("CLAUSES_DB", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.sqlite3"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    """A fresh, migrated SQLite database with the default reference rows."""
    from clauses_app.services.bootstrap import open_app_database

    db = open_app_database(str(db_path))
    yield db
    db.dispose()


@pytest.fixture
def session(database: Database):  # type: ignore[no-untyped-def]
    with database.session() as s:
        yield s


PG_ADMIN_URL = os.environ.get("CLAUSES_TEST_PG_URL")
requires_postgres = pytest.mark.skipif(not PG_ADMIN_URL, reason="CLAUSES_TEST_PG_URL not set")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throw-away PostgreSQL database (CLAUSES_TEST_PG_URL's role must create databases;
    ./test sets it up when run as root), dropped after the test."""
    pytest.importorskip("psycopg")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert PG_ADMIN_URL
    name = f"clauses_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[Database]:
    """A fresh, migrated PostgreSQL database with the default reference rows."""
    from clauses_app.services.bootstrap import open_app_database

    database = open_app_database(pg_url)
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest) -> Database:
    """The test once on SQLite and once on PostgreSQL (skipped without CLAUSES_TEST_PG_URL)."""
    if request.param == "postgresql" and not PG_ADMIN_URL:
        pytest.skip("CLAUSES_TEST_PG_URL not set")
    name = "database" if request.param == "sqlite" else "pg_database"
    database: Database = request.getfixturevalue(name)
    return database

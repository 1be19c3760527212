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

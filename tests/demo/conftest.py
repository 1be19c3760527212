"""Demo databases shared by the tests of a module (generating one takes a fraction of a second,
migrating a fresh file too; sharing keeps the package fast)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clauses_app.storage import Database


def table_dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a SQLite file, in storage order, read with plain sqlite3
    (the record history left out: it says when the rows were written, which differs)."""
    with sqlite3.connect(path) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name != 'record_history' ORDER BY name"
            )
        ]
        return {name: connection.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}


def make_demo(directory: Path, size: str, seed: int) -> tuple[Path, Database]:
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.demo import generate_demo

    path = directory / f"{size}-{seed}.sqlite3"
    database = open_app_database(str(path))
    generate_demo(database, size, seed)
    return path, database


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:
        home = tmp_path_factory.mktemp("demo-home")
        patch.setenv("CLAUSES_HOME", str(home))
        patch.delenv("CLAUSES_DB", raising=False)
        yield home


@pytest.fixture(scope="module")
def facilitator_db(demo_home: Path) -> Iterator[Database]:
    _, database = make_demo(demo_home, "facilitator", 1)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def small_db(demo_home: Path) -> Iterator[Database]:
    _, database = make_demo(demo_home, "small", 1)
    yield database
    database.dispose()

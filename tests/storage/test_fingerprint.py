"""The content stamp of a database: equal while nothing writes, different after any write,
whoever writes; none where it cannot be read for free."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from clauses_app.models import ContractingAuthority
from clauses_app.storage import Database
from clauses_app.storage.fingerprint import database_fingerprint
from tests import builders as b


def test_reading_keeps_the_stamp_and_every_write_changes_it(database: Database) -> None:
    first = database_fingerprint(database.engine)
    assert first is not None and first.startswith("sqlite:")
    with database.session() as s:
        s.scalars(select(ContractingAuthority)).all()
    assert database_fingerprint(database.engine) == first

    with database.transaction() as s:  # through the ORM
        b.authority(s, "Ville A")
    second = database_fingerprint(database.engine)
    assert second not in (None, first)

    path = database.file_path
    assert path is not None
    with sqlite3.connect(path) as other:  # another program, behind the application's back
        other.execute("UPDATE contracting_authority SET name = 'Ville B'")
    assert database_fingerprint(database.engine) not in (None, first, second)


def test_no_stamp_without_a_counter_to_read(tmp_path: Path) -> None:
    assert database_fingerprint(create_engine("sqlite://")) is None  # in memory
    assert database_fingerprint(create_engine(f"sqlite:///{tmp_path / 'absent.sqlite3'}")) is None
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database" * 20)
    assert database_fingerprint(create_engine(f"sqlite:///{garbage}")) is None
    wal = tmp_path / "wal.sqlite3"
    with sqlite3.connect(wal) as connection:  # commits in a write-ahead log skip the counter
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (d DATE)")
        connection.execute("INSERT INTO t VALUES (?)", (date(2025, 1, 1).isoformat(),))
    assert database_fingerprint(create_engine(f"sqlite:///{wal}")) is None


def test_no_stamp_for_a_server() -> None:
    pytest.importorskip("psycopg")
    server = create_engine("postgresql+psycopg://user:secret@127.0.0.1/clauses")
    assert database_fingerprint(server) is None  # not even connected: a server is never asked

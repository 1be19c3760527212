"""storage.connections: whether another connection would read what a session reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clauses_app.models import ContractingAuthority
from clauses_app.storage import Database
from clauses_app.storage.connections import has_written, own_connection, second_reader_sees_the_same


def test_a_transaction_that_wrote_is_told_apart(any_database: Database) -> None:
    with any_database.session() as s:
        assert second_reader_sees_the_same(s)  # no transaction yet
        s.execute(select(ContractingAuthority.uuid)).all()
        assert not has_written(s.connection())
        assert second_reader_sees_the_same(s)
        s.add(ContractingAuthority(name="Ville de Test"))
        assert not second_reader_sees_the_same(s)  # pending, not flushed
        s.flush()
        assert has_written(s.connection())
        assert not second_reader_sees_the_same(s)
        s.commit()
        s.execute(select(ContractingAuthority.uuid)).all()  # a new transaction
        assert not has_written(s.connection())
        assert second_reader_sees_the_same(s)


def test_a_database_in_memory_has_no_second_reader() -> None:
    from clauses_app.storage import open_database

    database = open_database("sqlite://")
    try:
        with database.session() as s:
            assert not second_reader_sees_the_same(s)
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

"""Whether a second connection would read what a session reads.

The figures may ask the database for some of their sums on a connection of their own, on a
worker thread, while the session's thread reads the rest (services/figures_sums.py). That is
only right when the session's transaction has written nothing yet: its changes are invisible
to any other connection until committed. Asking the database that question is dialect
business, so it lives here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

CHANGES_AT_BEGIN = "clauses_changes_at_begin"
OWN_CACHE_KB = 24576
SCAN_CACHE_KB = 2048  # SQLite's default: enough for a pass over an index, nothing kept


def note_changes_at_begin(connection: Connection) -> None:
    """Called as an SQLite transaction begins: remember the connection's change counter."""
    connection.info[CHANGES_AT_BEGIN] = _sqlite_changes(connection)


def second_reader_sees_the_same(session: Session) -> bool:
    """True when another connection of the session's engine would read exactly what the
    session reads: a file or server database (not one in memory), no pending changes, and
    nothing written yet by the session's transaction."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or in_memory(bind):
        return False
    if session.new or session.dirty or session.deleted:
        return False
    if not session.in_transaction():
        return True
    return not has_written(session.connection())


@contextmanager
def own_connection(session: Session, cache_kb: int = OWN_CACHE_KB) -> Iterator[Connection]:
    """A connection of the session's engine, out of the pool and closed for good afterwards:
    the pool keeps the connections it hands out, each SQLite one with up to 64 MB of page
    cache, and work done beside a session should not leave one more behind. ``cache_kb``:
    its SQLite page cache."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    connection = engine.connect()
    connection.detach()
    if connection.dialect.name == "sqlite":
        # Its work is one pass over an index or a table: pages are read once, and the
        # operating system caches the file anyway. By default 24 MB instead of the sessions'
        # 64 MB: the size also bounds SQLite's in-memory sorter, and the figures' employments
        # with their sums (~12 MB for a national year) spilled to a temporary file with 8 MB.
        connection.exec_driver_sql(f"PRAGMA cache_size=-{int(cache_kb)}")
    try:
        yield connection
    finally:
        connection.close()


def has_written(connection: Connection) -> bool:
    """Whether the transaction open on ``connection`` has changed anything yet."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return bool(_sqlite_changes(connection) != connection.info.get(CHANGES_AT_BEGIN))
    if dialect == "postgresql":
        # A transaction gets an id only when it first writes.
        return connection.exec_driver_sql("SELECT txid_current_if_assigned()").scalar() is not None
    return True  # not known: assume it has


def _sqlite_changes(connection: Connection) -> Any:
    return connection.connection.dbapi_connection.total_changes  # type: ignore[union-attr]


def in_memory(engine: Engine) -> bool:
    """Whether ``engine`` is an SQLite database in memory (each connection its own)."""
    database = engine.url.database
    return engine.dialect.name == "sqlite" and (
        not database or database == ":memory:" or "mode=memory" in str(engine.url)
    )

"""Connections beside a session's: when another connection reads the same snapshot, and how
to open one that leaves nothing behind.

The figures ask the database for some of their sums on connections of their own, on the
database worker's thread (storage/worker.py), while the session's thread reads the rest. One
result read through two connections is right only if both see the same data, which
:func:`shares_snapshot` guarantees before any such work starts:

- SQLite, a file in a rollback-journal mode (DELETE, TRUNCATE or PERSIST, the default): the
  session's transaction reads first, so it holds a SHARED lock until it ends; no other
  connection can commit a write while any SHARED lock is held, so every connection that reads
  meanwhile reads the state the session reads. In WAL mode writers commit beside readers, and
  two ``sqlite3`` connections cannot share a snapshot: the session's connection does it all.
- PostgreSQL, a session whose transaction is REPEATABLE READ (``Database.reading_session``):
  every statement of that transaction reads the snapshot of its first one; the session
  exports it (``pg_export_snapshot()``, valid until its transaction ends) and every other
  connection begins a REPEATABLE READ transaction on it (``SET TRANSACTION SNAPSHOT``). A
  READ COMMITTED session takes a new snapshot per statement: its connection does it all.
- SQLite again: a writer that has begun to commit holds the PENDING lock until every reader
  ends, and PENDING refuses *new* readers. A connection joining the session's snapshot then
  would wait for the writer, the writer for the session, the session for that connection's
  work. So such a connection takes its read lock at once without waiting, and when it
  cannot, :class:`SnapshotUnavailable` sends the work back to the session's connection
  (which still reads: its lock is older than the writer's PENDING).
- In every case, not when the session's transaction has written (its changes are invisible to
  other connections until committed) or holds pending changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

CHANGES_AT_BEGIN = "clauses_changes_at_begin"
SNAPSHOT = "clauses_exported_snapshot"  # session.info: (its transaction, the snapshot's id)
SHARED_ISOLATION = frozenset({"repeatable read", "serializable"})
OWN_CACHE_KB = 24576
SCAN_CACHE_KB = 2048  # SQLite's default: enough for a pass over an index, nothing kept
ROLLBACK_JOURNAL_MODES = frozenset({"delete", "truncate", "persist"})
# Set while own_connection opens a connection (read by the engine's connect event).
_JOINING: ContextVar[bool] = ContextVar("clauses_joining_a_snapshot", default=False)


class SnapshotUnavailable(Exception):
    """A connection could not join the session's snapshot at once (SQLite: a writer is
    waiting to commit). The work belongs on the session's connection."""


def note_changes_at_begin(connection: Connection) -> None:
    """Called as an SQLite transaction begins: remember the connection's change counter."""
    connection.info[CHANGES_AT_BEGIN] = _sqlite_changes(connection)


def shares_snapshot(session: Session) -> bool:
    """True when other connections of the session's engine read exactly what the session
    reads for as long as its transaction lasts (see the module); it then holds the read lock
    that guarantees it."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name not in ("sqlite", "postgresql"):
        return False
    if in_memory(bind) or session.new or session.dirty or session.deleted:
        return False
    connection = session.connection()  # begins the session's transaction if need be
    if has_written(connection):
        return False
    if bind.dialect.name == "postgresql":
        isolation = connection.exec_driver_sql("SHOW transaction_isolation").scalar()
        if isolation not in SHARED_ISOLATION:
            return False
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
        session.info[SNAPSHOT] = (session.get_transaction(), snapshot)
        return True
    mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    if str(mode).lower() not in ROLLBACK_JOURNAL_MODES:
        return False
    # A read inside the transaction takes its SHARED lock, held until the transaction ends.
    connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    return True


# SQLite page caches (KiB) of the work that writes many rows. The engine gives every
# connection 64 MB (storage/engine.py), which balances of a national database read whole.
BULK_INSERT_CACHE_KIB = 64 * 1024  # a national .clause file or demo: index pages all over
SHEET_IMPORT_CACHE_KIB = 16 * 1024  # a spreadsheet: same speed, 48 MB less at its peak


@contextmanager
def sqlite_page_cache(session: Session, kib: int) -> Iterator[None]:
    """The session's connection with a ``kib`` page cache (SQLite only; nothing elsewhere),
    restored afterwards since the connection goes back to the pool."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    previous = session.execute(text("PRAGMA cache_size")).scalar_one()
    session.execute(text(f"PRAGMA cache_size=-{int(kib)}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size={int(previous)}"))


@contextmanager
def own_connection(session: Session, cache_kb: int = OWN_CACHE_KB) -> Iterator[Connection]:
    """A connection of the session's engine, out of the pool and closed for good afterwards:
    the pool keeps the connections it hands out, each SQLite one with up to 64 MB of page
    cache, and work done beside a session should not leave one more behind. ``cache_kb``:
    its SQLite page cache. Raises :class:`SnapshotUnavailable` when it cannot read what
    the session reads at once (see the module)."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    joining = _JOINING.set(True)
    try:
        connection = engine.connect()
    except OperationalError as exc:  # a new SQLite connection's set-up reads the schema
        raise _unavailable(exc) from exc
    finally:
        _JOINING.reset(joining)
    connection.detach()
    try:  # closed also when it cannot read the session's snapshot
        if connection.dialect.name == "postgresql":
            _read_the_sessions_snapshot(connection, session)
        if connection.dialect.name == "sqlite":
            _read_lock_at_once(connection, cache_kb)
        yield connection
    finally:
        connection.close()


def busy_timeout_ms(usual: int) -> int:
    """The busy timeout of a new SQLite connection: none for one that joins a session's
    snapshot (``own_connection``), which must not queue behind a writer."""
    return 0 if _JOINING.get() else usual


def _unavailable(exc: OperationalError) -> Exception:
    if "locked" in str(exc) or "busy" in str(exc):
        return SnapshotUnavailable("a writer is waiting to commit")
    return exc


def _read_lock_at_once(connection: Connection, cache_kb: int) -> None:
    """Begin ``connection``'s read now, without waiting for a writer (see the module); its
    busy timeout comes back for the rest of its work.

    Its work is one pass over an index or a table: pages are read once, and the operating
    system caches the file anyway. The cache size also bounds SQLite's in-memory sorter: the
    figures' employments with their sums must fit in it (OWN_CACHE_KB), or they spill to a
    temporary file."""
    waits = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        connection.exec_driver_sql(f"PRAGMA cache_size=-{int(cache_kb)}")  # reads the schema
        connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except OperationalError as exc:
        raise _unavailable(exc) from exc
    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(waits or 0)}")


def _read_the_sessions_snapshot(connection: Connection, session: Session) -> None:
    """Begin ``connection``'s transaction on the snapshot the session exported for its
    current transaction (:func:`shares_snapshot`); refused when it did not."""
    transaction, snapshot = session.info.get(SNAPSHOT, (None, None))
    if snapshot is None or transaction is not session.get_transaction():
        raise RuntimeError("own_connection: the session's snapshot is not shared")
    # Before any query of its transaction: from then on it reads the session's data.
    connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")


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

"""Engine creation, with the SQLite settings every connection must have.

SQLite through Python's sqlite3 does not run DDL inside transactions by default; following
SQLAlchemy's recipe we turn the driver's own transaction handling off and emit BEGIN ourselves,
so that a failed migration or import rolls back whole. Foreign keys are switched on for every
connection and a busy timeout lets two windows share a file without "database is locked".

Write transactions (``Database.transaction()``, migrations: connections carrying the
``WRITES`` execution option) begin with ``BEGIN IMMEDIATE``: they take the write lock at their
start, waiting up to the busy timeout for another writer to finish. A deferred transaction
that reads and then writes would instead fail at once with "database is locked" when another
connection writes meanwhile (SQLite cannot wait there without risking a deadlock). Readers
stay deferred, so that the figures' long reads never hold writers back.

On PostgreSQL a write transaction sets ``lock_timeout`` (as long as SQLite's busy timeout):
a save that meets a row another facilitator's unfinished transaction holds waits that long,
then fails with SQLSTATE 55P03, worded « la base est occupée » (storage/errors.py), instead
of hanging until the other one commits. Readers never wait for row locks there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from clauses_app.storage.connections import busy_timeout_ms, note_changes_at_begin

BUSY_TIMEOUT_MS = 10_000
# How long a PostgreSQL write waits for a lock held by another transaction.
PG_LOCK_TIMEOUT_MS = BUSY_TIMEOUT_MS
# Execution option of a connection whose transactions write: ``{WRITES: True}``.
WRITES = "clauses_writes"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_app_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the project's connection settings."""
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    _configure_server(engine)
    return engine


def _configure_server(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITES, False):
            # SET LOCAL: for this transaction only, so the pooled connection keeps no trace.
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(PG_LOCK_TIMEOUT_MS)}")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin (DDL included).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms(BUSY_TIMEOUT_MS)}")
        # 64 MB of page cache instead of 2 MB: balances read a national database whole.
        cursor.execute("PRAGMA cache_size=-65536")
        # Erased personal data is overwritten with zeros, not left in free pages (RGPD).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: Any) -> None:
        # A connection back in the pool lets go of its page cache (up to 64 MB each; the
        # pool keeps several: the window's, its background tasks'): the next session reads
        # its pages again, from the operating system's cache of the file. (None: the
        # connection was invalidated, closed already.)
        if dbapi_connection is not None:
            dbapi_connection.execute("PRAGMA shrink_memory")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = connection.get_execution_options().get(WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
        note_changes_at_begin(connection)  # see readers.has_written

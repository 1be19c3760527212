"""Another facilitator committed: PostgreSQL says so (``LISTEN clauses_changes``), so that the
open screens refresh without a restart.

Migration 0014 makes every data table announce its committed changes on the channel
:data:`CHANNEL` (the table's name, once per transaction). :class:`ChangeListener` keeps one
connection of its own on a plain thread, blocked on the driver's ``notifies()``, and calls
``on_change`` with the tables changed once a burst is over (:data:`QUIET_S` without a new
notification, or :data:`LONGEST_WAIT_S` into a long one), so that an import of thousands of
rows by a colleague refreshes the screens once or twice, not thousands of times.

Changes made through this application's own connections are left out (their server process
ids, :func:`track_backends`): the window refreshes after its own writes already. A connection
lost (server restarted, network) is opened again every :data:`RETRY_S` until stopped.

Qt-free: ui/live.py turns ``on_change`` into the window's "data changed" signal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

CHANNEL = "clauses_changes"
QUIET_S = 0.3  # a burst is over when nothing came for this long
LONGEST_WAIT_S = 2.0  # a long burst still refreshes the screens this often
POLL_S = 0.5  # how often the thread looks whether it must stop
RETRY_S = 5.0  # a lost connection is opened again this often

OnChange = Callable[[frozenset[str]], None]


def track_backends(engine: Engine) -> set[int]:
    """The server process ids of ``engine``'s open connections (PostgreSQL), kept up to date
    as connections open and close: notifications from them are the application's own."""
    pids: set[int] = set()

    @event.listens_for(engine, "connect")
    def _opened(dbapi_connection: Any, _record: Any) -> None:
        pids.add(dbapi_connection.info.backend_pid)

    @event.listens_for(engine, "close")
    def _closed(dbapi_connection: Any, _record: Any) -> None:
        pids.discard(getattr(dbapi_connection.info, "backend_pid", None))

    return pids


class ChangeListener:
    """Listens to a PostgreSQL database's change notifications on a thread of its own."""

    def __init__(self, engine: Engine, own_backends: set[int], on_change: OnChange) -> None:
        self._connect_args = engine.dialect.create_connect_args(engine.url)[1]
        self._connect_args.pop("context", None)  # SQLAlchemy's adapters, not libpq's
        self._own = own_backends
        self._on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="clauses-changes", daemon=True)
        self.listening = threading.Event()  # set once LISTEN is in place (tests wait on it)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = POLL_S * 4) -> None:
        """Stop listening; waits for the thread (it looks every :data:`POLL_S`)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(**self._connect_args, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self._listen(connection)
            except psycopg.Error as exc:
                self.listening.clear()
                log.warning("Change notifications interrupted (retrying): %s", exc)
                self._stop.wait(RETRY_S)

    def _listen(self, connection: Any) -> None:
        pending: set[str] = set()
        first = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            wait = POLL_S if not pending else max(0.01, min(QUIET_S, first + LONGEST_WAIT_S - now))
            came = False
            for note in connection.notifies(timeout=wait, stop_after=1):
                came = True
                if note.pid not in self._own:
                    first = first if pending else time.monotonic()
                    pending.add(note.payload)
            if pending and (not came or time.monotonic() - first >= LONGEST_WAIT_S):
                tables, pending = frozenset(pending), set()
                try:
                    self._on_change(tables)
                except Exception:  # the listener outlives a failing receiver
                    log.exception("Change notification not delivered")

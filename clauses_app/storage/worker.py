"""The database worker: one thread that runs queries beside a session, on connections of its
own.

A screen's figures need a few aggregate queries (years covered, people counted) and the
database's sums of the hours (services/figures/summed.py), which SQLite computes with
Python's lock released, while the figures themselves are Python work on the session's
thread: asked for on the worker, they run during that work instead of after it. Only when
the worker's connections read the session's snapshot (``storage.connections.shares_snapshot``);
otherwise the work runs on the session when its result is asked for.

One thread runs the jobs, one at a time, the most urgent first: a laptop has two cores, and
the session's thread keeps one to itself. Each job opens its connection, uses it and closes
it on the worker's thread. Jobs must return few rows: every row fetched on the worker waits
for Python's lock, which the busy session's thread holds for a whole switch interval.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from clauses_app.storage.connections import SnapshotUnavailable, own_connection, shares_snapshot

T = TypeVar("T")
log = logging.getLogger(__name__)

FIRST = 0  # work the session's thread will wait for soonest (the figures' sums)
LATER = 1  # work whose result is asked for at the end (counts, years)


class DatabaseWorker:
    """One worker thread running jobs one at a time, by priority, then in order of arrival.
    The thread starts with the first job and stays for the next ones (a daemon)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._jobs: queue.PriorityQueue[tuple[int, int, Callable[[], None]]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, priority: int, job: Callable[[], None]) -> None:
        """Queue ``job`` (which handles its own errors)."""
        with self._lock:
            self._jobs.put((priority, next(self._order), job))
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
                self._thread.start()

    def is_current(self) -> bool:
        """Whether the caller runs on this worker (its work must not queue and wait there)."""
        return threading.current_thread() is self._thread

    def _serve(self) -> None:
        while True:
            _, _, job = self._jobs.get()
            try:
                job()
            except BaseException:  # jobs hand their errors over; this keeps the worker alive
                log.exception("A job of the database worker failed")


DATABASE_WORKER = DatabaseWorker("database-worker")


def uses_worker(session: Session) -> bool:
    """Whether work beside ``session`` goes to the database worker (see the module)."""
    return not DATABASE_WORKER.is_current() and shares_snapshot(session)


class BackgroundQuery(Generic[T]):
    """``work(session)`` queued on the database worker now (or at :meth:`start`, with
    ``start=False``), with a session of its own; :meth:`result` waits for it, or does it on
    ``session`` when it was never queued."""

    def __init__(
        self,
        session: Session,
        work: Callable[[Session], T],
        priority: int = LATER,
        *,
        start: bool = True,
    ) -> None:
        self._session = session
        self._work = work
        self._priority = priority
        self._value: T | None = None
        self._error: BaseException | None = None
        self._done = False
        self._finished: threading.Event | None = None
        if start:
            self.start()

    def start(self) -> None:
        """Queue the work on the worker (once; nothing when it must run on the session)."""
        if self._finished is None and not self._done and uses_worker(self._session):
            self._finished = threading.Event()
            DATABASE_WORKER.submit(self._priority, self._run)

    def _run(self) -> None:
        try:
            with own_connection(self._session) as connection, Session(connection) as own:
                self._value = self._work(own)
        except SnapshotUnavailable:  # result() does the work on the session
            assert self._finished is not None
            self._finished.set()
            return
        except BaseException as error:  # raised again by result(), on the caller's thread
            self._error = error
        self._done = True
        assert self._finished is not None
        self._finished.set()

    def wait(self) -> None:
        """Wait for the work queued on the worker, if any, to be over (its connection
        closed), without asking for its result: what a caller that gives up does first."""
        if self._finished is not None:
            self._finished.wait()

    def result(self) -> T:
        if self._finished is not None:
            self._finished.wait()
        if self._error is not None:
            raise self._error
        if not self._done:
            self._value = self._work(self._session)
            self._done = True
        return self._value  # type: ignore[return-value]

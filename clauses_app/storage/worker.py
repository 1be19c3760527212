"""Database work done beside a session, on one worker thread with sessions of its own.

A screen's figures need a few aggregate queries (years covered, people counted) and the
database's sums of the hours (``figures_sums``), which SQLite answers with Python's lock
released, while the figures themselves are Python work: asked for on another thread, they
cost nothing of the figures' time. Only when another connection reads what the session
reads (``storage.connections``); otherwise the work runs on the session when its result is asked
for.

All such work goes through one *lane*: a single worker thread that runs one job at a time,
the most urgent first. A laptop has two cores: the session's thread keeps one to itself.
With a thread per job, the sums and two counts ran at once beside the figures, and the
figures' thread waited for a core 0.15-0.2 s of its 1.4 s (the national dashboard). Keep
the jobs to queries that return a few rows: every row fetched on the worker waits for
Python's lock, which the busy thread holds for up to 5 ms at a time.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from clauses_app.storage.connections import own_connection, second_reader_sees_the_same

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
        """Whether the caller runs on this lane (its work must not queue and wait there)."""
        return threading.current_thread() is self._thread

    def _serve(self) -> None:
        while True:
            _, _, job = self._jobs.get()
            try:
                job()
            except BaseException:  # jobs hand their errors over; this keeps the lane alive
                log.exception("Work beside a session failed")


DATABASE_WORKER = DatabaseWorker("beside")


def uses_worker(session: Session) -> bool:
    """Whether work beside ``session`` goes to the lane (see the module docstring)."""
    return not DATABASE_WORKER.is_current() and second_reader_sees_the_same(session)


class BackgroundQuery(Generic[T]):
    """``work(session)`` queued beside ``session`` now (or at :meth:`start`, with
    ``start=False``); :meth:`result` waits for it, or does it when it was never queued."""

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
        """Queue the work on the lane (once; nothing when it must run on the session)."""
        if self._finished is None and not self._done and uses_worker(self._session):
            self._finished = threading.Event()
            DATABASE_WORKER.submit(self._priority, self._run)

    def _run(self) -> None:
        try:
            with own_connection(self._session) as connection, Session(connection) as own:
                self._value = self._work(own)
        except BaseException as error:  # raised again by result(), on the caller's thread
            self._error = error
        self._done = True
        assert self._finished is not None
        self._finished.set()

    def result(self) -> T:
        if self._finished is not None:
            self._finished.wait()
        if self._error is not None:
            raise self._error
        if not self._done:
            self._value = self._work(self._session)
            self._done = True
        return self._value  # type: ignore[return-value]

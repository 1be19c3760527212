"""Database work done beside a session, on a worker thread with a session of its own.

A screen's figures need a few aggregate queries (years covered, people counted) that SQLite
answers with Python's lock released, while the figures themselves are Python work: asked for
on another thread, they cost nothing of the figures' time. Only when another connection reads
what the session reads (``storage.readers``); otherwise the work runs on the session when its
result is asked for. Keep such work to queries that return a few rows: every row fetched on
the worker waits for Python's lock, which the busy thread holds for up to 5 ms at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from clauses_app.storage.readers import own_connection, second_reader_sees_the_same

T = TypeVar("T")


class Beside(Generic[T]):
    """``work(session)`` started now beside ``session``; :meth:`result` waits for it."""

    def __init__(self, session: Session, work: Callable[[Session], T]) -> None:
        self._session = session
        self._work = work
        self._value: T | None = None
        self._error: BaseException | None = None
        self._done = False
        self._thread: threading.Thread | None = None
        if second_reader_sees_the_same(session):
            self._thread = threading.Thread(target=self._run, name="beside", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            with own_connection(self._session) as connection, Session(connection) as own:
                self._value = self._work(own)
        except BaseException as error:  # raised again by result(), on the caller's thread
            self._error = error
        self._done = True

    def result(self) -> T:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error
        if not self._done:
            self._value = self._work(self._session)
            self._done = True
        return self._value  # type: ignore[return-value]

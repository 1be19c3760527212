"""Progress reporting and cancellation for long work, without Qt.

A long service takes ``progress: Progress | None``. It calls ``progress(done, total, message)``
between steps; the caller's callback may raise :class:`Cancelled` to stop the work, which
must then leave the database unchanged (the service's transaction rolls back).
"""

from __future__ import annotations

from typing import Protocol


class Cancelled(Exception):
    """The user cancelled a long task."""


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "") -> None: ...


def report(progress: Progress | None, done: int, total: int, message: str = "") -> None:
    """Call ``progress`` when there is one (a no-op otherwise)."""
    if progress is not None:
        progress(done, total, message)


class CancelFlag:
    """A progress callback that raises :class:`Cancelled` once ``cancel()`` was called.

    Wraps an optional callback (e.g. one that forwards to a progress dialog).
    """

    def __init__(self, forward: Progress | None = None) -> None:
        self.cancelled = False
        self._forward = forward

    def cancel(self) -> None:
        self.cancelled = True

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if self.cancelled:
            raise Cancelled()
        report(self._forward, done, total, message)

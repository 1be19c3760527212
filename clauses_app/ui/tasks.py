"""The one background-task helper: run a service on a worker thread with progress and cancel.

The service receives the :class:`Database` (it opens its own session on the worker thread;
no ORM object crosses threads) and a progress callback that raises ``Cancelled`` once the
user pressed Cancel. The result or the error comes back on the GUI thread, and after a
successful *change* the application's ``data_changed`` signal tells open screens to refresh.

    run_task(window, "Import du fichier", lambda db, progress: import_file(db, path, progress),
             on_done=show_result)
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QWidget

from clauses_app.runtime import collector_paused
from clauses_app.services.progress import CancelFlag, Cancelled
from clauses_app.storage import Database
from clauses_app.ui.i18n import PERCENT_FORMAT

log = logging.getLogger(__name__)

TaskFunction = Callable[[Database, CancelFlag], Any]
Job = Callable[[CancelFlag], Any]


class _Worker(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()

    def __init__(self, job: Job, reads_only: bool) -> None:
        super().__init__()
        self.job = job
        self.reads_only = reads_only
        self.flag = CancelFlag(self._emit_progress)

    def _emit_progress(self, done: int, total: int, message: str = "") -> None:
        self.progressed.emit(done, total, message)

    @Slot()
    def run(self) -> None:
        try:
            # A task that only reads (figures, alerts, documents) makes many objects and no
            # cycles: the collector waits (clauses_app.runtime).
            with collector_paused(self.reads_only):
                result = self.job(self.flag)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # reported to the GUI thread, which shows it
            log.exception("Background task failed")
            self.failed.emit(exc, traceback.format_exc())
        else:
            self.succeeded.emit(result)


class Task(QObject):
    """A running background task. Keep a reference until ``finished`` (run_task does)."""

    finished = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        job: Job,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        show_progress: bool = True,
        changes_data: bool = True,
        can_cancel: bool = True,
    ) -> None:
        super().__init__(parent)
        self.on_done = on_done
        self.on_error = on_error
        self.on_cancel = on_cancel
        self.changes_data = changes_data
        self.result: Any = None
        self.error: BaseException | None = None
        self.was_cancelled = False
        self.worker_thread = QThread()
        self.worker = _Worker(job, reads_only=not changes_data)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.failed.connect(self._on_failed)
        self.worker.cancelled.connect(self._on_cancelled)
        self.dialog: QProgressDialog | None = None
        if show_progress:
            self.dialog = QProgressDialog(title, "Annuler", 0, 0, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setBar(french_progress_bar())
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(400)
            if can_cancel:
                self.dialog.canceled.connect(self.cancel)
            else:  # work that cannot stop halfway (a file copied, a schema upgraded)
                self.dialog.setCancelButton(None)

    def start(self) -> None:
        self.worker_thread.start()

    def cancel(self) -> None:
        self.worker.flag.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText("Annulation en cours…")

    @property
    def is_running(self) -> bool:
        return self.worker_thread.isRunning()

    def wait(self, msecs: int = 30_000) -> bool:
        return self.worker_thread.wait(msecs)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        # setValue() on a modal dialog runs the event loop, which may deliver the task's end
        # (and drop the dialog): label first, value last, through a local reference.
        if message:
            dialog.setLabelText(message)
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    def _finish(self) -> None:
        self.worker_thread.quit()
        self.worker_thread.wait()
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        self.finished.emit()

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        self._finish()
        if self.changes_data:
            notify_data_changed()
        if self.on_done is not None:
            self.on_done(result)

    @Slot(object, str)
    def _on_failed(self, error: BaseException, details: str) -> None:
        self.error = error
        self._finish()
        if self.on_error is not None:
            self.on_error(error)
        else:
            from clauses_app.ui.errors import show_error

            parent = self.parent()
            show_error(parent if isinstance(parent, QWidget) else None, error, details)

    @Slot()
    def _on_cancelled(self) -> None:
        self.was_cancelled = True
        self._finish()
        if self.on_cancel is not None:
            self.on_cancel()


def french_progress_bar() -> QProgressBar:
    """A progress bar whose text reads « 10 % » (a no-break space, as in French)."""
    bar = QProgressBar()
    bar.setFormat(PERCENT_FORMAT)
    return bar


_running: set[Task] = set()


def running_tasks() -> frozenset[Task]:
    """The tasks started by run_task that have not finished yet."""
    return frozenset(_running)


def stop_running_tasks(timeout_s: float = 120.0) -> bool:
    """Cancel every running task and wait until each has ended (its transaction rolled back
    or committed): at exit, before the database is disposed, since a QThread destroyed while
    running aborts the process. Results are still delivered (events are processed while
    waiting). False if some task was still running after ``timeout_s``."""
    for task in running_tasks():
        task.cancel()
    deadline = time.monotonic() + timeout_s
    while _running and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)
    return not _running


def run_task(
    parent: QWidget | None,
    title: str,
    database: Database,
    function: TaskFunction,
    **options: Any,
) -> Task:
    """Start ``function(database, progress)`` on a worker thread and return the task."""
    return _start(Task(parent, title, lambda progress: function(database, progress), **options))


def _start(task: Task) -> Task:
    _running.add(task)
    task.finished.connect(lambda: _running.discard(task))
    task.start()
    return task


def run_job(
    parent: QWidget | None,
    title: str,
    job: Job,
    **options: Any,
) -> Task:
    """Start ``job(progress)``, long work that is not done on the open database (opening
    or creating another one, copying or restoring a file), on a worker thread."""
    options.setdefault("changes_data", False)
    return _start(Task(parent, title, job, **options))


class DataBus(QObject):
    """Application-wide notification that data changed (open screens refresh)."""

    data_changed = Signal()


_bus: DataBus | None = None


def data_bus() -> DataBus:
    global _bus
    if _bus is None:
        _bus = DataBus()
    return _bus


def notify_data_changed() -> None:
    data_bus().data_changed.emit()

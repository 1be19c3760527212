"""Pieces the import and export dialogs share: the file row, the status line, and the guard
that keeps a dialog open while its background task runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from clauses_app.exchange.labels import french_step
from clauses_app.storage import Database
from clauses_app.ui.tasks import Task, TaskFunction, french_progress_bar, run_task
from clauses_app.ui.widgets.files import FileKind, ask_open_path, ask_save_path

ERROR_STYLE = "color: #b3261e;"
SUCCESS_STYLE = "color: #1b5e20;"
# Fits a 1366×768 screen with the task bar and the window frame.
DIALOG_SIZE = (980, 640)
CLAUSE_FILTER = "Fichier Clause (*.clause);;Tous les fichiers (*)"
SHEET_FILTER = "Tableur (*.xlsx *.csv);;Classeur Excel (*.xlsx);;CSV (*.csv);;Tous les fichiers (*)"


class FileRow(QWidget):
    """A path field with a "Choisir…" button (open or save dialog)."""

    chosen = Signal(Path)

    def __init__(self, caption: str, file_filter: str, kind: FileKind, save: bool = False) -> None:
        super().__init__()
        self.caption = caption
        self.file_filter = file_filter
        self.kind = kind
        self.save = save
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setReadOnly(not save)
        self.edit.setPlaceholderText("Aucun fichier choisi")
        self.button = QPushButton("Choisir…")
        self.button.clicked.connect(self.choose)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text) if text else None

    def set_path(self, path: Path) -> None:
        self.edit.setText(str(path))

    def choose(self) -> None:
        """Ask for the file, starting from the one in the field, else from the last folder
        of this kind of file."""
        current = self.path()
        if self.save:
            path = ask_save_path(self, self.kind, self.caption, self.file_filter, current)
        else:
            path = ask_open_path(self, self.kind, self.caption, self.file_filter, current)
        if path is not None:
            self.set_path(path)
            self.chosen.emit(path)


def status_label() -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    return label


def hint_label(text: str, indent: bool = False) -> QLabel:
    """A grey explanation under a choice (indented under a check box)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;" + (" margin-left: 22px;" if indent else ""))
    return label


def show_status(label: QLabel, text: str, error: bool = False, success: bool = False) -> None:
    label.setText(text)
    label.setStyleSheet(ERROR_STYLE if error else SUCCESS_STYLE if success else "")


class TaskDialog(QDialog):
    """A dialog that runs its long work through ``run_task``, with the progress shown inside
    the dialog (a bar, the current step and "Annuler") rather than in a second window. It
    cannot close while a task runs: closing asks the task to stop instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task: Task | None = None
        self._working = False
        self.resize(*DIALOG_SIZE)
        self.progress_row = QWidget()
        row = QHBoxLayout(self.progress_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress_label = QLabel("")
        self.progress_bar = french_progress_bar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(260)
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.clicked.connect(self.cancel_task)
        row.addWidget(self.progress_label, 1)
        row.addWidget(self.progress_bar)
        row.addWidget(self.cancel_button)
        self.progress_row.hide()

    @property
    def busy(self) -> bool:
        """True from the start of a task until its result (or error, or cancel) is shown."""
        return self._working

    def start_task(
        self,
        title: str,
        database: Database,
        function: TaskFunction,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_cancel: Callable[[], None],
        changes_data: bool,
    ) -> Task:
        """Run ``function(database, progress)`` in the background, progress shown here."""
        # No separate progress window: QProgressDialog.setValue() runs the event loop, which
        # can deliver the task's end while ui.tasks is still updating that window.
        task = run_task(
            self, title, database, function, on_done=on_done, on_error=on_error,
            on_cancel=on_cancel, changes_data=changes_data, show_progress=False,
        )  # fmt: skip
        self.task = task
        self._working = True
        task.worker.progressed.connect(self._on_progress)
        task.finished.connect(self._on_finished)
        self.progress_label.setText(title)
        self.progress_bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.progress_row.show()
        return task

    def _on_finished(self) -> None:
        # Emitted before the task's on_done/on_error/on_cancel run, so they see it idle.
        self._working = False
        self.progress_row.hide()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress_bar.setRange(0, max(total, 0))
        self.progress_bar.setValue(min(done, total) if total > 0 else 0)
        if message:
            self.progress_label.setText(french_step(message))

    def cancel_task(self) -> None:
        """Ask the running task to stop; the service rolls its transaction back."""
        if self.busy:
            assert self.task is not None
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Annulation en cours…")

    def reject(self) -> None:
        if self.busy:
            self.cancel_task()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            self.cancel_task()
            event.ignore()
            return
        super().closeEvent(event)

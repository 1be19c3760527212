"""Fichier ▸ Restaurer une sauvegarde… : the backups of the open SQLite file (date, size,
reason), one restored after a confirmation.

The restore itself is storage/backup.py's ``restore_backup``: it checks the backup (a backup
that fails its integrity check changes nothing), keeps a copy of the current database among
the backups, applies again the purges done since, then replaces the file. The database must
be closed meanwhile: the window lets it go, and opens the file again afterwards, restored or
(when the backup was refused) as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clauses_app.formatting import format_date, format_number
from clauses_app.storage import Database, DatabaseError
from clauses_app.storage.backup import Backup, BackupError, list_backups, restore_backup
from clauses_app.ui.context import AppContext
from clauses_app.ui.errors import explain_database_error
from clauses_app.ui.widgets.dialogs import confirm, inform, warn

if TYPE_CHECKING:
    from clauses_app.ui.main_window import MainWindow
    from clauses_app.ui.tasks import Task

log = logging.getLogger(__name__)

COLUMNS = ("Date", "Taille", "Motif")
EMPTY_TEXT = (
    "Aucune sauvegarde de cette base pour l'instant. Clauses en prend une avant chaque mise à "
    "jour du schéma, chaque import, chaque purge et au premier démarrage de chaque journée."
)


def size_label(size: int) -> str:
    """Bytes as a person reads them: « 1,2 Mo », « 850 ko »."""
    if size >= 1_000_000:
        return f"{format_number(size / 1_000_000, 1)}\u00a0Mo"
    return f"{format_number(max(size / 1000, 1), 0)}\u00a0ko"


def when_label(backup: Backup) -> str:
    return f"{format_date(backup.taken_at.date())} à {backup.taken_at:%H:%M:%S}"


class RestoreDialog(QDialog):
    """The backups of one database file, newest first."""

    def __init__(self, window: MainWindow, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.db_path = db_path
        self.setWindowTitle("Restaurer une sauvegarde")
        self.resize(640, 380)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Sauvegardes de la base « {db_path} », la plus récente d'abord. La base actuelle "
            "est elle-même sauvegardée avant d'être remplacée."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        layout.addWidget(self.table, 1)
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setWordWrap(True)
        layout.addWidget(self.empty_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton("Restaurer…")
        self.restore_button.setObjectName("restore_selected")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.backups: list[Backup] = []
        self.refresh()

    def refresh(self) -> None:
        self.backups = list_backups(self.db_path)
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            for column, text in enumerate(
                (when_label(backup), size_label(backup.size), backup.reason_label)
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.setVisible(bool(self.backups))
        self.empty_label.setVisible(not self.backups)
        if self.backups:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def restore_selected(self) -> Task | None:
        """Confirm, then restore the selected backup on a worker thread (the task, or None
        when nothing was started). The dialog closes once the database is replaced."""
        backup = self.selected()
        if backup is None:
            return None
        question = (
            f"Remplacer la base ouverte par la sauvegarde du {when_label(backup)} "
            f"({backup.reason_label}) ?\n\nLes modifications faites depuis seront perdues ; "
            "une copie de la base actuelle est gardée parmi les sauvegardes."
        )
        if not confirm(self, "Restaurer une sauvegarde", question, "Restaurer"):
            return None
        if not self.window_.pages_let_go():
            return None
        return restore_into_window(self.window_, self.db_path, backup, self._ended)

    def _ended(self, restored: bool) -> None:
        if restored:
            self.accept()
        else:
            self.refresh()


Restored = tuple[Database, Path | None, BackupError | None]


def restore_into_window(
    window: MainWindow, db_path: Path, backup: Backup,
    on_end: Callable[[bool], None] | None = None,
) -> Task:  # fmt: skip
    """Close the window's database, restore ``backup`` over it and open it again (restored,
    or unchanged when the backup is refused) on a worker thread, then say what happened in
    French; ``on_end`` learns whether the database was replaced."""
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.ui.tasks import run_job

    old = window.detach()
    demo = bool(old and old.demo)
    if old is not None:
        old.database.dispose()  # restore_backup needs the file closed

    def restore_and_reopen(_progress: object) -> Restored:
        error: BackupError | None = None
        kept: Path | None = None
        try:
            kept = restore_backup(db_path, backup)
        except BackupError as exc:
            log.warning("Backup %s refused: %s", backup.path, exc)
            error = exc
        return open_app_database(str(db_path)), kept, error

    def end(restored: bool) -> None:
        if on_end is not None:
            on_end(restored)

    def reopened(result: Restored) -> None:
        database, kept, error = result
        window.attach(AppContext(database, demo=demo))
        if error is not None:
            warn(window, "Restauration impossible", str(error))
            end(False)
            return
        inform(
            window, "Sauvegarde restaurée",
            f"La base a été restaurée depuis la sauvegarde du {when_label(backup)}.\n\n"
            f"La base remplacée est gardée : {kept}",
        )  # fmt: skip
        end(True)

    def failed(exc: BaseException) -> None:  # not expected: the file was checked or left as it was
        log.error("Database unusable after a restore", exc_info=exc)
        if isinstance(exc, DatabaseError):
            warn(window, *explain_database_error(exc))
        else:
            from clauses_app.ui.errors import show_error

            show_error(window, exc)
        end(False)

    return run_job(
        window, "Restauration de la sauvegarde", restore_and_reopen,
        on_done=reopened, on_error=failed, can_cancel=False,
    )  # fmt: skip


def open_restore_dialog(window: MainWindow) -> RestoreDialog | None:
    """The dialog for the window's SQLite file (None for PostgreSQL: the action is off)."""
    path = window.context.database.file_path if window.context is not None else None
    if path is None:
        return None
    dialog = RestoreDialog(window, path)
    dialog.open()
    return dialog

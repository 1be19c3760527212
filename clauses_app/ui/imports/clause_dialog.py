"""Import of a ``.clause`` file: choose the file, see the preview (computed in the background:
counts per entity, every error with member, row and column, conflicts), then import in one
transaction. A file with errors is imported only when "N'importer que les lignes valides" is
ticked; Cancel during the import leaves the database unchanged (the service rolls back)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clauses_app.exchange import ImportReport, import_clause_file, preview_clause_file
from clauses_app.formatting import format_number
from clauses_app.services.progress import CancelFlag
from clauses_app.storage import Database
from clauses_app.ui.context import AppContext
from clauses_app.ui.imports.common import (
    CLAUSE_FILTER,
    FileRow,
    TaskDialog,
    show_status,
    status_label,
)
from clauses_app.ui.imports.report_models import conflict_labels
from clauses_app.ui.imports.report_view import ReportView
from clauses_app.ui.widgets.files import FileKind

ONLY_VALID_TEXT = "N'importer que les lignes valides (les lignes en erreur sont ignorées)"


@dataclass(frozen=True)
class Preview:
    report: ImportReport
    labels: dict[uuid.UUID, str]  # names of the conflicting records


def _preview(database: Database, path: Path, progress: CancelFlag) -> Preview:
    progress(0, 1, f"Lecture de {path.name}")
    report = preview_clause_file(database, path, progress=progress)
    with database.session() as session:
        labels = conflict_labels(session, report.conflicts)
    progress(1, 1, "Aperçu prêt")
    return Preview(report, labels)


def _conflicts_text(count: int) -> str:
    return f"{format_number(count, 0)} enregistrement{'s' if count > 1 else ''} en conflit"


class ClauseImportDialog(TaskDialog):
    """Preview then import of a Clause exchange file."""

    def __init__(
        self, context: AppContext, path: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.preview: ImportReport | None = None
        self.imported: ImportReport | None = None
        self.labels: dict[uuid.UUID, str] = {}
        self.setObjectName("clause_import_dialog")
        self.setWindowTitle("Importer un fichier Clause")
        self._build()
        if path is not None:
            self.set_path(Path(path))

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.file_row = FileRow("Choisir un fichier Clause", CLAUSE_FILTER, FileKind.CLAUSE)
        self.file_row.chosen.connect(self.set_path)
        form.addRow("Fichier :", self.file_row)
        layout.addLayout(form)
        self.report_view = ReportView()
        self.report_view.clear("Choisissez un fichier .clause : un aperçu s'affichera ici.")
        layout.addWidget(self.report_view, 1)
        self.only_valid = QCheckBox(ONLY_VALID_TEXT)
        self.only_valid.setEnabled(False)
        self.only_valid.toggled.connect(self._update_buttons)
        layout.addWidget(self.only_valid)
        self.status = status_label()
        layout.addWidget(self.status)
        layout.addWidget(self.progress_row)
        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton("Importer")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("Fermer")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_buttons()

    # --- preview ---------------------------------------------------------------------------
    def set_path(self, path: Path) -> None:
        """Show ``path`` and compute its preview in the background."""
        if self.busy:
            return
        self.file_row.set_path(path)
        self.preview = self.imported = None
        self.only_valid.setChecked(False)
        self.report_view.clear("Analyse du fichier…")
        show_status(self.status, "")
        self._update_buttons()
        self.start_task(
            "Analyse du fichier Clause",
            self.context.database,
            lambda db, progress: _preview(db, path, progress),
            on_done=self._show_preview,
            on_error=self._show_failure,
            on_cancel=lambda: self.report_view.clear("Analyse annulée."),
            changes_data=False,
        )

    def _show_preview(self, preview: Preview) -> None:
        report = self.preview = preview.report
        self.labels = preview.labels
        self.report_view.show_report(report, labels=self.labels)
        if report.ok and report.conflicts:
            show_status(
                self.status,
                f"{_conflicts_text(len(report.conflicts))} : modifié(s) ici plus récemment que "
                "dans le fichier, conservé(s) tel(s) quel(s). Rien n'a encore été écrit.",
            )
        elif report.ok:
            show_status(
                self.status, "Rien n'a encore été écrit : vérifiez l'aperçu, puis importez."
            )
        else:
            show_status(
                self.status,
                "Le fichier comporte des erreurs : rien ne sera importé, sauf si vous choisissez "
                "de n'importer que les lignes valides.",
                error=True,
            )
        self._update_buttons()

    def _show_failure(self, error: BaseException) -> None:
        self.report_view.clear("")
        show_status(self.status, f"Impossible de lire ce fichier : {error}", error=True)
        self._update_buttons()

    # --- import ----------------------------------------------------------------------------
    def can_import(self) -> bool:
        if self.preview is None or self.imported is not None or self.busy:
            return False
        return self.preview.ok or self.only_valid.isChecked()

    def _update_buttons(self, *_args: Any) -> None:
        has_errors = self.preview is not None and not self.preview.ok
        self.only_valid.setEnabled(has_errors and self.imported is None)
        self.import_button.setEnabled(self.can_import())

    def start_import(self) -> None:
        path = self.file_row.path()
        if path is None or not self.can_import():
            return
        only_valid = self.only_valid.isChecked()
        self.import_button.setEnabled(False)
        show_status(self.status, "Import en cours…")
        self.start_task(
            "Import du fichier Clause",
            self.context.database,
            lambda db, progress: import_clause_file(db, path, only_valid, progress),
            on_done=self._show_result,
            on_error=self._show_import_failure,
            on_cancel=self._show_cancelled,
            changes_data=True,
        )

    def _show_result(self, report: ImportReport) -> None:
        self.imported = report
        self.report_view.show_report(report, done=True, labels=self.labels)
        if report.applied:
            show_status(self.status, "Import terminé.", success=True)
        else:
            show_status(self.status, "Import refusé : la base n'a pas été modifiée.", error=True)
        self.close_button.setFocus()
        self._update_buttons()

    def _show_import_failure(self, error: BaseException) -> None:
        show_status(
            self.status, f"L'import a échoué, la base n'a pas été modifiée : {error}", error=True
        )
        self._update_buttons()

    def _show_cancelled(self) -> None:
        show_status(self.status, "Import annulé : la base n'a pas été modifiée.", error=True)
        self._update_buttons()

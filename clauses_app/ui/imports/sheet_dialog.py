"""Import of a spreadsheet (XLSX or CSV): a monthly hour statement or a facilitator's tracker.

Three steps: 1. the file and its kind; 2. the column mapping (guessed from the headers,
corrected by the user, saved as a named profile); 3. the preview (counts, errors with sheet,
row and column, uncertain participant matches to confirm, warnings), then the import in one
transaction. Every reading of the file runs in the background through ``run_task``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clauses_app.exchange import SheetReport, import_sheet, preview_sheet
from clauses_app.exchange.sheets import HOURS, TRACKER
from clauses_app.formatting import format_number
from clauses_app.services.progress import CancelFlag
from clauses_app.storage import Database
from clauses_app.ui.context import AppContext
from clauses_app.ui.imports.clause_dialog import ONLY_VALID_TEXT
from clauses_app.ui.imports.common import (
    SHEET_FILTER,
    FileRow,
    TaskDialog,
    hint_label,
    show_status,
    status_label,
)
from clauses_app.ui.imports.mapping_editor import MappingEditor
from clauses_app.ui.imports.report_view import ReportView
from clauses_app.ui.widgets.files import FileKind

FILE_STEP, MAPPING_STEP, PREVIEW_STEP = 0, 1, 2
STEP_TITLES = ("Fichier", "Correspondance des colonnes", "Aperçu et import")
KIND_TEXTS = {
    HOURS: "Relevé d'heures mensuel (envoyé par une entreprise ou une SIAE)",
    TRACKER: "Tableau de suivi (marchés, entreprises, participants, contrats, heures)",
}
CONFIRM_MATCHES_TEXT = (
    "J'ai vérifié les correspondances incertaines : ce sont bien les mêmes personnes"
)


def _preview(
    database: Database, path: Path, kind: str, mapping: dict[str, str] | None, progress: CancelFlag
) -> SheetReport:
    progress(0, 1, f"Lecture de {path.name}")
    report = preview_sheet(database, path, kind, mapping=mapping, progress=progress)
    progress(1, 1, "Aperçu prêt")
    return report


class SheetImportDialog(TaskDialog):
    """The three-step import of a statement or a tracker."""

    def __init__(
        self,
        context: AppContext,
        path: Path | None = None,
        kind: str = HOURS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.analysis: SheetReport | None = None
        self.preview: SheetReport | None = None
        self.imported: SheetReport | None = None
        self.setObjectName("sheet_import_dialog")
        self.setWindowTitle("Importer un tableur")
        self._build()
        self.set_kind(kind)
        if path is not None:
            self.file_row.set_path(Path(path))
        self.go_to(FILE_STEP)

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.step_label = QLabel("")
        font = QFont(self.step_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.step_label.setFont(font)
        layout.addWidget(self.step_label)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._file_page())
        self.mapping_editor = MappingEditor(self.context)
        self.mapping_editor.changed.connect(self._update_buttons)
        self.stack.addWidget(self.mapping_editor)
        self.stack.addWidget(self._preview_page())
        layout.addWidget(self.stack, 1)
        self.status = status_label()
        layout.addWidget(self.status)
        layout.addWidget(self.progress_row)
        self.buttons = QDialogButtonBox()
        self.back_button = QPushButton("< Précédent")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton("Suivant >")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.go_next)
        self.buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.next_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("Fermer")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _file_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.file_row = FileRow("Choisir un tableur", SHEET_FILTER, FileKind.SHEET)
        self.file_row.edit.textChanged.connect(self._update_buttons)
        form.addRow("Fichier :", self.file_row)
        layout.addLayout(form)
        layout.addWidget(QLabel("Ce fichier est :"))
        self.kind_buttons = QButtonGroup(self)
        self.kind_radios: dict[str, QRadioButton] = {}
        for kind in (HOURS, TRACKER):
            radio = QRadioButton(KIND_TEXTS[kind])
            self.kind_buttons.addButton(radio)
            self.kind_radios[kind] = radio
            layout.addWidget(radio)
        hint = hint_label(
            "Formats acceptés : classeur Excel (.xlsx) ou CSV (UTF-8 ou Windows-1252, séparateur "
            "« ; » ou « , », virgule décimale). Les lignes de titre au-dessus des en-têtes et la "
            "ligne TOTAL sont ignorées. À l'étape suivante, vous vérifiez quelle colonne du "
            "fichier correspond à chaque information."
        )
        layout.addSpacing(8)
        layout.addWidget(hint)
        layout.addStretch(1)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.report_view = ReportView()
        layout.addWidget(self.report_view, 1)
        self.confirm_matches = QCheckBox(CONFIRM_MATCHES_TEXT)
        self.confirm_matches.toggled.connect(self._update_buttons)
        layout.addWidget(self.confirm_matches)
        self.only_valid = QCheckBox(ONLY_VALID_TEXT)
        self.only_valid.toggled.connect(self._update_buttons)
        layout.addWidget(self.only_valid)
        return page

    # --- navigation ------------------------------------------------------------------------
    def kind(self) -> str:
        return TRACKER if self.kind_radios[TRACKER].isChecked() else HOURS

    def set_kind(self, kind: str) -> None:
        self.kind_radios[kind].setChecked(True)

    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def go_to(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.step_label.setText(f"Étape {step + 1} sur 3 — {STEP_TITLES[step]}")
        self.next_button.setText("Importer" if step == PREVIEW_STEP else "Suivant >")
        if step != PREVIEW_STEP:
            show_status(self.status, "")
        self._update_buttons()

    def go_back(self) -> None:
        if self.step > FILE_STEP and not self.busy and self.imported is None:
            self.go_to(self.step - 1)

    def go_next(self) -> None:
        """Analyse the file, preview with the mapping, or import, depending on the step."""
        if self.busy:
            return
        if self.step == FILE_STEP:
            self.analyse()
        elif self.step == MAPPING_STEP:
            self.preview_mapping()
        else:
            self.start_import()

    def _update_buttons(self, *_args: Any) -> None:
        idle = not self.busy and self.imported is None
        self.back_button.setEnabled(idle and self.step > FILE_STEP)
        if self.step == FILE_STEP:
            enabled = self.file_row.path() is not None
        elif self.step == MAPPING_STEP:
            enabled = not self.mapping_editor.missing_required()
        else:
            enabled = self.can_import()
        self.next_button.setEnabled(idle and enabled)
        has_errors = self.preview is not None and not self.preview.ok
        self.only_valid.setEnabled(idle and has_errors)
        has_matches = self.preview is not None and bool(self.preview.uncertain_matches)
        self.confirm_matches.setVisible(has_matches)

    # --- step 1: analyse -------------------------------------------------------------------
    def analyse(self) -> None:
        """Read the file with the guessed mapping, to offer its headers in the next step."""
        path = self.file_row.path()
        if path is None:
            return
        kind = self.kind()
        show_status(self.status, "Lecture du fichier…")
        self._run(
            "Lecture du tableur",
            lambda db, progress: _preview(db, path, kind, None, progress),
            self._show_analysis,
        )

    def _show_analysis(self, report: SheetReport) -> None:
        self.analysis = report
        if not report.headers:
            message = "; ".join(str(e) for e in report.errors) or "en-têtes introuvables"
            show_status(self.status, f"Fichier illisible : {message}", error=True)
            self._update_buttons()
            return
        sheet = f"feuille « {report.sheet} », " if report.sheet else ""
        where = (
            f"Colonnes lues dans {sheet}ligne d'en-tête {report.header_row}. Choisissez, pour "
            "chaque information, la colonne du fichier qui la contient (* : obligatoire)."
        )
        self.mapping_editor.set_table(report.kind, report.headers, report.mapping, where)
        self.go_to(MAPPING_STEP)

    # --- step 2: preview with the mapping --------------------------------------------------
    def preview_mapping(self) -> None:
        path = self.file_row.path()
        if path is None or self.analysis is None:
            return
        kind, mapping = self.analysis.kind, self.mapping_editor.mapping()
        show_status(self.status, "Contrôle des lignes…")
        self._run(
            "Aperçu de l'import",
            lambda db, progress: _preview(db, path, kind, mapping, progress),
            self._show_preview,
        )

    def _show_preview(self, report: SheetReport) -> None:
        self.preview = report
        self.confirm_matches.setChecked(False)
        self.only_valid.setChecked(False)
        self.report_view.show_report(report)
        self.go_to(PREVIEW_STEP)
        matches = len(report.uncertain_matches)
        if not report.ok:
            show_status(
                self.status,
                "Le fichier comporte des erreurs : rien ne sera importé, sauf si vous choisissez "
                "de n'importer que les lignes valides.",
                error=True,
            )
        elif matches:
            show_status(
                self.status,
                f"{format_number(matches, 0)} personne(s) rapprochée(s) sur des indices "
                "incomplets : vérifiez l'onglet « Correspondances incertaines ».",
                error=True,
            )
        else:
            show_status(
                self.status, "Rien n'a encore été écrit : vérifiez l'aperçu, puis importez."
            )

    # --- step 3: import --------------------------------------------------------------------
    def can_import(self) -> bool:
        report = self.preview
        if report is None or self.imported is not None or self.busy:
            return False
        if report.uncertain_matches and not self.confirm_matches.isChecked():
            return False
        return report.ok or self.only_valid.isChecked()

    def start_import(self) -> None:
        path = self.file_row.path()
        if path is None or self.preview is None or not self.can_import():
            return
        kind, mapping = self.preview.kind, dict(self.preview.mapping)
        only_valid = self.only_valid.isChecked()
        show_status(self.status, "Import en cours…")
        self._run(
            "Import du tableur",
            lambda db, progress: import_sheet(
                db, path, kind, mapping=mapping, only_valid=only_valid, progress=progress
            ),
            self._show_result,
            changes_data=True,
        )

    def _show_result(self, report: SheetReport) -> None:
        self.imported = report
        self.report_view.show_report(report, done=True)
        if report.applied:
            show_status(self.status, "Import terminé.", success=True)
        else:
            show_status(self.status, "Import refusé : la base n'a pas été modifiée.", error=True)
        self._update_buttons()
        self.close_button.setFocus()

    # --- tasks -----------------------------------------------------------------------------
    def _run(self, title: str, function: Any, on_done: Any, changes_data: bool = False) -> None:
        self.start_task(
            title,
            self.context.database,
            function,
            on_done=on_done,
            on_error=self._show_failure,
            on_cancel=self._show_cancelled,
            changes_data=changes_data,
        )
        self._update_buttons()

    def _show_failure(self, error: BaseException) -> None:
        show_status(self.status, f"Échec, la base n'a pas été modifiée : {error}", error=True)
        self._update_buttons()

    def _show_cancelled(self) -> None:
        show_status(self.status, "Annulé : la base n'a pas été modifiée.", error=True)
        self._update_buttons()

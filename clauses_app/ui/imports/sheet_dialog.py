"""Import of a spreadsheet (XLSX or CSV): a monthly hour statement or a facilitator's tracker.

Three steps: 1. the file and its kind; 2. the column mapping (guessed from the headers,
corrected by the user, saved as a named profile); 3. the preview (counts, errors with sheet,
row and column, uncertain participant matches to confirm, warnings), then the import in one
transaction. Every reading of the file runs in the background through ``run_task``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clauses_app.exchange import SheetReport
from clauses_app.exchange.sheets import HOURS, TRACKER
from clauses_app.exchange.sheets.service import BatchReport, import_sheets
from clauses_app.formatting import format_hours, format_month, format_number
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
from clauses_app.ui.imports.sheet_parts import SampleTable, UnknownValues
from clauses_app.ui.widgets.files import FileKind, ask_open_paths

FILE_STEP, MAPPING_STEP, PREVIEW_STEP = 0, 1, 2
STEP_TITLES = ("Fichier", "Correspondance des colonnes", "Aperçu et import")
KIND_TEXTS = {
    HOURS: "Relevé d'heures mensuel (envoyé par une entreprise ou une SIAE)",
    TRACKER: "Tableau de suivi (marchés, entreprises, participants, contrats, heures)",
}
CONFIRM_MATCHES_TEXT = (
    "J'ai vérifié les correspondances incertaines : ce sont bien les mêmes personnes"
)


ALL_OR_NOTHING_TEXT = (
    "Plusieurs fichiers peuvent être choisis (Ctrl ou Maj + clic) : ils sont importés ensemble, "
    "en une seule fois. Si l'un d'eux comporte une erreur, aucun n'est importé et la base reste "
    "inchangée. Les relevés préparés par Clauses (Fichier › Préparer les relevés du mois) sont "
    "reconnus sans correspondance de colonnes."
)
SEPARATOR = " ; "


def _batch(
    database: Database,
    paths: list[Path],
    kind: str,
    mapping: dict[str, str] | None,
    values: dict[str, dict[str, str]] | None,
    progress: CancelFlag,
    apply: bool = False,
    only_valid: bool = False,
) -> BatchReport:
    names = ", ".join(p.name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
    progress(0, 1, f"Lecture de {names}")
    batch = import_sheets(database, paths, kind, mapping, values=values, apply=apply,
                          only_valid=only_valid, progress=progress)  # fmt: skip
    progress(1, 1, "Import terminé" if apply else "Aperçu prêt")
    return batch


class SheetFilesRow(FileRow):
    """The file row, choosing one spreadsheet or several (shown joined by « ; »)."""

    def choose(self) -> None:
        current = self.path()
        paths = ask_open_paths(self, self.kind, self.caption, self.file_filter, current)
        if paths:
            self.set_paths(paths)
            self.chosen.emit(paths[0])

    def set_paths(self, paths: list[Path]) -> None:
        self.edit.setText(SEPARATOR.join(str(p) for p in paths))

    def paths(self) -> list[Path]:
        return [Path(t.strip()) for t in self.edit.text().split(SEPARATOR) if t.strip()]

    def path(self) -> Path | None:
        paths = self.paths()
        return paths[0] if paths else None


class SheetImportDialog(TaskDialog):
    """The three-step import of statements or a tracker, one file or several at once."""

    def __init__(
        self,
        context: AppContext,
        path: Path | None = None,
        kind: str = HOURS,
        parent: QWidget | None = None,
        paths: list[Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.analysis: SheetReport | None = None
        self.preview: SheetReport | None = None
        self.imported: SheetReport | None = None
        self.batch_preview: BatchReport | None = None
        self.batch_result: BatchReport | None = None
        self.setObjectName("sheet_import_dialog")
        self.setWindowTitle("Importer un tableur")
        self._build()
        self.set_kind(kind)
        if paths:
            self.file_row.set_paths(list(paths))
        elif path is not None:
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
        self.stack.addWidget(self._mapping_page())
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
        self.file_row = SheetFilesRow("Choisir un ou plusieurs tableurs", SHEET_FILTER,
                                      FileKind.SHEET)  # fmt: skip
        self.file_row.edit.textChanged.connect(self._update_buttons)
        form.addRow("Fichier(s) :", self.file_row)
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
        self.batch_hint = hint_label(ALL_OR_NOTHING_TEXT)
        self.batch_hint.setObjectName("all_or_nothing")
        layout.addWidget(self.batch_hint)
        layout.addStretch(1)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.mapping_editor = MappingEditor(self.context)
        self.mapping_editor.changed.connect(self._update_buttons)
        layout.addWidget(self.mapping_editor, 3)
        self.sample_table = SampleTable()
        layout.addWidget(self.sample_table, 1)
        self.unknown_values = UnknownValues(self.context)
        layout.addWidget(self.unknown_values)
        self.mapping_editor.values_provider = self.unknown_values.values
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        files = QHBoxLayout()
        self.file_label = QLabel("Fichier :")
        self.file_combo = QComboBox()
        self.file_combo.setObjectName("preview_file")
        self.file_combo.currentIndexChanged.connect(self._show_file)
        files.addWidget(self.file_label)
        files.addWidget(self.file_combo, 1)
        layout.addLayout(files)
        self.report_view = ReportView()
        layout.addWidget(self.report_view, 1)
        self.companies_label = QLabel("")
        self.companies_label.setObjectName("companies_summary")
        self.companies_label.setWordWrap(True)
        self.companies_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.companies_label)
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

    def paths(self) -> list[Path]:
        return self.file_row.paths()

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
            back = self.step - 1
            if back == MAPPING_STEP and not self.mapping_editor.kind:
                back = FILE_STEP  # only prepared statements: no mapping step
            self.go_to(back)

    def go_next(self) -> None:
        """Analyse the files, preview with the mapping, or import, depending on the step."""
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
            enabled = bool(self.paths())
        elif self.step == MAPPING_STEP:
            enabled = not self.mapping_editor.missing_required()
        else:
            enabled = self.can_import()
        self.next_button.setEnabled(idle and enabled)
        batch = self.batch_preview
        has_errors = batch is not None and not batch.ok
        self.only_valid.setEnabled(idle and has_errors)
        has_matches = batch is not None and any(f.uncertain_matches for f in batch.files)
        self.confirm_matches.setVisible(has_matches)

    # --- step 1: analyse -------------------------------------------------------------------
    def analyse(self) -> None:
        """Read the files with the guessed mapping, to offer their headers in the next step."""
        paths = self.paths()
        if not paths:
            return
        kind = self.kind()
        show_status(self.status, "Lecture du fichier…" if len(paths) == 1 else
                    f"Lecture des {len(paths)} fichiers…")  # fmt: skip
        self._run(
            "Lecture du tableur",
            lambda db, progress: _batch(db, paths, kind, None, None, progress),
            self._show_analysis,
        )

    def _show_analysis(self, batch: BatchReport) -> None:
        unreadable = [f for f in batch.files if not f.headers]
        if unreadable:
            message = "; ".join(str(e) for f in unreadable for e in f.errors)
            show_status(self.status, f"Fichier illisible : {message or 'en-têtes introuvables'}",
                        error=True)  # fmt: skip
            self._update_buttons()
            return
        to_map = [f for f in batch.files if f.statement_month is None]
        if not to_map:  # prepared statements only: no mapping to check
            self.analysis = None
            self.mapping_editor.kind = ""
            self._show_preview(batch)
            return
        report = to_map[0]
        self.analysis = report
        sheet = f"feuille « {report.sheet} », " if report.sheet else ""
        others = len(to_map) - 1
        also = (f" La même correspondance sert aux {others} autres fichiers à mettre en "
                "correspondance." if others else "")  # fmt: skip
        where = (
            f"Colonnes lues dans {Path(report.source).name}, {sheet}ligne d'en-tête "
            f"{report.header_row}. Choisissez, pour chaque information, la colonne du fichier "
            f"qui la contient (* : obligatoire).{also}"
        )
        self.mapping_editor.set_table(report.kind, report.headers, report.mapping, where)
        self.sample_table.show_rows(report.headers, report.sample_rows)
        self.unknown_values.show_values(report.kind, _unknown(batch))
        self.go_to(MAPPING_STEP)

    # --- step 2: preview with the mapping --------------------------------------------------
    def preview_mapping(self) -> None:
        paths = self.paths()
        if not paths or self.analysis is None:
            return
        kind, mapping = self.analysis.kind, self.mapping_editor.mapping()
        values = self.unknown_values.values()
        show_status(self.status, "Contrôle des lignes…")
        self._run(
            "Aperçu de l'import",
            lambda db, progress: _batch(db, paths, kind, mapping, values, progress),
            self._show_preview,
        )

    def _show_preview(self, batch: BatchReport) -> None:
        self.batch_preview = batch
        self.preview = batch.files[0] if batch.files else None
        self.confirm_matches.setChecked(False)
        self.only_valid.setChecked(False)
        self._fill_files(batch)
        if self.analysis is not None:
            self.unknown_values.show_values(self.analysis.kind, _unknown(batch))
        self.go_to(PREVIEW_STEP)
        matches = sum(len(f.uncertain_matches) for f in batch.files)
        several = len(batch.files) > 1
        if not batch.ok:
            refused = [Path(f.source).name for f in batch.files if not f.ok]
            unknown = " Des valeurs ne sont pas reconnues : revenez à l'étape précédente pour " \
                "choisir leur code." if _unknown(batch) else ""  # fmt: skip
            show_status(
                self.status,
                (f"Erreurs dans {', '.join(refused)} : aucun fichier ne sera importé, sauf si "
                 "vous choisissez de n'importer que les lignes valides." if several else
                 "Le fichier comporte des erreurs : rien ne sera importé, sauf si vous choisissez "
                 "de n'importer que les lignes valides.") + unknown,
                error=True,
            )  # fmt: skip
        elif matches:
            show_status(
                self.status,
                f"{format_number(matches, 0)} personne(s) rapprochée(s) sur des indices "
                "incomplets : vérifiez l'onglet « Correspondances incertaines ».",
                error=True,
            )
        else:
            show_status(
                self.status,
                "Rien n'a encore été écrit : vérifiez l'aperçu, puis importez"
                + (f" les {len(batch.files)} fichiers en une fois." if several else "."),
            )

    def _fill_files(self, batch: BatchReport) -> None:
        self.file_combo.blockSignals(True)
        self.file_combo.clear()
        for report in batch.files:
            state = "" if report.ok else f" — {format_number(len(report.errors), 0)} erreur(s)"
            month = (f" (relevé préparé, {_month_words(report.statement_month)})"
                     if report.statement_month else "")  # fmt: skip
            self.file_combo.addItem(f"{Path(report.source).name}{month}{state}")
        self.file_combo.blockSignals(False)
        several = len(batch.files) > 1
        self.file_label.setVisible(several)
        self.file_combo.setVisible(several)
        first_bad = next((i for i, f in enumerate(batch.files) if not f.ok), 0)
        self.file_combo.setCurrentIndex(first_bad)
        self._show_file()
        self.companies_label.setText(_companies_text(batch))
        self.companies_label.setVisible(bool(batch.companies))

    def _show_file(self, *_args: Any) -> None:
        batch = self.batch_result or self.batch_preview
        index = self.file_combo.currentIndex()
        if batch is None or not 0 <= index < len(batch.files):
            return
        self.report_view.show_report(batch.files[index], done=self.batch_result is not None)

    # --- step 3: import --------------------------------------------------------------------
    def can_import(self) -> bool:
        batch = self.batch_preview
        if batch is None or self.imported is not None or self.busy:
            return False
        if any(f.uncertain_matches for f in batch.files) and not self.confirm_matches.isChecked():
            return False
        return batch.ok or self.only_valid.isChecked()

    def start_import(self) -> None:
        paths = self.paths()
        if not paths or self.batch_preview is None or not self.can_import():
            return
        kind = self.batch_preview.kind
        mapping = dict(self.analysis.mapping) if self.analysis is not None else None
        if self.analysis is not None and self.preview is not None:
            mapping = self.mapping_editor.mapping()
        values = self.unknown_values.values()
        only_valid = self.only_valid.isChecked()
        show_status(self.status, "Import en cours…")
        self._run(
            "Import du tableur",
            lambda db, progress: _batch(
                db, paths, kind, mapping, values, progress, apply=True, only_valid=only_valid
            ),
            self._show_result,
            changes_data=True,
        )

    def _show_result(self, batch: BatchReport) -> None:
        self.batch_result = batch
        self.imported = batch.files[0] if batch.files else None
        self._fill_files(batch)
        if batch.applied:
            show_status(self.status, "Import terminé." if len(batch.files) == 1 else
                        f"Import terminé : {len(batch.files)} fichiers.", success=True)  # fmt: skip
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


def _unknown(batch: BatchReport) -> dict[str, dict[str, int]]:
    """Values not understood in any file, with their row counts added up."""
    result: dict[str, dict[str, int]] = {}
    for report in batch.files:
        for field_name, values in report.unknown_values.items():
            counts = result.setdefault(field_name, {})
            for text, rows in values.items():
                counts[text] = counts.get(text, 0) + rows
    return result


def _month_words(key: str | None) -> str:
    if not key:
        return ""
    year, month = key.split("-")
    return format_month(int(year), int(month))


def _companies_text(batch: BatchReport) -> str:
    if not batch.companies:
        return ""
    lines = [
        f"{c.name} : {format_number(c.rows, 0)} ligne(s), "
        f"{format_hours(c.worked)} travaillées"
        + (f", {format_hours(c.training)} de formation" if c.training else "")
        for c in batch.companies
    ]
    month = f" ({format_month(*batch.month)})" if batch.month else ""
    return f"Par entreprise{month} :\n" + "\n".join(lines)

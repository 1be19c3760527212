"""Export to a ``.clause`` file: everything, one contracting authority or one operation,
optionally limited to a date range, optionally anonymised (for the network's consolidation or
sharing outside the structure). The file is written in the background (``run_task``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clauses_app.exchange import ExportResult, Scope, export_clause_file
from clauses_app.formatting import format_number
from clauses_app.services.records import Kind
from clauses_app.services.records.choices import choices
from clauses_app.ui.context import AppContext
from clauses_app.ui.imports.common import (
    CLAUSE_FILTER,
    FileRow,
    TaskDialog,
    hint_label,
    show_status,
    status_label,
)
from clauses_app.ui.imports.report_models import (
    ENTITY_ORDER,
    TOTAL_LABEL,
    ReportTableModel,
    entity_label,
)
from clauses_app.ui.imports.report_view import fit_columns, report_table
from clauses_app.ui.widgets.files import FileKind, WrittenFileLinks, last_folder

EVERYTHING, AUTHORITY, OPERATION = "everything", "authority", "operation"
ANONYMIZE_TEXT = "Anonymiser les participants (consolidation, partage hors de la structure)"
ANONYMIZE_HINT = (
    "Chaque participant est réduit à une clé pseudonyme, son sexe, sa tranche d'âge, ses "
    "critères, sa résidence en QPV et son niveau de qualification : ni nom, ni date de "
    "naissance, ni adresse."
)
EXPORT_SIZE = (780, 670)


def default_export_path(today: date | None = None) -> Path:
    """``clauses-AAAA-MM-JJ.clause`` in the folder of the last Clause file (at first, the
    Documents folder, else the home folder)."""
    return last_folder(FileKind.CLAUSE) / f"clauses-{(today or date.today()).isoformat()}.clause"


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def edit_date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def rows_table(result: ExportResult) -> list[tuple[str, str]]:
    """Rows written per entity (format order), then the total."""
    rows = [(entity_label(name), format_number(result.rows[name], 0)) for name in ENTITY_ORDER]
    rows.append((TOTAL_LABEL, format_number(sum(result.rows.values()), 0)))
    return rows


class ExportDialog(TaskDialog):
    """Choose what to export and where, then write the Clause file."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.exported: ExportResult | None = None
        self.setObjectName("export_dialog")
        self.setWindowTitle("Exporter au format Clause")
        self.resize(*EXPORT_SIZE)
        with context.database.session() as session:
            authorities = choices(session, Kind.AUTHORITY)
            operations = choices(session, Kind.OPERATION)
        self._build(authorities, operations)
        self._update()

    # --- layout ----------------------------------------------------------------------------
    def _build(self, authorities: list[Any], operations: list[Any]) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self._scope_box(authorities, operations))
        self.anonymize = QCheckBox(ANONYMIZE_TEXT)
        self.anonymize.setObjectName("anonymize")
        layout.addWidget(self.anonymize)
        layout.addWidget(hint_label(ANONYMIZE_HINT, indent=True))
        form = QFormLayout()
        self.file_row = FileRow(
            "Enregistrer le fichier Clause", CLAUSE_FILTER, FileKind.CLAUSE, save=True
        )
        self.file_row.set_path(default_export_path())
        form.addRow("Fichier :", self.file_row)
        layout.addLayout(form)
        self.rows_model = ReportTableModel(("Entité", "Lignes exportées"), numeric=(1,))
        self.rows_view: QTableView = report_table(self.rows_model, stretch_last=False)
        self.rows_view.setObjectName("export_rows")
        self.rows_view.hide()
        layout.addWidget(self.rows_view, 1)
        self.status = status_label()
        layout.addWidget(self.status)
        self.written = WrittenFileLinks()  # a .clause file opens in Clauses: the folder only
        layout.addWidget(self.written)
        layout.addWidget(self.progress_row)
        layout.addStretch(0)
        self.buttons = QDialogButtonBox()
        self.export_button = QPushButton("Exporter")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("Fermer")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _scope_box(self, authorities: list[Any], operations: list[Any]) -> QGroupBox:
        box = QGroupBox("Que faut-il exporter ?")
        grid = QGridLayout(box)
        self.scope_buttons = QButtonGroup(self)
        self.scope_radios: dict[str, QRadioButton] = {}
        self.authority = QComboBox()
        for uuid_, label in authorities:
            self.authority.addItem(label, uuid_)
        self.operation = QComboBox()
        for uuid_, label in operations:
            self.operation.addItem(label, uuid_)
        texts = {
            EVERYTHING: "Toute la base",
            AUTHORITY: "Un donneur d'ordre :",
            OPERATION: "Une opération :",
        }
        combos = {AUTHORITY: self.authority, OPERATION: self.operation}
        for row, (key, text) in enumerate(texts.items()):
            radio = QRadioButton(text)
            radio.toggled.connect(self._update)
            self.scope_buttons.addButton(radio)
            self.scope_radios[key] = radio
            grid.addWidget(radio, row, 0)
            if key in combos:
                grid.addWidget(combos[key], row, 1, 1, 4)
                radio.setEnabled(combos[key].count() > 0)
        this_year = date.today().year
        self.limit_dates = QCheckBox("Seulement la période du")
        self.limit_dates.toggled.connect(self._update)
        self.date_from = date_edit(date(this_year, 1, 1))
        self.date_to = date_edit(date(this_year, 12, 31))
        grid.addWidget(self.limit_dates, 3, 0)
        grid.addWidget(self.date_from, 3, 1)
        grid.addWidget(QLabel("au"), 3, 2)
        grid.addWidget(self.date_to, 3, 3)
        grid.setColumnStretch(4, 1)
        hint = hint_label(
            "Une période garde les contrats de travail et les heures qui la recoupent, et les "
            "marchés, entreprises et participants auxquels ils se rapportent."
        )
        grid.addWidget(hint, 4, 0, 1, 5)
        self.scope_radios[EVERYTHING].setChecked(True)
        return box

    # --- state -----------------------------------------------------------------------------
    def scope_choice(self) -> str:
        return next(k for k, radio in self.scope_radios.items() if radio.isChecked())

    def set_scope_choice(self, key: str) -> None:
        self.scope_radios[key].setChecked(True)

    def scope(self) -> Scope:
        """The export's scope as the user set it (dates only when the box is ticked)."""
        choice = self.scope_choice()
        authority = self.authority.currentData() if choice == AUTHORITY else None
        operation = self.operation.currentData() if choice == OPERATION else None
        date_from = date_to = None
        if self.limit_dates.isChecked():
            date_from, date_to = edit_date(self.date_from), edit_date(self.date_to)
        return Scope(authority, operation, date_from, date_to)

    def problem(self) -> str | None:
        """Why the export cannot start yet (French), or None."""
        if self.file_row.path() is None:
            return "Choisissez le fichier à écrire."
        if self.limit_dates.isChecked() and edit_date(self.date_to) < edit_date(self.date_from):
            return "La fin de la période doit suivre son début."
        return None

    def _update(self, *_args: Any) -> None:
        choice = self.scope_choice()
        self.authority.setEnabled(choice == AUTHORITY)
        self.operation.setEnabled(choice == OPERATION)
        dated = self.limit_dates.isChecked()
        self.date_from.setEnabled(dated)
        self.date_to.setEnabled(dated)

    # --- export ----------------------------------------------------------------------------
    def start_export(self) -> None:
        problem = self.problem()
        if problem:
            show_status(self.status, problem, error=True)
            return
        path = self.file_row.path()
        assert path is not None
        if path.suffix.lower() != ".clause":
            path = path.with_name(path.name + ".clause")
            self.file_row.set_path(path)
        scope, anonymize = self.scope(), self.anonymize.isChecked()
        self.export_button.setEnabled(False)
        self.written.show_for(None)
        show_status(self.status, "Export en cours…")
        self.start_task(
            "Export au format Clause",
            self.context.database,
            lambda db, progress: export_clause_file(db, path, scope, anonymize, progress),
            on_done=self._show_result,
            on_error=self._show_failure,
            on_cancel=self._show_cancelled,
            changes_data=False,
        )

    def _show_result(self, result: ExportResult) -> None:
        self.exported = result
        self.rows_model.set_rows(rows_table(result))
        self.rows_view.show()
        fit_columns(self.rows_view)
        total = format_number(sum(result.rows.values()), 0)
        anonymized = " (participants anonymisés)" if result.manifest.get("anonymized") else ""
        show_status(
            self.status,
            f"Export terminé : {total} lignes écrites dans {result.path.name}{anonymized}.",
            success=True,
        )
        self.written.show_for(result.path, folder_only=True)
        self.export_button.setEnabled(True)

    def _show_failure(self, error: BaseException) -> None:
        show_status(self.status, f"L'export a échoué : {error}", error=True)
        self.export_button.setEnabled(True)

    def _show_cancelled(self) -> None:
        show_status(self.status, "Export annulé : aucun fichier n'a été écrit.", error=True)
        self.export_button.setEnabled(True)

"""Documents: balance reports (one authority, or every authority of a year) and clause wording.

The writers live in clauses_app.reports (imported lazily: a build without them disables the
buttons and says why). Writing runs in the background (ui.tasks.run_task) with a progress
dialog; the batch can be cancelled between two reports.
"""

from __future__ import annotations

import importlib
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clauses_app.models import ReferenceKind
from clauses_app.services.dashboard import (
    authority_choices,
    contract_choices,
    data_years,
    default_year,
    hours_years,
)
from clauses_app.services.narratives import get_narrative, save_narrative
from clauses_app.services.periods import Period
from clauses_app.services.records.choices import choices
from clauses_app.services.records.kinds import Kind
from clauses_app.services.reference import labels
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.combos import find_data
from clauses_app.ui.pages.sizing import decimal_spin, spin_decimal
from clauses_app.ui.tasks import Task, data_bus, run_task
from clauses_app.ui.widgets.dialogs import confirm
from clauses_app.ui.widgets.files import (
    FileKind,
    WrittenFileLinks,
    ask_folder_path,
    ask_save_path,
)

MISSING_REPORTS = "Le module des documents n'est pas disponible dans cette version."
FORMATS = (("pdf", "PDF (à envoyer)"), ("docx", "DOCX (modifiable)"))
WHOLE_CONTRACT = "— Tout le marché —"


def reports_module(name: str) -> Any | None:
    """``clauses_app.reports.<name>`` when installed, else None (buttons are then disabled)."""
    try:
        return importlib.import_module(f"clauses_app.reports.{name}")
    except ImportError:
        return None


def french_date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def _date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class DocumentsPage(QWidget):
    """Balance reports and clause wording."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.task: Task | None = None
        self.last_result: Any = None
        self._narrative_saved = ""
        self._loaded = False
        self._build()
        self._narrative_edited()
        data_bus().data_changed.connect(self._on_data_changed)
        context.settings_changed.connect(self._on_data_changed)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    def _on_data_changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._loaded = False

    # --- file choosers (tests replace these) -----------------------------------------------

    def ask_save_path(self, title: str, suggested: str, fmt: str) -> Path | None:
        """Where to write a document (the suggested name in the last documents' folder)."""
        filters = {"pdf": "Document PDF (*.pdf)", "docx": "Document Word (*.docx)"}
        return ask_save_path(self, FileKind.DOCUMENT, title, filters[fmt], suggested)

    def confirm_nominative(self) -> bool:
        """Ask before writing the annex of personal data (the safe answer is No)."""
        return confirm(
            self,
            "Annexe nominative",
            "Le bilan comportera l'annexe nominative : noms, dates de naissance et critères "
            "d'éligibilité des participants (données personnelles, dont la RQTH).\n\n"
            "Ne l'envoyez qu'à un destinataire qui doit la connaître, par un moyen sûr. "
            "Le nom du fichier contiendra « NOMINATIF ». Continuer ?",
        )

    def ask_folder(self, title: str) -> Path | None:
        return ask_folder_path(self, FileKind.DOCUMENT, title)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel("Documents")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        top = QHBoxLayout()
        top.addWidget(QLabel("Donneur d'ordre :"))
        self.authority_combo = QComboBox()
        self.authority_combo.setMinimumContentsLength(36)
        top.addWidget(self.authority_combo)
        top.addStretch(1)
        layout.addLayout(top)
        columns = QHBoxLayout()
        columns.addWidget(self._balance_box(), 3)
        right = QVBoxLayout()
        right.addWidget(self._batch_box())
        right.addWidget(self._wording_box())
        right.addWidget(self._statements_box())
        right.addStretch(1)
        columns.addLayout(right, 2)
        layout.addLayout(columns, 1)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.written = WrittenFileLinks()
        layout.addWidget(self.written)
        self.authority_combo.currentIndexChanged.connect(self._authority_changed)

    def _balance_box(self) -> QGroupBox:
        box = QGroupBox("Bilan pour le donneur d'ordre")
        layout = QVBoxLayout(box)
        period = QHBoxLayout()
        self.year_mode = QRadioButton("Année")
        self.range_mode = QRadioButton("Du")
        self.period_modes = QButtonGroup(self)
        self.period_modes.addButton(self.year_mode)
        self.period_modes.addButton(self.range_mode)
        self.year_mode.setChecked(True)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(date.today().year)
        today = date.today()
        self.range_start = french_date_edit(date(today.year, 1, 1))
        self.range_end = french_date_edit(today)
        for widget in (self.year_mode, self.year_spin, self.range_mode, self.range_start,
                       QLabel("au"), self.range_end):  # fmt: skip
            period.addWidget(widget)
        period.addStretch(1)
        layout.addWidget(QLabel("Période :"))
        layout.addLayout(period)
        layout.addWidget(QLabel("Texte du facilitateur (inséré dans le bilan) :"))
        self.narrative = QPlainTextEdit()
        self.narrative.setPlaceholderText(
            "Faits marquants de la période, partenariats, difficultés, perspectives…"
        )
        self.narrative.setTabChangesFocus(True)
        layout.addWidget(self.narrative, 1)
        save_row = QHBoxLayout()
        self.narrative_state = QLabel("")
        save_row.addWidget(self.narrative_state, 1)
        self.save_narrative_button = QPushButton("Enregistrer le texte")
        self.save_narrative_button.clicked.connect(self.save_narrative)
        save_row.addWidget(self.save_narrative_button)
        layout.addLayout(save_row)
        self.nominative = QCheckBox("Joindre l'annexe nominative (données personnelles)")
        layout.addWidget(self.nominative)
        buttons = QHBoxLayout()
        self.pdf_button = QPushButton("Générer le bilan PDF…")
        self.docx_button = QPushButton("Générer le bilan DOCX…")
        self.pdf_button.clicked.connect(lambda: self.generate_balance("pdf"))
        self.docx_button.clicked.connect(lambda: self.generate_balance("docx"))
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.docx_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        for signal in (self.year_spin.valueChanged, self.range_start.dateChanged,
                       self.range_end.dateChanged, self.year_mode.toggled):  # fmt: skip
            signal.connect(self._load_narrative)
        self.narrative.textChanged.connect(self._narrative_edited)
        return box

    def _batch_box(self) -> QGroupBox:
        box = QGroupBox("Bilans de tous les donneurs d'ordre")
        form = QFormLayout(box)
        self.batch_year = QSpinBox()
        self.batch_year.setRange(2000, 2100)
        self.batch_year.setValue(date.today().year)
        self.batch_format = QComboBox()
        for code, label in FORMATS:
            self.batch_format.addItem(label, code)
        self.batch_button = QPushButton("Tous les donneurs d'ordre de l'année…")
        self.batch_button.clicked.connect(self.generate_all)
        form.addRow("Année :", self.batch_year)
        form.addRow("Format :", self.batch_format)
        form.addRow("", self.batch_button)
        return box

    def _statements_box(self) -> QGroupBox:
        box = QGroupBox("Relevés d'heures mensuels")
        layout = QVBoxLayout(box)
        text = QLabel(
            "Un classeur pré-rempli par employeur, à faire remplir puis à réimporter d'un coup "
            "(Fichier › Importer un tableur) ; ou la saisie d'un mois d'un employeur."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.statements_button = QPushButton("Préparer les relevés du mois…")
        self.month_grid_button = QPushButton("Saisie du mois…")
        self.statements_button.clicked.connect(self.open_prepare_statements)
        self.month_grid_button.clicked.connect(self.open_month_grid)
        layout.addWidget(self.statements_button)
        layout.addWidget(self.month_grid_button)
        return box

    def open_prepare_statements(self) -> QWidget:
        from clauses_app.ui.imports import open_prepare_statements

        return open_prepare_statements(self.context, self)

    def open_month_grid(self) -> QWidget:
        from clauses_app.ui.imports import open_month_grid

        return open_month_grid(self.context, self)

    def _wording_box(self) -> QGroupBox:
        box = QGroupBox("Rédaction de la clause (pièces du marché)")
        form = QFormLayout(box)
        self.scope_contract = QRadioButton("Un marché ou un lot")
        self.scope_operation = QRadioButton("Une opération")
        self.scopes = QButtonGroup(self)
        self.scopes.addButton(self.scope_contract)
        self.scopes.addButton(self.scope_operation)
        self.scope_contract.setChecked(True)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_contract)
        scope_row.addWidget(self.scope_operation)
        scope_row.addStretch(1)
        self.contract_combo = QComboBox()
        self.lot_combo = QComboBox()
        self.operation_combo = QComboBox()
        for combo in (self.contract_combo, self.lot_combo, self.operation_combo):
            combo.setMinimumContentsLength(22)
        self.basis_combo = QComboBox()
        self.basis_combo.setMinimumContentsLength(22)
        self.penalty = decimal_spin(100_000, 2, "\u00a0€ par heure manquante")
        self.wording_button = QPushButton("Rédiger la clause (DOCX)…")
        self.wording_button.clicked.connect(self.generate_wording)
        form.addRow("Pour :", scope_row)
        form.addRow("Marché :", self.contract_combo)
        form.addRow("Lot :", self.lot_combo)
        form.addRow("Opération :", self.operation_combo)
        form.addRow("Fondement :", self.basis_combo)
        form.addRow("Pénalité :", self.penalty)
        form.addRow("", self.wording_button)
        self.contract_combo.currentIndexChanged.connect(self._fill_lots)
        self.scope_contract.toggled.connect(self._scope_changed)
        return box

    # --- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read authorities, years, contracts and legal bases; keep the selections."""
        self._loaded = True
        current = self.authority_combo.currentData()
        with self.context.database.session() as session:
            authorities = authority_choices(session)
            years = data_years(session)
            statement_years = hours_years(session)
            bases = labels(session, ReferenceKind.LEGAL_BASIS)
        settings = self.context.settings()
        self.authority_combo.blockSignals(True)
        self.authority_combo.clear()
        for authority_uuid, name in authorities:
            self.authority_combo.addItem(name, authority_uuid)
        self.authority_combo.setCurrentIndex(max(0, find_data(self.authority_combo, current)))
        self.authority_combo.blockSignals(False)
        year = default_year(statement_years or years, date.today())
        for spin in (self.year_spin, self.batch_year):
            if spin.value() == date.today().year:
                spin.setValue(year)
        basis = self.basis_combo.currentData()
        self.basis_combo.clear()
        for code, label in bases.items():
            self.basis_combo.addItem(label, code)
        self.basis_combo.setCurrentIndex(max(0, find_data(self.basis_combo, basis)))
        self.penalty.setValue(float(settings.default_penalty_per_hour))
        self._authority_changed()
        self._check_modules()

    def _check_modules(self) -> None:
        balance = reports_module("balance") is not None
        wording = reports_module("clause_wording") is not None
        has_authority = self.authority_combo.count() > 0
        for button in (self.pdf_button, self.docx_button):
            button.setEnabled(balance and has_authority)
            button.setToolTip("" if balance else MISSING_REPORTS)
        self.batch_button.setEnabled(balance and has_authority)
        self.batch_button.setToolTip("" if balance else MISSING_REPORTS)
        self.wording_button.setEnabled(wording and self.contract_combo.count() > 0)
        self.wording_button.setToolTip("" if wording else MISSING_REPORTS)

    def _authority_changed(self) -> None:
        authority = self.authority_combo.currentData()
        with self.context.database.session() as session:
            operations = choices(session, Kind.OPERATION, authority_uuid=authority)
            contracts = contract_choices(session, authority) if authority else []
        self._fill(self.operation_combo, operations if authority else [])
        self._fill(self.contract_combo, contracts)
        self._fill_lots()
        self._scope_changed()
        self._load_narrative()

    @staticmethod
    def _fill(
        combo: QComboBox, items: list[tuple[uuid.UUID, str]], first: str | None = None
    ) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        if first is not None:
            combo.addItem(first, None)
        for value, label in items:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(0, find_data(combo, current)))
        combo.blockSignals(False)

    def _fill_lots(self) -> None:
        contract = self.contract_combo.currentData()
        lots: list[tuple[uuid.UUID, str]] = []
        if contract is not None:
            with self.context.database.session() as session:
                lots = choices(session, Kind.LOT, contract_uuid=contract)
        self._fill(self.lot_combo, lots, WHOLE_CONTRACT)

    def _scope_changed(self) -> None:
        by_contract = self.scope_contract.isChecked()
        self.contract_combo.setEnabled(by_contract)
        self.lot_combo.setEnabled(by_contract)
        self.operation_combo.setEnabled(not by_contract)
        self._check_modules()
        if not by_contract:
            self.wording_button.setEnabled(
                reports_module("clause_wording") is not None and self.operation_combo.count() > 0
            )

    # --- narrative -------------------------------------------------------------------------

    def period(self) -> Period:
        """The period chosen for the authority's report."""
        if self.year_mode.isChecked():
            return Period.year(self.year_spin.value())
        return Period(_date(self.range_start), _date(self.range_end))

    def _load_narrative(self) -> None:
        authority = self.authority_combo.currentData()
        text = ""
        if authority is not None:
            try:
                period = self.period()
            except ValueError:
                return
            with self.context.database.session() as session:
                text = get_narrative(session, authority, period)
        self._narrative_saved = text
        self.narrative.blockSignals(True)
        self.narrative.setPlainText(text)
        self.narrative.blockSignals(False)
        self._narrative_edited()

    def narrative_dirty(self) -> bool:
        return self.narrative.toPlainText().strip() != self._narrative_saved.strip()

    def _narrative_edited(self) -> None:
        dirty = self.narrative_dirty()
        self.narrative_state.setText("Texte modifié, non enregistré." if dirty else "")
        self.save_narrative_button.setEnabled(dirty)

    def confirm_leave(self) -> bool:
        """Before the window shows another page: keep or drop an unsaved narrative."""
        if not self.narrative_dirty():
            return True
        answer = QMessageBox.question(
            self,
            "Texte non enregistré",
            "Le texte du bilan comporte des modifications non enregistrées.\n\nL'enregistrer ?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save_narrative()
        if answer == QMessageBox.StandardButton.Discard:
            self._load_narrative()
            return True
        return False

    def save_narrative(self) -> bool:
        """Store the text for the chosen authority and period (one transaction)."""
        authority = self.authority_combo.currentData()
        if authority is None:
            return False
        try:
            period = self.period()
        except ValueError as error:
            self._say(f"Période invalide : {error}.", error=True)
            return False
        text = self.narrative.toPlainText()
        with self.context.database.transaction() as session:
            save_narrative(session, authority, period, text)
        self._narrative_saved = text
        self._narrative_edited()
        self.narrative_state.setText(f"Texte enregistré pour {period.label()}.")
        return True

    # --- generating ------------------------------------------------------------------------

    def generate_balance(self, fmt: str) -> Task | None:
        """Ask where, then write the authority's report in the background."""
        balance = reports_module("balance")
        authority = self.authority_combo.currentData()
        if balance is None or authority is None:
            return None
        try:
            period = self.period()
        except ValueError as error:
            self._say(f"Période invalide : {error}.", error=True)
            return None
        nominative = self.nominative.isChecked()
        if nominative and not self.confirm_nominative():
            return None
        suggested = balance.report_file_name(self.authority_combo.currentText(), period, fmt)
        if nominative:
            suggested = balance.nominative_file_name(suggested)
        path = self.ask_save_path("Enregistrer le bilan", suggested, fmt)
        if path is None:
            return None
        if self.narrative_dirty():
            self.save_narrative()
        narrative = self.narrative.toPlainText()
        return self._start(
            "Génération du bilan",
            lambda db, progress: balance.write_balance_report(
                db,
                authority,
                period,
                fmt,
                path,
                nominative=nominative,
                narrative=narrative,
                progress=progress,
            ),
            lambda written: self._say(f"Bilan enregistré : {written}", written=Path(written)),
        )

    def generate_all(self) -> Task | None:
        """Every authority's report of the chosen year into one folder, cancellable."""
        balance = reports_module("balance")
        if balance is None:
            return None
        folder = self.ask_folder("Dossier des bilans")
        if folder is None:
            return None
        period = Period.year(self.batch_year.value())
        fmt = self.batch_format.currentData()
        return self._start(
            "Bilans de tous les donneurs d'ordre",
            lambda db, progress: balance.write_all_balance_reports(
                db, period, fmt, folder, progress=progress
            ),
            lambda paths: self._say(
                f"{len(paths)} bilan(s) enregistré(s) dans {folder}.", written=folder
            ),
            on_cancel=lambda: self._say(
                f"Génération annulée : les bilans déjà écrits restent dans {folder}.",
                written=folder,
            ),
        )

    def generate_wording(self) -> Task | None:
        """The clause wording of the chosen lot, contract or operation, as a DOCX."""
        wording = reports_module("clause_wording")
        if wording is None:
            return None
        scope: dict[str, uuid.UUID | None] = {}
        if self.scope_operation.isChecked():
            scope["operation_uuid"] = self.operation_combo.currentData()
            name = self.operation_combo.currentText()
        elif self.lot_combo.currentData() is not None:
            scope["lot_uuid"] = self.lot_combo.currentData()
            name = self.lot_combo.currentText()
        else:
            scope["contract_uuid"] = self.contract_combo.currentData()
            name = self.contract_combo.currentText()
        if not any(scope.values()):
            self._say("Choisissez un marché, un lot ou une opération.", error=True)
            return None
        basis = self.basis_combo.currentData() or "L2112-2"
        balance = reports_module("balance")
        stem = balance.slug(name) if balance is not None else "clause"
        path = self.ask_save_path("Enregistrer la clause", f"clause-{basis}-{stem}.docx", "docx")
        if path is None:
            return None
        penalty: Decimal = spin_decimal(self.penalty)
        return self._start(
            "Rédaction de la clause",
            lambda db, _progress: wording.write_clause_wording(
                db, basis=basis, out_path=path, penalty_per_hour=penalty, **scope
            ),
            self._wording_done,
            changes_data=False,
        )

    def _wording_done(self, result: Any) -> None:
        missing = list(getattr(result, "unfilled", ())) + list(getattr(result, "unknown", ()))
        text = f"Clause enregistrée : {result.path}"
        if missing:
            text += f". À compléter à la main : {', '.join(missing)}."
        self._say(text, written=Path(result.path))

    def _start(self, title: str, function: Any, on_done: Any, **options: Any) -> Task:
        options.setdefault("changes_data", False)
        self.last_result = None

        def done(result: Any) -> None:
            self.last_result = result
            self.task = None
            on_done(result)

        def failed(error: BaseException) -> None:
            self.task = None
            self._say(f"Échec : {error}", error=True)

        cancel = options.pop("on_cancel", None)

        def cancelled() -> None:
            self.task = None
            if cancel is not None:
                cancel()

        self._say(f"{title} en cours…")
        self.task = run_task(
            self, title, self.context.database, function,
            on_done=done, on_error=failed, on_cancel=cancelled, **options,
        )  # fmt: skip
        return self.task

    def _say(self, text: str, error: bool = False, written: Path | None = None) -> None:
        """Show the page's status line, with « Ouvrir » and « Ouvrir le dossier » when a
        document or a folder of documents was just ``written``."""
        self.status_label.setStyleSheet("color: #b03a2e;" if error else "")
        self.status_label.setText(text)
        self.written.show_for(written)

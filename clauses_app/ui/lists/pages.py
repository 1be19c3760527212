"""The list pages of the main window: authorities, contracts (with their lots and awards, and
operations), companies, participants and employments."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms import open_form
from clauses_app.ui.forms.base import RecordForm
from clauses_app.ui.lists.base import ListPanel, delete_with_confirmation
from clauses_app.ui.widgets.dialogs import inform


def page_heading(title: str, subtitle: str = "") -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    heading = QLabel(title)
    heading.setStyleSheet("font-size: 17pt; font-weight: 600;")
    layout.addWidget(heading)
    if subtitle:
        text = QLabel(subtitle)
        text.setStyleSheet("color: #555;")
        text.setWordWrap(True)
        layout.addWidget(text)
    return box


def open_hours_grid(parent: QWidget, context: AppContext, award_uuid: uuid.UUID | None) -> Any:
    """The month-by-month hours grid of one award (built with the dashboard)."""
    if award_uuid is None:
        inform(parent, "Saisir les heures", "Choisissez d'abord une attribution.")
        return None
    try:
        from clauses_app.ui.pages.hours_grid import HoursGridDialog
    except ImportError:
        inform(parent, "Saisir les heures", "La grille de saisie des heures arrive bientôt.")
        return None
    dialog = HoursGridDialog(context, award_uuid, parent)
    dialog.open()
    return dialog


class Page(QWidget):
    """A page of the main window: ``refresh()``, ``open_record()``, ``confirm_leave()``."""

    def refresh(self) -> None:
        for panel in self.findChildren(ListPanel):
            if panel.loaded:
                panel.refresh()

    def open_record(self, kind: str, record_uuid: uuid.UUID) -> RecordForm | None:
        raise NotImplementedError

    def confirm_leave(self) -> bool:
        """False when an open form has unsaved changes the user wants to keep editing."""
        for form in self.findChildren(RecordForm):
            if form.isVisible() and not form.close_if_confirmed():
                return False
        return True


class SingleListPage(Page):
    def __init__(
        self, context: AppContext, kind: str, title: str, subtitle: str, new_label: str,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_heading(title, subtitle))
        self.panel = ListPanel(context, kind, title, new_label)
        layout.addWidget(self.panel, 1)

    def open_record(self, kind: str, record_uuid: uuid.UUID) -> RecordForm | None:
        self.panel.select_uuid(record_uuid)
        return self.panel.open_form(record_uuid)


class AuthoritiesPage(SingleListPage):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context, Kind.AUTHORITY, "Donneurs d'ordre",
            "Les acheteurs publics qui inscrivent une clause sociale dans leurs marchés.",
            "Nouveau donneur d'ordre…", parent,
        )  # fmt: skip


class CompaniesPage(SingleListPage):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context, Kind.COMPANY, "Entreprises",
            "Entreprises attributaires, structures d'insertion (SIAE) et autres employeurs.",
            "Nouvelle entreprise…", parent,
        )  # fmt: skip


class ParticipantsPage(SingleListPage):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context, Kind.PARTICIPANT, "Participants",
            "Personnes en parcours d'insertion et leurs critères d'éligibilité.",
            "Nouveau participant…", parent,
        )  # fmt: skip


class EmploymentsPage(SingleListPage):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context, Kind.EMPLOYMENT, "Contrats et heures",
            "Contrats de travail et missions des participants sur les attributions.",
            "Nouveau contrat…", parent,
        )  # fmt: skip
        self.context = context
        self.hours_button = QPushButton("Saisir les heures…")
        self.hours_button.setToolTip("Grille mensuelle des heures de l'attribution de ce contrat")
        self.hours_button.clicked.connect(self.open_hours)
        self.panel.action_bar.insertWidget(3, self.hours_button)

    def open_hours(self) -> Any:
        row = self.panel.current_row()
        award_uuid = row.values.get("award_uuid") if row is not None else None
        return open_hours_grid(self, self.context, award_uuid)


class LotsPanel(ListPanel):
    """The lots of the selected contract, one row per award (a lot with no award has one)."""

    def __init__(self, context: AppContext) -> None:
        self.contract_uuid: uuid.UUID | None = None
        self.year: int | None = None  # the contracts list's: the period of the figures
        super().__init__(
            context, Kind.LOT, "Lots et attributions", "Nouveau lot…", main_list=False
        )
        self.search.hide()
        self.export_button.hide()
        self.delete_button.setText("Supprimer le lot")
        self.open_button.setText("Modifier le lot")

    def fixed_filters(self) -> dict[str, Any]:
        return {"contract_uuid": self.contract_uuid, "year": self.year}

    def refresh(self) -> None:
        if self.contract_uuid is None:
            self.loaded = True
            self.model.set_rows([])
            self.count_label.setText("Choisissez un marché pour voir ses lots.")
            self.empty_state.set_content(
                "Aucun marché choisi", "Choisissez un marché pour voir ses lots."
            )
            self.table_or_empty.setCurrentWidget(self.empty_state)
            self.count_label.hide()
            return
        super().refresh()

    def form_defaults(self) -> dict[str, Any]:
        return {"contract_uuid": self.contract_uuid}

    def award_uuid(self) -> uuid.UUID | None:
        row = self.current_row()
        return row.values.get("award_uuid") if row is not None else None


class ContractsPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.addWidget(page_heading(
            "Opérations et marchés",
            "Marchés publics avec clause, leurs lots et les entreprises attributaires.",
        ))  # fmt: skip
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.contracts = ListPanel(context, Kind.CONTRACT, "Marchés", "Nouveau marché…")
        self.lots = LotsPanel(context)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.contracts)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 6, 0, 0)
        self.detail_title = QLabel("<b>Lots et attributions</b>")
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.lots, 1)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.tabs.addTab(splitter, "Marchés")
        self.operations = ListPanel(context, Kind.OPERATION, "Opérations", "Nouvelle opération…")
        self.tabs.addTab(self.operations, "Opérations")
        self._add_award_buttons()
        self.contracts.selection_changed.connect(self._contract_selected)

    def _add_award_buttons(self) -> None:
        bar = self.lots.action_bar
        self.new_award_button = QPushButton("Nouvelle attribution…")
        self.open_award_button = QPushButton("Modifier l'attribution")
        self.delete_award_button = QPushButton("Supprimer l'attribution")
        self.hours_button = QPushButton("Saisir les heures…")
        for position, button in enumerate(
            (self.new_award_button, self.open_award_button, self.delete_award_button,
             self.hours_button)
        ):  # fmt: skip
            bar.insertWidget(3 + position, button)
        self.new_award_button.clicked.connect(self.new_award)
        self.open_award_button.clicked.connect(self.open_award)
        self.delete_award_button.clicked.connect(self.delete_award)
        self.hours_button.clicked.connect(
            lambda: open_hours_grid(self, self.context, self.lots.award_uuid())
        )

    def _contract_selected(self) -> None:
        row = self.contracts.current_row()
        self.lots.contract_uuid = row.uuid if row is not None else None
        year_filter = self.contracts.filters.get("year")
        self.lots.year = year_filter.currentData() if year_filter is not None else None
        self.detail_title.setText(
            f"<b>Lots et attributions du marché {row.values['reference']}</b>"
            if row is not None
            else "<b>Lots et attributions</b>"
        )
        self.lots.refresh()

    def new_award(self) -> RecordForm | None:
        row = self.lots.current_row()
        if row is None:
            inform(self, "Nouvelle attribution", "Choisissez d'abord le lot attribué.")
            return None
        form = open_form(self.context, Kind.AWARD, None, self, {"lot_uuid": row.uuid})
        form.saved.connect(lambda _u: self.lots.refresh())
        return form

    def open_award(self) -> RecordForm | None:
        award_uuid = self.lots.award_uuid()
        if award_uuid is None:
            inform(self, "Attribution", "Ce lot n'est pas encore attribué.")
            return None
        return open_form(self.context, Kind.AWARD, award_uuid, self)

    def delete_award(self) -> bool:
        award_uuid = self.lots.award_uuid()
        if award_uuid is None:
            return False
        return delete_with_confirmation(self, self.context, Kind.AWARD, award_uuid)

    def open_record(self, kind: str, record_uuid: uuid.UUID) -> RecordForm | None:
        if kind == Kind.OPERATION:
            self.tabs.setCurrentIndex(1)
            return self.operations.open_form(record_uuid)
        self.tabs.setCurrentIndex(0)
        if kind == Kind.CONTRACT:
            self.contracts.select_uuid(record_uuid)
            return self.contracts.open_form(record_uuid)
        return open_form(self.context, kind, record_uuid, self)


class PlaceholderPage(Page):
    """Stands in for a page that is not built yet."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_heading(title))
        label = QLabel("En cours de construction")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: #777; font-size: 14pt;")
        layout.addWidget(label, 1)

    def refresh(self) -> None:
        pass

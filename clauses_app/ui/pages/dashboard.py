"""Tableau de bord: headline figures of a year, hours per month and the alerts.

The page paints at once with placeholders; the figures and alerts come from a background task
(services.dashboard and services.alerts: nothing is computed here) and fill in when ready.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clauses_app.formatting import (
    format_date,
    format_etp,
    format_hours,
    format_month,
    format_number,
    format_percent,
)
from clauses_app.services.alerts import (
    ALERT_TITLES,
    Alert,
    AlertKind,
    AlertRecord,
    compute_alerts,
)
from clauses_app.services.dashboard import (
    DashboardFigures,
    authority_choices,
    dashboard_figures,
    data_years,
    default_year,
    hours_years,
)
from clauses_app.services.periods import Period
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database
from clauses_app.ui.context import AppContext, RecordKind
from clauses_app.ui.pages.charts import MONTH_SHORT, Bar, BarChart
from clauses_app.ui.pages.combos import find_data
from clauses_app.ui.tasks import Task, data_bus, run_task

ALL_AUTHORITIES = "Tous les donneurs d'ordre"
PLACEHOLDER = "…"

KIND_COLOURS = {
    AlertKind.CONTRACT_ENDING: QColor("#c0392b"),
    AlertKind.ELIGIBILITY_EXPIRING: QColor("#d35400"),
    AlertKind.BEHIND_SCHEDULE: QColor("#b7950b"),
    AlertKind.MISSING_STATEMENT: QColor("#2471a3"),
    AlertKind.OUTCOME_MISSING: QColor("#7d3c98"),
}
RECORD_KINDS = {
    AlertRecord.CONTRACT: RecordKind.CONTRACT,
    AlertRecord.AWARD: RecordKind.AWARD,
    AlertRecord.PARTICIPANT: RecordKind.PARTICIPANT,
    AlertRecord.EMPLOYMENT: RecordKind.EMPLOYMENT,
}
CARDS = (
    ("hours_required", "Heures exigées"),
    ("hours_done", "Heures réalisées"),
    ("completion_rate", "Taux de réalisation"),
    ("etp_done", "ETP réalisés"),
    ("participants", "Participants"),
    ("employments", "Contrats de travail"),
)


class AlertTableModel(QAbstractTableModel):
    """Alerts as rows: kind, detail, due date. ``Qt.UserRole`` gives the :class:`Alert`."""

    KIND, DETAIL, DUE = range(3)
    HEADERS = ("Alerte", "Détail", "Échéance")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._alerts: list[Alert] = []

    def set_alerts(self, alerts: list[Alert]) -> None:
        self.beginResetModel()
        self._alerts = list(alerts)
        self.endResetModel()

    def alert(self, row: int) -> Alert:
        return self._alerts[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._alerts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._alerts)):
            return None
        alert = self._alerts[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (alert.title, alert.message, format_date(alert.due))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{alert.title}\n{alert.message}\n(Entrée ou double-clic pour ouvrir)"
        if role == Qt.ItemDataRole.DecorationRole and column == self.KIND:
            return KIND_COLOURS.get(alert.kind)
        if role == Qt.ItemDataRole.UserRole:
            return alert
        return None


class FigureCard(QFrame):
    """One headline figure: a small title above a large value."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("figureCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.title_label = QLabel(title)
        self.value_label = QLabel(PLACEHOLDER)
        font = QFont(self.value_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value_label.setFont(font)
        self.value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)

    def set_value(self, text: str) -> None:
        self.value_label.setText(text)


@dataclass(frozen=True)
class DashboardSnapshot:
    years: list[int]
    authorities: list[tuple[uuid.UUID, str]]
    figures: DashboardFigures
    alerts: list[Alert]


def load_snapshot(
    database: Database, year: int | None, authority_uuid: uuid.UUID | None, today: date
) -> DashboardSnapshot:
    """Everything the page shows, read in one session (runs on a worker thread)."""
    with database.session() as session:
        settings = load_settings(session)
        years = data_years(session)
        year = year or default_year(hours_years(session) or years, today)
        figures = dashboard_figures(session, year, authority_uuid, settings)
        alerts = compute_alerts(session, today, Period.year(year), authority_uuid, settings)
        return DashboardSnapshot(years, authority_choices(session), figures, alerts)


class DashboardPage(QWidget):
    """Headline figures, hours per month and alerts for a year and an authority."""

    loaded = Signal()  # emitted each time fresh figures are shown

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.today: Callable[[], date] = date.today
        self._task: Task | None = None
        self._pending = False
        self._stale = True
        self._year: int | None = None
        self._authority: uuid.UUID | None = None
        self._alerts: list[Alert] = []
        self._build()
        data_bus().data_changed.connect(self._on_data_changed)
        context.settings_changed.connect(self._on_data_changed)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        header = QHBoxLayout()
        title = QLabel("Tableau de bord")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(QLabel("Année :"))
        self.year_combo = QComboBox()
        self.year_combo.setMinimumContentsLength(6)
        header.addWidget(self.year_combo)
        header.addWidget(QLabel("Donneur d'ordre :"))
        self.authority_combo = QComboBox()
        self.authority_combo.setMinimumContentsLength(28)
        self.authority_combo.addItem(ALL_AUTHORITIES, None)
        header.addWidget(self.authority_combo)
        layout.addLayout(header)
        self.status_label = QLabel("Calcul des chiffres en cours…")
        layout.addWidget(self.status_label)

        cards = QGridLayout()
        cards.setHorizontalSpacing(10)
        self.cards: dict[str, FigureCard] = {}
        for column, (key, text) in enumerate(CARDS):
            self.cards[key] = FigureCard(text)
            cards.addWidget(self.cards[key], 0, column)
            cards.setColumnStretch(column, 1)
        layout.addLayout(cards)

        self.chart_title = QLabel("Heures réalisées par mois")
        bold = QFont(self.chart_title.font())
        bold.setBold(True)
        self.chart_title.setFont(bold)
        layout.addWidget(self.chart_title)
        self.chart = BarChart()
        self.chart.set_placeholder("Calcul en cours…")
        layout.addWidget(self.chart, 4)

        alerts_header = QHBoxLayout()
        self.alerts_title = QLabel("Alertes")
        self.alerts_title.setFont(bold)
        alerts_header.addWidget(self.alerts_title)
        alerts_header.addStretch(1)
        alerts_header.addWidget(QLabel("Afficher :"))
        self.kind_combo = QComboBox()
        self.kind_combo.setMinimumContentsLength(30)
        alerts_header.addWidget(self.kind_combo)
        layout.addLayout(alerts_header)
        self.alert_model = AlertTableModel(self)
        self.alert_view = QTableView()
        self.alert_view.setModel(self.alert_model)
        self.alert_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.alert_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.alert_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.alert_view.setAlternatingRowColors(True)
        self.alert_view.setWordWrap(False)
        self.alert_view.verticalHeader().hide()
        header_view = self.alert_view.horizontalHeader()
        header_view.setSectionResizeMode(
            AlertTableModel.KIND, QHeaderView.ResizeMode.ResizeToContents
        )
        header_view.setSectionResizeMode(AlertTableModel.DETAIL, QHeaderView.ResizeMode.Stretch)
        header_view.setSectionResizeMode(
            AlertTableModel.DUE, QHeaderView.ResizeMode.ResizeToContents
        )
        self.alert_view.activated.connect(self._open_alert)
        layout.addWidget(self.alert_view, 5)

        self.year_combo.currentIndexChanged.connect(self._on_selection_changed)
        self.authority_combo.currentIndexChanged.connect(self._on_selection_changed)
        self.kind_combo.currentIndexChanged.connect(self._apply_kind_filter)

    # --- loading ---------------------------------------------------------------------------

    @property
    def is_loading(self) -> bool:
        return self._task is not None

    def refresh(self) -> None:
        """Recompute the figures and alerts in the background (the page stays usable)."""
        self._stale = False
        if self._task is not None:
            self._pending = True
            return
        self.status_label.setText("Calcul des chiffres en cours…")
        year, authority, today = self._year, self._authority, self.today()
        self._task = run_task(
            self,
            "Calcul du tableau de bord",
            self.context.database,
            lambda db, _progress: load_snapshot(db, year, authority, today),
            on_done=self._show,
            on_error=self._failed,
            on_cancel=self._task_over,
            show_progress=False,
            changes_data=False,
        )

    def _task_over(self) -> None:
        self._task = None
        if self._pending:
            self._pending = False
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self._task = None
        self.status_label.setText(f"Impossible de calculer le tableau de bord : {error}")
        self._task_over()

    def _show(self, snapshot: DashboardSnapshot) -> None:
        self._task = None
        if self._pending:  # the selection or the data changed meanwhile: start again
            self._task_over()
            return
        figures = snapshot.figures
        self._year = figures.year
        self._fill_selectors(snapshot)
        self.cards["hours_required"].set_value(format_hours(figures.hours_required))
        self.cards["hours_done"].set_value(format_hours(figures.hours_done))
        self.cards["completion_rate"].set_value(format_percent(figures.completion_rate))
        self.cards["etp_done"].set_value(format_etp(figures.etp_done))
        self.cards["participants"].set_value(format_number(figures.participants, 0))
        self.cards["employments"].set_value(format_number(figures.employments, 0))
        self.chart_title.setText(f"Heures réalisées par mois en {figures.year}")
        self.chart.set_bars(
            [
                Bar(MONTH_SHORT[m - 1], float(hours), format_hours(hours), format_month(y, m))
                for (y, m), hours in figures.monthly
            ]
        )
        self._alerts = snapshot.alerts
        self._fill_kind_combo()
        scope = self.authority_combo.currentText()
        self.status_label.setText(f"Année {figures.year} · {scope}")
        self.loaded.emit()

    def _fill_selectors(self, snapshot: DashboardSnapshot) -> None:
        years = sorted(set(snapshot.years) | {snapshot.figures.year})
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in reversed(years):
            self.year_combo.addItem(str(year), year)
        self.year_combo.setCurrentIndex(find_data(self.year_combo, snapshot.figures.year))
        self.year_combo.blockSignals(False)
        self.authority_combo.blockSignals(True)
        self.authority_combo.clear()
        self.authority_combo.addItem(ALL_AUTHORITIES, None)
        for authority_uuid, name in snapshot.authorities:
            self.authority_combo.addItem(name, authority_uuid)
        index = find_data(self.authority_combo, self._authority)
        if index < 0:  # the authority was archived or deleted
            self._authority, index = None, 0
        self.authority_combo.setCurrentIndex(index)
        self.authority_combo.blockSignals(False)

    def _fill_kind_combo(self) -> None:
        current = self.kind_combo.currentData()
        counts = {kind: 0 for kind in AlertKind.ALL}
        for alert in self._alerts:
            counts[alert.kind] += 1
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.addItem(f"Toutes les alertes ({len(self._alerts)})", None)
        for kind in AlertKind.ALL:
            self.kind_combo.addItem(f"{ALERT_TITLES[kind]} ({counts[kind]})", kind)
        self.kind_combo.setCurrentIndex(max(0, find_data(self.kind_combo, current)))
        self.kind_combo.blockSignals(False)
        self._apply_kind_filter()

    def _apply_kind_filter(self) -> None:
        kind = self.kind_combo.currentData()
        shown = [a for a in self._alerts if kind is None or a.kind == kind]
        self.alert_model.set_alerts(shown)
        self.alerts_title.setText(
            f"Alertes ({len(self._alerts)})" if self._alerts else "Alertes : aucune"
        )

    # --- reactions -------------------------------------------------------------------------

    def _on_selection_changed(self) -> None:
        self._year = self.year_combo.currentData()
        self._authority = self.authority_combo.currentData()
        self.refresh()

    def _on_data_changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _open_alert(self, index: QModelIndex) -> None:
        alert = self.alert_model.alert(index.row())
        self.context.open_record(RECORD_KINDS[alert.record_kind], alert.record_uuid)

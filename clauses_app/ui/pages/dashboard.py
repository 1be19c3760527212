"""Tableau de bord: headline figures of a year, hours per month and the alerts.

The page paints at once with placeholders. Two background tasks fill it, one after the
other (they share one interpreter, so running them together would only slow the figures):
the figures first (services.dashboard), shown as soon as they are ready, then the alerts
(services.alerts), with their own "Calcul des alertes…" state. Nothing is computed here.
Leaving the page cancels the alerts; coming back computes them again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
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
    format_etp,
    format_hours,
    format_month,
    format_number,
    format_percent,
)
from clauses_app.runtime import freeze_long_lived
from clauses_app.services.alerts import ALERT_TITLES, AlertBook, AlertKind
from clauses_app.services.dashboard import DashboardSnapshot, load_alerts, load_snapshot
from clauses_app.services.hours_apart import pending_phrase, unawarded_phrase
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.charts import MONTH_SHORT, Bar, BarChart
from clauses_app.ui.pages.combos import find_data
from clauses_app.ui.pages.dashboard_alerts import AlertTableModel, open_alert
from clauses_app.ui.tasks import Task, data_bus, run_task

ALL_AUTHORITIES = "Tous les donneurs d'ordre"
PLACEHOLDER = "…"
FIGURES_RUNNING = "Calcul des chiffres en cours…"
ALERTS_WAITING = "Alertes : en attente des chiffres…"
ALERTS_RUNNING = "Alertes : calcul des alertes…"
CARDS = (
    ("hours_required", "Heures exigées"),
    ("hours_done", "Heures réalisées"),
    ("completion_rate", "Taux de réalisation"),
    ("etp_done", "ETP réalisés"),
    ("participants", "Participants"),
    ("employments", "Contrats de travail"),
)


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
        # What the value leaves apart (services/hours_apart.py), hidden when nothing.
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setObjectName("figureNote")
        self.note_label.hide()
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.note_label)

    def set_value(self, text: str, note: str | None = None) -> None:
        self.value_label.setText(text)
        self.note_label.setText(note or "")
        self.note_label.setVisible(bool(note))


class DashboardPage(QWidget):
    """Headline figures, hours per month and alerts for a year and an authority.

    ``figures_filled`` and ``alerts_filled`` say what the page shows for its current
    selection; ``figures_loaded`` and ``alerts_loaded`` are emitted when each is filled in
    (the figures painted, when the page is visible), ``loaded`` when both are.
    """

    figures_loaded = Signal()
    alerts_loaded = Signal()
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.today: Callable[[], date] = date.today
        self.figures_filled = False
        self.alerts_filled = False
        self._figures_task: Task | None = None
        self._alerts_task: Task | None = None
        self._pending = False  # the selection or the data changed while a task ran
        self._stale = True  # figures and alerts to compute when the page shows
        self._alerts_stale = False  # alerts only (cancelled when the page was left)
        self._year: int | None = None
        self._authority: uuid.UUID | None = None
        self._kind: str | None = None  # the alerts shown (None: every kind)
        self._build()
        data_bus().data_changed.connect(self._on_data_changed)
        context.settings_changed.connect(self._on_data_changed)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        self.status_label = QLabel(FIGURES_RUNNING)
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
        self.alerts_title = QLabel(ALERTS_WAITING)
        self.alerts_title.setFont(bold)
        alerts_header.addWidget(self.alerts_title)
        alerts_header.addStretch(1)
        alerts_header.addWidget(QLabel("Afficher :"))
        self.kind_combo = QComboBox()
        self.kind_combo.setMinimumContentsLength(34)
        alerts_header.addWidget(self.kind_combo)
        layout.addLayout(alerts_header)
        self.alert_model = AlertTableModel(self)
        self.alert_view = self._build_alert_view()
        layout.addWidget(self.alert_view, 5)

        self.year_combo.currentIndexChanged.connect(self._on_selection_changed)
        self.authority_combo.currentIndexChanged.connect(self._on_selection_changed)
        self.kind_combo.currentIndexChanged.connect(self._apply_kind_filter)

    def _build_header(self) -> QHBoxLayout:
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
        return header

    def _build_alert_view(self) -> QTableView:
        view = QTableView()
        view.setModel(self.alert_model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        resize = QHeaderView.ResizeMode
        header.setSectionResizeMode(AlertTableModel.KIND, resize.ResizeToContents)
        header.setSectionResizeMode(AlertTableModel.DETAIL, resize.Stretch)
        header.setSectionResizeMode(AlertTableModel.DUE, resize.ResizeToContents)
        view.activated.connect(self._open_alert)
        return view

    # --- loading ---------------------------------------------------------------------------

    @property
    def is_loading(self) -> bool:
        """A figures or alerts task of this page is running."""
        return self._figures_task is not None or self._alerts_task is not None

    def refresh(self) -> None:
        """Recompute the figures, then the alerts, in the background (the page stays usable)."""
        self._stale = False
        if self.is_loading:  # one task at a time: start again once the running one is over
            self._pending = True
            if self._alerts_task is not None:
                self._alerts_task.cancel()
            return
        self.figures_filled = self.alerts_filled = False
        self._alerts_stale = False
        self.status_label.setText(FIGURES_RUNNING)
        self._clear_alerts(ALERTS_WAITING)
        year, authority, today = self._year, self._authority, self.today()
        self._figures_task = run_task(
            self,
            "Calcul du tableau de bord",
            self.context.database,
            lambda db, progress: load_snapshot(db, year, authority, today, progress),
            on_done=self._show_figures,
            on_error=self._figures_failed,
            on_cancel=self._figures_over,
            show_progress=False,
            changes_data=False,
        )

    def _figures_over(self) -> None:
        self._figures_task = None
        self._restart_if_pending()

    def _restart_if_pending(self) -> bool:
        if not self._pending:
            return False
        self._pending = False
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True
        return True

    def _figures_failed(self, error: BaseException) -> None:
        self.status_label.setText(f"Impossible de calculer le tableau de bord : {error}")
        self._clear_alerts("Alertes : non calculées")
        self._figures_over()

    def _show_figures(self, snapshot: DashboardSnapshot) -> None:
        self._figures_task = None
        if self._restart_if_pending():  # the selection or the data changed meanwhile
            return
        figures = snapshot.figures
        self._year = figures.year
        self._fill_selectors(snapshot)
        unawarded = unawarded_phrase(figures.unawarded_hours)
        self.cards["hours_required"].set_value(
            format_hours(figures.hours_required),
            f"hors {unawarded} (lots sans entreprise attributaire)" if unawarded else None,
        )
        self.cards["hours_done"].set_value(
            format_hours(figures.hours_done),
            pending_phrase(figures.pending_counted, figures.pending_excluded),
        )
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
        scope = self.authority_combo.currentText()
        self.status_label.setText(f"Année {figures.year} · {scope}")
        self.figures_filled = True
        # The figures on screen first; then the computation behind them is let go of (freeing
        # it takes a while on national data) and the alerts start: neither holds up the paint.
        self.repaint()
        self.figures_loaded.emit()
        snapshot.computation.clear()
        if self.isVisible():
            self._start_alerts()
        else:
            self._alerts_stale = True

    def _start_alerts(self) -> None:
        self._alerts_stale = False
        self._clear_alerts(ALERTS_RUNNING)
        year, authority, today = self._year, self._authority, self.today()
        if year is None:  # never: the figures shown set it
            return
        self._alerts_task = run_task(
            self,
            "Calcul des alertes",
            self.context.database,
            lambda db, progress: load_alerts(db, year, authority, today, progress),
            on_done=self._show_alerts,
            on_error=self._alerts_failed,
            on_cancel=self._alerts_over,
            show_progress=False,
            changes_data=False,
        )

    def _alerts_over(self) -> None:
        self._alerts_task = None
        if not self._restart_if_pending() and self._alerts_stale and self.isVisible():
            self._start_alerts()  # cancelled when the page was left, which it is shown again

    def _alerts_failed(self, error: BaseException) -> None:
        self._clear_alerts(f"Alertes : impossible de les calculer ({error})")
        self._alerts_over()

    def _show_alerts(self, book: AlertBook) -> None:
        self._alerts_task = None
        if self._restart_if_pending():
            return
        self._fill_kind_combo(book)
        # The book lives as long as the page and holds no reference cycle (it is freed when a
        # new book replaces it): frozen, the collector's full passes stop walking it.
        freeze_long_lived()
        self.alerts_filled = True
        self.alerts_loaded.emit()
        self.loaded.emit()

    def _clear_alerts(self, title: str) -> None:
        self.alerts_filled = False
        self.alerts_title.setText(title)
        self.alert_model.set_book(AlertBook())
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.blockSignals(False)
        self.kind_combo.setEnabled(False)

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

    def _fill_kind_combo(self, book: AlertBook) -> None:
        counts = book.counts()
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.addItem(f"Toutes les alertes ({format_number(len(book), 0)})", None)
        for kind in AlertKind.ALL:
            self.kind_combo.addItem(f"{ALERT_TITLES[kind]} ({format_number(counts[kind], 0)})",
                                    kind)  # fmt: skip
        self.kind_combo.setCurrentIndex(max(0, find_data(self.kind_combo, self._kind)))
        self.kind_combo.blockSignals(False)
        self.kind_combo.setEnabled(True)
        self.alerts_title.setText(
            f"Alertes ({format_number(len(book), 0)})" if len(book) else "Alertes : aucune"
        )
        self.alert_model.set_book(book, self.kind_combo.currentData())

    def _apply_kind_filter(self) -> None:
        self._kind = self.kind_combo.currentData()
        self.alert_model.set_book(self.alert_model.book, self._kind)

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
            if self._alerts_task is not None:
                self._alerts_task.cancel()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
        elif self._alerts_stale and not self.is_loading:
            self._start_alerts()

    def hideEvent(self, event: Any) -> None:
        """Leaving the page stops its alerts (another page should not wait for them)."""
        super().hideEvent(event)
        if self._alerts_task is not None and not self._pending:
            self._alerts_task.cancel()
            self._alerts_stale = True

    def _open_alert(self, index: QModelIndex) -> Any:
        return open_alert(self.context, self, self.alert_model.alert(index.row()))

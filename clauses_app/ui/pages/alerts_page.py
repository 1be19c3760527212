"""Alertes: every alert grouped by contract (or by kind), with severity, due date and
lateness, to be marked « traitée » or « reportée au JJ/MM/AAAA » with a note.

Thin over services.alerts: the groups come from ``load_alert_view`` (a background task),
a mark from ``mark_alert`` / ``unmark_alert`` (one transaction). Double-click or Enter on
an alert opens the place where it is dealt with (services.alerts tells which record).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from clauses_app.formatting import format_date, format_number
from clauses_app.services.alerts import (
    ALERT_TITLES,
    Alert,
    AlertMarkError,
    AlertStatus,
    Severity,
    mark_alert,
    unmark_alert,
)
from clauses_app.services.alerts.groups import BY_CONTRACT, BY_KIND, AlertView, load_alert_view
from clauses_app.storage.presence import this_program
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.combos import find_data
from clauses_app.ui.pages.dashboard_alerts import open_alert
from clauses_app.ui.tasks import Task, data_bus, run_task

ALERT_ROLE = Qt.ItemDataRole.UserRole + 1
SEVERITY_COLOURS = {
    Severity.HIGH: QColor("#c0392b"),
    Severity.MEDIUM: QColor("#b9770e"),
    Severity.LOW: QColor("#5d6d7e"),
}
SHOW_CHOICES = (("Ouvertes", "open"), ("Traitées ou reportées", "worked"), ("Toutes", "all"))
GROUP_CHOICES = (("Par marché", BY_CONTRACT), ("Par sorte d'alerte", BY_KIND))
HEADERS = ("Alerte", "Gravité", "Détail", "Échéance", "Statut")


def due_text(alert: Alert) -> str:
    if alert.due is None:
        return ""
    return format_date(alert.due) + (f" ({alert.overdue})" if alert.overdue else "")


def alert_details(alert: Alert) -> str:
    """An alert's whole message, what to do and, once marked, who marked it, when and the
    note: below the list for the selected alert, and in each row's tooltip (the table shows
    the message as wide as its column, the note not at all)."""
    text = f"{alert.message}\nÀ faire : {alert.action}"
    if alert.mark:
        by = f" par {alert.mark.marked_by}" if alert.mark.marked_by else ""
        text += f"\n{alert.mark.label} le {format_date(alert.mark.marked_on)}{by}"
        text += f" : {alert.mark.comment}" if alert.mark.comment else ""
    return text


class AlertsPage(QWidget):
    """The alerts to work through. ``loaded`` is emitted when the tree is filled."""

    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.today: Callable[[], date] = date.today
        self.view_data: AlertView | None = None
        self._task: Task | None = None
        self._pending = False
        self._stale = True
        self._build()
        data_bus().data_changed.connect(self._on_data_changed)

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        header = QHBoxLayout()
        title = QLabel("Alertes")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        header.addWidget(title)
        header.addStretch(1)
        self.year_combo = self._combo(header, "Année :", [("Toutes", None)] + [
            (str(y), y) for y in range(date.today().year + 1, date.today().year - 6, -1)
        ])  # fmt: skip
        self.authority_combo = self._combo(header, "Donneur d'ordre :", [("Tous", None)])
        self.authority_combo.setMinimumContentsLength(24)
        self.show_combo = self._combo(header, "Afficher :", list(SHOW_CHOICES))
        self.group_combo = self._combo(header, "Regrouper :", list(GROUP_CHOICES))
        layout.addLayout(header)
        self.status_label = QLabel("Calcul des alertes…")
        layout.addWidget(self.status_label)

        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setExpandsOnDoubleClick(False)
        tree_header = self.tree.header()
        tree_header.setStretchLastSection(False)
        for column in range(len(HEADERS)):
            tree_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Group titles span the row: the first column is as wide as the longest kind's title.
        tree_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        widest = max(self.fontMetrics().horizontalAdvance(t) for t in ALERT_TITLES.values())
        tree_header.resizeSection(0, widest + 2 * self.tree.indentation() + 12)
        tree_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.activated.connect(self.open_alert)  # double-click and Enter
        layout.addWidget(self.tree, 1)
        self.action_label = QLabel()  # the selected alert in full, and what to do about it
        self.action_label.setWordWrap(True)
        # Room for the message, the action and a mark: the list does not jump on selecting.
        self.action_label.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        self.action_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.action_label)

        actions = QHBoxLayout()
        actions.addWidget(QLabel("Note :"))
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(500)
        self.note_edit.setPlaceholderText("ce qui a été fait ou attendu (facultatif)")
        actions.addWidget(self.note_edit, 1)
        self.done_button = QPushButton("Marquer traitée")
        self.done_button.clicked.connect(self.mark_done)
        actions.addWidget(self.done_button)
        self.snooze_date = QDateEdit()
        self.snooze_date.setCalendarPopup(True)
        self.snooze_date.setDisplayFormat("dd/MM/yyyy")
        actions.addWidget(self.snooze_date)
        self.snooze_button = QPushButton("Reporter")
        self.snooze_button.clicked.connect(self.mark_snoozed)
        actions.addWidget(self.snooze_button)
        self.unmark_button = QPushButton("Rouvrir")
        self.unmark_button.setToolTip("Annuler la marque : l'alerte redevient ouverte")
        self.unmark_button.clicked.connect(self.unmark)
        actions.addWidget(self.unmark_button)
        layout.addLayout(actions)
        self.tree.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def _combo(self, header: QHBoxLayout, label: str, items: list[tuple[str, Any]]) -> QComboBox:
        header.addWidget(QLabel(label))
        combo = QComboBox()
        for text, data in items:
            combo.addItem(text, data)
        combo.currentIndexChanged.connect(self.refresh)
        header.addWidget(combo)
        return combo

    # --- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute the alerts again in the background."""
        self._stale = False
        if self._task is not None:
            self._pending = True
            return
        self.status_label.setText("Calcul des alertes…")
        year, authority = self.year_combo.currentData(), self.authority_combo.currentData()
        show, by = self.show_combo.currentData(), self.group_combo.currentData()
        today = self.today()
        self.snooze_date.setMinimumDate(QDate(today + timedelta(days=1)))
        self._task = run_task(
            self,
            "Calcul des alertes",
            self.context.database,
            lambda db, progress: _load(db, today, year, authority, show, by, progress),
            on_done=self._show,
            on_error=self._failed,
            on_cancel=self._over,
            show_progress=False,
            changes_data=False,
        )

    def _over(self) -> None:
        self._task = None
        if self._pending:
            self._pending = False
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.status_label.setText(f"Impossible de calculer les alertes : {error}")
        self._over()

    def _show(self, view: AlertView) -> None:
        self._task = None
        if self._pending:
            self._over()
            return
        self.view_data = view
        self._fill_authorities(view.authorities)
        self.model.removeRows(0, self.model.rowCount())
        for group in view.groups:
            self.model.appendRow(self._group_row(group.title, len(group.alerts)))
            self.tree.setFirstColumnSpanned(self.model.rowCount() - 1, QModelIndex(), True)
            parent = self.model.item(self.model.rowCount() - 1)
            for alert in group.alerts:
                parent.appendRow(self._alert_row(alert))
        self.tree.expandAll()
        counts = (f"{format_number(view.open_count, 0)} ouverte(s), "
                  f"{format_number(view.worked_count, 0)} traitée(s) ou reportée(s)")  # fmt: skip
        more = "" if view.shown >= _total(view, self.show_combo.currentData()) else (
            f" — les {format_number(view.shown, 0)} plus urgentes affichées : choisissez un "
            "donneur d'ordre ou une année pour les autres"
        )  # fmt: skip
        self.status_label.setText(f"Alertes : {counts}{more}.")
        self._update_buttons()
        self.loaded.emit()

    def _fill_authorities(self, authorities: list[tuple[uuid.UUID, str]]) -> None:
        current = self.authority_combo.currentData()
        self.authority_combo.blockSignals(True)
        self.authority_combo.clear()
        self.authority_combo.addItem("Tous", None)
        for authority_uuid, name in authorities:
            self.authority_combo.addItem(name, authority_uuid)
        self.authority_combo.setCurrentIndex(max(0, find_data(self.authority_combo, current)))
        self.authority_combo.blockSignals(False)

    def _group_row(self, title: str, count: int) -> list[QStandardItem]:
        item = QStandardItem(f"{title} ({count})")
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        return [item] + [QStandardItem() for _ in HEADERS[1:]]

    def _alert_row(self, alert: Alert) -> list[QStandardItem]:
        severity = QStandardItem(Severity.LABELS[alert.severity])
        severity.setForeground(QBrush(SEVERITY_COLOURS[alert.severity]))
        status = alert.mark.label if alert.mark else AlertStatus.LABELS[alert.status]
        tip = f"{alert.title}\n{alert_details(alert)}"
        row = [QStandardItem(alert.title), severity, QStandardItem(alert.message),
               QStandardItem(due_text(alert)), QStandardItem(status)]  # fmt: skip
        for item in row:
            item.setData(alert, ALERT_ROLE)
            item.setToolTip(tip + "\n(Entrée ou double-clic pour ouvrir)")
        return row

    # --- selection and actions ------------------------------------------------------------

    def selected_alert(self) -> Alert | None:
        indexes = self.tree.selectionModel().selectedRows()
        return indexes[0].data(ALERT_ROLE) if indexes else None

    def select_alert(self, kind: str, record_uuid: uuid.UUID) -> QModelIndex:
        """Select the row of an alert (tests, and after a mark); an invalid index if absent."""
        for group_row in range(self.model.rowCount()):
            group = self.model.item(group_row)
            for row in range(group.rowCount()):
                alert = group.child(row).data(ALERT_ROLE)
                if alert.kind == kind and alert.record_uuid == record_uuid:
                    index = self.model.indexFromItem(group.child(row))
                    self.tree.setCurrentIndex(index)
                    return index
        return QModelIndex()

    def alerts_shown(self) -> list[Alert]:
        return [self.model.item(g).child(r).data(ALERT_ROLE)
                for g in range(self.model.rowCount())
                for r in range(self.model.item(g).rowCount())]  # fmt: skip

    def _update_buttons(self) -> None:
        alert = self.selected_alert()
        # The whole message (the table cuts it to the column's width), then what to do.
        self.action_label.setText(
            alert_details(alert) if alert else "Choisissez une alerte pour la traiter."
        )
        self.done_button.setEnabled(alert is not None and alert.status != AlertStatus.DONE)
        self.snooze_button.setEnabled(alert is not None)
        self.unmark_button.setEnabled(alert is not None and alert.mark is not None)

    def mark_done(self) -> bool:
        return self._mark(AlertStatus.DONE, None)

    def mark_snoozed(self) -> bool:
        chosen = self.snooze_date.date()
        return self._mark(AlertStatus.SNOOZED, date(chosen.year(), chosen.month(), chosen.day()))

    def _mark(self, status: str, until: date | None) -> bool:
        alert = self.selected_alert()
        if alert is None or self.view_data is None:
            return False
        item = self.view_data.book.find(alert.kind, alert.record_uuid)
        if item is None:
            return False
        try:
            with self.context.database.transaction() as session:
                mark_alert(session, item, status, self.today(), until,
                           self.note_edit.text(), this_program().user)  # fmt: skip
        except AlertMarkError as error:
            QMessageBox.warning(self, "Alerte", str(error))
            return False
        self.note_edit.clear()
        data_bus().data_changed.emit()
        return True

    def unmark(self) -> bool:
        alert = self.selected_alert()
        if alert is None:
            return False
        try:
            with self.context.database.transaction() as session:
                unmark_alert(session, alert.kind, alert.record_uuid)
        except AlertMarkError as error:
            QMessageBox.warning(self, "Alerte", str(error))
            return False
        data_bus().data_changed.emit()
        return True

    def open_alert(self, index: QModelIndex) -> Any:
        """Open the record the alert is about (a missing statement: « Saisie du mois »)."""
        alert = index.data(ALERT_ROLE)
        if alert is None:  # a group's row
            return None
        return open_alert(self.context, self, alert)

    # --- reactions -------------------------------------------------------------------------

    def _on_data_changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()


def _total(view: AlertView, show: str) -> int:
    return {"open": view.open_count, "worked": view.worked_count}.get(
        show, view.open_count + view.worked_count
    )


def _load(database: Any, today: date, year: int | None, authority: uuid.UUID | None, show: str,
          by: str, progress: Any) -> AlertView:  # fmt: skip
    with database.session() as session:
        return load_alert_view(session, today, year, authority, show, by, progress)

"""The dashboard's alerts table: a lazy view of an :class:`AlertBook`.

A national database raises tens of thousands of alerts. The model shows the book's rows
without copying them; the kind and due date of a row cost nothing, and its message is worded
(services.alerts.book) only when the view asks for it, a page at a time, kept in a cache.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from clauses_app.formatting import format_date
from clauses_app.services.alerts import ALERT_TITLES, Alert, AlertBook, AlertKind, AlertRecord
from clauses_app.ui.context import AppContext, RecordKind

KIND_COLOURS = {
    AlertKind.CONTRACT_ENDING: QColor("#c0392b"),
    AlertKind.ELIGIBILITY_EXPIRING: QColor("#d35400"),
    AlertKind.ELIGIBILITY_UNVALIDATED: QColor("#a04000"),
    AlertKind.LOT_UNAWARDED: QColor("#922b21"),
    AlertKind.BEHIND_SCHEDULE: QColor("#b7950b"),
    AlertKind.MISSING_STATEMENT: QColor("#2471a3"),
    AlertKind.OUTCOME_MISSING: QColor("#7d3c98"),
    AlertKind.SOCIAL_CONSIDERATION_MISSING: QColor("#117a65"),
    AlertKind.INVOICED_AMOUNTS_MISSING: QColor("#1f618d"),
}
RECORD_KINDS = {
    AlertRecord.CONTRACT: RecordKind.CONTRACT,
    AlertRecord.LOT: RecordKind.LOT,
    AlertRecord.AWARD: RecordKind.AWARD,
    AlertRecord.PARTICIPANT: RecordKind.PARTICIPANT,
    AlertRecord.EMPLOYMENT: RecordKind.EMPLOYMENT,
}


def open_alert(context: AppContext, parent: QWidget, alert: Alert) -> Any:
    """Open the place where an alert is dealt with: its record's form, or for a missing
    statement « Saisie du mois » on the employment's employer and its first month without
    one. The dashboard and the alerts page both call it."""
    if alert.kind == AlertKind.MISSING_STATEMENT and alert.due is not None:
        from clauses_app.services.month_entry import employer_of_employment
        from clauses_app.ui.imports import open_month_grid

        with context.database.session() as session:
            employer = employer_of_employment(session, alert.record_uuid)
        if employer is None:  # deleted since the alerts were computed
            return None
        return open_month_grid(context, parent, employer, (alert.due.year, alert.due.month))
    context.open_record(RECORD_KINDS[alert.record_kind], alert.record_uuid)
    return None


PAGE_SIZE = 100  # alerts worded together when the view reaches one of them


class AlertTableModel(QAbstractTableModel):
    """Alerts as rows: kind, detail, due date. ``Qt.UserRole`` gives the worded :class:`Alert`.

    ``set_book(book, kind)`` shows the alerts of one kind (every kind when None).
    """

    KIND, DETAIL, DUE = range(3)
    HEADERS = ("Alerte", "Détail", "Échéance")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._book = AlertBook()
        self._kind: str | None = None
        self._rows = 0
        self._pages: dict[int, list[Alert]] = {}
        self._dates: dict[date | None, str] = {}

    def set_book(self, book: AlertBook, kind: str | None = None) -> None:
        self.beginResetModel()
        self._book, self._kind = book, kind
        self._rows = book.count(kind)
        self._pages = {}
        self.endResetModel()

    @property
    def book(self) -> AlertBook:
        return self._book

    def alert(self, row: int) -> Alert:
        """The worded alert of ``row`` (its page is worded once, then cached)."""
        page, offset = divmod(row, PAGE_SIZE)
        alerts = self._pages.get(page)
        if alerts is None:
            alerts = self._pages[page] = self._book.page(self._kind, page * PAGE_SIZE, PAGE_SIZE)
        return alerts[offset]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

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
        if not index.isValid() or not (0 <= index.row() < self._rows):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.DETAIL:
                return self.alert(index.row()).message
            # The view sizes these columns on many rows: answer without wording the alert.
            [pending] = self._book.pending(self._kind, index.row(), 1)
            if column == self.KIND:
                return ALERT_TITLES[pending.kind]
            return self._date_text(pending.due)
        if role == Qt.ItemDataRole.DecorationRole and column == self.KIND:
            [pending] = self._book.pending(self._kind, index.row(), 1)
            return KIND_COLOURS.get(pending.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            alert = self.alert(index.row())
            return (
                f"{alert.title}\n{alert.message}\nÀ faire : {alert.action}\n"
                "(Entrée ou double-clic pour ouvrir)"
            )
        if role == Qt.ItemDataRole.UserRole:
            return self.alert(index.row())
        return None

    def _date_text(self, day: date | None) -> str:
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = format_date(day)
        return text

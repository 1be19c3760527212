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

from clauses_app.formatting import format_date
from clauses_app.services.alerts import ALERT_TITLES, Alert, AlertBook, AlertKind, AlertRecord
from clauses_app.ui.context import RecordKind

KIND_COLOURS = {
    AlertKind.CONTRACT_ENDING: QColor("#c0392b"),
    AlertKind.ELIGIBILITY_EXPIRING: QColor("#d35400"),
    AlertKind.BEHIND_SCHEDULE: QColor("#b7950b"),
    AlertKind.MISSING_STATEMENT: QColor("#2471a3"),
    AlertKind.OUTCOME_MISSING: QColor("#7d3c98"),
    AlertKind.SOCIAL_CONSIDERATION_MISSING: QColor("#117a65"),
}
RECORD_KINDS = {
    AlertRecord.CONTRACT: RecordKind.CONTRACT,
    AlertRecord.AWARD: RecordKind.AWARD,
    AlertRecord.PARTICIPANT: RecordKind.PARTICIPANT,
    AlertRecord.EMPLOYMENT: RecordKind.EMPLOYMENT,
}
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
            return f"{alert.title}\n{alert.message}\n(Entrée ou double-clic pour ouvrir)"
        if role == Qt.ItemDataRole.UserRole:
            return self.alert(index.row())
        return None

    def _date_text(self, day: date | None) -> str:
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = format_date(day)
        return text

"""Table models of the list pages (Vorta-style): named columns, a sort role, a row role,
``set_rows()`` and page-by-page loading (``canFetchMore``/``fetchMore``) for long lists.

Sorting a long list cannot be done on the rows already loaded: :meth:`RecordTableModel.sort`
asks the page to query again in the new order (``sort_requested``), and the database sorts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from clauses_app.formatting import display_text
from clauses_app.services.records import Column, ListRow

Index = QModelIndex | QPersistentModelIndex
PageLoader = Callable[[int, int], list[ListRow]]

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
UUID_ROLE = Qt.ItemDataRole.UserRole + 3
NUMERIC_KINDS = frozenset({"money", "hours", "percent", "int"})


class RecordTableModel(QAbstractTableModel):
    """Rows of one list. Either static (:meth:`set_rows`) or paged (:meth:`set_loader`)."""

    sort_requested = Signal(str, bool)  # column key, descending

    def __init__(self, columns: Sequence[Column], page_size: int = 200, parent: Any = None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self.page_size = page_size
        self._rows: list[ListRow] = []
        self._total = 0
        self._loader: PageLoader | None = None

    # --- named columns -------------------------------------------------------------------
    def column_index(self, key: str) -> int:
        """The position of the column named ``key``."""
        for index, column in enumerate(self.columns):
            if column.key == key:
                return index
        raise KeyError(key)

    # --- content -------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[ListRow]) -> None:
        """Replace every row at once (nothing more to fetch)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._total = len(self._rows)
        self._loader = None
        self.endResetModel()

    def set_loader(self, loader: PageLoader, total: int) -> None:
        """Show the first page of ``total`` rows; later pages load as the view scrolls."""
        self.beginResetModel()
        self._loader = loader
        self._total = total
        self._rows = loader(0, self.page_size) if total else []
        self.endResetModel()

    def update_rows(self, change: Callable[[list[ListRow]], Any]) -> None:
        """Change the loaded rows' values in place (``change(rows)``) and repaint them."""
        if not self._rows:
            return
        change(self._rows)
        last = self.index(len(self._rows) - 1, len(self.columns) - 1)
        self.dataChanged.emit(self.index(0, 0), last)

    @property
    def total(self) -> int:
        """Rows matching the list's query (loaded or not)."""
        return self._total

    def row(self, row: int) -> ListRow:
        return self._rows[row]

    def loaded_rows(self) -> list[ListRow]:
        return list(self._rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._loader is None:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        assert self._loader is not None
        page = self._loader(len(self._rows), self.page_size)
        if not page:  # the table shrank meanwhile: stop asking
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    # --- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        value = row.values.get(column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(column.kind, value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.kind in NUMERIC_KINDS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.kind == "text" and value:
            return str(value)
        if role == SORT_ROLE:
            return _sortable(value)
        if role == ROW_ROLE:
            return row
        if role == UUID_ROLE:
            return row.uuid
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.columns[section].label  # the whole heading, when the column is narrow
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if self._loader is None:
            self._sort_in_memory(column, descending)
        else:
            self.sort_requested.emit(self.columns[column].key, descending)

    def _sort_in_memory(self, column: int, descending: bool) -> None:
        key = self.columns[column].key
        self.layoutAboutToBeChanged.emit()
        present = [r for r in self._rows if r.values.get(key) is not None]
        missing = [r for r in self._rows if r.values.get(key) is None]
        present.sort(key=lambda r: _sortable(r.values[key]), reverse=descending)
        self._rows = present + missing
        self.layoutChanged.emit()


def _sortable(value: Any) -> Any:
    """A value Qt can compare: text lower-cased, numbers as floats, dates as ISO text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal | int | float):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)

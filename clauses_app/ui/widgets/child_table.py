"""An editable table of a record's children (an authority's contacts, a participant's
criteria, an award's amounts invoiced), with Add and Remove buttons. Rows keep their UUID so
that edits update them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clauses_app.formatting import format_date, format_number
from clauses_app.ui.widgets.fields import FieldError, one_line, parse_date, parse_decimal


def _money(text: str) -> Any:
    value = parse_decimal(text)
    exponent = value.as_tuple().exponent if value is not None else 0
    if isinstance(exponent, int) and exponent < -2:
        raise FieldError("Au plus 2 décimales.")
    return value


PARSERS = {"date": parse_date, "money": _money}


def _cell_text(column: ChildColumn, value: Any) -> str:
    if column.kind == "date":
        return format_date(value)
    if column.kind == "money":
        return "" if value is None else format_number(value, 2)
    return str(value or "")


@dataclass(frozen=True)
class ChildColumn:
    key: str
    header: str
    kind: str = "text"  # text, date, choice, money (a decimal with two decimals)
    choices: tuple[tuple[Any, str], ...] = ()
    default: Any = None


class ChildTable(QWidget):
    changed = Signal()

    def __init__(self, columns: Sequence[ChildColumn], add_text: str = "Ajouter") -> None:
        super().__init__()
        self.columns = tuple(columns)
        self._uuids: list[Any] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([c.header for c in self.columns])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(120)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(add_text)
        self.remove_button = QPushButton("Retirer la ligne")
        self.add_button.clicked.connect(lambda: self.add_row({}))
        self.remove_button.clicked.connect(self.remove_current)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def add_row(self, values: dict[str, Any]) -> int:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        self._uuids.append(values.get("uuid"))
        for index, column in enumerate(self.columns):
            value = values.get(column.key, column.default)
            if column.kind == "choice":
                combo = QComboBox()
                for data, label in column.choices:
                    combo.addItem(label, data)
                found = next((i for i, (d, _l) in enumerate(column.choices) if d == value), 0)
                combo.setCurrentIndex(found)
                combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
                self.table.setCellWidget(row, index, combo)
            else:
                self.table.setItem(row, index, QTableWidgetItem(_cell_text(column, value)))
        self.table.blockSignals(False)
        self.changed.emit()
        return row

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        del self._uuids[row]
        self.changed.emit()

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        self.table.setRowCount(0)
        self._uuids.clear()
        for values in rows:
            self.add_row(values)

    def set_text(self, row: int, key: str, text: str) -> None:
        """Type ``text`` into one cell (used by the form and the tests alike)."""
        column = next(i for i, c in enumerate(self.columns) if c.key == key)
        item = self.table.item(row, column)
        if item is None:
            self.table.setItem(row, column, QTableWidgetItem(text))
        else:
            item.setText(text)

    def choose(self, row: int, key: str, value: Any) -> None:
        column = next(i for i, c in enumerate(self.columns) if c.key == key)
        combo = self.table.cellWidget(row, column)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(next(i for i in range(combo.count()) if combo.itemData(i) == value))

    def rows(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The rows' values, and messages for cells that cannot be read (``key.row.field``)."""
        result: list[dict[str, Any]] = []
        unreadable: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            values: dict[str, Any] = {"uuid": self._uuids[row]}
            for index, column in enumerate(self.columns):
                if column.kind == "choice":
                    combo = self.table.cellWidget(row, index)
                    values[column.key] = (
                        combo.currentData() if isinstance(combo, QComboBox) else None
                    )
                    continue
                item = self.table.item(row, index)
                text = one_line(item.text()) if item is not None else ""
                if column.kind in PARSERS:
                    try:
                        values[column.key] = PARSERS[column.kind](text)
                    except FieldError as exc:
                        unreadable[f"{row}.{column.key}"] = str(exc)
                        values[column.key] = None
                else:
                    values[column.key] = text or None
            result.append(values)
        return result, unreadable

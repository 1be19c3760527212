"""A table typed into like a spreadsheet: the award's hours grid and the employer's month.

Typing starts editing, Enter goes down one row (whether a cell is being typed or not), Tab
goes right, Ctrl+V pastes a tab-separated block copied from a spreadsheet (all its cells or
none), Ctrl+C copies the selection as such a block, Delete and Backspace empty the selected
cells. The model says which cells take hours and how to store them (:class:`SpreadsheetModel`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QTableView,
    QWidget,
)

from clauses_app.services.hours_entry import HoursInputError, parse_hours
from clauses_app.services.periods import Month


class SpreadsheetModel(Protocol):
    """What :class:`SpreadsheetView` asks of its model (a QAbstractItemModel)."""

    def paste(self, top: int, left: int, text: str) -> int:
        """Write a tab-separated block at (top, left), every cell or none; the count written."""
        ...

    def clear(self, indexes: list[QModelIndex]) -> int:
        """Empty the editable cells among ``indexes``; the count emptied."""
        ...


class PasteRefused(Exception):
    """A pasted block with a cell that cannot be written (its French message)."""


def planned_paste(
    text: str,
    top: int,
    left: int,
    editable: Callable[[int, int], bool],
    not_editable: str,
    month_of: Callable[[int], Month | None] = lambda column: None,
) -> list[tuple[int, int, Any]]:
    """The (row, column, hours) a block of tab-separated ``text`` pasted at (top, left)
    writes. Blank cells outside the editable ones are passed over; any other cell there
    (``not_editable`` says why, in French) or a value ``parse_hours`` refuses (in the month
    of its column, ``month_of``) refuses the whole block (:class:`PasteRefused`, naming the
    block's line and column)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
    planned: list[tuple[int, int, Any]] = []
    for i, line in enumerate(lines):
        for j, cell in enumerate(line.split("\t")):
            row, column = top + i, left + j
            where = f"ligne {i + 1}, colonne {j + 1}"
            if not editable(row, column):
                if not cell.strip():
                    continue
                raise PasteRefused(f"Collage refusé ({where}) : {not_editable}")
            try:
                planned.append((row, column, parse_hours(cell, month_of(column))))
            except HoursInputError as error:
                raise PasteRefused(f"Collage refusé ({where}) : {error}") from None
    return planned


def copied_block(model: QAbstractItemModel, indexes: list[QModelIndex]) -> str:
    """The cells ``indexes`` as tab-separated text, as shown (what a spreadsheet pastes);
    cells of the block that are not among them are left empty."""
    if not indexes:
        return ""
    rows = sorted({i.row() for i in indexes})
    columns = sorted({i.column() for i in indexes})
    chosen = {(i.row(), i.column()) for i in indexes}
    lines = []
    for r in range(rows[0], rows[-1] + 1):
        cells = []
        for c in range(columns[0], columns[-1] + 1):
            text = model.data(model.index(r, c)) if (r, c) in chosen else ""
            cells.append(str(text).replace("\u202f", ""))  # no thin space in numbers
        lines.append("\t".join(cells))
    return "\n".join(lines)


class SpreadsheetView(QTableView):
    """The spreadsheet keys (see the module) over a :class:`SpreadsheetModel`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setTabKeyNavigation(True)

    def sheet(self) -> SpreadsheetModel:
        return cast(SpreadsheetModel, self.model())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(copied_block(self.model(), self.selectedIndexes()))
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.sheet().clear(self.selectedIndexes())
            return
        # Enter also reaches here when typed in a cell's editor (the editor does not take
        # it); the editor then commits and closes on its own.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.move_down()
            return
        super().keyPressEvent(event)

    def paste_clipboard(self) -> int:
        current = self.currentIndex()
        if not current.isValid():
            return 0
        return self.sheet().paste(
            current.row(), current.column(), QGuiApplication.clipboard().text()
        )

    def move_down(self) -> None:
        current = self.currentIndex()
        if current.isValid() and current.row() + 1 < self.model().rowCount():
            below = self.model().index(current.row() + 1, current.column())
            self.selectionModel().setCurrentIndex(
                below, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def commit_open_editor(self) -> None:
        """Commit the cell being typed (Save clicked without leaving the cell)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = QApplication.focusWidget()
        if editor is not None and self.viewport().isAncestorOf(editor):
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

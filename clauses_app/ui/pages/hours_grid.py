"""Saisie des heures: the month-by-month grid of one award, like a spreadsheet.

Rows are the award's work contracts, columns its months; the first column and the last row
are running totals. Typing starts editing, Enter goes down, Tab goes right, Ctrl+V pastes a
tab-separated block from Excel (decimal comma accepted), Delete empties cells. Values are
checked by services.hours_entry: negative or non-numeric text is refused, more than the
monthly threshold per person is flagged in orange but accepted.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clauses_app.formatting import (
    format_date,
    format_hours,
    format_month,
    format_number,
    format_percent,
)
from clauses_app.services.figures import completion_rate
from clauses_app.services.hours_entry import (
    HoursColumn,
    HoursEntryError,
    HoursGrid,
    HoursInputError,
    load_grid,
    parse_hours,
    save_grid,
)
from clauses_app.services.periods import Month
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.charts import short_month
from clauses_app.ui.tasks import notify_data_changed
from clauses_app.ui.widgets.spreadsheet import PasteRefused, SpreadsheetView, planned_paste

WARNING_BACKGROUND = QColor("#fbd9a6")
OUTSIDE_BACKGROUND = QColor("#e4e4e4")
TOTAL_BACKGROUND = QColor("#e3ebf5")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Role = Qt.ItemDataRole


class HoursGridModel(QAbstractTableModel):
    """The grid's cells for one kind of hours (worked or training), plus total row/column."""

    input_refused = Signal(str)  # French message of a refused value
    totals_changed = Signal()

    TOTAL_COLUMN = 0

    def __init__(self, grid: HoursGrid, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid = grid
        self.column_kind = HoursColumn.WORKED

    # --- shape -----------------------------------------------------------------------------

    def set_grid(self, grid: HoursGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def set_column_kind(self, kind: str) -> None:
        self.column_kind = kind
        if self.rowCount() and self.columnCount():
            last = self.index(self.rowCount() - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, max(0, self.rowCount() - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or not self.grid.rows:
            return 0
        return len(self.grid.rows) + 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.grid.months) + 1

    def is_total_row(self, row: int) -> bool:
        return row == len(self.grid.rows)

    def month(self, column: int) -> Month | None:
        return None if column == self.TOTAL_COLUMN else self.grid.months[column - 1]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < self.columnCount():
                return None
            month = self.month(section)
            if role == Role.DisplayRole:
                return "Total" if month is None else short_month(*month)
            if role == Role.ToolTipRole:
                return (
                    "Total de la ligne (heures affichées)"
                    if month is None
                    else format_month(*month)
                )
            return None
        if not 0 <= section < self.rowCount():
            return None
        if self.is_total_row(section):
            return "Total du mois" if role == Role.DisplayRole else None
        row = self.grid.rows[section]
        if role == Role.DisplayRole:  # the row total stays in sight when months scroll
            total = format_hours(self.grid.row_total(section, self.column_kind))
            return f"{row.participant_name} — {row.contract_type} · {total}"
        if role == Role.ToolTipRole:
            end = f" au {format_date(row.end)}" if row.end else " (sans date de fin)"
            text = f"{row.participant_name}, {row.contract_type}, du {format_date(row.start)}{end}"
            if row.undivided_total is not None:
                text += (
                    f"\nTotal non ventilé : {format_hours(row.undivided_total)}, remplacé par "
                    "les heures mensuelles dès qu'elles sont enregistrées."
                )
            return text
        return None

    # --- cells -----------------------------------------------------------------------------

    def _number(self, row: int, column: int) -> Any:
        month = self.month(column)
        kind = self.column_kind
        if self.is_total_row(row):
            return self.grid.total(kind) if month is None else self.grid.month_total(month, kind)
        if month is None:
            return self.grid.row_total(row, kind)
        return self.grid.value(row, month, kind)

    def first_editable(self) -> QModelIndex:
        """The first row's first editable month (where typing starts)."""
        for column in range(1, self.columnCount()):
            if self.editable(0, column):
                return self.index(0, column)
        return self.index(0, 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable(index.row(), index.column()):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def editable(self, row: int, column: int) -> bool:
        """Whether the cell takes hours: a month of the contract, on a work contract's row."""
        if not (0 <= row < len(self.grid.rows) and 1 <= column < self.columnCount()):
            return False
        month = self.month(column)
        return month is not None and self.grid.editable(row, month)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        month = self.month(column)
        totals = month is None or self.is_total_row(row)
        if role in (Role.DisplayRole, Role.EditRole):
            value = self._number(row, column)
            if value is None or (self.is_total_row(row) and month is not None and not value):
                return ""  # an empty month stays blank in the totals row
            return format_number(value)
        if role == Role.TextAlignmentRole:
            return int(RIGHT)
        if role == Role.FontRole and totals:
            font = QFont()
            font.setBold(True)
            return font
        if totals:
            return TOTAL_BACKGROUND if role == Role.BackgroundRole else None
        assert month is not None
        warning = self.grid.warning(row, month)
        if role == Role.BackgroundRole:
            if warning:
                return WARNING_BACKGROUND
            return None if self.grid.editable(row, month) else OUTSIDE_BACKGROUND
        if role == Role.ToolTipRole:
            if warning:
                return warning
            if not self.grid.editable(row, month):
                return "Mois en dehors des dates du contrat."
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Role.EditRole
    ) -> bool:
        if role != Role.EditRole or not index.isValid():
            return False
        if not self.editable(index.row(), index.column()):
            return False
        try:
            hours = parse_hours("" if value is None else str(value), self.month(index.column()))
        except HoursInputError as error:
            self.input_refused.emit(str(error))
            return False
        self._store(index.row(), index.column(), hours)
        self._emit_changed([(index.row(), index.column())])
        return True

    def _store(self, row: int, column: int, hours: Any) -> None:
        month = self.month(column)
        assert month is not None
        self.grid.set_value(row, month, hours, self.column_kind)

    def _emit_changed(self, cells: list[tuple[int, int]]) -> None:
        """Edited cells change their row's total, their month's total, a person's other
        rows (monthly warning) and the grand total: repaint those."""
        if not cells:
            return
        last_row, last_column = self.rowCount() - 1, self.columnCount() - 1
        columns = sorted({c for _r, c in cells})
        self.dataChanged.emit(self.index(0, columns[0]), self.index(last_row, columns[-1]))
        self.dataChanged.emit(self.index(0, 0), self.index(last_row, 0))
        self.dataChanged.emit(self.index(last_row, 0), self.index(last_row, last_column))
        rows = sorted({r for r, _c in cells})
        self.headerDataChanged.emit(Qt.Orientation.Vertical, rows[0], rows[-1])
        self.totals_changed.emit()

    def paste(self, top: int, left: int, text: str) -> int:
        """Paste a tab-separated block at (top, left); all cells or none. Returns the count
        of cells written; a refused block emits ``input_refused`` with the first reason."""
        try:
            planned = planned_paste(
                text, top, left, self.editable,
                "la cellule n'est pas modifiable (total, hors grille ou hors des dates du "
                "contrat).", self.month,
            )  # fmt: skip
        except PasteRefused as refused:
            self.input_refused.emit(str(refused))
            return 0
        for row, column, hours in planned:
            self._store(row, column, hours)
        self._emit_changed([(r, c) for r, c, _h in planned])
        return len(planned)

    def clear(self, indexes: list[QModelIndex]) -> int:
        cells = [(i.row(), i.column()) for i in indexes if self.editable(i.row(), i.column())]
        for row, column in cells:
            self._store(row, column, None)
        self._emit_changed(cells)
        return len(cells)


class HoursGridDialog(QDialog):
    """Month-by-month hours of one award's work contracts, saved in one transaction."""

    def __init__(
        self, context: AppContext, award_uuid: uuid.UUID, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.award_uuid = award_uuid
        self.today = date.today()
        self.setWindowTitle("Saisie des heures")
        self.resize(1100, 620)
        grid = self._load()
        self.model = HoursGridModel(grid, self)
        self._build()
        self.model.input_refused.connect(self._refused)
        self.model.totals_changed.connect(self._update_totals)
        self.model.dataChanged.connect(lambda *_: self._note_warnings())
        self._update_totals()

    def _load(self) -> HoursGrid:
        with self.context.database.session() as session:
            return load_grid(session, self.award_uuid, self.today)

    @property
    def grid(self) -> HoursGrid:
        return self.model.grid

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.title_label = QLabel(self.grid.title)
        font = QFont(self.title_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Heures affichées :"))
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("Heures travaillées", HoursColumn.WORKED)
        self.kind_combo.addItem("Heures de formation", HoursColumn.TRAINING)
        self.kind_combo.currentIndexChanged.connect(
            lambda: self.model.set_column_kind(self.kind_combo.currentData())
        )
        bar.addWidget(self.kind_combo)
        bar.addSpacing(16)
        hint = QLabel(
            "Tapez les heures (virgule décimale), Entrée pour descendre, Tab pour avancer, "
            "Ctrl+V pour coller un bloc copié depuis un tableur, Suppr pour effacer."
        )
        hint.setWordWrap(True)
        bar.addWidget(hint, 1)
        layout.addLayout(bar)

        self.table = SpreadsheetView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setDefaultSectionSize(84)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        layout.addWidget(self.table, 1)
        if self.grid.rows:
            self.table.setCurrentIndex(self.model.first_editable())
            self.table.scrollTo(self.table.currentIndex())
        else:
            empty = QLabel("Aucun contrat de travail sur cette attribution : ajoutez-en un "
                           "avant de saisir des heures.")  # fmt: skip
            layout.addWidget(empty)

        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)
        self.totals_label = QLabel("")
        self.totals_label.setWordWrap(True)
        layout.addWidget(self.totals_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton("Enregistrer")
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("Fermer")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    # --- messages --------------------------------------------------------------------------

    def _refused(self, message: str) -> None:
        self.message_label.setStyleSheet("color: #b03a2e;")
        self.message_label.setText(f"Valeur refusée : {message}")

    def _note_warnings(self) -> None:
        flagged = [
            (row, month)
            for row in range(len(self.grid.rows))
            for month in self.grid.months
            if self.grid.warning(row, month)
        ]
        if flagged:
            self.message_label.setStyleSheet("color: #9a5b00;")
            first = self.grid.warning(*flagged[0])
            more = f" ({len(flagged)} cellules signalées en orange)" if len(flagged) > 1 else ""
            self.message_label.setText(
                f"À vérifier : {first}{more} L'enregistrement reste possible."
            )
        else:
            self.message_label.setText("")

    def _update_totals(self) -> None:
        grid = self.grid
        rate = completion_rate(grid.counted_hours, grid.required_hours)
        typed = grid.total()
        training = grid.total(HoursColumn.TRAINING)
        self.totals_label.setText(
            f"Heures exigées : {format_hours(grid.required_hours)}   ·   "
            f"Comptabilisées (enregistrées) : {format_hours(grid.counted_hours)}"
            f"{f' ({format_percent(rate)})' if rate is not None else ''}   ·   "
            f"Saisies dans la grille : {format_hours(typed)} "
            f"(dont formation : {format_hours(training)})"
            + ("   ·   modifications non enregistrées" if grid.is_dirty else "")
        )
        self.save_button.setEnabled(grid.is_dirty)

    # --- saving and closing ----------------------------------------------------------------

    def save(self) -> bool:
        """Write the changes in one transaction; reload the grid (counted hours) after."""
        self.table.commit_open_editor()
        try:
            with self.context.database.transaction() as session:
                result = save_grid(session, self.grid)
        except HoursEntryError as error:
            QMessageBox.warning(self, "Enregistrement impossible", str(error))
            return False
        current = self.table.currentIndex()
        kind = self.model.column_kind
        self.model.set_grid(self._load())
        self.model.column_kind = kind
        if current.isValid():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
        notify_data_changed()
        self._update_totals()
        self.message_label.setStyleSheet("")
        removed = (
            f", {result.totals_removed} total(s) non ventilé(s) remplacé(s)"
            if result.totals_removed
            else ""
        )
        self.message_label.setText(
            f"Heures enregistrées : {result.inserted} ajout(s), {result.updated} modification(s), "
            f"{result.deleted} suppression(s){removed}."
        )
        return True

    def closeEvent(self, event: Any) -> None:
        if self._confirm_leave():
            event.accept()
        else:
            event.ignore()

    def reject(self) -> None:
        if self._confirm_leave():
            super().reject()

    def _confirm_leave(self) -> bool:
        if not self.grid.is_dirty:
            return True
        answer = QMessageBox.question(
            self,
            "Modifications non enregistrées",
            "La grille comporte des heures non enregistrées.\n\nLes enregistrer ?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

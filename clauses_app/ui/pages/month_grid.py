"""Saisie du mois: one employer's month in one grid, every award at once.

Pick an employer (a company or an intermediary) and a month; its employments of the month are
the rows (participant, contract and lot, contract type, last month's hours), the hours worked
and training hours the editable columns. Typing, Enter, Tab, Ctrl+V (a block copied from a
spreadsheet), Ctrl+C and Delete behave as in the award grid; values are checked by
services.hours_entry.parse_hours; more than the monthly threshold for a person is shown in
orange and written out in full below the grid, never refused. Saving is one transaction
(services.month_entry).
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
from PySide6.QtGui import QCloseEvent, QColor, QFont
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

from clauses_app.formatting import format_hours, format_month, format_number, of_month
from clauses_app.services.hours_entry import (
    HoursColumn,
    HoursEntryError,
    HoursInputError,
    parse_hours,
)
from clauses_app.services.month_entry import (
    MonthGrid,
    employer_name,
    employers_in_month,
    load_month_grid,
    previous_month,
    save_month_grid,
)
from clauses_app.services.periods import Month, month_from_index, month_index
from clauses_app.ui.context import AppContext
from clauses_app.ui.tasks import notify_data_changed
from clauses_app.ui.widgets.spreadsheet import PasteRefused, SpreadsheetView, planned_paste

WARNING_BACKGROUND = QColor("#fbd9a6")
TOTAL_BACKGROUND = QColor("#e3ebf5")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Role = Qt.ItemDataRole
NAME, PLACE, TYPE, PREVIOUS, WORKED, TRAINING = range(6)
EDITABLE = {WORKED: HoursColumn.WORKED, TRAINING: HoursColumn.TRAINING}
MONTHS_BACK = 24


class MonthGridModel(QAbstractTableModel):
    """One row per employment (and a total row), six columns, two of them editable."""

    input_refused = Signal(str)
    totals_changed = Signal()

    def __init__(self, grid: MonthGrid, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = grid

    def set_grid(self, grid: MonthGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.grid.rows else len(self.grid.rows) + 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def is_total_row(self, row: int) -> bool:
        return row == len(self.grid.rows)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Role.DisplayRole:
            return None
        before = of_month(*previous_month(self.grid.month))
        return ("Participant", "Marché et lot", "Type de contrat", f"Heures {before}",
                "Heures travaillées", "Heures de formation")[section]  # fmt: skip

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable(index.row(), index.column()):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def editable(self, row: int, column: int) -> bool:
        return column in EDITABLE and 0 <= row < len(self.grid.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if self.is_total_row(row):
            return self._total_data(column, role)
        line = self.grid.rows[row]
        if role in (Role.DisplayRole, Role.EditRole):
            if column == NAME:
                return line.name
            if column == PLACE:
                return line.place
            if column == TYPE:
                return line.contract_type
            if column == PREVIOUS:
                previous = self.grid.previous.get(line.employment_uuid)
                return "" if previous is None else format_number(previous)
            value = self.grid.value(row, EDITABLE[column])
            return "" if value is None else format_number(value)
        if role == Role.TextAlignmentRole and column >= PREVIOUS:
            return int(RIGHT)
        if column in EDITABLE:
            warning = self.grid.warning(row)
            if role == Role.BackgroundRole and warning:
                return WARNING_BACKGROUND
            if role == Role.ToolTipRole:
                return warning
        if role == Role.ForegroundRole and column == PREVIOUS:
            return QColor("#666666")
        return None

    def _total_data(self, column: int, role: int) -> Any:
        if role == Role.BackgroundRole:
            return TOTAL_BACKGROUND
        if role == Role.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Role.TextAlignmentRole and column >= PREVIOUS:
            return int(RIGHT)
        if role != Role.DisplayRole:
            return None
        if column == NAME:
            return "Total"
        if column in EDITABLE:
            return format_number(self.grid.total(EDITABLE[column]))
        return ""

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Role.EditRole
    ) -> bool:
        if role != Role.EditRole or not self.editable(index.row(), index.column()):
            return False
        try:
            hours = parse_hours("" if value is None else str(value), self.grid.month)
        except HoursInputError as error:
            self.input_refused.emit(str(error))
            return False
        self.grid.set_value(index.row(), hours, EDITABLE[index.column()])
        self._changed()
        return True

    def _changed(self) -> None:
        # A person's warning and the totals depend on other rows: repaint the hours columns.
        self.dataChanged.emit(self.index(0, WORKED), self.index(self.rowCount() - 1, TRAINING))
        self.totals_changed.emit()

    def paste(self, top: int, left: int, text: str) -> int:
        """Paste a tab-separated block at (top, left): every cell or none."""
        try:
            planned = planned_paste(
                text, top, left, self.editable,
                "seules les colonnes d'heures des contrats se modifient.",
                lambda column: self.grid.month,
            )  # fmt: skip
        except PasteRefused as refused:
            self.input_refused.emit(str(refused))
            return 0
        for row, column, hours in planned:
            self.grid.set_value(row, hours, EDITABLE[column])
        if planned:
            self._changed()
        return len(planned)

    def clear(self, indexes: list[QModelIndex]) -> int:
        cells = [(i.row(), i.column()) for i in indexes if self.editable(i.row(), i.column())]
        for row, column in cells:
            self.grid.set_value(row, None, EDITABLE[column])
        if cells:
            self._changed()
        return len(cells)


def _key(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def month_choices(today: date) -> list[Month]:
    """From next month back over two years, most recent first."""
    this = month_index((today.year, today.month))
    return [month_from_index(i) for i in range(this + 1, this - MONTHS_BACK, -1)]


class MonthGridDialog(QDialog):
    """Saisie du mois: choose an employer and a month, type or paste, save once."""

    def __init__(
        self,
        context: AppContext,
        employer: uuid.UUID | None = None,
        month: Month | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("month_grid_dialog")
        self.setWindowTitle("Saisie du mois")
        self.resize(1100, 620)
        today = date.today()
        self.month = month or previous_month((today.year, today.month))
        empty = MonthGrid(uuid.UUID(int=0), "", self.month, [], {}, self._warning_setting())
        self.model = MonthGridModel(empty, self)
        self._build(today)
        self.model.input_refused.connect(self._refused)
        self.model.totals_changed.connect(self._update_totals)
        self._fill_employers(employer)
        self._update_totals()

    def _warning_setting(self) -> Any:
        from clauses_app.services.settings import load_settings

        with self.context.database.session() as session:
            return load_settings(session).monthly_hours_warning

    @property
    def grid(self) -> MonthGrid:
        return self.model.grid

    def _build(self, today: date) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Mois :"))
        self.month_combo = QComboBox()
        self.month_combo.setObjectName("month_combo")
        months = month_choices(today)
        if self.month not in months:
            months.append(self.month)
        for month in months:
            self.month_combo.addItem(format_month(*month).capitalize(), _key(month))
        self.month_combo.setCurrentIndex(months.index(self.month))
        self.month_combo.currentIndexChanged.connect(self._month_chosen)
        bar.addWidget(self.month_combo)
        bar.addSpacing(16)
        bar.addWidget(QLabel("Employeur (entreprise ou structure) :"))
        self.employer_combo = QComboBox()
        self.employer_combo.setObjectName("employer_combo")
        self.employer_combo.setMinimumWidth(360)
        self.employer_combo.currentIndexChanged.connect(self._employer_chosen)
        bar.addWidget(self.employer_combo, 1)
        layout.addLayout(bar)
        hint = QLabel(
            "Tous les contrats de travail de l'employeur actifs dans le mois, toutes attributions "
            "confondues. Tapez les heures (virgule décimale), Entrée pour descendre, Ctrl+V pour "
            "coller un bloc copié depuis un tableur, Suppr pour effacer."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = SpreadsheetView()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The previous month's column fits its longest heading, « Heures de septembre … ».
        previous = header.fontMetrics().horizontalAdvance(f"Heures {of_month(2000, 9)}") + 24
        for column, width in ((NAME, 200), (PLACE, 180), (TYPE, 200), (PREVIOUS, previous),
                              (WORKED, 130), (TRAINING, 140)):  # fmt: skip
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.empty_label = QLabel("")
        self.empty_label.setWordWrap(True)
        layout.addWidget(self.empty_label)
        self.message_label = QLabel("")
        self.message_label.setObjectName("month_grid_messages")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)
        self.totals_label = QLabel("")
        layout.addWidget(self.totals_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton("Enregistrer")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("Fermer")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    # --- choosing ----------------------------------------------------------------------------

    def _fill_employers(self, selected: uuid.UUID | None) -> None:
        with self.context.database.session() as session:
            employers = employers_in_month(session, self.month)
        current = selected or self._employer()
        self.employer_combo.blockSignals(True)
        self.employer_combo.clear()
        for employer, name, count in employers:
            self.employer_combo.addItem(f"{name} ({count} contrat{'s' if count > 1 else ''})",
                                        str(employer))  # fmt: skip
        position = self.employer_combo.findData(str(current)) if current else -1
        if selected is not None and position < 0:
            with self.context.database.session() as session:
                without_contract = employer_name(session, selected)
            if without_contract is not None:
                self.employer_combo.addItem(f"{without_contract} (aucun contrat)", str(selected))
                position = self.employer_combo.count() - 1
        self.employer_combo.setCurrentIndex(max(position, 0) if self.employer_combo.count() else -1)
        self.employer_combo.blockSignals(False)
        self._load()

    def select(self, employer: uuid.UUID, month: Month) -> None:
        """Show ``employer``'s ``month`` (as the user would choose them)."""
        position = self.month_combo.findData(_key(month))
        if position < 0:
            self.month_combo.addItem(format_month(*month).capitalize(), _key(month))
            position = self.month_combo.count() - 1
        self.month = month
        self.month_combo.blockSignals(True)
        self.month_combo.setCurrentIndex(position)
        self.month_combo.blockSignals(False)
        self._fill_employers(employer)

    def _month_chosen(self) -> None:
        if not self._confirm_leave():
            self.month_combo.blockSignals(True)
            self.month_combo.setCurrentIndex(self.month_combo.findData(_key(self.month)))
            self.month_combo.blockSignals(False)
            return
        year, month = str(self.month_combo.currentData()).split("-")
        self.month = (int(year), int(month))
        self._fill_employers(None)

    def _employer(self) -> uuid.UUID | None:
        data = self.employer_combo.currentData()
        return uuid.UUID(data) if data else None

    def _employer_chosen(self) -> None:
        if self.grid.employer_uuid == self._employer():
            return
        if not self._confirm_leave():
            self.employer_combo.blockSignals(True)
            self.employer_combo.setCurrentIndex(
                self.employer_combo.findData(str(self.grid.employer_uuid))
            )
            self.employer_combo.blockSignals(False)
            return
        self._load()

    def _load(self) -> None:
        employer = self._employer()
        if employer is None:
            grid = MonthGrid(uuid.UUID(int=0), "", self.month, [], {},
                             self.grid.monthly_warning)  # fmt: skip
            self.empty_label.setText(
                f"Aucun contrat de travail actif en {format_month(*self.month)}."
            )
        else:
            try:
                with self.context.database.session() as session:
                    grid = load_month_grid(session, employer, self.month)
            except HoursEntryError as error:
                QMessageBox.warning(self, "Saisie du mois", str(error))
                return
            self.empty_label.setText(
                "" if grid.rows else "Aucun contrat de travail de cet employeur ce mois-ci."
            )
        self.model.set_grid(grid)
        self.message_label.setText("")
        if grid.rows:
            self.table.setCurrentIndex(self.model.index(0, WORKED))
        self._update_totals()

    # --- messages ----------------------------------------------------------------------------

    def _refused(self, message: str) -> None:
        self.message_label.setStyleSheet("color: #b03a2e;")
        self.message_label.setText(f"Valeur refusée : {message}")

    def _update_totals(self) -> None:
        grid = self.grid
        warnings = grid.warnings()
        if warnings:
            self.message_label.setStyleSheet("color: #9a5b00;")
            self.message_label.setText(
                "À vérifier (l'enregistrement reste possible) :\n" + "\n".join(warnings)
            )
        elif self.message_label.text().startswith("À vérifier"):
            self.message_label.setText("")
        self.totals_label.setText(
            f"{len(grid.rows)} contrat(s)   ·   Heures travaillées : "
            f"{format_hours(grid.total(HoursColumn.WORKED))}   ·   Heures de formation : "
            f"{format_hours(grid.total(HoursColumn.TRAINING))}"
            + ("   ·   modifications non enregistrées" if grid.is_dirty else "")
        )
        self.save_button.setEnabled(grid.is_dirty)

    # --- saving and leaving ------------------------------------------------------------------

    def save(self) -> bool:
        """Write every change in one transaction, then reload the grid."""
        self.table.commit_open_editor()
        try:
            with self.context.database.transaction() as session:
                result = save_month_grid(session, self.grid)
        except HoursEntryError as error:
            QMessageBox.warning(self, "Enregistrement impossible", str(error))
            return False
        self._load()
        notify_data_changed()
        self.message_label.setStyleSheet("")
        self.message_label.setText(
            f"Heures enregistrées : {result.inserted} ajout(s), {result.updated} "
            f"modification(s), {result.deleted} suppression(s)."
        )
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
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
            "La saisie du mois comporte des heures non enregistrées.\n\nLes enregistrer ?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

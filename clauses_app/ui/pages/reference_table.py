"""Editable reference lists (criteria, contract types, trades …): labels and trades' labour
share can change, codes cannot (other records store them). Loading and saving are services
(clauses_app.services.reference); this module is the table model."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from clauses_app.formatting import format_number
from clauses_app.models import ReferenceKind
from clauses_app.services.reference import ReferenceRow

Role = Qt.ItemDataRole

KIND_LABELS = {
    ReferenceKind.CRITERION: "Critères d'éligibilité",
    ReferenceKind.MODALITY: "Modalités de réalisation",
    ReferenceKind.CONTRACT_TYPE: "Types de contrat",
    ReferenceKind.QUALIFICATION: "Niveaux de qualification",
    ReferenceKind.TRADE: "Métiers (part de main-d'œuvre)",
    ReferenceKind.OUTCOME: "Situations à la sortie",
    ReferenceKind.COMPANY_KIND: "Types d'entreprise",
    ReferenceKind.LEGAL_BASIS: "Fondements juridiques de la clause",
}


class ReferenceTableModel(QAbstractTableModel):
    """Rows of one reference list: code (fixed), label, labour share (trades), active."""

    CODE, LABEL, SHARE, ACTIVE = range(4)
    HEADERS = ("Code", "Libellé", "Part de main-d'œuvre", "Utilisé")
    input_refused = Signal(str)
    edited = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ReferenceRow] = []
        self._trades = False

    def set_rows(self, rows: list[ReferenceRow], trades: bool = False) -> None:
        self.beginResetModel()
        self._rows = rows
        self._trades = trades
        self.endResetModel()

    def row(self, index: int) -> ReferenceRow:
        return self._rows[index]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Role.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = index.column()
        if column == self.LABEL or (column == self.SHARE and self._trades):
            flags |= Qt.ItemFlag.ItemIsEditable
        if column == self.ACTIVE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Role.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role in (Role.DisplayRole, Role.EditRole):
            if column == self.CODE:
                return row.code
            if column == self.LABEL:
                return row.label
            if column == self.SHARE:
                if not self._trades or row.labour_share is None:
                    return ""
                text = format_number(row.labour_share, 1)
                return f"{text}\u00a0%" if role == Role.DisplayRole else text
            return None
        if role == Role.CheckStateRole and column == self.ACTIVE:
            return Qt.CheckState.Checked if row.active else Qt.CheckState.Unchecked
        if role == Role.ForegroundRole and column == self.CODE:
            return QColor("#666666")
        if role == Role.ToolTipRole and column == self.CODE:
            return "Le code est fixe : les autres enregistrements y font référence."
        if role == Role.TextAlignmentRole and column == self.SHARE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Role.EditRole
    ) -> bool:
        if not index.isValid():
            return False
        row, column = self._rows[index.row()], index.column()
        if column == self.ACTIVE and role == Role.CheckStateRole:
            row.active = Qt.CheckState(value) == Qt.CheckState.Checked
        elif column == self.LABEL and role == Role.EditRole:
            text = str(value).strip()
            if not text:
                self.input_refused.emit(f"Le libellé de « {row.code} » ne peut pas être vide.")
                return False
            row.label = text[:200]
        elif column == self.SHARE and role == Role.EditRole and self._trades:
            share = _parse_share(str(value))
            if share is None:
                self.input_refused.emit(
                    f"Part de main-d'œuvre de « {row.code} » : un nombre entre 0 et 100."
                )
                return False
            row.labour_share = share
        else:
            return False
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True


def _parse_share(text: str) -> Decimal | None:
    cleaned = text.replace("%", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value <= 100:
        return None
    return value.quantize(Decimal("0.1"))

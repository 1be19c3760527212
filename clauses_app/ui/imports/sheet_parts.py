"""Parts of the spreadsheet mapping step: the first rows of data under their headers, and the
values of coded columns not understood, each with its row count and a choice of code."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clauses_app.exchange.sheets import field_labels
from clauses_app.exchange.sheets.codes import code_choices
from clauses_app.exchange.sheets.values import cell_text
from clauses_app.formatting import format_number
from clauses_app.ui.context import AppContext

NO_CODE = "— à choisir —"


class SampleTable(QTableWidget):
    """The first data rows of the file, read-only, under the file's own headers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sample_rows")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.setMinimumHeight(120)

    def show_rows(self, headers: list[str], rows: list[list[Any]]) -> None:
        self.clear()
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels([h or "" for h in headers])
        self.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c in range(len(headers)):
                value = cells[c] if c < len(cells) else None
                self.setItem(r, c, QTableWidgetItem(cell_text(value)))
        self.resizeColumnsToContents()


class UnknownValues(QGroupBox):
    """Each distinct value not understood, with its rows, and the code the user picks."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Valeurs non reconnues : choisissez leur code", parent)
        self.setObjectName("unknown_values")
        self.context = context
        self.combos: dict[tuple[str, str], QComboBox] = {}
        # Codes already chosen, kept when their values are understood on the next preview.
        self.kept: dict[str, dict[str, str]] = {}
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Ces valeurs ne correspondent à aucun code connu. Choisissez le code de chacune : "
            "le choix s'applique à toutes ses lignes et est enregistré avec le profil."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.body)
        self.hide()

    def show_values(self, kind: str, unknown: dict[str, dict[str, int]]) -> None:
        chosen = self.values()
        self.kept = chosen
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos = {}
        labels = field_labels(kind)
        row = 0
        with self.context.database.session() as session:
            for field_name, values in unknown.items():
                codes = code_choices(session, field_name)
                for text, count in values.items():
                    rows = f"{format_number(count, 0)} ligne{'s' if count > 1 else ''}"
                    self.grid.addWidget(QLabel(f"{labels.get(field_name, field_name)} :"), row, 0)
                    self.grid.addWidget(QLabel(f"« {text} » ({rows})"), row, 1)
                    combo = QComboBox()
                    combo.setObjectName(f"code_{field_name}_{row}")
                    combo.addItem(NO_CODE, "")
                    for code, label in codes.items():
                        combo.addItem(f"{label} ({code})", code)
                    previous = chosen.get(field_name, {}).get(text)
                    if previous:
                        combo.setCurrentIndex(max(combo.findData(previous), 0))
                    self.grid.addWidget(combo, row, 2)
                    self.combos[(field_name, text)] = combo
                    row += 1
        self.setVisible(bool(self.combos) or bool(chosen))

    def choose(self, field_name: str, text: str, code: str) -> None:
        combo = self.combos[(field_name, text)]
        combo.setCurrentIndex(combo.findData(code))

    def values(self) -> dict[str, dict[str, str]]:
        """``{field: {text: code}}`` of the values given a code."""
        result: dict[str, dict[str, str]] = {f: dict(v) for f, v in self.kept.items()}
        for (field_name, text), combo in self.combos.items():
            code = combo.currentData()
            if code:
                result.setdefault(field_name, {})[text] = str(code)
            else:
                result.get(field_name, {}).pop(text, None)
        return result

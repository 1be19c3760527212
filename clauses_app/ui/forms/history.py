"""« Historique »: who changed a record, when, which field, old value → new value.

A thin view over ``services.history.record_history`` (the same rows as
``clauses history --record``): one line per changed field, newest first; personal values the
user may not see read « masqué ».
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clauses_app.formatting import format_date, format_moment
from clauses_app.services import history
from clauses_app.storage import Database

COLUMNS = ("Date", "Par", "Action", "Champ", "Ancienne valeur", "Nouvelle valeur")
# The criteria's fields, shown in a participant's history.
CHILD_FIELD_LABELS = {
    "criterion_code": "Critère", "validated_on": "Critère : validé le",
    "evidence": "Critère : justificatif", "status": "Critère : statut",
    "follower": "Suivi par",
}  # fmt: skip
# Links a row's own form already says (a criterion's participant).
HIDDEN_FIELDS = {"participant_criterion": {"participant_uuid"}}
MASKED_COLOUR = QColor("#777777")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def describe(value: Any) -> str:
    """A value of the history as a person reads it: dates in French, Oui/Non, « — »."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, str) and _ISO_DATE.match(value):
        from datetime import date

        return format_date(date.fromisoformat(value))
    return str(value)


class HistoryDialog(QDialog):
    """The history of one record (with a participant's criteria)."""

    def __init__(
        self,
        database: Database,
        record_uuid: uuid.UUID,
        title: str,
        labels: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(f"Historique — {title}")
        with database.session() as session:
            self.entries = history.record_history(session, record_uuid)
        outer = QVBoxLayout(self)
        heading = QLabel(f"<b>{title}</b> : modifications, de la plus récente à la plus ancienne.")
        heading.setWordWrap(True)
        outer.addWidget(heading)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self._fill({**CHILD_FIELD_LABELS, **labels})
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in range(3, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        outer.addWidget(self.table, 1)
        self.empty = QLabel("Aucune modification enregistrée pour cette fiche.")
        self.empty.setVisible(not self.entries)
        outer.addWidget(self.empty)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.resize(980, 560)

    def _fill(self, labels: Mapping[str, str]) -> None:
        for entry in self.entries:
            action = history.ACTION_LABELS.get(entry.action, entry.action)
            if entry.table == "participant_criterion":
                action += " (critère)"
            first = [format_moment(entry.changed_at), entry.changed_by, action]
            hidden = HIDDEN_FIELDS.get(entry.table, set())
            changes = [c for c in entry.changes if c.field not in hidden]
            for index, change in enumerate(changes or [None]):
                row = self.table.rowCount()
                self.table.insertRow(row)
                cells = first if index == 0 else ["", "", ""]
                if change is None:
                    cells = [*cells, "", "", ""]
                else:
                    name = labels.get(change.field, change.field)
                    cells = [*cells, name, describe(change.old), describe(change.new)]
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if change is not None and change.masked and column >= 4:
                        item.setForeground(MASKED_COLOUR)
                        item.setToolTip("Donnée personnelle : vous n'avez pas le droit de la voir.")
                    self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()

    def rows(self) -> list[list[str]]:
        """The table's text, row by row (tests)."""
        rows = []
        for r in range(self.table.rowCount()):
            items = (self.table.item(r, c) for c in range(len(COLUMNS)))
            rows.append([item.text() if item is not None else "" for item in items])
        return rows

"""What an import preview or result shows, as table models: counts per entity, errors and
warnings with their place in the file, conflicts and uncertain participant matches.

The rows are built from an :class:`~clauses_app.exchange.ImportReport` by plain functions
(French text, numbers through ``clauses_app.formatting``) and shown by one read-only
:class:`ReportTableModel`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from sqlalchemy.orm import Session

from clauses_app.exchange import ImportReport, Issue
from clauses_app.exchange.format import SPECS
from clauses_app.exchange.labels import entity_label
from clauses_app.exchange.report import COUNT_KEYS, Conflict, UncertainMatch
from clauses_app.formatting import format_date, format_number
from clauses_app.services.records import Kind, label_of

Index = QModelIndex | QPersistentModelIndex

ENTITY_ORDER = tuple(spec.name for spec in SPECS)
# Exchanged entities that are records the window names (services.records.record_label).
ENTITY_KINDS: dict[str, str] = {
    "contracting_authority": Kind.AUTHORITY,
    "operation": Kind.OPERATION,
    "public_contract": Kind.CONTRACT,
    "lot": Kind.LOT,
    "award": Kind.AWARD,
    "company": Kind.COMPANY,
    "participant": Kind.PARTICIPANT,
    "employment": Kind.EMPLOYMENT,
}

COUNT_HEADERS = ("Entité", "Nouveaux", "Modifiés", "Inchangés", "Conflits")
ISSUE_HEADERS = ("Fichier ou membre", "Feuille", "Ligne", "Colonne", "Message")
CONFLICT_HEADERS = ("Entité", "Enregistrement", "Modifié ici le", "Modifié dans le fichier le")
MATCH_HEADERS = ("Ligne", "Feuille", "Personne du fichier", "Participant retenu", "Raison")
TOTAL_LABEL = "Total"


def count(value: int) -> str:
    return format_number(value, 0)


def counts_rows(report: ImportReport) -> list[tuple[str, ...]]:
    """One row per entity the file touches (format order), then a total row."""
    names = sorted(
        report.counts,
        key=lambda n: ENTITY_ORDER.index(n) if n in ENTITY_ORDER else len(ENTITY_ORDER),
    )
    rows = []
    for name in names:
        values = report.counts[name].as_dict()
        rows.append((entity_label(name), *(count(values[key]) for key in COUNT_KEYS)))
    if rows:
        rows.append((TOTAL_LABEL, *(count(report.total(key)) for key in COUNT_KEYS)))
    return rows


def issue_rows(issues: Sequence[Issue]) -> list[tuple[str, ...]]:
    return [
        (
            issue.file or "",
            issue.sheet or "",
            "" if issue.row is None else count(issue.row),
            issue.column or "",
            issue.message,
        )
        for issue in issues
    ]


def timestamp_text(value: datetime) -> str:
    """A UTC timestamp in the local time zone, the French way (``14/02/2025 09:30``)."""
    local = value.astimezone() if value.tzinfo else value
    return f"{format_date(local.date())} {local:%H:%M}"


def conflict_labels(session: Session, conflicts: Sequence[Conflict]) -> dict[uuid.UUID, str]:
    """How a person names each conflicting record (its local version), where one can."""
    labels = {}
    for conflict in conflicts:
        kind = ENTITY_KINDS.get(conflict.entity)
        label = label_of(session, kind, conflict.uuid) if kind else None
        if label is not None:
            labels[conflict.uuid] = label
    return labels


def conflict_rows(
    conflicts: Sequence[Conflict], labels: dict[uuid.UUID, str] | None = None
) -> list[tuple[str, ...]]:
    """One row per conflict; the record by its name when known, else by its identifier."""
    labels = labels or {}
    return [
        (
            entity_label(c.entity),
            labels.get(c.uuid, str(c.uuid)),
            timestamp_text(c.local_updated_at),
            timestamp_text(c.file_updated_at),
        )
        for c in conflicts
    ]


def match_rows(matches: Sequence[UncertainMatch]) -> list[tuple[str, ...]]:
    return [(count(m.row), m.sheet or "", m.file_person, m.participant, m.reason) for m in matches]


def summary_text(report: ImportReport, done: bool) -> str:
    """One sentence on what the preview found, or what the import did."""
    parts = [
        _plural(report.total("new"), "nouvelle ligne", "nouvelles lignes"),
        _plural(report.total("updated"), "modifiée", "modifiées"),
        _plural(report.total("unchanged"), "inchangée", "inchangées"),
        _plural(report.total("conflicts"), "conflit", "conflits"),
    ]
    errors = len(report.errors) + report.errors_left_out
    problems = _plural(errors, "erreur", "erreurs")
    if report.warnings:
        problems += ", " + _plural(len(report.warnings), "avertissement", "avertissements")
    removed = sum(report.removed.values())
    replaced = (
        f" {_plural(removed, 'total remplacé', 'totaux remplacés')} par des relevés mensuels."
        if removed
        else ""
    )
    if not done:
        return f"Aperçu : {', '.join(parts)} — {problems}.{replaced}"
    if report.applied:
        head = "Import effectué" if report.ok else "Lignes valides importées"
        return f"{head} : {', '.join(parts)} — {problems}.{replaced}"
    return f"Import refusé : la base n'a pas été modifiée — {problems}."


def _plural(value: int, singular: str, plural: str) -> str:
    return f"{count(value)} {singular if value <= 1 else plural}"


class ReportTableModel(QAbstractTableModel):
    """Read-only rows of text under named headers; ``numeric`` columns align right."""

    def __init__(
        self, headers: Sequence[str], numeric: Sequence[int] = (), parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.headers = tuple(headers)
        self.numeric = frozenset(numeric)
        self._rows: list[tuple[str, ...]] = []

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        """Replace every row (each as many texts as there are headers)."""
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self.endResetModel()

    def rows(self) -> list[tuple[str, ...]]:
        return list(self._rows)

    def column(self, header: str) -> list[str]:
        """The texts of one column, by header (what a person reads in the table)."""
        position = self.headers.index(header)
        return [row[position] for row in self._rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        text = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole and len(text) > 40:
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight
                if index.column() in self.numeric
                else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

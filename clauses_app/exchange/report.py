"""What an import found and did: counts per entity, every error and warning, conflicts.

The same report serves the preview (nothing written) and the import; ``to_json`` gives the
shape the command line prints with ``--json``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

COUNT_KEYS = ("new", "updated", "unchanged", "conflicts")


@dataclass
class EntityCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in COUNT_KEYS}


@dataclass(frozen=True)
class Issue:
    """One error or warning, located as precisely as the input allows (rows count from 1)."""

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = [part for part in (self.file, self.sheet) if part]
        if self.row is not None:
            where.append(f"ligne {self.row}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        return f"{', '.join(where)} : {self.message}" if where else self.message


@dataclass(frozen=True)
class Conflict:
    """A record changed both here and in the file, the local copy being newer: kept as is."""

    entity: str
    uuid: uuid.UUID
    local_updated_at: datetime
    file_updated_at: datetime


@dataclass(frozen=True)
class UncertainMatch:
    """A person of a spreadsheet matched to a participant on incomplete evidence."""

    row: int
    sheet: str | None
    file_person: str
    participant_uuid: uuid.UUID
    participant: str
    reason: str


@dataclass
class ImportReport:
    """Preview or result of an import. ``applied`` says whether the database was changed."""

    source: str
    counts: dict[str, EntityCounts] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    uncertain_matches: list[UncertainMatch] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)
    applied: bool = False
    errors_left_out: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing was refused."""
        return not self.errors and not self.errors_left_out

    def count(self, entity: str) -> EntityCounts:
        return self.counts.setdefault(entity, EntityCounts())

    def total(self, key: str) -> int:
        return sum(getattr(c, key) for c in self.counts.values())

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "ok": self.ok,
            "counts": {name: c.as_dict() for name, c in self.counts.items()},
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }
        if self.errors_left_out:
            result["errors_left_out"] = self.errors_left_out
        if self.removed:
            result["removed"] = dict(self.removed)
        if self.uncertain_matches:
            result["uncertain_matches"] = [
                {
                    "row": m.row,
                    "sheet": m.sheet,
                    "file_person": m.file_person,
                    "participant_uuid": str(m.participant_uuid),
                    "participant": m.participant,
                    "reason": m.reason,
                }
                for m in self.uncertain_matches
            ]
        result["applied"] = self.applied
        return result


class ErrorSink:
    """Collects errors up to a limit (hostile files can hold millions), counting the rest."""

    def __init__(self, report: ImportReport, limit: int) -> None:
        self.report = report
        self.limit = limit

    def error(self, message: str, **where: Any) -> None:
        self._add_error(Issue(message, **where))

    def warning(self, message: str, **where: Any) -> None:
        self._add_warning(Issue(message, **where))

    def take(self, held: ImportReport) -> None:
        """Add the errors and warnings set aside in ``held``, in their order, as if they had
        been reported here (same limit, the overflow counted)."""
        for issue in held.errors:
            self._add_error(issue)
        self.report.errors_left_out += held.errors_left_out
        for issue in held.warnings:
            self._add_warning(issue)

    def _add_error(self, issue: Issue) -> None:
        if len(self.report.errors) < self.limit:
            self.report.errors.append(issue)
        else:
            self.report.errors_left_out += 1

    def _add_warning(self, issue: Issue) -> None:
        if len(self.report.warnings) < self.limit:
            self.report.warnings.append(issue)


class HeldFaults:
    """Faults set aside while their fate is unknown, then passed on to ``target`` or dropped
    (e.g. a member's row faults when the member turns out to be refused as a whole)."""

    def __init__(self, target: ErrorSink) -> None:
        self.target = target
        self.report = ImportReport(source=target.report.source)
        self.sink = ErrorSink(self.report, target.limit)

    def pass_on(self) -> None:
        self.target.take(self.report)
        self.report = ImportReport(source=self.report.source)
        self.sink.report = self.report

"""Alerts found but worded only when someone reads them. Qt-free.

A national database raises tens of thousands of alerts; wording one (Babel formats its hours
and dates) costs about a tenth of a millisecond, so a :class:`AlertBook` keeps each alert as
the facts that make it (:class:`PendingAlert`) and words only the pages asked for. The book
is plain data: built on a worker thread, read on the GUI thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from clauses_app.services.records.kinds import Kind


class AlertKind:
    CONTRACT_ENDING = "contract_ending"
    ELIGIBILITY_EXPIRING = "eligibility_expiring"
    BEHIND_SCHEDULE = "behind_schedule"
    MISSING_STATEMENT = "missing_statement"
    OUTCOME_MISSING = "outcome_missing"
    # A contract subject to L2112-2-1 with neither social consideration nor exception.
    SOCIAL_CONSIDERATION_MISSING = "social_consideration_missing"
    # Display order: what is due soonest first.
    ALL = (CONTRACT_ENDING, ELIGIBILITY_EXPIRING, BEHIND_SCHEDULE, MISSING_STATEMENT,
           OUTCOME_MISSING, SOCIAL_CONSIDERATION_MISSING)  # fmt: skip


ALERT_TITLES = {
    AlertKind.CONTRACT_ENDING: "Marché bientôt terminé",
    AlertKind.ELIGIBILITY_EXPIRING: "Éligibilité à revalider",
    AlertKind.BEHIND_SCHEDULE: "Attribution en retard",
    AlertKind.MISSING_STATEMENT: "Relevé d'heures manquant",
    AlertKind.OUTCOME_MISSING: "Situation à 6 mois à renseigner",
    AlertKind.SOCIAL_CONSIDERATION_MISSING: "Considération sociale manquante",
}


# Kinds of record an alert opens: the record services' kinds (the UI's RecordKind too).
AlertRecord = Kind


@dataclass(frozen=True)
class Alert:
    kind: str
    record_kind: str
    record_uuid: uuid.UUID
    message: str  # one French sentence naming the record and what is wrong
    due: date | None = None  # the date that makes it urgent, when there is one

    @property
    def title(self) -> str:
        return ALERT_TITLES[self.kind]


@dataclass(frozen=True, slots=True)
class PendingAlert:
    """An alert's facts; ``words(*args)`` gives its message when someone reads it.

    ``lead`` is the message's opening (the record's name, up to " : "): alerts of a kind are
    ordered by due date, then by it, which is the order of their messages.
    """

    kind: str
    record_kind: str
    record_uuid: uuid.UUID
    due: date | None
    lead: str
    words: Callable[..., str]
    args: tuple[Any, ...]

    def worded(self) -> Alert:
        message = self.lead + self.words(*self.args)
        return Alert(self.kind, self.record_kind, self.record_uuid, message, self.due)


def _urgency(pending: PendingAlert) -> tuple[date, str]:
    return (pending.due or date.max, pending.lead)


class AlertBook:
    """Every alert of a dashboard, per kind, most urgent first; worded page by page.

    ``kind=None`` means every kind, in :data:`AlertKind.ALL` order (the order of
    :func:`clauses_app.services.alerts.compute_alerts`).
    """

    def __init__(self, pending: Iterable[PendingAlert] = ()) -> None:
        self._by_kind: dict[str, list[PendingAlert]] = {kind: [] for kind in AlertKind.ALL}
        for item in pending:
            self._by_kind[item.kind].append(item)
        for items in self._by_kind.values():
            items.sort(key=_urgency)

    def counts(self) -> dict[str, int]:
        """Number of alerts of each kind (every kind present, zeros included)."""
        return {kind: len(items) for kind, items in self._by_kind.items()}

    def count(self, kind: str | None = None) -> int:
        if kind is None:
            return sum(len(items) for items in self._by_kind.values())
        return len(self._by_kind[kind])

    def __len__(self) -> int:
        return self.count()

    def page(self, kind: str | None = None, offset: int = 0, limit: int = 100) -> list[Alert]:
        """Alerts ``offset`` to ``offset + limit`` (of one kind, or of all), worded."""
        return [item.worded() for item in self._slice(kind, offset, limit)]

    def pending(
        self, kind: str | None = None, offset: int = 0, limit: int = 100
    ) -> list[PendingAlert]:
        """The same alerts as :meth:`page`, unworded (kind, record and due date only cost
        nothing to show)."""
        return self._slice(kind, offset, limit)

    def first(self, per_kind: int = 5) -> dict[str, list[Alert]]:
        """The summary: the ``per_kind`` most urgent alerts of each kind, worded."""
        return {kind: self.page(kind, 0, per_kind) for kind in AlertKind.ALL}

    def alerts(self, kind: str | None = None) -> list[Alert]:
        """Every alert (of one kind, or of all), worded: what ``compute_alerts`` returns."""
        return self.page(kind, 0, self.count(kind))

    def _slice(self, kind: str | None, offset: int, limit: int) -> list[PendingAlert]:
        offset, end = max(offset, 0), max(offset, 0) + max(limit, 0)
        if kind is not None:
            return self._by_kind[kind][offset:end]
        result: list[PendingAlert] = []
        start = 0
        for items in self._by_kind.values():  # kinds in AlertKind.ALL order
            stop = start + len(items)
            if stop > offset and start < end:
                result.extend(items[max(offset - start, 0) : end - start])
            start = stop
        return result

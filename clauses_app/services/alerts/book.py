"""Alerts found but worded only when someone reads them. Qt-free.

A national database raises tens of thousands of alerts; wording one (Babel formats its hours
and dates) costs about a tenth of a millisecond, so a :class:`AlertBook` keeps each alert as
the facts that make it (:class:`PendingAlert`) and words only the pages asked for. The book
is plain data: built on a worker thread, read on the GUI thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from clauses_app.services.records.kinds import Kind


class AlertKind:
    CONTRACT_ENDING = "contract_ending"
    ELIGIBILITY_EXPIRING = "eligibility_expiring"
    # Work started while the person's eligibility is pending or none (services.eligibility).
    ELIGIBILITY_UNVALIDATED = "eligibility_unvalidated"
    # A lot whose clause plans hours, no company awarded, its contract started.
    LOT_UNAWARDED = "lot_unawarded"
    # An award of a lot sized on the amount invoiced, started, with no amount recorded.
    INVOICED_AMOUNTS_MISSING = "invoiced_amounts_missing"
    BEHIND_SCHEDULE = "behind_schedule"
    MISSING_STATEMENT = "missing_statement"
    OUTCOME_MISSING = "outcome_missing"
    # A contract subject to L2112-2-1 with neither social consideration nor exception.
    SOCIAL_CONSIDERATION_MISSING = "social_consideration_missing"
    # Display order: what is due soonest first.
    ALL = (CONTRACT_ENDING, ELIGIBILITY_EXPIRING, ELIGIBILITY_UNVALIDATED, LOT_UNAWARDED,
           BEHIND_SCHEDULE, MISSING_STATEMENT, OUTCOME_MISSING,
           SOCIAL_CONSIDERATION_MISSING, INVOICED_AMOUNTS_MISSING)  # fmt: skip


ALERT_TITLES = {
    AlertKind.CONTRACT_ENDING: "Marché bientôt terminé",
    AlertKind.ELIGIBILITY_EXPIRING: "Éligibilité à revalider",
    AlertKind.ELIGIBILITY_UNVALIDATED: "Éligibilité non validée",
    AlertKind.LOT_UNAWARDED: "Lot sans attributaire",
    AlertKind.BEHIND_SCHEDULE: "Attribution en retard",
    AlertKind.MISSING_STATEMENT: "Relevé d'heures manquant",
    AlertKind.OUTCOME_MISSING: "Situation à 6 mois à renseigner",
    AlertKind.SOCIAL_CONSIDERATION_MISSING: "Considération sociale manquante",
    AlertKind.INVOICED_AMOUNTS_MISSING: "Montants facturés manquants",
}


class Severity:
    """How much an alert matters (docs/alerts.md): ``high`` puts hours or the contract's
    legality at risk now, ``medium`` is follow-up falling behind, ``low`` is bookkeeping."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    ALL = (HIGH, MEDIUM, LOW)
    LABELS = {HIGH: "Haute", MEDIUM: "Moyenne", LOW: "Basse"}


SEVERITY = {
    AlertKind.CONTRACT_ENDING: Severity.HIGH,
    AlertKind.ELIGIBILITY_EXPIRING: Severity.HIGH,
    AlertKind.ELIGIBILITY_UNVALIDATED: Severity.HIGH,
    AlertKind.LOT_UNAWARDED: Severity.HIGH,
    AlertKind.SOCIAL_CONSIDERATION_MISSING: Severity.HIGH,
    AlertKind.BEHIND_SCHEDULE: Severity.MEDIUM,
    AlertKind.MISSING_STATEMENT: Severity.MEDIUM,
    AlertKind.INVOICED_AMOUNTS_MISSING: Severity.MEDIUM,
    AlertKind.OUTCOME_MISSING: Severity.LOW,
}


# What to do, per kind: shown beside the message (the page, the CLI, ``--json``).
ACTIONS = {
    AlertKind.CONTRACT_ENDING: "Faites le point avec l'entreprise sur les heures restantes "
    "avant la fin du marché.",
    AlertKind.ELIGIBILITY_EXPIRING: "Revalidez l'éligibilité avant le début du contrat.",
    AlertKind.ELIGIBILITY_UNVALIDATED: "Validez un critère d'éligibilité sur la fiche du "
    "participant.",
    AlertKind.LOT_UNAWARDED: "Saisissez l'entreprise attributaire du lot.",
    AlertKind.SOCIAL_CONSIDERATION_MISSING: "Renseignez la considération sociale du marché ou "
    "l'exception qui la justifie.",
    AlertKind.BEHIND_SCHEDULE: "Relancez l'entreprise sur ses heures d'insertion.",
    AlertKind.MISSING_STATEMENT: "Saisissez ou réclamez le relevé d'heures du mois.",
    AlertKind.OUTCOME_MISSING: "Renseignez la situation à 6 mois sur le contrat de travail.",
    AlertKind.INVOICED_AMOUNTS_MISSING: "Saisissez les montants facturés de l'attribution : "
    "les heures exigées en découlent.",
}


class AlertStatus:
    """Where an alert stands: open, marked « traitée » (done) or « reportée » (snoozed)."""

    OPEN = "open"
    DONE = "done"
    SNOOZED = "snoozed"
    ALL = (OPEN, DONE, SNOOZED)
    LABELS = {OPEN: "Ouverte", DONE: "Traitée", SNOOZED: "Reportée"}


@dataclass(frozen=True)
class MarkInfo:
    """The facilitator's mark on an alert, as shown beside it."""

    status: str  # AlertStatus.DONE or SNOOZED
    until: date | None
    comment: str
    marked_by: str
    marked_on: date

    @property
    def label(self) -> str:
        """« Traitée » or « Reportée au 15/01/2026 »."""
        if self.status == AlertStatus.SNOOZED and self.until is not None:
            return f"Reportée au {self.until.strftime('%d/%m/%Y')}"
        return AlertStatus.LABELS[self.status]


def overdue_words(days: int) -> str:
    """« en retard d'1 jour », « en retard de 12 jours »."""
    return "en retard d'1 jour" if days == 1 else f"en retard de {days} jours"


# Kinds of record an alert opens: the record services' kinds (the UI's RecordKind too).
AlertRecord = Kind


@dataclass(frozen=True)
class Alert:
    kind: str
    record_kind: str
    record_uuid: uuid.UUID
    message: str  # one French sentence naming the record, what is wrong and what to do
    due: date | None = None  # the date that makes it urgent, when there is one
    contract_uuid: uuid.UUID | None = None  # the contract it is grouped under
    status: str = AlertStatus.OPEN
    mark: MarkInfo | None = None
    overdue_days: int = 0  # days past ``due`` (0 when not past due)

    @property
    def title(self) -> str:
        return ALERT_TITLES[self.kind]

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind]

    @property
    def action(self) -> str:
        """What to do about it, in one French sentence."""
        return ACTIONS[self.kind]

    @property
    def key(self) -> str:
        """``kind:record_uuid``: what ``clauses alerts mark`` takes."""
        return f"{self.kind}:{self.record_uuid}"

    @property
    def overdue(self) -> str:
        """« en retard de 12 jours », or empty."""
        return overdue_words(self.overdue_days) if self.overdue_days > 0 else ""


class PendingAlert(NamedTuple):
    """An alert's facts; ``words(*args)`` gives its message when someone reads it.

    ``lead`` is the message's opening (the record's name, up to " : "): alerts of a kind are
    ordered by due date, then by it, which is the order of their messages. A named tuple:
    a national year raises tens of thousands, and a tuple is made several times faster than
    a frozen dataclass.

    ``record`` and ``contract`` are ids: UUIDs, or, with ``uuids``, ids as stored
    (``figures.awards.raw``) that become UUIDs when :attr:`record_uuid` or
    :attr:`contract_uuid` is first read: most alerts of a national year are counted, never
    shown.
    """

    kind: str
    record_kind: str
    record: Any
    due: date | None
    lead: str
    words: Callable[..., str]
    args: tuple[Any, ...]
    contract: Any = None
    uuids: Mapping[Any, uuid.UUID] | None = None  # stored ids → UUIDs (figures.awards.UuidCache)

    @property
    def record_uuid(self) -> uuid.UUID:
        return self.record if self.uuids is None else self.uuids[self.record]

    @property
    def contract_uuid(self) -> uuid.UUID | None:
        if self.uuids is None or self.contract is None:
            return self.contract
        return self.uuids[self.contract]

    def worded(
        self, today: date | None = None, status: str = AlertStatus.OPEN,
        mark: MarkInfo | None = None,
    ) -> Alert:  # fmt: skip
        """The alert with its message; past ``due`` on ``today``, how many days late."""
        message = self.lead + self.words(*self.args)
        late = (today - self.due).days if today and self.due and self.due < today else 0
        return Alert(self.kind, self.record_kind, self.record_uuid, message, self.due,
                     self.contract_uuid, status, mark, late)  # fmt: skip


def _urgency(pending: PendingAlert) -> tuple[date, str]:
    return (pending.due or date.max, pending.lead)


class AlertBook:
    """Every alert of a dashboard, per kind, most urgent first; worded page by page.

    ``kind=None`` means every kind, in :data:`AlertKind.ALL` order (the order of
    :func:`clauses_app.services.alerts.compute_alerts`). Counts and pages are of the *open*
    alerts; those the facilitator marked (``worked``: each with its status and mark, see
    services.alerts.marks) are kept apart and read with :meth:`worked`. ``today`` dates the
    lateness of past-due alerts.
    """

    def __init__(
        self,
        pending: Iterable[PendingAlert] = (),
        worked: Iterable[tuple[PendingAlert, MarkInfo]] = (),
        today: date | None = None,
    ) -> None:
        self.today = today
        self._by_kind: dict[str, list[PendingAlert]] = {kind: [] for kind in AlertKind.ALL}
        for item in pending:
            self._by_kind[item.kind].append(item)
        for items in self._by_kind.values():
            items.sort(key=_urgency)
        self._worked = sorted(worked, key=lambda pair: (AlertKind.ALL.index(pair[0].kind),
                                                        _urgency(pair[0])))  # fmt: skip

    def counts(self) -> dict[str, int]:
        """Number of open alerts of each kind (every kind present, zeros included)."""
        return {kind: len(items) for kind, items in self._by_kind.items()}

    def count(self, kind: str | None = None) -> int:
        if kind is None:
            return sum(len(items) for items in self._by_kind.values())
        return len(self._by_kind[kind])

    def __len__(self) -> int:
        return self.count()

    def page(self, kind: str | None = None, offset: int = 0, limit: int = 100) -> list[Alert]:
        """Open alerts ``offset`` to ``offset + limit`` (of one kind, or of all), worded."""
        return [item.worded(self.today) for item in self._slice(kind, offset, limit)]

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
        """Every open alert (of one kind, or of all), worded: what ``compute_alerts`` returns."""
        return self.page(kind, 0, self.count(kind))

    def worked(self, kind: str | None = None) -> list[Alert]:
        """The alerts marked « traitée » or « reportée » whose facts have not changed, worded
        with their status and mark."""
        return [
            item.worded(self.today, mark.status, mark)
            for item, mark in self._worked
            if kind is None or item.kind == kind
        ]

    def worked_pending(self) -> list[tuple[PendingAlert, MarkInfo]]:
        """The worked alerts unworded, each with its mark."""
        return list(self._worked)

    def find(self, kind: str, record_uuid: uuid.UUID) -> PendingAlert | None:
        """The alert of that kind on that record, open or worked (None when it is not raised)."""
        candidates = self._by_kind.get(kind, []) + [item for item, _ in self._worked]
        for item in candidates:
            if item.kind == kind and item.record_uuid == record_uuid:
                return item
        return None

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

"""The alerts page's content: alerts grouped by contract (under its authority) or by kind.

Built on a worker thread, read on the GUI thread: plain data. A national database raises
tens of thousands of alerts; the page shows the ``limit`` most urgent (severity, then due
date) and says how many there are, so that one authority or one year narrows it down.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import ContractingAuthority, PublicContract
from clauses_app.services.alerts.book import (
    ALERT_TITLES,
    SEVERITY,
    Alert,
    AlertBook,
    AlertKind,
    MarkInfo,
    PendingAlert,
    Severity,
)
from clauses_app.services.alerts.collect import collect_alerts
from clauses_app.services.periods import Period
from clauses_app.services.progress import Progress

BY_CONTRACT = "contract"
BY_KIND = "kind"
NO_CONTRACT = "Sans marché"
SHOWN_AT_MOST = 2000


@dataclass(frozen=True)
class AlertGroup:
    title: str  # « 2025-001 — Ville de Lorient » or a kind's title
    alerts: list[Alert]


@dataclass
class AlertView:
    """What the alerts page shows: groups of worded alerts, and the book behind them (its
    unworded alerts are what a mark is made on)."""

    book: AlertBook
    groups: list[AlertGroup] = field(default_factory=list)
    open_count: int = 0
    worked_count: int = 0
    shown: int = 0
    authorities: list[tuple[uuid.UUID, str]] = field(default_factory=list)


def _urgency(alert: Alert) -> tuple[int, date, str]:
    return (Severity.ALL.index(alert.severity), alert.due or date.max, alert.message)


def contract_titles(session: Session, contracts: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """« 2025-001 — Ville de Lorient » for each contract (one query)."""
    statement = select(
        PublicContract.uuid, PublicContract.reference, ContractingAuthority.name
    ).join(ContractingAuthority, PublicContract.authority_uuid == ContractingAuthority.uuid)
    if len(contracts) <= 500:
        statement = statement.where(PublicContract.uuid.in_(list(contracts)))
    return {
        u: f"{reference} — {authority}"
        for u, reference, authority in session.execute(statement)
        if u in contracts
    }


def group_alerts(session: Session, alerts: list[Alert], by: str) -> list[AlertGroup]:
    """``alerts`` by contract (groups by authority, then reference; « Sans marché » last) or
    by kind (in :data:`AlertKind.ALL` order); inside a group, most urgent first."""
    alerts = sorted(alerts, key=_urgency)
    if by == BY_KIND:
        return [
            AlertGroup(ALERT_TITLES[kind], members)
            for kind in AlertKind.ALL
            if (members := [a for a in alerts if a.kind == kind])
        ]
    titles = contract_titles(session, {a.contract_uuid for a in alerts if a.contract_uuid})
    grouped: dict[str, list[Alert]] = {}
    for alert in alerts:
        title = titles.get(alert.contract_uuid, NO_CONTRACT) if alert.contract_uuid else None
        grouped.setdefault(title or NO_CONTRACT, []).append(alert)
    order = sorted(grouped, key=lambda t: (t == NO_CONTRACT, t.split(" — ")[-1], t))
    return [AlertGroup(title, grouped[title]) for title in order]


def load_alert_view(
    session: Session,
    today: date,
    year: int | None,
    authority_uuid: uuid.UUID | None,
    show: str,
    by: str,
    progress: Progress | None = None,
    limit: int = SHOWN_AT_MOST,
) -> AlertView:
    """The page's alerts: ``show`` is ``open``, ``worked`` (treated or postponed) or
    ``all``; the ``limit`` most urgent are worded and grouped ``by`` contract or kind."""
    period = Period.year(year) if year is not None else Period()
    book = collect_alerts(session, today, period, authority_uuid, progress=progress)
    # Sorted and cut unworded: wording costs about a tenth of a millisecond an alert.
    candidates: list[tuple[PendingAlert, MarkInfo | None]] = []
    if show in ("open", "all"):
        candidates += [(item, None) for item in book.pending(None, 0, len(book))]
    if show in ("worked", "all"):
        candidates += book.worked_pending()
    candidates.sort(key=lambda pair: (Severity.ALL.index(SEVERITY[pair[0].kind]),
                                      pair[0].due or date.max, pair[0].lead))  # fmt: skip
    chosen = [
        item.worded(today, mark.status, mark) if mark else item.worded(today)
        for item, mark in candidates[:limit]
    ]
    authorities = [
        (u, name)
        for u, name in session.execute(
            select(ContractingAuthority.uuid, ContractingAuthority.name).order_by(
                ContractingAuthority.name
            )
        )
    ]
    return AlertView(book, group_alerts(session, chosen, by), len(book), len(book.worked_pending()),
                     len(chosen), authorities)  # fmt: skip

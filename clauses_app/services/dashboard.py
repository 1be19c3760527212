"""Headline figures of the dashboard: one year, all authorities or one. Qt-free.

Every figure comes from :func:`clauses_app.services.figures.compute_figures` (hours, rate,
ETP, months) and from the people counts of :mod:`clauses_app.services.stats` (participants,
work contracts), so the dashboard always agrees with the reports and ``clauses stats``.
:func:`load_snapshot` and :func:`load_alerts` are what the page's two background tasks run,
each in its own session: the figures first, then the alerts (services.alerts).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clauses_app.models import (
    ContractingAuthority,
    Employment,
    HoursKind,
    HoursRecord,
    PublicContract,
)
from clauses_app.services.alerts import AlertBook, collect_alerts
from clauses_app.services.counting import ZERO
from clauses_app.services.figures import compute_figures
from clauses_app.services.periods import Month, Period
from clauses_app.services.progress import Progress
from clauses_app.services.settings import AppSettings, load_settings
from clauses_app.services.stats import people_counts
from clauses_app.services.unawarded import planned_unawarded_hours, unawarded_lots
from clauses_app.storage import Database
from clauses_app.storage.result_cache import cache_fingerprint, read_cached, store_cached
from clauses_app.storage.worker import BackgroundQuery

log = logging.getLogger(__name__)
CACHE_KIND = "dashboard"  # storage.result_cache's file of kept dashboards


@dataclass(frozen=True)
class DashboardFigures:
    """What the dashboard shows for one year (and optionally one authority)."""

    year: int
    authority_uuid: uuid.UUID | None
    hours_required: Decimal
    hours_done: Decimal
    completion_rate: Decimal | None  # a ratio: 1.221 means 122.1 %
    etp_done: Decimal
    participants: int
    employments: int
    monthly: tuple[tuple[Month, Decimal], ...]  # the 12 months of the year, zeros included
    # Shown apart (services/hours_apart.py): hours of pending eligibility counted in
    # hours_done, and left out of it; planned hours of lots without an awardee.
    pending_counted: Decimal = ZERO
    pending_excluded: Decimal = ZERO
    unawarded_hours: Decimal = ZERO


def dashboard_figures(
    session: Session,
    year: int,
    authority_uuid: uuid.UUID | None = None,
    settings: AppSettings | None = None,
    background: tuple[BackgroundQuery[Any], ...] = (),
    computation: list[object] | None = None,
    progress: Progress | None = None,
) -> DashboardFigures:
    """Headline figures of ``year`` for every authority, or for ``authority_uuid``. The
    people are counted beside the figures (storage.worker), after the figures' own sums, as
    is any work ``background`` (see compute_figures). ``computation``: where to leave the
    computation behind them, for the caller to let go of (see DashboardSnapshot). The
    planned hours of lots without an awardee are asked for beside them too."""
    settings = settings or load_settings(session)
    period = Period.year(year)
    people = BackgroundQuery(
        session, lambda other: people_counts(other, period, authority_uuid), start=False
    )
    unawarded = BackgroundQuery(
        session,
        lambda other: planned_unawarded_hours(unawarded_lots(other, period, authority_uuid)),
        start=False,
    )
    figures = compute_figures(
        session, period, authority_uuid, settings, background=(people, unawarded, *background),
        progress=progress, pending_hours=True,
    )  # fmt: skip
    employments, participants = people.result()
    if computation is not None:
        computation.append(figures)
    totals = figures.total()
    by_month = figures.monthly()
    monthly = tuple(((year, m), by_month.get((year, m), ZERO)) for m in range(1, 13))
    return DashboardFigures(
        year=year,
        authority_uuid=authority_uuid,
        hours_required=totals.hours_required,
        hours_done=totals.hours_done,
        completion_rate=totals.completion_rate,
        etp_done=totals.etp_done,
        participants=participants,
        employments=employments,
        monthly=monthly,
        pending_counted=totals.pending_counted,
        pending_excluded=totals.pending_excluded,
        unawarded_hours=unawarded.result(),
    )


def data_years(session: Session) -> list[int]:
    """Every year from the first to the last one the data touches (contracts, work contracts,
    hours statements), ascending; empty for an empty database."""
    bounds = [
        session.execute(select(func.min(col_a), func.max(col_b))).one()
        for col_a, col_b in (
            (PublicContract.start_date, PublicContract.end_date),
            (Employment.start_date, Employment.end_date),
        )
    ]
    days = [d for pair in bounds for d in pair if d is not None]
    years = [d.year for d in days] + hours_years(session)
    if not years:
        return []
    return list(range(min(years), max(years) + 1))


def hours_years(session: Session) -> list[int]:
    """Every year from the first to the last hours statement, ascending (empty: none).

    Asked as three look-ups in indexes rather than one scan: the first and last starts (the
    counting index) and the last end of an undivided total (a partial index); a monthly
    record ends in the month it starts."""
    first = session.scalar(select(func.min(HoursRecord.period_start)))
    if first is None:
        return []
    last_start = session.scalar(select(func.max(HoursRecord.period_start)))
    last_total = session.scalar(
        select(func.max(HoursRecord.period_end)).where(HoursRecord.kind != HoursKind.MONTH)
    )
    last = max(day for day in (first, last_start, last_total) if day is not None)
    return list(range(first.year, last.year + 1))


def default_year(years: list[int], today: date) -> int:
    """This year when the data covers it, else the latest year of data before it (or the
    first one after it); this year for an empty database."""
    if not years or today.year in years:
        return today.year
    before = [y for y in years if y < today.year]
    return max(before) if before else min(years)


def authority_choices(session: Session) -> list[tuple[uuid.UUID, str]]:
    """(uuid, name) of the authorities that are not archived, by name."""
    rows = session.execute(
        select(ContractingAuthority.uuid, ContractingAuthority.name)
        .where(ContractingAuthority.archived.is_(False))
        .order_by(ContractingAuthority.name)
    )
    return [(u, n) for u, n in rows]


def contract_choices(session: Session, authority_uuid: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """(uuid, "reference — object") of one authority's contracts, latest reference first
    (the documents page's picker)."""
    rows = session.execute(
        select(PublicContract.uuid, PublicContract.reference, PublicContract.object)
        .where(PublicContract.authority_uuid == authority_uuid)
        .order_by(PublicContract.reference.desc())
    )
    return [(u, f"{reference} — {obj}") for u, reference, obj in rows]


@dataclass(frozen=True)
class DashboardSnapshot:
    years: list[int]
    authorities: list[tuple[uuid.UUID, str]]
    figures: DashboardFigures
    # The computation behind the figures, when they were computed: hundreds of thousands of
    # objects on national data, slow to free. The page lets go of them once the figures
    # are on screen (clearing the list), rather than the service before handing them over.
    computation: list[object] = field(default_factory=list, compare=False, repr=False)


def load_snapshot(
    database: Database,
    year: int | None,
    authority_uuid: uuid.UUID | None,
    today: date,
    progress: Progress | None = None,
) -> DashboardSnapshot:
    """The figures and the selectors' choices, read in one session (on a worker thread;
    ``progress`` may cancel). The snapshot is kept between runs while the data do not change
    (storage.result_cache): a start on the same
    data shows it without computing it again."""
    # The default year depends on today's year only; any other request, on nothing else.
    request = f"{year or f'default {today.year}'}|{authority_uuid.hex if authority_uuid else 'all'}"
    stamp = cache_fingerprint(database)  # before the data are read
    kept = read_cached(CACHE_KIND, database, request, stamp)
    if kept is not None:
        try:
            return snapshot_from_json(kept)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            log.warning("Ignoring the kept dashboard: %s", error)
    with database.reading_session() as session:  # one snapshot, shared with the worker
        settings = load_settings(session)
        # The years covered are asked for beside the figures, after their sums; without any
        # hours, the default year needs them first.
        years = BackgroundQuery(session, data_years, start=False)
        year = year or default_year(hours_years(session) or years.result(), today)
        computation: list[object] = []
        figures = dashboard_figures(
            session, year, authority_uuid, settings, background=(years,),
            computation=computation, progress=progress,
        )  # fmt: skip
        snapshot = DashboardSnapshot(
            years.result(), authority_choices(session), figures, computation
        )
    store_cached(CACHE_KIND, database, request, stamp, snapshot_to_json(snapshot))
    return snapshot


def snapshot_to_json(snapshot: DashboardSnapshot) -> dict[str, Any]:
    """The snapshot as JSON data (numbers as text: Decimals stay exact)."""
    figures = snapshot.figures
    return {
        "years": snapshot.years,
        "authorities": [[key.hex, name] for key, name in snapshot.authorities],
        "figures": {
            "year": figures.year,
            "authority": figures.authority_uuid.hex if figures.authority_uuid else None,
            "hours_required": str(figures.hours_required),
            "hours_done": str(figures.hours_done),
            "completion_rate": _text(figures.completion_rate),
            "etp_done": str(figures.etp_done),
            "participants": figures.participants,
            "employments": figures.employments,
            "monthly": [[y, m, str(hours)] for (y, m), hours in figures.monthly],
            "pending_counted": str(figures.pending_counted),
            "pending_excluded": str(figures.pending_excluded),
            "unawarded_hours": str(figures.unawarded_hours),
        },
    }


def snapshot_from_json(data: dict[str, Any]) -> DashboardSnapshot:
    """:func:`snapshot_to_json` read back."""
    figures = data["figures"]
    authority = figures["authority"]
    rate = figures["completion_rate"]
    return DashboardSnapshot(
        years=[int(y) for y in data["years"]],
        authorities=[(uuid.UUID(hex=key), str(name)) for key, name in data["authorities"]],
        figures=DashboardFigures(
            year=int(figures["year"]),
            authority_uuid=uuid.UUID(hex=authority) if authority else None,
            hours_required=Decimal(figures["hours_required"]),
            hours_done=Decimal(figures["hours_done"]),
            completion_rate=None if rate is None else Decimal(rate),
            etp_done=Decimal(figures["etp_done"]),
            participants=int(figures["participants"]),
            employments=int(figures["employments"]),
            monthly=tuple(((int(y), int(m)), Decimal(h)) for y, m, h in figures["monthly"]),
            pending_counted=Decimal(figures["pending_counted"]),
            pending_excluded=Decimal(figures["pending_excluded"]),
            unawarded_hours=Decimal(figures["unawarded_hours"]),
        ),
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def load_alerts(
    database: Database,
    year: int,
    authority_uuid: uuid.UUID | None,
    today: date,
    progress: Progress | None = None,
) -> AlertBook:
    """The year's alerts, unworded (on a worker thread; ``progress`` may cancel)."""
    with database.session() as session:
        return collect_alerts(session, today, Period.year(year), authority_uuid,
                              progress=progress)  # fmt: skip

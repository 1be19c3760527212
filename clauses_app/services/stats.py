"""Counts and headline figures of a database, an authority or a period (``clauses stats``).

Without a period every record counts. With a period, the records involved in it count: the
awards with hours required, hours done or an employment in the period, and their lots,
contracts, operations, companies and authorities; the employments overlapping the period and
their participants.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    Employment,
    Lot,
    Operation,
    PublicContract,
)
from clauses_app.services.figures import Figures, compute_figures
from clauses_app.services.figures.awards import employments_in_scope
from clauses_app.services.periods import Period
from clauses_app.services.portfolio import territory_participants
from clauses_app.services.settings import AppSettings, load_settings
from clauses_app.services.unawarded import planned_unawarded_hours, unawarded_lots

STATS_KEYS = (
    "authorities",
    "operations",
    "contracts",
    "lots",
    "companies",
    "awards",
    "participants",
    "employments",
    "hours_required",
    "hours_done",
    "etp_done",
    "completion_rate",
)
APART_KEYS = ("pending_counted", "pending_excluded", "unawarded_hours")


def _employments_in(period: Period, authority_uuid: uuid.UUID | None) -> Any:
    statement = employments_in_scope(
        select(Employment.uuid, Employment.participant_uuid), authority_uuid
    )
    if period.end is not None:
        statement = statement.where(Employment.start_date <= period.end)
    if period.start is not None:
        statement = statement.where(
            (Employment.end_date.is_(None)) | (Employment.end_date >= period.start)
        )
    return statement


def _count(session: Session, statement: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


def _record_counts(session: Session, authority_uuid: uuid.UUID | None) -> dict[str, int]:
    if authority_uuid is None:
        models = {
            "authorities": ContractingAuthority,
            "operations": Operation,
            "contracts": PublicContract,
            "lots": Lot,
            "companies": Company,
            "awards": Award,
            "employments": Employment,
        }
        counts = {
            key: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for key, model in models.items()
        }
        # Row-level security hides other portfolios' people: count them through the
        # territory's aggregate function (services/portfolio.py).
        counts["participants"] = territory_participants(session)
        return counts
    contracts = select(PublicContract.uuid).where(PublicContract.authority_uuid == authority_uuid)
    lots = select(Lot.uuid).where(Lot.contract_uuid.in_(contracts))
    awards = select(Award.uuid, Award.company_uuid).where(Award.lot_uuid.in_(lots)).subquery()
    employments = _employments_in(Period(), authority_uuid).subquery()
    return {
        "authorities": 1,
        "operations": _count(
            session, select(Operation.uuid).where(Operation.authority_uuid == authority_uuid)
        ),
        "contracts": _count(session, contracts),
        "lots": _count(session, lots),
        "companies": _count(session, select(awards.c.company_uuid).distinct()),
        "awards": _count(session, select(awards.c.uuid)),
        "participants": _count(session, select(employments.c.participant_uuid).distinct()),
        "employments": _count(session, select(employments.c.uuid)),
    }


def people_counts(
    session: Session, period: Period, authority_uuid: uuid.UUID | None
) -> tuple[int, int]:
    """Work contracts whose dates overlap the period, and their distinct participants."""
    employments = _employments_in(period, authority_uuid).subquery()
    employment_count, participant_count = session.execute(
        select(func.count(), func.count(employments.c.participant_uuid.distinct()))
    ).one()
    return int(employment_count), int(participant_count)


def period_counts(
    session: Session, figures: Figures, period: Period, authority_uuid: uuid.UUID | None
) -> dict[str, int]:
    """Records involved in a period (see the module docstring), from its figures.

    Distinct records are counted on the awards' raw keys (no UUID made for a count) and the
    employments by the database (a national year: 62,000 of them)."""
    keys = [award.raw_keys for award in figures.awards]

    def distinct(position: int) -> int:
        return len({k[position] for k in keys if k[position] is not None})

    employment_count, participant_count = people_counts(session, period, authority_uuid)
    return {
        "authorities": distinct(4),
        "operations": distinct(3),
        "contracts": distinct(2),
        "lots": distinct(1),
        "companies": distinct(5),
        "awards": len(keys),
        "participants": participant_count,
        "employments": employment_count,
    }


def database_stats(
    session: Session,
    authority_uuid: uuid.UUID | None = None,
    period: Period | None = None,
    settings: AppSettings | None = None,
    apart: bool = False,
) -> dict[str, Any]:
    """The flat figures of ``clauses stats --json`` (plain numbers, fixed keys); with
    ``apart``, also what the dashboard shows apart (:data:`APART_KEYS`: hours of pending
    eligibility counted and not counted, planned hours of lots without an awardee)."""
    period = period or Period()
    settings = settings or load_settings(session)
    figures = compute_figures(session, period, authority_uuid, settings, pending_hours=apart)
    if period.is_all_time:
        counts = _record_counts(session, authority_uuid)
    else:
        counts = period_counts(session, figures, period, authority_uuid)
    totals = figures.total()
    rate = totals.completion_rate
    result: dict[str, Any] = dict(counts)
    result.update(
        hours_required=float(totals.hours_required),
        hours_done=float(totals.hours_done),
        etp_done=float(totals.etp_done),
        completion_rate=float(round(rate, 6)) if rate is not None else None,
    )
    if apart:
        unawarded = planned_unawarded_hours(unawarded_lots(session, period, authority_uuid))
        result.update(
            pending_counted=float(totals.pending_counted),
            pending_excluded=float(totals.pending_excluded),
            unawarded_hours=float(unawarded),
        )
        return {key: result[key] for key in STATS_KEYS + APART_KEYS}
    return {key: result[key] for key in STATS_KEYS}

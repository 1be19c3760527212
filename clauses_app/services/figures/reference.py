"""Employments counted by the reference implementation of the rules (caps, sub-contracting
converted from an amount, undivided totals that no month replaces).

They are few (none in the national demo's year): the hours paths read only what every
employment needs, and the dates, amounts and lot costs the rules need are read here, for
these employments only (by key, or by one scan when most employments are detailed, as on
the reference path ``fast_path=False``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import Award, Employment, HoursKind, HoursRecord, Lot
from clauses_app.services.counting import (
    ZERO,
    EmploymentRow,
    HoursRow,
    counted_hours,
    pending_excluded,
)
from clauses_app.services.figures.award import AwardFigures
from clauses_app.services.figures.awards import (
    NO_LIMIT,
    as_date,
    decimal,
    exact,
    month_index_of,
    number,
    raw,
    raw_in,
    rows_for_keys,
)
from clauses_app.services.figures.employments import EmploymentLedger
from clauses_app.services.figures.pending import NOTHING_PENDING, PendingEmployments
from clauses_app.services.periods import Period, last_day, month_of
from clauses_app.services.settings import AppSettings

if TYPE_CHECKING:
    from clauses_app.services.figures.streamed import HoursTotals, RawHours


@dataclass
class Detailed:
    """An employment counted by the reference rules, with its records of the period."""

    award: AwardFigures
    # A raw row that starts with streamed.employments_statement's columns (streamed.KEY…).
    row: Any
    records: list[RawHours] = field(default_factory=list)
    # Read by count_detailed_all: start, end, invoiced amount, lot's labour share and cost.
    details: tuple[Any, ...] = ()


def count_detailed_all(
    session: Session,
    period: Period,
    settings: AppSettings,
    detailed: dict[Any, Detailed],
    totals: HoursTotals,
    pending: PendingEmployments = NOTHING_PENDING,
    to_month: int | None = None,
    ledger: EmploymentLedger | None = None,
) -> None:
    """Count the detailed employments by the reference rules, once the undivided totals that
    months replace are dropped; those whose eligibility is ``pending`` also into their
    award's pending hours; with ``to_month``, the hours of the months up to it also into
    their award's hours to date; each one's hours into the ``ledger``, if any."""
    if not period.is_all_time:
        _drop_totals_replaced_elsewhere(session, detailed)
    _read_details(session, detailed)
    for key, entry in detailed.items():
        counted = _count_detailed(entry, settings, period, totals, key in pending, to_month)
        if ledger is not None and counted is not None:
            ledger.note_exact(key, *counted)


def _read_details(session: Session, detailed: dict[Any, Detailed]) -> None:
    columns = (
        raw(Employment.uuid), raw(Employment.start_date), raw(Employment.end_date),
        number(Employment.invoiced_amount), number(Lot.labour_share), number(Lot.hourly_cost),
    )  # fmt: skip
    statement = (
        select(*columns)
        .join(Award, Employment.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
    )
    for key, *details in rows_for_keys(session, statement, Employment.uuid, set(detailed)):
        detailed[key].details = tuple(details)


def _drop_totals_replaced_elsewhere(session: Session, detailed: dict[Any, Detailed]) -> None:
    """Months replace totals: drop the undivided totals of employments with a monthly record
    in the period (kept) or outside it (looked up)."""
    with_totals = [
        k for k, e in detailed.items() if any(r[0] != HoursKind.MONTH for r in e.records)
    ]
    candidates = []
    for key in with_totals:
        entry = detailed[key]
        if any(r[0] == HoursKind.MONTH for r in entry.records):
            entry.records = [r for r in entry.records if r[0] == HoursKind.MONTH]
        else:
            candidates.append(key)
    for first in range(0, len(candidates), 500):
        chunk = candidates[first : first + 500]
        replaced = session.scalars(
            select(raw(HoursRecord.employment_uuid))
            .where(
                HoursRecord.kind == HoursKind.MONTH,
                raw_in(HoursRecord.employment_uuid, chunk),
            )
            .distinct()
        ).all()
        for key in replaced:
            detailed[key].records = []


def _count_detailed(
    entry: Detailed,
    settings: AppSettings,
    period: Period,
    totals: HoursTotals,
    pending: bool,
    to_month: int | None = None,
) -> tuple[Decimal, int] | None:
    """Count one employment with the reference implementation of the rules. A pending one
    is counted as if it were not (``EmploymentRow.pending`` left False): its hours go to
    the award's pending hours, and to its hours done unless the rules leave them out.
    Return the hours counted into hours done and the index of their last month (None: no
    hours done)."""
    award = entry.award
    lot = award.lot
    (_, _, modality, contract_type, transferred, ineligible, overlapping) = entry.row[:7]
    start, end, invoiced, labour_share, hourly_cost = entry.details
    employment = EmploymentRow(
        modality=modality,
        contract_type=contract_type,
        start=as_date(start),
        end=as_date(end) if end else None,
        transferred_staff=transferred,
        ineligible=ineligible,
        invoiced_amount=decimal(invoiced),
        performance_start=as_date(lot.performance_start) if lot.performance_start else None,
        performance_end=as_date(lot.performance_end) if lot.performance_end else None,
        labour_share=decimal(labour_share),
        hourly_cost=decimal(hourly_cost),
    )
    records = []
    for kind, day_text, end_text, worked, training in entry.records:
        day = as_date(day_text)
        last = as_date(end_text) if end_text else last_day(month_of(day))  # monthly: no end
        records.append(HoursRow(kind, day, last, exact(worked), exact(training)))
    lo = month_index_of(period.start) if period.start else -NO_LIMIT
    hi = month_index_of(period.end) if period.end else NO_LIMIT
    counted = ZERO
    by_month = counted_hours(employment, records, award.rules, settings.hourly_cost)
    in_period = {}
    for (year, month), hours in by_month.items():
        index = year * 12 + month - 1
        if (lo <= index <= hi) and hours:
            counted += hours
            in_period[index] = hours
    if pending_excluded(award.rules, pending):
        in_period = {}
    for index, hours in in_period.items():
        totals.exact_months[index] += hours
        if award.monthly is not None:
            award.monthly[index] = award.monthly.get(index, 0.0) + float(hours)
        if to_month is not None and index <= to_month:
            if award.exact_to_date is None:
                award.exact_to_date = {}
            award.exact_to_date[index] = award.exact_to_date.get(index, ZERO) + hours
    if not counted:
        return None
    if pending:
        award.pending_exact += counted
        if pending_excluded(award.rules, pending):
            return None
    award.exact += counted
    totals.exact_modalities[modality] += counted
    totals.exact_contract_types[contract_type] += counted
    if not overlapping:
        award.employment_count += 1
    return counted, max(in_period)

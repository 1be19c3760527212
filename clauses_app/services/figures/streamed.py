"""Counting every employment's hours in a period into its award, record by record.

The other half of the hot path (a national year is ~62,000 employments and ~315,000 monthly
records). This streamed path serves figures with months per award (``award_months=True``;
tests compare it with the other two paths) and holds what the default path (:mod:`summed`,
sums made by the database) shares with it.
Employments are read first and sorted into two kinds:

- *plain* ones, whose counted hours are simply their monthly hours inside the award's window
  (no cap, no conversion, not excluded): each monthly record read is added straight to its
  award, month and breakdowns, and nothing of it is kept;
- the others (caps, sub-contracting converted from an amount, and every undivided total whose
  months do not replace it) keep their records and go through
  :func:`clauses_app.services.counting.counted_hours`, the reference implementation of the
  rules (:mod:`reference`, which reads what else they need). ``fast_path=False`` sends
  every employment there; tests check both agree.

Excluded employments (ineligible, transferred staff not counted) count no hours and need no
records. Plain hours are summed as floats (they have two decimals, so a sum rounded to the
cent is exact), the reference rules' as Decimal, and both rounded together once per award.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, and_, case, cast, or_, select, true
from sqlalchemy.orm import Session

from clauses_app.models import (
    Employment,
    HoursKind,
    HoursRecord,
)
from clauses_app.services.counting import excluded, needs_reference
from clauses_app.services.figures.award import AwardFigures
from clauses_app.services.figures.awards import (
    MonthIndexes,
    driver_rows,
    employments_in_scope,
    raw,
)
from clauses_app.services.figures.employments import EmploymentLedger
from clauses_app.services.figures.pending import NOTHING_PENDING, PendingEmployments
from clauses_app.services.figures.reference import Detailed, count_detailed_all
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings

RawHours = tuple[str, Any, Any, float, float]  # kind, start, end, worked, training
# The columns of employments_statement(), in order (raw rows are the driver's tuples).
KEY, AWARD, MODALITY, CONTRACT_TYPE, TRANSFERRED, INELIGIBLE, OVERLAPS = range(7)
BATCH = 5000  # rows fetched at a time: the pass never holds the year's records
NO_MONTH = -1  # a month index before every month: no hours to date asked for


@dataclass
class HoursTotals:
    """Counted hours of the whole scope per month index, modality and contract type: plain
    employments' as float sums, the reference rules' as exact sums (award.AwardFigures)."""

    months: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    modalities: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    contract_types: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    exact_months: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    exact_modalities: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    exact_contract_types: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


class Plain:
    """A plain employment during the pass: where its hours go, what it has counted."""

    __slots__ = ("award", "first", "last", "latest", "row", "seen", "total", "with_training")

    def __init__(self, award: AwardFigures, row: Any) -> None:
        self.award = award
        self.row = row  # the raw employment row
        self.first = award.lot.first
        self.last = award.lot.last
        self.with_training = award.rules.training_counted
        self.total = 0.0
        self.latest = -1  # month index of the last month that counted hours
        self.seen = False  # a monthly record of the period was read (months replace totals)

    def detailed(self, records: list[RawHours] | None = None) -> Detailed:
        """This employment counted by the reference rules instead."""
        return Detailed(self.award, self.row, records or [])

    def add_records(
        self,
        records: list[tuple[Any, float, float]],
        month_of: MonthIndexes,
        months: Any,
        to_month: int | None = None,
    ) -> None:
        """Count monthly records (start, worked, training) inside the award's window (those
        up to ``to_month`` also into the award's hours to date)."""
        self.seen = True
        award = self.award
        for start, worked, training in records:
            month = month_of[start]
            if self.first <= month <= self.last:
                value = worked + training if self.with_training else worked
                if value:
                    self.total += value
                    months[month] += value
                    if month > self.latest:
                        self.latest = month
                    if to_month is not None and month <= to_month:
                        award.done_to_date += value


def add_hours_done(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    awards: dict[Any, AwardFigures],
    fast_path: bool = True,
    before_reference: Callable[[], None] = lambda: None,
    pending: PendingEmployments = NOTHING_PENDING,
    to_month: int | None = None,
    ledger: EmploymentLedger | None = None,
) -> HoursTotals:
    """Count every employment's hours in the period into its award, reading every record;
    return the totals. ``fast_path=False`` counts every employment by the reference rules.
    ``before_reference`` is called before they are counted (a progress step). With
    ``to_month``, the hours of the months up to it also go to the awards' hours to date.
    ``ledger``: where to note each employment's hours, when asked for."""
    plain: dict[Any, Plain] = {}
    detailed: dict[Any, Detailed] = {}
    rows = driver_rows(session, employments_statement(period, authority_uuid))
    for emp_key, row, award, simple in employments_to_count(rows, awards, pending):
        if fast_path and simple:
            plain[emp_key] = Plain(award, row)
        else:
            detailed[emp_key] = Detailed(award, row)
    totals = HoursTotals()
    _stream_records(session, period, authority_uuid, plain, detailed, totals, to_month)
    add_plain(plain, totals, pending, ledger)
    totals_rows = driver_rows(session, undivided_statement(period, authority_uuid), BATCH)
    add_undivided((row for batch in totals_rows for row in batch), plain, detailed)
    before_reference()
    count_detailed_all(session, period, settings, detailed, totals, pending, to_month, ledger)
    return totals


def employments_to_count(
    batches: Iterable[Sequence[Sequence[Any]]],
    awards: dict[Any, AwardFigures],
    pending: PendingEmployments = NOTHING_PENDING,
    passed: list[Sequence[Any]] | None = None,
) -> Iterator[tuple[Any, Any, AwardFigures, bool]]:
    """(key, raw row, award, plain?) of every employment in scope that can count hours, from
    batches of rows that start with :func:`employments_statement`'s columns; each one whose
    dates overlap the period is counted in its award on the way. The rows of the others (no
    award in scope, excluded) go to ``passed`` when given."""
    decided: dict[tuple[int, str, str, bool], bool] = {}  # rules (alive), modality, type, pending
    routes = pending.routes
    for batch in batches:
        for row in batch:
            award = awards.get(row[AWARD])
            if award is None:
                if passed is not None:
                    passed.append(row)
                continue
            if row[OVERLAPS]:
                award.employment_count += 1
            rules = award.rules
            if excluded(rules, row[TRANSFERRED], row[INELIGIBLE]):
                if passed is not None:
                    passed.append(row)
                continue
            modality, contract_type = row[MODALITY], row[CONTRACT_TYPE]
            is_pending = routes and row[KEY] in pending
            kind = (id(rules), modality, contract_type, is_pending)  # few: decided once
            plain = decided.get(kind)
            if plain is None:
                plain = decided[kind] = not needs_reference(
                    rules, modality, contract_type, is_pending
                )
            yield row[KEY], row, award, plain


def add_undivided(
    totals: Iterable[Sequence[Any]], plain: dict[Any, Plain], detailed: dict[Any, Detailed]
) -> None:
    """The undivided totals (few) that can count in the period (rows of
    :func:`undivided_statement`): detailed employments keep theirs; a plain employment with
    no monthly record in the period (months replace totals) is counted by the reference
    rules with its totals."""
    undivided: dict[Any, list[RawHours]] = defaultdict(list)
    for emp_key, kind, start, end, worked, training in totals:
        if emp_key in plain:
            undivided[emp_key].append((kind, start, end, worked, training))
        elif emp_key in detailed:
            detailed[emp_key].records.append((kind, start, end, worked, training))
    for emp_key, records in undivided.items():
        was_plain = plain[emp_key]
        if not was_plain.seen:
            detailed[emp_key] = was_plain.detailed(records)


def employments_statement(period: Period, authority_uuid: uuid.UUID | None) -> Any:
    """The employments in scope, with whether their dates overlap the period."""
    overlapping = []
    if period.start is not None:
        overlapping.append(or_(Employment.end_date.is_(None), Employment.end_date >= period.start))
    if period.end is not None:
        overlapping.append(Employment.start_date <= period.end)
    statement = select(
        raw(Employment.uuid), raw(Employment.award_uuid), Employment.modality_code,
        Employment.contract_type_code, Employment.transferred_staff, Employment.ineligible,
        case((and_(true(), *overlapping), 1), else_=0),
    )  # fmt: skip
    return employments_in_scope(statement, authority_uuid)


def _monthly_records(period: Period, authority_uuid: uuid.UUID | None) -> Any:
    """The monthly records of the period's months (four columns: the hot path)."""
    statement = select(
        raw(HoursRecord.employment_uuid),
        raw(HoursRecord.period_start),
        cast(HoursRecord.worked_hours, Float),  # floats on every driver (summed as floats)
        cast(HoursRecord.training_hours, Float),
    ).where(HoursRecord.kind == HoursKind.MONTH)
    return records_statement(statement, period, authority_uuid)


def undivided_statement(period: Period, authority_uuid: uuid.UUID | None) -> Any:
    """The undivided totals overlapping the period."""
    statement = select(
        raw(HoursRecord.employment_uuid),
        HoursRecord.kind,
        raw(HoursRecord.period_start),
        raw(HoursRecord.period_end),
        cast(HoursRecord.worked_hours, Float),
        cast(HoursRecord.training_hours, Float),
    ).where(HoursRecord.kind != HoursKind.MONTH)
    return records_statement(statement, period, authority_uuid)


def records_statement(statement: Any, period: Period, authority_uuid: uuid.UUID | None) -> Any:
    """``statement`` (on HoursRecord) limited to the records that can count in the period
    (those of its months, and totals overlapping it) and to one authority, if given."""
    if authority_uuid is not None:
        statement = employments_in_scope(
            statement.join(Employment, HoursRecord.employment_uuid == Employment.uuid),
            authority_uuid,
        )
    if period.start is not None:
        first_of_month = period.start.replace(day=1)
        statement = statement.where(HoursRecord.period_end >= first_of_month)
    if period.end is not None:
        statement = statement.where(HoursRecord.period_start <= period.end)
    return statement


def _stream_records(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    plain: dict[Any, Plain],
    detailed: dict[Any, Detailed],
    totals: HoursTotals,
    to_month: int | None = None,
) -> None:
    """One pass over the period's monthly records: a plain employment's hours inside its
    award's window are added to it and to the months (and to the award's months, and to
    its hours to date up to ``to_month``); detailed employments keep their records.
    ~315,000 records for a national year."""
    months = totals.months
    up_to = NO_MONTH if to_month is None else to_month
    month_of = MonthIndexes()
    month_kind = HoursKind.MONTH
    plain_entry = plain.get
    for batch in driver_rows(session, _monthly_records(period, authority_uuid), BATCH):
        for emp_key, start, worked, training in batch:
            entry = plain_entry(emp_key)
            if entry is None:
                other = detailed.get(emp_key)
                if other is not None:
                    # A monthly record ends with its month: its end is not needed.
                    other.records.append((month_kind, start, None, worked, training))
                continue
            entry.seen = True
            month = month_of[start]
            if entry.first <= month <= entry.last:
                value = worked + training if entry.with_training else worked
                if value:
                    entry.total += value
                    months[month] += value
                    if month > entry.latest:
                        entry.latest = month
                    if entry.award.monthly is not None:
                        award_months = entry.award.monthly
                        award_months[month] = award_months.get(month, 0.0) + value
                    if month <= up_to:
                        entry.award.done_to_date += value


def add_plain(
    plain: dict[Any, Plain],
    totals: HoursTotals,
    pending: PendingEmployments = NOTHING_PENDING,
    ledger: EmploymentLedger | None = None,
) -> None:
    """What each plain employment counted, into its award (and its pending hours, for an
    employment whose eligibility is pending), the breakdowns and the ``ledger``, if any."""
    modalities = totals.modalities
    contract_types = totals.contract_types
    pending_known = pending.known
    for entry in plain.values():
        total = entry.total
        if not total:
            continue
        award = entry.award
        row = entry.row
        award.done += total
        if pending_known:
            pending.note(row[KEY], award, total)
        if ledger is not None:
            ledger.note(row[KEY], total, entry.latest)
        modalities[row[MODALITY]] += total
        contract_types[row[CONTRACT_TYPE]] += total
        if not row[OVERLAPS]:  # counted hours outside its contract dates: one of the award's
            award.employment_count += 1

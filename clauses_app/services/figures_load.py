"""Loading what the figures need, in bulk, and counting each employment's hours.

This is the hot path of every balance (a national database has ~62,000 employments and
~300,000 hours records), so it avoids per-row ORM work: identifiers are read raw and turned
into UUIDs once per distinct value, hours are summed as floats (they have two decimals, so
sums of them are exact to the cent after rounding) and converted to Decimal once per award.

Employments under plain rules (month records only, no cap, no conversion) take a fast path
that only sums the months of the period inside the performance period; every other one goes
through :func:`clauses_app.services.counting.counted_hours`, the reference implementation of
the rules. Tests check that both paths agree.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from clauses_app.models import (
    Award,
    ClauseMode,
    Employment,
    HoursKind,
    HoursRecord,
    Lot,
    Modality,
    Operation,
    PoolingScope,
    PublicContract,
)
from clauses_app.services.counting import (
    EmploymentRow,
    HoursRow,
    counted_hours,
    required_share_months,
    round_hours,
)
from clauses_app.services.periods import Period
from clauses_app.services.settings import (
    AppSettings,
    CountingRules,
    SubcontractingMode,
    effective_rules,
)

HUNDRED = Decimal(100)
NO_LIMIT = 10**7


def raw(column: Any) -> Any:
    """A column read without type processing (a UUID as stored, a date as stored)."""
    return type_coerce(column, String).label(f"raw_{column.table.name}_{column.key}")


class UuidCache(dict[Any, Any]):
    """Raw stored identifiers → uuid.UUID, converting each distinct value once.

    ``cache[raw]`` is a plain dict lookup; SQLite gives hex text, PostgreSQL UUID objects.
    """

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, value: Any) -> Any:
        found = value if isinstance(value, uuid.UUID) else uuid.UUID(hex=value)
        self[value] = found
        return found


def number(column: Any) -> Any:
    """A numeric column read as the driver gives it (float on SQLite, Decimal on PostgreSQL)."""
    return type_coerce(column, Float).label(f"num_{column.table.name}_{column.key}")


def decimal(value: Any) -> Decimal | None:
    """A raw numeric value as the Decimal it stands for (stored with at most four decimals)."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(repr(value))


def json_value(value: Any) -> Any:
    """A raw JSON column (text on SQLite, already decoded on PostgreSQL)."""
    return json.loads(value) if isinstance(value, str) else value


def year_of(value: Any) -> int:
    return int(value[:4]) if isinstance(value, str) else int(value.year)


def month_index_of(value: Any) -> int:
    """Month index (year × 12 + month − 1) of a date or an ISO date string."""
    if isinstance(value, str):
        return int(value[:4]) * 12 + int(value[5:7]) - 1
    return int(value.year) * 12 + int(value.month) - 1


def as_date(value: Any) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def to_decimal(value: float | Decimal) -> Decimal:
    """A float sum of hours as the Decimal it stands for, rounded to the cent half-up."""
    if isinstance(value, Decimal):
        return round_hours(value)
    return round_hours(Decimal(repr(value)))


@dataclass
class AwardLoad:
    """One award while its figures are being computed (raw keys, float accumulators)."""

    key: Any
    rules: CountingRules
    performance_start: date | None
    performance_end: date | None
    labour_share: Decimal | None
    hourly_cost: Decimal | None
    fields: dict[str, Any]
    hours_required: Decimal
    monthly: dict[int, float]
    by_modality: dict[str, float]
    by_contract_type: dict[str, float]
    employment_count: int = 0


def scope(statement: Select, authority_uuid: uuid.UUID | None) -> Select:  # type: ignore[type-arg]
    if authority_uuid is None:
        return statement
    return statement.where(PublicContract.authority_uuid == authority_uuid)


def load_awards(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    uuids: UuidCache,
) -> dict[Any, AwardLoad]:
    """Every award in scope with its required hours for the period and its counting rules."""
    per_lot = select(Award.lot_uuid, func.count().label("n")).group_by(Award.lot_uuid)
    if authority_uuid is not None:
        per_lot = (
            per_lot.join(Lot, Award.lot_uuid == Lot.uuid)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
            .where(PublicContract.authority_uuid == authority_uuid)
        )
    awards_per_lot = per_lot.subquery()
    statement = (
        select(
            raw(Award.uuid),
            raw(Award.lot_uuid),
            raw(Award.company_uuid),
            number(Award.required_hours),
            number(Award.required_percent),
            number(Award.worked_hours_total),
            raw(Award.award_date),
            Lot.number,
            Lot.clause_mode,
            number(Lot.required_hours),
            number(Lot.required_percent),
            raw(Lot.start_date),
            raw(Lot.end_date),
            number(Lot.labour_share),
            number(Lot.hourly_cost),
            raw(PublicContract.uuid),
            raw(PublicContract.authority_uuid),
            raw(PublicContract.operation_uuid),
            raw(PublicContract.notification_date),
            raw(PublicContract.start_date),
            raw(PublicContract.end_date),
            PublicContract.pooling_scope,
            raw(PublicContract.rules_override),
            raw(Operation.rules_override),
            awards_per_lot.c.n,
        )
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .outerjoin(Operation, PublicContract.operation_uuid == Operation.uuid)
        .join(awards_per_lot, awards_per_lot.c.lot_uuid == Lot.uuid)
    )
    lo = month_index_of(period.start) if period.start else None
    hi = month_index_of(period.end) if period.end else None
    loads: dict[Any, AwardLoad] = {}
    rules_cache: dict[tuple[str, str], CountingRules] = {}
    for row in session.connection().execute(scope(statement, authority_uuid)):
        (
            award_key, lot_key, company_key, a_hours, a_percent, a_worked, award_date,
            lot_number, clause_mode, lot_hours, lot_percent, lot_start, lot_end, labour_share,
            hourly_cost, contract_key, authority_key, operation_key, notification, c_start,
            c_end, pooling, contract_override, operation_override, awards_on_lot,
        ) = row  # fmt: skip
        required = award_required(
            clause_mode, decimal(a_hours), decimal(a_percent), decimal(a_worked),
            decimal(lot_hours), decimal(lot_percent), awards_on_lot, settings,
        )  # fmt: skip
        start, end = lot_start or c_start, lot_end or c_end
        fallback = notification or award_date
        share = required_share_months(
            required,
            month_index_of(start) if start else None,
            month_index_of(end) if end else None,
            year_of(fallback) if fallback else None,
            lo,
            hi,
        )
        # Raw JSON is text on SQLite but a decoded (unhashable) dict on PostgreSQL.
        cache_key = (repr(operation_override), repr(contract_override))
        rules = rules_cache.get(cache_key)
        if rules is None:
            rules = rules_cache[cache_key] = effective_rules(
                settings, json_value(operation_override), json_value(contract_override)
            )
        loads[award_key] = AwardLoad(
            key=award_key,
            rules=rules,
            performance_start=as_date(start) if start else None,
            performance_end=as_date(end) if end else None,
            labour_share=decimal(labour_share),
            hourly_cost=decimal(hourly_cost),
            fields={
                "award_uuid": uuids[award_key],
                "lot_uuid": uuids[lot_key],
                "contract_uuid": uuids[contract_key],
                "operation_uuid": uuids[operation_key],
                "authority_uuid": uuids[authority_key],
                "company_uuid": uuids[company_key],
                "pooling_scope": pooling or PoolingScope.NONE,
                "lot_number": lot_number,
            },
            hours_required=round_hours(share),
            monthly=defaultdict(float),
            by_modality=defaultdict(float),
            by_contract_type=defaultdict(float),
        )
    return loads


def award_required(
    clause_mode: str,
    award_hours: Decimal | None,
    award_percent: Decimal | None,
    award_worked: Decimal | None,
    lot_hours: Decimal | None,
    lot_percent: Decimal | None,
    awards_on_lot: int,
    settings: AppSettings,
) -> Decimal:
    """The hours an award owes: its own figure, else its equal share of the lot's."""
    if clause_mode == ClauseMode.PERCENT:
        percent = award_percent if award_percent is not None else lot_percent
        if percent is None or award_worked is None:
            return Decimal(0)
        return settings.round_hours(award_worked * percent / HUNDRED)
    if award_hours is not None:
        return award_hours
    if lot_hours is not None and awards_on_lot:
        return lot_hours / Decimal(awards_on_lot)
    return Decimal(0)


RawHours = tuple[str, Any, Any, float, float]  # kind, start, end, worked, training


def load_hours(
    session: Session, period: Period, authority_uuid: uuid.UUID | None
) -> dict[Any, list[RawHours]]:
    """Hours rows that can count in the period, per raw employment key.

    Month rows of the period and undivided totals overlapping it; totals of employments that
    have month rows anywhere are dropped (months replace totals).
    """
    statement = select(
        raw(HoursRecord.employment_uuid),
        HoursRecord.kind,
        raw(HoursRecord.period_start),
        raw(HoursRecord.period_end),
        type_coerce(HoursRecord.worked_hours, Float),
        type_coerce(HoursRecord.training_hours, Float),
    )
    if authority_uuid is not None:
        statement = scope(
            statement.join(Employment, HoursRecord.employment_uuid == Employment.uuid)
            .join(Award, Employment.award_uuid == Award.uuid)
            .join(Lot, Award.lot_uuid == Lot.uuid)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid),
            authority_uuid,
        )
    if period.start is not None:
        statement = statement.where(
            HoursRecord.period_end >= date(period.start.year, period.start.month, 1)
        )
    if period.end is not None:
        statement = statement.where(HoursRecord.period_start <= period.end)
    rows: dict[Any, list[RawHours]] = defaultdict(list)
    with_totals: set[Any] = set()
    for emp_key, kind, start, end, worked, training in session.connection().execute(statement):
        rows[emp_key].append((kind, start, end, float(worked or 0), float(training or 0)))
        if kind == HoursKind.TOTAL:
            with_totals.add(emp_key)
    if with_totals and not period.is_all_time:
        _drop_totals_replaced_elsewhere(session, rows, with_totals)
    return rows


def _drop_totals_replaced_elsewhere(
    session: Session, rows: dict[Any, list[RawHours]], with_totals: set[Any]
) -> None:
    """Drop totals of employments that have month rows outside the period loaded."""
    has_months = {e for e in with_totals if any(r[0] == HoursKind.MONTH for r in rows[e])}
    for e in has_months:
        rows[e] = [r for r in rows[e] if r[0] == HoursKind.MONTH]
    candidates = list(with_totals - has_months)
    for first in range(0, len(candidates), 500):
        chunk = candidates[first : first + 500]
        replaced = session.scalars(
            select(raw(HoursRecord.employment_uuid))
            .where(
                HoursRecord.kind == HoursKind.MONTH,
                raw(HoursRecord.employment_uuid).in_(chunk),
            )
            .distinct()
        ).all()
        for emp in replaced:
            rows[emp] = [r for r in rows[emp] if r[0] == HoursKind.MONTH]


def _plain(rules: CountingRules, modality: str, contract_type: str) -> bool:
    """Rules under which an employment's counted hours are simply its months' hours."""
    return (
        rules.training_cap_percent is None
        and not (contract_type == "CDI" and rules.cdi_cap_months is not None)
        and not (
            modality == Modality.SUBCONTRACTING
            and rules.subcontracting_mode == SubcontractingMode.AMOUNT
        )
    )


def add_hours_done(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    loads: dict[Any, AwardLoad],
    fast_path: bool = True,
) -> None:
    """Count every employment's hours in the period into its award's accumulators."""
    employments = select(
        raw(Employment.uuid), raw(Employment.award_uuid), Employment.modality_code,
        Employment.contract_type_code, Employment.start_date, Employment.end_date,
        Employment.transferred_staff, Employment.ineligible, Employment.invoiced_amount,
    )  # fmt: skip
    if authority_uuid is not None:
        employments = scope(
            employments.join(Award, Employment.award_uuid == Award.uuid)
            .join(Lot, Award.lot_uuid == Lot.uuid)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid),
            authority_uuid,
        )
    hours = load_hours(session, period, authority_uuid)
    lo = month_index_of(period.start) if period.start else -NO_LIMIT
    hi = month_index_of(period.end) if period.end else NO_LIMIT
    for row in session.connection().execute(employments):
        (emp_key, award_key, modality, contract_type, start, end, transferred, ineligible,
         invoiced) = row  # fmt: skip
        load = loads.get(award_key)
        if load is None:
            continue
        rows = hours.get(emp_key, ())
        rules = load.rules
        if ineligible or (transferred and not rules.transferred_staff_counted):
            counted: dict[int, float] = {}
        elif (
            fast_path
            and _plain(rules, modality, contract_type)
            and all(r[0] == HoursKind.MONTH for r in rows)
        ):
            counted = _plain_months(load, rows, rules, lo, hi)
        else:
            employment = EmploymentRow(
                modality=modality,
                contract_type=contract_type,
                start=start,
                end=end,
                transferred_staff=transferred,
                ineligible=ineligible,
                invoiced_amount=invoiced,
                performance_start=load.performance_start,
                performance_end=load.performance_end,
                labour_share=load.labour_share,
                hourly_cost=load.hourly_cost,
            )
            counted = _general_months(employment, rows, load.rules, settings, lo, hi)
        if counted or period.overlaps(start, end):
            load.employment_count += 1
        if not counted:
            continue
        total = 0.0
        monthly = load.monthly
        for month, value in counted.items():
            monthly[month] += value
            total += value
        load.by_modality[modality] += total
        load.by_contract_type[contract_type] += total


def _plain_months(
    load: AwardLoad, rows: Any, rules: CountingRules, lo: int, hi: int
) -> dict[int, float]:
    first = lo
    last = hi
    if rules.only_performance_period:
        if load.performance_start is not None:
            first = max(first, month_index_of(load.performance_start))
        if load.performance_end is not None:
            last = min(last, month_index_of(load.performance_end))
    with_training = rules.training_counted
    counted: dict[int, float] = {}
    for _, start, _, worked, training in rows:
        month = month_index_of(start)
        if first <= month <= last:
            value = worked + training if with_training else worked
            if value:
                counted[month] = counted.get(month, 0.0) + value
    return counted


def _general_months(
    employment: EmploymentRow,
    rows: Any,
    rules: CountingRules,
    settings: AppSettings,
    lo: int,
    hi: int,
) -> dict[int, float]:
    """The reference implementation of the counting rules, for the employments that need it."""
    hours_rows = [
        HoursRow(kind, as_date(s), as_date(e), Decimal(repr(w)), Decimal(repr(t)))
        for kind, s, e, w, t in rows
    ]
    counted = counted_hours(employment, hours_rows, rules, settings.hourly_cost)
    result: dict[int, float] = {}
    for (year, month), value in counted.items():
        index = year * 12 + month - 1
        if lo <= index <= hi:
            result[index] = float(value)
    return result

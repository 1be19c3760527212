"""Required and carried-out hours per award, rolled up to lots, contracts, operations,
companies and authorities, for a period. The one place these figures are computed.

Rounding: each award's figures are rounded to the cent (half-up) and every total is the sum of
those rounded values, so that the rows of a table always add up to its total.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from clauses_app.models import (
    Award,
    ClauseMode,
    Employment,
    HoursKind,
    HoursRecord,
    Lot,
    Operation,
    PoolingScope,
    PublicContract,
)
from clauses_app.services.counting import (
    ZERO,
    EmploymentRow,
    HoursRow,
    counted_hours,
    required_share,
    round_hours,
)
from clauses_app.services.periods import Month, Period, first_day
from clauses_app.services.settings import AppSettings, CountingRules, effective_rules, load_settings

HUNDRED = Decimal(100)
RATE_QUANTUM = Decimal("0.0001")


def completion_rate(done: Decimal, required: Decimal) -> Decimal | None:
    """hours done ÷ hours required as a ratio (1.221 = 122.1 %); None when nothing is required."""
    if required <= 0:
        return None
    return (done / required).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    hours_required: Decimal
    hours_done: Decimal
    etp_basis: int = 1607

    @property
    def completion_rate(self) -> Decimal | None:
        return completion_rate(self.hours_done, self.hours_required)

    @property
    def etp_done(self) -> Decimal:
        return (self.hours_done / Decimal(self.etp_basis)).quantize(
            RATE_QUANTUM, rounding=ROUND_HALF_UP
        )

    @property
    def etp_required(self) -> Decimal:
        return (self.hours_required / Decimal(self.etp_basis)).quantize(
            RATE_QUANTUM, rounding=ROUND_HALF_UP
        )


@dataclass
class AwardFigures:
    award_uuid: uuid.UUID
    lot_uuid: uuid.UUID
    contract_uuid: uuid.UUID
    operation_uuid: uuid.UUID | None
    authority_uuid: uuid.UUID
    company_uuid: uuid.UUID
    pooling_scope: str
    hours_required: Decimal = ZERO
    hours_done: Decimal = ZERO
    hours_done_pooled: Decimal = ZERO
    monthly: dict[Month, Decimal] = field(default_factory=dict)
    by_modality: dict[str, Decimal] = field(default_factory=dict)
    by_contract_type: dict[str, Decimal] = field(default_factory=dict)
    employment_count: int = 0


@dataclass
class Figures:
    """Every award's figures for a period, with the roll-ups the screens and reports need."""

    period: Period
    awards: list[AwardFigures]
    etp_basis: int = 1607

    def total(self) -> Totals:
        return self._totals(self.awards)

    def _totals(self, awards: Iterable[AwardFigures], pooled: bool = False) -> Totals:
        required = sum((a.hours_required for a in awards_list(awards)), ZERO)
        done = sum(
            (a.hours_done_pooled if pooled else a.hours_done for a in awards_list(awards)), ZERO
        )
        return Totals(required, done, self.etp_basis)

    def group(
        self, key: Callable[[AwardFigures], Hashable], pooled: bool = False
    ) -> dict[Hashable, Totals]:
        groups: dict[Hashable, list[AwardFigures]] = defaultdict(list)
        for award in self.awards:
            groups[key(award)].append(award)
        return {k: self._totals(v, pooled) for k, v in groups.items()}

    def by_authority(self) -> dict[Hashable, Totals]:
        return self.group(lambda a: a.authority_uuid)

    def by_operation(self) -> dict[Hashable, Totals]:
        return self.group(lambda a: a.operation_uuid)

    def by_contract(self) -> dict[Hashable, Totals]:
        return self.group(lambda a: a.contract_uuid)

    def by_lot(self, pooled: bool = False) -> dict[Hashable, Totals]:
        return self.group(lambda a: a.lot_uuid, pooled)

    def by_company(self) -> dict[Hashable, Totals]:
        return self.group(lambda a: a.company_uuid)

    def monthly(self) -> dict[Month, Decimal]:
        """Counted hours per calendar month (months of the period only), cent-rounded."""
        result: dict[Month, Decimal] = defaultdict(lambda: ZERO)
        for award in self.awards:
            for month, hours in award.monthly.items():
                result[month] += hours
        return {m: round_hours(v) for m, v in sorted(result.items())}

    def by_modality(self) -> dict[str, Decimal]:
        return _sum_maps(a.by_modality for a in self.awards)

    def by_contract_type(self) -> dict[str, Decimal]:
        return _sum_maps(a.by_contract_type for a in self.awards)


def awards_list(awards: Iterable[AwardFigures]) -> list[AwardFigures]:
    return awards if isinstance(awards, list) else list(awards)


def _sum_maps(maps: Iterable[dict[str, Decimal]]) -> dict[str, Decimal]:
    result: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for m in maps:
        for k, v in m.items():
            result[k] += v
    return {k: round_hours(v) for k, v in sorted(result.items())}


@dataclass
class _AwardContext:
    figures: AwardFigures
    rules: CountingRules
    performance_start: date | None
    performance_end: date | None
    labour_share: Decimal | None
    hourly_cost: Decimal | None
    lot_number: str


def compute_figures(
    session: Session,
    period: Period | None = None,
    authority_uuid: uuid.UUID | None = None,
    settings: AppSettings | None = None,
) -> Figures:
    """Figures of every award (of one authority, when given) for ``period`` (all time if None)."""
    period = period or Period()
    settings = settings or load_settings(session)
    contexts = _load_awards(session, period, authority_uuid, settings)
    _add_hours_done(session, period, authority_uuid, settings, contexts)
    awards = [ctx.figures for ctx in contexts.values()]
    _apply_pooling(list(contexts.values()))
    awards = [a for a in awards if a.hours_required or a.hours_done or a.employment_count]
    return Figures(period, awards, settings.etp_basis)


def _scope(statement: Select, authority_uuid: uuid.UUID | None) -> Select:  # type: ignore[type-arg]
    if authority_uuid is None:
        return statement
    return statement.where(PublicContract.authority_uuid == authority_uuid)


def _load_awards(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
) -> dict[uuid.UUID, _AwardContext]:
    awards_per_lot = (
        select(Award.lot_uuid, func.count().label("n")).group_by(Award.lot_uuid).subquery()
    )
    statement = (
        select(
            Award.uuid,
            Award.lot_uuid,
            Award.company_uuid,
            Award.required_hours,
            Award.required_percent,
            Award.worked_hours_total,
            Award.award_date,
            Lot.number,
            Lot.clause_mode,
            Lot.required_hours,
            Lot.required_percent,
            Lot.start_date,
            Lot.end_date,
            Lot.labour_share,
            Lot.hourly_cost,
            PublicContract.uuid,
            PublicContract.authority_uuid,
            PublicContract.operation_uuid,
            PublicContract.notification_date,
            PublicContract.start_date,
            PublicContract.end_date,
            PublicContract.pooling_scope,
            PublicContract.rules_override,
            Operation.rules_override,
            awards_per_lot.c.n,
        )
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .outerjoin(Operation, PublicContract.operation_uuid == Operation.uuid)
        .join(awards_per_lot, awards_per_lot.c.lot_uuid == Lot.uuid)
    )
    contexts: dict[uuid.UUID, _AwardContext] = {}
    rules_cache: dict[tuple[str, str], CountingRules] = {}
    for row in session.execute(_scope(statement, authority_uuid)):
        (
            award_uuid, lot_uuid, company_uuid, a_hours, a_percent, a_worked, award_date,
            lot_number, clause_mode, lot_hours, lot_percent, lot_start, lot_end, labour_share,
            hourly_cost, contract_uuid, auth_uuid, operation_uuid, notification, c_start, c_end,
            pooling, contract_override, operation_override, awards_on_lot,
        ) = row  # fmt: skip
        required = _award_required(
            clause_mode, a_hours, a_percent, a_worked, lot_hours, lot_percent, awards_on_lot,
            settings,
        )  # fmt: skip
        start = lot_start or c_start
        end = lot_end or c_end
        fallback = notification or award_date
        share = required_share(
            required,
            start,
            end,
            fallback.year if fallback else None,
            period.start,
            period.end,
        )
        cache_key = (repr(operation_override), repr(contract_override))
        if cache_key not in rules_cache:
            rules_cache[cache_key] = effective_rules(
                settings, operation_override, contract_override
            )
        contexts[award_uuid] = _AwardContext(
            figures=AwardFigures(
                award_uuid=award_uuid,
                lot_uuid=lot_uuid,
                contract_uuid=contract_uuid,
                operation_uuid=operation_uuid,
                authority_uuid=auth_uuid,
                company_uuid=company_uuid,
                pooling_scope=pooling or PoolingScope.NONE,
                hours_required=round_hours(share),
            ),
            rules=rules_cache[cache_key],
            performance_start=start,
            performance_end=end,
            labour_share=labour_share,
            hourly_cost=hourly_cost,
            lot_number=lot_number,
        )
    return contexts


def _award_required(
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
            return ZERO
        return settings.round_hours(award_worked * percent / HUNDRED)
    if award_hours is not None:
        return award_hours
    if lot_hours is not None and awards_on_lot:
        return lot_hours / Decimal(awards_on_lot)
    return ZERO


def _add_hours_done(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    contexts: dict[uuid.UUID, _AwardContext],
) -> None:
    employments = _scope(
        select(
            Employment.uuid,
            Employment.award_uuid,
            Employment.modality_code,
            Employment.contract_type_code,
            Employment.start_date,
            Employment.end_date,
            Employment.transferred_staff,
            Employment.ineligible,
            Employment.invoiced_amount,
        )
        .join(Award, Employment.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid),
        authority_uuid,
    )
    hours = _load_hours(session, period, authority_uuid)
    for row in session.execute(employments):
        (emp_uuid, award_uuid, modality, contract_type, start, end, transferred, ineligible,
         invoiced) = row  # fmt: skip
        ctx = contexts.get(award_uuid)
        if ctx is None:
            continue
        employment = EmploymentRow(
            modality=modality,
            contract_type=contract_type,
            start=start,
            end=end,
            transferred_staff=transferred,
            ineligible=ineligible,
            invoiced_amount=invoiced,
            performance_start=ctx.performance_start,
            performance_end=ctx.performance_end,
            labour_share=ctx.labour_share,
            hourly_cost=ctx.hourly_cost,
        )
        counted = counted_hours(
            employment, hours.get(emp_uuid, []), ctx.rules, settings.hourly_cost
        )
        in_period = {m: h for m, h in counted.items() if period.contains_month(m)}
        figures = ctx.figures
        if period.overlaps(start, end) or in_period:
            figures.employment_count += 1
        if not in_period:
            continue
        total = sum(in_period.values(), ZERO)
        for month, value in in_period.items():
            figures.monthly[month] = figures.monthly.get(month, ZERO) + value
        figures.by_modality[modality] = figures.by_modality.get(modality, ZERO) + total
        figures.by_contract_type[contract_type] = (
            figures.by_contract_type.get(contract_type, ZERO) + total
        )
    for ctx in contexts.values():
        figures = ctx.figures
        figures.hours_done = round_hours(sum(figures.monthly.values(), ZERO))
        figures.hours_done_pooled = figures.hours_done


def _load_hours(
    session: Session, period: Period, authority_uuid: uuid.UUID | None
) -> dict[uuid.UUID, list[HoursRow]]:
    """Hours rows that can count in the period, per employment.

    Month rows of the period; undivided totals overlapping it, unless the employment has month
    rows anywhere (they replace the total). A SQL filter keeps the national case small.
    """
    statement = _scope(
        select(
            HoursRecord.employment_uuid,
            HoursRecord.kind,
            HoursRecord.period_start,
            HoursRecord.period_end,
            HoursRecord.worked_hours,
            HoursRecord.training_hours,
        )
        .join(Employment, HoursRecord.employment_uuid == Employment.uuid)
        .join(Award, Employment.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid),
        authority_uuid,
    )
    conditions = []
    if period.start is not None:
        conditions.append(HoursRecord.period_end >= first_day_of(period.start))
    if period.end is not None:
        conditions.append(HoursRecord.period_start <= period.end)
    if conditions:
        statement = statement.where(and_(*conditions))
    rows: dict[uuid.UUID, list[HoursRow]] = defaultdict(list)
    with_totals: set[uuid.UUID] = set()
    for emp_uuid, kind, start, end, worked, training in session.execute(statement):
        rows[emp_uuid].append(HoursRow(kind, start, end, worked, training))
        if kind == HoursKind.TOTAL:
            with_totals.add(emp_uuid)
    if with_totals and not period.is_all_time:
        _drop_totals_replaced_elsewhere(session, rows, with_totals)
    return rows


def first_day_of(day: date) -> date:
    return first_day((day.year, day.month))


def _drop_totals_replaced_elsewhere(
    session: Session, rows: dict[uuid.UUID, list[HoursRow]], with_totals: set[uuid.UUID]
) -> None:
    """Drop totals of employments that have month rows outside the period loaded."""
    loaded_months = {
        emp for emp in with_totals if any(r.kind == HoursKind.MONTH for r in rows[emp])
    }
    candidates = list(with_totals - loaded_months)
    for chunk_start in range(0, len(candidates), 500):
        chunk = candidates[chunk_start : chunk_start + 500]
        replaced = session.scalars(
            select(HoursRecord.employment_uuid)
            .where(HoursRecord.kind == HoursKind.MONTH, HoursRecord.employment_uuid.in_(chunk))
            .distinct()
        ).all()
        for emp in replaced:
            rows[emp] = [r for r in rows[emp] if r.kind == HoursKind.MONTH]


def _apply_pooling(contexts: list[_AwardContext]) -> None:
    """Let a company's surplus on one lot cover its shortfall on another lot of the same
    contract (or operation), when the contract's clause allows pooling. Totals are unchanged;
    only the per-lot ``hours_done_pooled`` moves."""
    pools: dict[tuple[object, uuid.UUID], list[_AwardContext]] = defaultdict(list)
    for ctx in contexts:
        f = ctx.figures
        if f.pooling_scope == PoolingScope.CONTRACT:
            pools[(f.contract_uuid, f.company_uuid)].append(ctx)
        elif f.pooling_scope == PoolingScope.OPERATION:
            pools[(f.operation_uuid or f.contract_uuid, f.company_uuid)].append(ctx)
    for members in pools.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda c: (str(c.figures.contract_uuid), c.lot_number))
        surplus = sum(
            (max(c.figures.hours_done - c.figures.hours_required, ZERO) for c in members), ZERO
        )
        if surplus <= 0:
            continue
        for ctx in members:  # fill shortfalls in lot order
            f = ctx.figures
            shortfall = f.hours_required - f.hours_done
            if shortfall > 0 and surplus > 0:
                moved = min(shortfall, surplus)
                f.hours_done_pooled = f.hours_done + moved
                surplus -= moved
        given = sum((c.figures.hours_done_pooled - c.figures.hours_done for c in members), ZERO)
        for ctx in members:  # take the moved hours from the lots in surplus, in lot order
            f = ctx.figures
            excess = f.hours_done - f.hours_required
            if excess > 0 and given > 0:
                taken = min(excess, given)
                f.hours_done_pooled = f.hours_done - taken
                given -= taken

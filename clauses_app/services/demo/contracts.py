"""Demo operations, public contracts, lots and awards of one contracting authority.

Contracts are first drafted (dates, lots, winning companies, a target completion rate); the
employments are then generated on the awards; only then is each lot's amount chosen so that
the clause, sized with :func:`clauses_app.services.sizing.size_clause`, requires the hours that
give the award its target completion rate for the year. So the demo shows contracts ahead of,
on and behind schedule, with amounts that are consistent with the sizing formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from clauses_app.models import AwardRole, ClauseMode, PoolingScope
from clauses_app.services.demo.context import DemoContext, Row, Weighted
from clauses_app.services.demo.parties import AuthoritySpec, CompanyPool
from clauses_app.services.demo.vocabulary import (
    BUILDING_LOTS,
    BUILDING_OBJECTS,
    NEIGHBOURHOODS,
    OPERATIONS,
    PROCEDURES,
    RESIDENCES,
    SCHOOLS,
    SINGLE_LOT_TITLE,
    SINGLE_OBJECTS,
    TRADE_LABELS,
)
from clauses_app.services.periods import add_months, month_count, month_of
from clauses_app.services.reference import DEFAULT_TRADES
from clauses_app.services.settings import AppSettings
from clauses_app.services.sizing import size_clause

LABOUR_SHARES = {code: share for code, _, share in DEFAULT_TRADES}
INSERTION_RATES = (5, 5, 7, 7, 7, 8, 10, 10, 12, 15)
SINGLE_TRADES = Weighted({
    "NETTOYAGE": 18, "ESPACES_VERTS": 15, "VRD": 20, "BATIMENT": 15, "PEINTURE": 12,
    "MACONNERIE": 12, "CHARPENTE_METALLIQUE": 8,
})  # fmt: skip
# Holders of reserved contracts: SIAE (L2113-13, R2123-1) or disability sector (L2113-12).
RESERVED_HOLDERS = {
    "L2113-13": ("EI", "ACI", "REGIE"),
    "R2123-1": ("ACI", "EI"),
    "L2113-12": ("EA", "ESAT"),
}
CO_CONTRACTORS = ("EI", "ACI", "REGIE")
COMPLETION = {"normal": (0.95, 1.35), "behind": (0.3, 0.65), "ending": (0.45, 0.8)}


@dataclass(frozen=True)
class Shape:
    """What kind of contract to draft."""

    trade: str | None = None  # None: a multi-lot building project
    lots: int = 0  # multi-lot only; 0 = random
    legal_basis: str = "L2112-2"
    profile: str = "normal"  # normal, behind (schedule), ending (within 60 days of year end)
    co_contractor: bool = False
    pooled: bool = False  # the same company holds two lots, with pooling
    operation: bool = False
    percent: bool = False  # clause written as a percentage of the hours worked


# The first authority shows every feature at least once.
FIRST_SHAPES = (
    Shape(lots=3, co_contractor=True, pooled=True),
    Shape(trade="NETTOYAGE"),
    Shape(trade="VRD", profile="behind", operation=True),
    Shape(trade="ESPACES_VERTS", profile="ending"),
    Shape(trade="NETTOYAGE", legal_basis="L2113-13"),
    Shape(trade="PEINTURE", percent=True, operation=True),
)


@dataclass
class AwardDraft:
    uuid: UUID
    company_uuid: UUID
    company_kind: str
    role: str
    completion: float
    done_cents: int = 0  # hours recorded that count, in cents
    employments: int = 0


@dataclass
class LotDraft:
    uuid: UUID
    number: int
    title: str
    trade: str
    insertion_rate: Decimal
    hourly_cost: Decimal | None
    percent: bool
    awards: list[AwardDraft] = field(default_factory=list)


@dataclass
class ContractDraft:
    uuid: UUID
    shape: Shape
    reference: str
    object: str
    notification: date
    start: date
    end: date
    window: tuple[date, date]  # the part of the performance period inside the year
    operation_uuid: UUID | None
    operation_pooled: bool  # the operation's clause lets hours count across its contracts
    lots: list[LotDraft] = field(default_factory=list)


@dataclass
class OperationDraft:
    uuid: UUID
    name: str
    pooled: bool
    main_company: UUID
    contracts: list[ContractDraft] = field(default_factory=list)


def _random_shape(ctx: DemoContext, has_operation: bool) -> Shape:
    rng = ctx.rng
    r = rng.random()
    profile = "behind" if r < 0.10 else "ending" if r < 0.16 else "normal"
    in_operation = has_operation and rng.random() < 0.35
    if rng.random() < 0.25:
        return Shape(
            profile=profile,
            co_contractor=rng.random() < 0.08,
            pooled=rng.random() < 0.3,
            operation=in_operation,
        )
    trade: str = SINGLE_TRADES.pick(rng)
    r = rng.random()
    legal = "L2112-2"
    if r < 0.05:
        legal = "L2113-13"
    elif r < 0.08:
        legal = "R2123-1"
    elif r < 0.10 and trade in ("NETTOYAGE", "ESPACES_VERTS"):
        legal = "L2113-12"
    elif r < 0.15:
        legal = "L2152-7"
    return Shape(
        trade=trade,
        legal_basis=legal,
        profile=profile,
        operation=in_operation,
        percent=legal == "L2112-2" and rng.random() < 0.03,
    )


def draft_contracts(
    ctx: DemoContext,
    spec: AuthoritySpec,
    count: int,
    companies: CompanyPool,
    first: bool,
) -> tuple[list[OperationDraft], list[ContractDraft]]:
    """The operations and contract drafts of one authority (``count`` contracts exactly)."""
    rng = ctx.rng
    operations: list[OperationDraft] = []
    if first or (count >= 4 and rng.random() < 0.5):
        template, anru = OPERATIONS[0] if first else rng.choice(OPERATIONS)
        name = template.format(neighbourhood=rng.choice(NEIGHBOURHOODS))
        main = companies.classic(ctx, spec.town.region, "BATIMENT")
        operations.append(OperationDraft(ctx.new_uuid(), name, anru, main))
    shapes = list(FIRST_SHAPES[:count]) if first else []
    while len(shapes) < count:
        shapes.append(_random_shape(ctx, bool(operations)))
    drafts = []
    sequence: dict[tuple[int, str], int] = {}
    for shape in shapes:
        operation = operations[0] if shape.operation and operations else None
        draft = _draft(ctx, spec, shape, companies, operation, sequence)
        if operation is not None:
            operation.contracts.append(draft)
        drafts.append(draft)
    return operations, drafts


def _dates(ctx: DemoContext, profile: str) -> tuple[date, date, date]:
    """Notification, start and end of a performance period that overlaps the year."""
    rng, year = ctx.rng, ctx.plan.year
    if profile == "ending":
        end = date(year + 1, 1, 1) + timedelta(days=rng.randint(0, 58))
        start = add_months(end + timedelta(days=1), -rng.choice((12, 18, 24)))
        return start - timedelta(days=rng.randint(15, 75)), start, end
    while True:
        notification = date(year - 2, 10, 1) + timedelta(days=rng.randint(0, 745))
        start = notification + timedelta(days=rng.randint(15, 75))
        months = rng.choice((6, 8, 10, 12, 12, 18, 24, 24, 30, 36, 48))
        end = add_months(start, months) - timedelta(days=1)
        if end >= date(year, 3, 1) and start <= date(year, 11, 30):
            return notification, start, end


def _draft(
    ctx: DemoContext,
    spec: AuthoritySpec,
    shape: Shape,
    companies: CompanyPool,
    operation: OperationDraft | None,
    sequence: dict[tuple[int, str], int],
) -> ContractDraft:
    rng = ctx.rng
    notification, start, end = _dates(ctx, shape.profile)
    works = shape.trade not in ("NETTOYAGE", "ESPACES_VERTS")
    letter = "T" if works else "S"
    number = sequence[(notification.year, letter)] = (
        sequence.get((notification.year, letter), 0) + 1
    )
    words = {
        "school": rng.choice(SCHOOLS),
        "residence": rng.choice(RESIDENCES),
        "neighbourhood": rng.choice(NEIGHBOURHOODS),
        "n": rng.choice((24, 36, 40, 48, 60, 80, 120)),
    }
    if shape.trade is None:
        obj = rng.choice(BUILDING_OBJECTS).format(**words)
    else:
        obj = rng.choice(SINGLE_OBJECTS[shape.trade]).format(**words)
    window = (max(start, ctx.year_start), min(end, ctx.year_end))
    draft = ContractDraft(
        uuid=ctx.new_uuid(),
        shape=shape,
        reference=f"{notification.year}-{letter}{number:03d}",
        object=obj,
        notification=notification,
        start=start,
        end=end,
        window=window,
        operation_uuid=operation.uuid if operation else None,
        operation_pooled=operation is not None and operation.pooled,
    )
    draft.lots = _lots(ctx, spec, shape, companies, operation, draft)
    return draft


def _lots(
    ctx: DemoContext,
    spec: AuthoritySpec,
    shape: Shape,
    companies: CompanyPool,
    operation: OperationDraft | None,
    draft: ContractDraft,
) -> list[LotDraft]:
    rng, region = ctx.rng, spec.town.region
    if shape.trade is None:
        wanted = shape.lots or rng.choice((2, 2, 3, 3, 4, 5))
        chosen = [BUILDING_LOTS[0], *sorted(rng.sample(BUILDING_LOTS[1:], wanted - 1))]
        chosen.sort(key=BUILDING_LOTS.index)
        titles = [(t, f"Lot {i} – {label}") for i, (t, label) in enumerate(chosen, start=1)]
    else:
        titles = [(shape.trade, SINGLE_LOT_TITLE.format(label=TRADE_LABELS[shape.trade]))]
    anru = operation is not None and operation.pooled
    rate = Decimal(5) if anru else Decimal(rng.choice(INSERTION_RATES))
    low, high = COMPLETION[shape.profile]
    lots: list[LotDraft] = []
    for number, (trade, title) in enumerate(titles, start=1):
        reserved = RESERVED_HOLDERS.get(shape.legal_basis)
        if reserved:
            kind = rng.choice(reserved)
            holder = companies.of_kind(ctx, region, (kind,))
        elif number == 1 and operation is not None:
            kind, holder = "CLASSIQUE", operation.main_company
        else:
            kind, holder = "CLASSIQUE", companies.classic(ctx, region, trade)
        if shape.pooled and number == len(titles) and len(titles) > 1:
            holder = lots[0].awards[0].company_uuid  # same company on two lots: pooling
        lot = LotDraft(
            uuid=ctx.new_uuid(),
            number=number,
            title=title,
            trade=trade,
            insertion_rate=rate,
            hourly_cost=Decimal(rng.choice((25, 28))) if rng.random() < 0.15 else None,
            percent=shape.percent,
        )
        completion = rng.uniform(low, high)
        if shape.pooled and len(titles) > 1 and number in (1, len(titles)):
            completion = 1.3 if number == 1 else 0.7  # one lot ahead covers the other
        lot.awards.append(AwardDraft(ctx.new_uuid(), holder, kind, AwardRole.HOLDER, completion))
        if shape.co_contractor and number == 1:
            partner = companies.of_kind(ctx, region, CO_CONTRACTORS)
            lot.awards.append(
                AwardDraft(ctx.new_uuid(), partner, "SIAE", AwardRole.CO_CONTRACTOR, completion)
            )
        lots.append(lot)
    return lots


def year_fraction(ctx: DemoContext, draft: ContractDraft) -> float:
    """The share of the performance period's months that fall in the year (guide §6)."""
    total = month_count(month_of(draft.start), month_of(draft.end))
    inside = month_count(month_of(draft.window[0]), month_of(draft.window[1]))
    return inside / total


def _required_target(ctx: DemoContext, award: AwardDraft, fraction: float) -> float:
    """Whole-contract hours that make this award's year reach its completion target."""
    if award.done_cents:
        return award.done_cents / 100 / award.completion / fraction
    return min(4_000.0, ctx.rng.uniform(30, 220) / fraction)  # no hire yet this year


def contract_rows(
    ctx: DemoContext, authority_uuid: UUID, draft: ContractDraft, settings: AppSettings
) -> tuple[Row, list[Row], list[Row]]:
    """The contract, its lots and awards, with amounts sized from the hours done."""
    rng = ctx.rng
    fraction = year_fraction(ctx, draft)
    lot_rows: list[Row] = []
    award_rows: list[Row] = []
    total = Decimal(0)
    for lot in draft.lots:
        targets = [_required_target(ctx, a, fraction) for a in lot.awards]
        share = LABOUR_SHARES[lot.trade]
        cost = lot.hourly_cost or settings.hourly_cost
        lot_row, required = _clause(lot, sum(targets), share, cost, settings)
        lot_row = ctx.record(uuid=lot.uuid, contract_uuid=draft.uuid, **lot_row)
        lot_rows.append(lot_row)
        total += lot_row["amount_ht"]
        for award, row in zip(lot.awards, _split(lot, targets, required), strict=True):
            award_rows.append(
                ctx.record(
                    uuid=award.uuid,
                    lot_uuid=lot.uuid,
                    company_uuid=award.company_uuid,
                    role=award.role,
                    award_date=draft.notification,
                    **row,
                )
            )
    shape = draft.shape
    pooling = PoolingScope.NONE
    if shape.pooled:
        pooling = PoolingScope.CONTRACT
    if draft.operation_pooled:
        pooling = PoolingScope.OPERATION
    contract = ctx.record(
        uuid=draft.uuid,
        authority_uuid=authority_uuid,
        operation_uuid=draft.operation_uuid,
        reference=draft.reference,
        object=draft.object,
        procedure=rng.choice(PROCEDURES),
        legal_basis=shape.legal_basis,
        notification_date=draft.notification,
        start_date=draft.start,
        end_date=draft.end,
        amount_ht=total,
        pooling_scope=pooling,
        penalty_per_hour=rng.choice((None, None, Decimal("30.00"), Decimal("50.00"))),
        rules_override=None,
        notes=None,
    )
    return contract, lot_rows, award_rows


def _clause(
    lot: LotDraft, target: float, share: Decimal, cost: Decimal, settings: AppSettings
) -> tuple[Row, Decimal]:
    """The lot's clause columns and the hours it requires, from a target of hours."""
    row: Row = {
        "number": str(lot.number),
        "title": lot.title,
        "trade_code": lot.trade,
        "labour_share": share,
        "hourly_cost": lot.hourly_cost,
        "start_date": None,
        "end_date": None,
    }
    if lot.percent:
        percent = lot.insertion_rate
        worked = _whole(Decimal(target) * 100 / percent)
        amount = _hundreds(worked * cost * 100 / share)
        required = settings.round_hours(worked * percent / 100)
        row.update(
            amount_ht=amount,
            insertion_rate=None,
            clause_mode=ClauseMode.PERCENT,
            required_hours=None,
            required_percent=percent,
        )
        return row, required
    amount = _hundreds(Decimal(target) * cost * 10_000 / (share * lot.insertion_rate))
    sizing = size_clause(amount, share, lot.insertion_rate, lot.hourly_cost, settings)
    row.update(
        amount_ht=amount,
        insertion_rate=lot.insertion_rate,
        clause_mode=ClauseMode.HOURS,
        required_hours=sizing.required_hours,
        required_percent=None,
    )
    return row, sizing.required_hours


def _split(lot: LotDraft, targets: list[float], required: Decimal) -> list[Row]:
    """Each award's share of the lot's required hours (whole hours adding up to the lot's)."""
    if lot.percent:
        worked = _whole(Decimal(sum(targets)) * 100 / lot.insertion_rate)
        return [{"required_hours": None, "required_percent": None, "worked_hours_total": worked}]
    shares: list[Decimal] = []
    whole = sum(targets) or 1.0
    for target in targets[1:]:
        shares.append(_whole(required * Decimal(target / whole)))
    shares.insert(0, required - sum(shares, Decimal(0)))
    return [
        {"required_hours": s, "required_percent": None, "worked_hours_total": None} for s in shares
    ]


def operation_rows(ctx: DemoContext, authority_uuid: UUID, op: OperationDraft) -> Row:
    starts = [c.start for c in op.contracts]
    ends = [c.end for c in op.contracts]
    return ctx.record(
        uuid=op.uuid,
        authority_uuid=authority_uuid,
        name=op.name,
        description=None,
        start_date=min(starts) if starts else None,
        end_date=max(ends) if ends else None,
        rules_override=None,
    )


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _hundreds(value: Decimal) -> Decimal:
    """An amount rounded to the hundred euros, as tenders are (never below 100 €)."""
    rounded = (value / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100
    return max(rounded, Decimal(100)).quantize(Decimal("0.01"))

"""Drafts of the demo operations, public contracts, lots and awards of one authority.

Contracts are first drafted (dates, lots, winning companies, a target completion rate); the
employments are then generated on the awards; only then does :mod:`.clauses` choose each lot's
amount so that the clause, sized with the sizing formula, requires the hours that give the
award its target completion rate for the year. So the demo shows contracts ahead of, on and
behind schedule, with amounts consistent with the sizing formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from clauses_app.models import AwardRole
from clauses_app.services.demo.context import DemoContext, Weighted
from clauses_app.services.demo.parties import AuthoritySpec, CompanyPool
from clauses_app.services.demo.vocabulary import (
    BUILDING_LOTS,
    BUILDING_OBJECTS,
    NEIGHBOURHOODS,
    OPERATIONS,
    RESIDENCES,
    SCHOOLS,
    SINGLE_LOT_TITLE,
    SINGLE_OBJECTS,
    TRADE_LABELS,
)
from clauses_app.services.periods import add_months

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
COMPLETION = {"normal": (1.0, 1.4), "behind": (0.3, 0.65), "ending": (0.45, 0.8)}


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


def _dates(ctx: DemoContext, profile: str, long: bool) -> tuple[date, date, date]:
    """Notification, start and end of a performance period that overlaps the year (by half a
    year at least when ``long``)."""
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
        inside = (min(end, ctx.year_end) - max(start, ctx.year_start)).days
        if end >= date(year, 3, 1) and start <= date(year, 11, 30) and (inside > 180 or not long):
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
    notification, start, end = _dates(ctx, shape.profile, shape in FIRST_SHAPES)
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

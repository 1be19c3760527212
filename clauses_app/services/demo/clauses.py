"""Rows of drafted contracts, with each lot's amount chosen so that the clause, sized with
:func:`clauses_app.services.sizing.size_clause`, requires the hours that give its awards their
target completion rate for the year."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from clauses_app.models import ClauseMode, ContractNature, PoolingScope, SocialConsideration
from clauses_app.services.demo.context import DemoContext, Row
from clauses_app.services.demo.contracts import (
    AwardDraft,
    ContractDraft,
    LotDraft,
    OperationDraft,
)
from clauses_app.services.demo.vocabulary import PROCEDURES
from clauses_app.services.periods import month_count, month_of
from clauses_app.services.reference import DEFAULT_TRADES
from clauses_app.services.settings import AppSettings
from clauses_app.services.sizing import size_clause

LABOUR_SHARES = {code: share for code, _, share in DEFAULT_TRADES}
SERVICE_TRADES = ("NETTOYAGE", "ESPACES_VERTS")


def year_fraction(ctx: DemoContext, draft: ContractDraft) -> float:
    """The share of the performance period's months that fall in the year (guide §6)."""
    total = month_count(month_of(draft.start), month_of(draft.end))
    inside = month_count(month_of(draft.window[0]), month_of(draft.window[1]))
    return inside / total


def _required_target(ctx: DemoContext, award: AwardDraft, fraction: float, months: int) -> float:
    """Whole-contract hours that make this award's year reach its completion target."""
    if award.done_cents:
        # A contract that began late in the year but hires already is ahead of its pro-rata.
        return award.done_cents / 100 / award.completion / max(fraction, 1 / 6)
    return ctx.rng.uniform(60, 500) * min(2.0, max(0.5, months / 12))  # no hire this year


def contract_rows(
    ctx: DemoContext, authority_uuid: UUID, draft: ContractDraft, settings: AppSettings
) -> tuple[Row, list[Row], list[Row]]:
    """The contract, its lots and awards, with amounts sized from the hours done."""
    rng = ctx.rng
    fraction = year_fraction(ctx, draft)
    months = month_count(month_of(draft.start), month_of(draft.end))
    lot_rows: list[Row] = []
    award_rows: list[Row] = []
    total = Decimal(0)
    for lot in draft.lots:
        targets = [_required_target(ctx, a, fraction, months) for a in lot.awards]
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
        **_rule_2026(draft, total),
    )
    return contract, lot_rows, award_rows


def _rule_2026(draft: ContractDraft, amount: Decimal) -> Row:
    """What the 2026 rule needs (services/compliance.py): nature, estimated value, launch a
    few months before the notification, the consideration its legal basis says. Drawn from a
    stream of the contract's own, so the rest of the demo does not move."""
    rng = random.Random(draft.uuid.int)
    services = all(lot.trade in SERVICE_TRADES for lot in draft.lots)
    reserved = draft.shape.legal_basis in ("L2113-12", "L2113-13")
    return {
        "nature": ContractNature.SERVICES if services else ContractNature.WORKS,
        "utilities": False,
        "estimated_value": _hundreds(amount * Decimal(rng.randint(90, 115)) / 100),
        "launch_date": draft.notification - timedelta(days=rng.randint(60, 150)),
        "social_consideration": (
            SocialConsideration.RESERVED if reserved else SocialConsideration.INSERTION_CLAUSE
        ),
        "social_exception": None,
        "social_exception_reason": None,
    }


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

"""Pooling (globalisation): a company's surplus on one lot covers its shortfall on another."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from clauses_app.models import PoolingScope

if TYPE_CHECKING:
    from clauses_app.services.figures.award import AwardFigures


def apply_pooling(awards: list[AwardFigures]) -> None:
    """Let a company's surplus on one lot cover its shortfall on another lot of the same
    contract (or operation), when the contract's clause allows pooling. Totals are unchanged;
    only the per-lot ``hours_done_pooled`` moves (in whole cents). Shortfalls are filled, and
    surpluses taken, in lot order."""
    pools: dict[tuple[object, object], list[AwardFigures]] = defaultdict(list)
    for f in awards:  # grouped on raw ids: no UUID made for ~75,000 awards
        contract = f.lot.contract
        if contract.pooling_scope == PoolingScope.CONTRACT:
            pools[(contract.key, f.company_key)].append(f)
        elif contract.pooling_scope == PoolingScope.OPERATION:
            pools[(contract.operation_key or contract.key, f.company_key)].append(f)
    for members in pools.values():
        if len(members) < 2:
            continue
        # Raw ids are hex text (SQLite) or UUIDs (PostgreSQL): both sort as the UUIDs' text.
        members.sort(key=lambda f: (str(f.lot.contract.key), f.lot.number))
        surplus = sum(max(f.done_cents - f.required_cents, 0) for f in members)
        if surplus <= 0:
            continue
        for f in members:
            shortfall = f.required_cents - f.done_cents
            if shortfall > 0 and surplus > 0:
                moved = min(shortfall, surplus)
                f.pooled_cents = f.done_cents + moved
                surplus -= moved
        given = sum(f.pooled_cents - f.done_cents for f in members)
        for f in members:
            excess = f.done_cents - f.required_cents
            if excess > 0 and given > 0:
                taken = min(excess, given)
                f.pooled_cents = f.done_cents - taken
                given -= taken

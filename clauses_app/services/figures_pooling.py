"""Pooling (globalisation): a company's surplus on one lot covers its shortfall on another."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from clauses_app.models import PoolingScope

if TYPE_CHECKING:
    from clauses_app.services.figures import AwardFigures

ZERO = Decimal(0)


def apply_pooling(awards: list[AwardFigures]) -> None:
    """Let a company's surplus on one lot cover its shortfall on another lot of the same
    contract (or operation), when the contract's clause allows pooling. Totals are unchanged;
    only the per-lot ``hours_done_pooled`` moves. Shortfalls are filled, and surpluses taken,
    in lot order."""
    pools: dict[tuple[object, object], list[AwardFigures]] = defaultdict(list)
    for f in awards:
        if f.pooling_scope == PoolingScope.CONTRACT:
            pools[(f.contract_uuid, f.company_uuid)].append(f)
        elif f.pooling_scope == PoolingScope.OPERATION:
            pools[(f.operation_uuid or f.contract_uuid, f.company_uuid)].append(f)
    for members in pools.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda f: (str(f.contract_uuid), f.lot_number))
        surplus = sum((max(f.hours_done - f.hours_required, ZERO) for f in members), ZERO)
        if surplus <= 0:
            continue
        for f in members:
            shortfall = f.hours_required - f.hours_done
            if shortfall > 0 and surplus > 0:
                moved = min(shortfall, surplus)
                f.hours_done_pooled = f.hours_done + moved
                surplus -= moved
        given = sum((f.hours_done_pooled - f.hours_done for f in members), ZERO)
        for f in members:
            excess = f.hours_done - f.hours_required
            if excess > 0 and given > 0:
                taken = min(excess, given)
                f.hours_done_pooled = f.hours_done - taken
                given -= taken

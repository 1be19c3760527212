"""How much demo data each size makes, and how it is shared between contracting authorities.

The national size reproduces the 2019 national consolidation of the social clause network
exactly for its entity counts (guide §4); ``territory`` is a tenth of it; ``facilitator`` is one
full-time facilitator's year (guide §1). The plan is pure arithmetic on a seeded random
generator: it can be checked without generating or inserting anything.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class SizePlan:
    """Entity counts of one demo size. ``hours_done`` is the target of hours recorded."""

    size: str
    authorities: int
    contracts: int
    companies: int
    participants: int
    employments: int
    hours_done: int
    regions: int  # how many regions the authorities, companies and people come from
    total_statements: int  # employments whose hours come as one undivided total
    year: int = 2025
    # Contracts in consultation launched after 22 August 2026 (demo/consultations.py); the
    # national size keeps the 2019 counts.
    consultations: int = 0


PLANS: dict[str, SizePlan] = {
    "small": SizePlan("small", 2, 10, 16, 24, 30, 9_000, 1, 2, consultations=4),
    "facilitator": SizePlan("facilitator", 10, 160, 50, 150, 200, 60_000, 1, 4, consultations=8),
    "territory": SizePlan(
        "territory", 300, 4_859, 1_412, 4_521, 6_189, 1_864_086, 2, 12, consultations=40
    ),
    "national": SizePlan("national", 3_004, 48_586, 14_123, 45_210, 61_886, 18_640_857, 13, 0),
}
SIZES = tuple(PLANS)


@dataclass(frozen=True)
class AuthorityQuota:
    """How many contracts and employments one authority receives."""

    contracts: int
    employments: int


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    Every share gets at least ``minimum``; the shares always add up to ``total`` exactly.
    """
    count = len(weights)
    if count == 0:
        return []
    if total < minimum * count:
        raise ValueError("total too small for the minimum share")
    rest = total - minimum * count
    weight_sum = sum(weights) or 1.0
    exact = [rest * w / weight_sum for w in weights]
    shares = [int(x) for x in exact]
    short = rest - sum(shares)
    by_remainder = sorted(range(count), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[:short]:
        shares[i] += 1
    return [minimum + s for s in shares]


def authority_quotas(plan: SizePlan, rng: random.Random) -> list[AuthorityQuota]:
    """Contracts and employments per authority: a few big buyers, many small ones.

    Each authority has at least one contract and one employment; the sums are the plan's.
    """
    weights = [min(rng.paretovariate(1.3), 40.0) for _ in range(plan.authorities)]
    contracts = apportion(plan.contracts, weights, minimum=1)
    activity = [c * rng.uniform(0.7, 1.3) for c in contracts]
    employments = apportion(plan.employments, activity, minimum=1)
    return [AuthorityQuota(c, e) for c, e in zip(contracts, employments, strict=True)]


def lead_first(
    quotas: list[AuthorityQuota], contracts: int, employments: int
) -> list[AuthorityQuota]:
    """The same quotas, biggest first, the first one raised to at least ``contracts`` and
    ``employments`` by taking from the biggest others (sums unchanged)."""
    counts = [[q.contracts, q.employments] for q in sorted(quotas, key=_size, reverse=True)]
    for column, wanted in ((0, contracts), (1, employments)):
        while counts[0][column] < wanted:
            donor = max(range(1, len(counts)), key=lambda i: counts[i][column], default=0)
            if donor == 0 or counts[donor][column] <= 1:
                break
            counts[donor][column] -= 1
            counts[0][column] += 1
    return [AuthorityQuota(c, e) for c, e in counts]


def _size(quota: AuthorityQuota) -> tuple[int, int]:
    return (quota.contracts, quota.employments)


def company_kinds(plan: SizePlan, shares: dict[str, float]) -> list[str]:
    """The kind of every company: one of each insertion kind at least, the rest classic."""
    kinds: list[str] = []
    for kind, share in shares.items():
        kinds.extend([kind] * max(1, round(plan.companies * share)))
    kinds.extend(["CLASSIQUE"] * (plan.companies - len(kinds)))
    return kinds

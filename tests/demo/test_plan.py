"""The size plans: the national one reproduces the 2019 consolidation exactly."""

from __future__ import annotations

import os
import random
from decimal import Decimal

import pytest

from clauses_app.services.demo import count_demo
from clauses_app.services.demo.plan import (
    PLANS,
    AuthorityQuota,
    apportion,
    authority_quotas,
    company_kinds,
    lead_first,
)
from clauses_app.services.demo.vocabulary import COMPANY_KIND_SHARES, de

# National consolidation 2019 (guide §4).
NATIONAL_2019 = {
    "authorities": 3_004,
    "contracts": 48_586,
    "companies": 14_123,
    "participants": 45_210,
    "employments": 61_886,
}
NATIONAL_HOURS_2019 = 18_640_857


def test_apportion_hand_computed() -> None:
    # 10 over weights 1:1:2 is 2.5, 2.5, 5: the one hour left goes to the first tie.
    assert apportion(10, [1, 1, 2]) == [3, 2, 5]
    # Minimum first: 3 + 1 each, then 4 left over 1:3 → 1, 3.
    assert apportion(10, [1, 3], minimum=3) == [4, 6]
    assert apportion(0, []) == []
    with pytest.raises(ValueError):
        apportion(2, [1, 1, 1], minimum=1)


def test_lead_first_takes_from_the_biggest_others() -> None:
    quotas = [AuthorityQuota(2, 1), AuthorityQuota(5, 9), AuthorityQuota(3, 2)]
    # Biggest first, then 1 contract from the 3-contract one, 1 employment from the 2-one.
    assert lead_first(quotas, contracts=6, employments=10) == [
        AuthorityQuota(6, 10),
        AuthorityQuota(2, 1),
        AuthorityQuota(2, 1),
    ]
    # Never below one each.
    assert lead_first([AuthorityQuota(1, 1), AuthorityQuota(1, 1)], 5, 5) == [
        AuthorityQuota(1, 1),
        AuthorityQuota(1, 1),
    ]


@pytest.mark.parametrize("seed", [1, 7])
def test_national_plan_gives_the_2019_counts_exactly(seed: int) -> None:
    plan = PLANS["national"]
    quotas = authority_quotas(plan, random.Random(seed))
    assert len(quotas) == NATIONAL_2019["authorities"]
    assert sum(q.contracts for q in quotas) == NATIONAL_2019["contracts"]
    assert sum(q.employments for q in quotas) == NATIONAL_2019["employments"]
    assert min(q.contracts for q in quotas) >= 1 and min(q.employments for q in quotas) >= 1
    assert len(company_kinds(plan, COMPANY_KIND_SHARES)) == NATIONAL_2019["companies"]
    assert plan.participants == NATIONAL_2019["participants"]
    assert plan.hours_done == NATIONAL_HOURS_2019
    # A few big buyers, many small ones.
    assert max(q.contracts for q in quotas) > 10 * sorted(q.contracts for q in quotas)[1502]


def test_territory_is_a_tenth_of_national() -> None:
    national, territory = PLANS["national"], PLANS["territory"]
    for field in ("authorities", "contracts", "companies", "participants", "employments"):
        assert getattr(territory, field) == round(getattr(national, field) / 10)
    assert territory.hours_done == round(national.hours_done / 10)


def test_territory_stream_meets_its_plan_without_a_database() -> None:
    """The whole generator, counted without a database: exact counts, hours within 1 %."""
    plan = PLANS["territory"]
    summary = count_demo("territory", 3)
    assert (
        summary.authorities,
        summary.contracts,
        summary.companies,
        summary.participants,
        summary.employments,
    ) == (plan.authorities, plan.contracts + plan.consultations, plan.companies,
          plan.participants, plan.employments)  # fmt: skip
    assert abs(summary.hours_recorded - plan.hours_done) <= Decimal(plan.hours_done) / 100
    # Monthly statements: several per employment on average.
    assert summary.hours_records > 4 * summary.employments


@pytest.mark.skipif(
    not os.environ.get("CLAUSES_FULL_DEMO"),
    reason="the full national stream takes 10-20 s: set CLAUSES_FULL_DEMO=1 to run it",
)
def test_national_stream_matches_2019() -> None:  # pragma: no cover - opt-in
    summary = count_demo("national", 1)
    assert summary.authorities == NATIONAL_2019["authorities"]
    assert summary.contracts == NATIONAL_2019["contracts"]
    assert summary.companies == NATIONAL_2019["companies"]
    assert summary.participants == NATIONAL_2019["participants"]
    assert summary.employments == NATIONAL_2019["employments"]
    assert abs(summary.hours_recorded - NATIONAL_HOURS_2019) <= NATIONAL_HOURS_2019 / 100
    assert summary.hours_records > 200_000


def test_french_de() -> None:
    assert de("Lyon") == "de Lyon"
    assert de("Angers") == "d'Angers"
    assert de("Le Havre") == "du Havre"
    assert de("Les Sables-d'Olonne") == "des Sables-d'Olonne"
    assert de("La Rochelle") == "de La Rochelle"
    assert de("la Gironde") == "de la Gironde"
    assert de("l'Ain") == "de l'Ain"
    assert de("Évreux") == "d'Évreux"

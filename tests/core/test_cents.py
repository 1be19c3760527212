"""Figures in whole cents: the exact share of required hours, and float sums to cents."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from fractions import Fraction

import pytest

from clauses_app.services.counting import (
    hours_from_cents,
    round_share,
    share_in_cents,
    share_months,
)
from clauses_app.services.figures.awards import (
    cents_of_hours,
    cents_of_sum,
    exact_ratio,
    to_decimal,
)


def half_up_cents(value: Fraction) -> int:
    """The reference: an exact fraction of hours to cents, half-up away from zero."""
    cents = value * 100
    sign = -1 if cents < 0 else 1
    whole, rest = divmod(abs(cents), 1)
    return sign * int(whole + (1 if rest >= Fraction(1, 2) else 0))


def test_hand_computed_shares() -> None:
    # 1,000 h over 24 months, 7 of them in the period: 291.666… → 291.67
    assert share_in_cents(1000, 1, (7, 24)) == 29167
    # 0.03 h shared by two awards, half of the months: 0.0075 h → 0.01 (half-up)
    assert share_in_cents(3, 100 * 2, (1, 2)) == 1
    # 855 h / 2 awards, whole: 427.50
    assert share_in_cents(855, 2, (1, 1)) == 42750
    assert share_in_cents(0, 1, (5, 12)) == 0
    assert share_in_cents(-1, 200, (1, 1)) == -1  # -0.005 h → -0.01 (away from zero)
    assert round_share(D("1200"), share_months(2025 * 12, 2026 * 12 + 11, None, 2025 * 12,
                                               2025 * 12 + 11)) == D("600.00")  # fmt: skip


def test_shares_match_exact_arithmetic_and_decimal_rounding() -> None:
    draw = random.Random(7)
    for _ in range(5000):
        numerator, denominator = draw.randint(-(10**7), 10**8), draw.choice([1, 2, 3, 7, 100, 300])
        total = draw.randint(1, 120)
        inside = draw.randint(0, total)
        exact = Fraction(numerator, denominator) * Fraction(inside, total)
        assert share_in_cents(numerator, denominator, (inside, total)) == half_up_cents(exact)
        if denominator in (1, 100):  # no 28-digit intermediate rounding in Decimal either
            rounded = (D(numerator) / D(denominator) * inside / total).quantize(
                D("0.01"), rounding=ROUND_HALF_UP
            )
            assert hours_from_cents(share_in_cents(numerator, denominator, (inside, total))) == (
                rounded
            )


def test_hours_from_cents_keeps_two_decimals() -> None:
    assert str(hours_from_cents(12300)) == "123.00"
    assert str(hours_from_cents(0)) == "0.00"
    assert str(hours_from_cents(-5)) == "-0.05"


def test_exact_ratio_of_raw_numbers() -> None:
    assert exact_ratio(427.5) == (42750, 100)
    assert exact_ratio(0.1 + 0.2) == (30, 100)  # 0.30000000000000004
    assert Fraction(*exact_ratio(12.345)) == Fraction("12.345")  # a third decimal: via repr
    assert Fraction(*exact_ratio(0.0001)) == Fraction("0.0001")
    assert Fraction(*exact_ratio(D("12.3456"))) == Fraction("12.3456")  # PostgreSQL's Decimal
    assert exact_ratio(7) == (7, 1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cents_of_float_sums_match_to_decimal(seed: int) -> None:
    draw = random.Random(seed)
    for _ in range(2000):
        total = 0.0
        for _ in range(draw.randint(1, 40)):
            total += draw.randint(0, 20000) / 100  # hours with two decimals
        assert cents_of_sum(total) == int(to_decimal(total) * 100)
    for value in (0.125, 0.005, 1.115, 2.675, 1e7 + 0.015):  # not whole cents: via repr
        assert cents_of_sum(value) == int(to_decimal(value) * 100)


def test_hours_of_more_than_two_decimals_are_rounded_once_in_any_order() -> None:
    # 0.01 h + 0.02 h worked, and 0.30 € × 50 % ÷ 30 €/h = 0.005 h of sub-contracting:
    # 0.035 h → 0.04 h. As floats, 0.01 + 0.02 + 0.005 = 0.034999… (0.03 h) but
    # 0.005 + 0.01 + 0.02 = 0.035 (0.04 h): the order of the terms decided the cent.
    assert round(0.01 + 0.02 + 0.005, 10) == 0.035  # the float sums do differ…
    assert 0.01 + 0.02 + 0.005 != 0.005 + 0.01 + 0.02  # …in their last bit
    assert cents_of_hours(0.01 + 0.02, D("0.005")) == 4
    assert cents_of_hours(0.0, D("0.005") + D("0.03")) == 4
    assert cents_of_hours(0.1 + 0.2, D(0)) == 30  # nothing exact: the float sum alone
    # 100 h spread over 3 months, one month counted: 33.333… h → 33.33 h beside 10.00 h
    assert cents_of_hours(10.0, D(100) / 3) == 4333

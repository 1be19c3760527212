"""Clause sizing against the guide's public examples and hand-computed values."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from clauses_app.services.settings import AppSettings
from clauses_app.services.sizing import (
    SizingError,
    etp,
    hours_from_percent,
    size_clause,
    size_invoiced,
)


def test_guide_example_at_30_euros_per_hour() -> None:
    sizing = size_clause(D("1000000"), D("50"), D("5"), D("30"))
    assert sizing.required_hours == D("833")
    assert sizing.etp == D("0.5184")  # 833 / 1607 = 0.51836…


def test_guide_example_at_25_euros_per_hour() -> None:
    assert size_clause(D("1000000"), D("50"), D("5"), D("25")).required_hours == D("1000")


def test_default_hourly_cost_is_the_setting() -> None:
    settings = AppSettings(hourly_cost=D("25"))
    assert size_clause(D("1000000"), D("50"), D("5"), settings=settings).required_hours == 1000


def test_rounding_is_half_up_not_bankers() -> None:
    # 999,000 × 50 % × 5 % / 30 = 832.5 exactly: half-up gives 833 (half-even would give 832).
    assert size_clause(D("999000"), D("50"), D("5"), D("30")).required_hours == D("833")


def test_rounding_step_setting() -> None:
    settings = AppSettings(rounding_step=10)
    # 833.33 → 830 with a step of 10 hours
    assert size_clause(D("1000000"), D("50"), D("5"), settings=settings).required_hours == 830


def test_percentage_clause() -> None:
    assert hours_from_percent(D("12345"), D("5")) == D("617")  # 617.25 → 617


@pytest.mark.parametrize(
    ("amount", "share", "rate", "cost", "message"),
    [
        ("-1", "50", "5", "30", "négatif"),
        ("1000", "150", "5", "30", "entre 0 et 100"),
        ("1000", "50", "-5", "30", "entre 0 et 100"),
        ("1000", "50", "5", "0", "supérieur à 0"),
    ],
)
def test_bad_input_is_refused(amount: str, share: str, rate: str, cost: str, message: str) -> None:
    with pytest.raises(SizingError, match=message):
        size_clause(D(amount), D(share), D(rate), D(cost))


def test_etp_basis() -> None:
    assert etp(D("1607")) == D("1.0000")
    assert etp(D("62000")) == D("38.5812")
    assert etp(D("1600"), AppSettings(etp_basis=1600)) == D("1.0000")


def test_save_lot_sizing_keeps_inputs_beside_the_result(database) -> None:  # type: ignore[no-untyped-def]
    from clauses_app.models import Lot
    from clauses_app.services.sizing import LotSizing, load_lot_sizing, save_lot_sizing
    from tests import builders as b

    with database.transaction() as s:
        lot_uuid = b.lot(s, b.contract(s, b.authority(s))).uuid
    sizing = size_clause(D("1000000"), D("50"), D("5"), D("30"))
    with database.transaction() as s:
        assert save_lot_sizing(s, lot_uuid, LotSizing(
            "HOURS", D("1000000"), "MACONNERIE", D("50"), D("5"), D("30"), sizing.required_hours
        ))  # fmt: skip
    with database.session() as s:
        lot = s.get(Lot, lot_uuid)
        assert lot is not None
        assert (lot.required_hours, lot.labour_share, lot.trade_code) == (833, 50, "MACONNERIE")
        loaded = load_lot_sizing(s, lot_uuid)
        assert loaded is not None
        title, stored = loaded
        assert title == "Marché 2025-001, lot 1 — Lot 1"
        assert (stored.amount_ht, stored.required_hours) == (D("1000000"), D("833"))
    with database.transaction() as s:
        assert save_lot_sizing(s, lot_uuid, LotSizing("PERCENT", required_percent=D("7.5")))
        import uuid

        assert not save_lot_sizing(s, uuid.uuid4(), LotSizing("PERCENT"))
    with database.session() as s:
        lot = s.get(Lot, lot_uuid)
        assert lot is not None and (lot.clause_mode, lot.required_percent) == ("PERCENT", D("7.5"))


def test_framework_contract_sized_on_the_amount_invoiced() -> None:
    # 1 h per 2,000 € HT: 148,000 € → 74 h, 74 / 1,607 = 0.0460 ETP.
    sizing = size_invoiced(D("148000"), D("2000"))
    assert (sizing.required_hours, sizing.etp) == (D("74"), D("0.0460"))
    # Rounded once on the total: 3 orders of 2,999 € are 4.4985 h → 4 h (not 3 × 1 h).
    assert size_invoiced(D("8997"), D("2000")).required_hours == D("4")
    # 2 h per 5,000 € on 12,500 € = 5 h; half an hour rounds up (half-up): 1,000 € → 0.5 h → 1 h.
    assert size_invoiced(D("12500"), D("5000"), D("2")).required_hours == D("5")
    assert size_invoiced(D("1000"), D("2000")).required_hours == D("1")
    with pytest.raises(SizingError, match="supérieur à 0"):
        size_invoiced(D("1000"), D("0"))


def test_required_hours_of_a_period_come_from_its_invoices_rounded_once() -> None:
    from datetime import date

    from clauses_app.services.periods import Period
    from clauses_app.services.sizing import invoiced_hours_in_period

    # 1 h per 2,000 € HT. Three orders of 2,999 € in 2026 (8,997 € → 4.4985 h → 4 h, where
    # rounding each order would give 3 × 1 h = 3 h), one of 10,000 € in 2027 (5 h).
    orders = [(date(2026, 3, 2), D("2999")), (date(2026, 3, 20), D("2999")),
              (date(2026, 11, 30), D("2999")), (date(2027, 1, 4), D("10000"))]  # fmt: skip
    rate = D("2000")
    assert invoiced_hours_in_period(orders, Period.year(2026), rate) == D("4")
    assert invoiced_hours_in_period(orders, Period.year(2027), rate) == D("5")
    # All time: 18,997 € → 9.4985 h → 9 h.
    assert invoiced_hours_in_period(orders, Period(), rate) == D("9")
    assert invoiced_hours_in_period(orders, Period.year(2025), rate) == D("0")

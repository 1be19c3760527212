"""Counting rules as pure functions, each on its own hand-computed case."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal as D

import pytest

from clauses_app.services import counting
from clauses_app.services.counting import (
    APPLIED_BY_FAST_PATHS,
    RULE_FIELDS,
    EmploymentRow,
    HoursRow,
    counted_hours,
    monthly_hours,
    needs_reference,
    required_share,
)
from clauses_app.services.settings import CountingRules, SubcontractingMode


def month(y: int, m: int, worked: str, training: str = "0") -> HoursRow:
    return HoursRow("MONTH", date(y, m, 1), date(y, m, 28), D(worked), D(training))


def total(start: date, end: date, worked: str, training: str = "0") -> HoursRow:
    return HoursRow("TOTAL", start, end, D(worked), D(training))


def hire(**kw: object) -> EmploymentRow:
    values: dict[str, object] = {
        "modality": "EMBAUCHE",
        "contract_type": "CDD",
        "start": date(2025, 1, 1),
        "end": date(2025, 12, 31),
    }
    values.update(kw)
    return EmploymentRow(**values)  # type: ignore[arg-type]


RULES = CountingRules()


def test_undivided_total_is_spread_evenly_over_its_months() -> None:
    rows = [total(date(2025, 1, 1), date(2025, 6, 30), "600")]
    per_month = monthly_hours(rows)
    assert len(per_month) == 6
    assert all(w == D("100") for w, _ in per_month.values())


def test_month_records_replace_the_undivided_total() -> None:
    rows = [total(date(2025, 1, 1), date(2025, 6, 30), "600"), month(2025, 1, "80")]
    assert monthly_hours(rows) == {(2025, 1): (D("80"), D("0"))}


def test_training_counted_in_full_by_default() -> None:
    counted = counted_hours(hire(), [month(2025, 3, "100", "20")], RULES)
    assert counted == {(2025, 3): D("120")}


def test_training_cap_percent_of_worked_hours() -> None:
    rules = CountingRules(training_cap_percent=D("10"))
    assert counted_hours(hire(), [month(2025, 3, "100", "20")], rules) == {(2025, 3): D("110")}


def test_training_not_counted() -> None:
    rules = CountingRules(training_counted=False)
    assert counted_hours(hire(), [month(2025, 3, "100", "20")], rules) == {(2025, 3): D("100")}


def test_cdi_cap_in_months() -> None:
    rows = [month(2025, m, "100") for m in range(1, 13)]
    rules = CountingRules(cdi_cap_months=6)
    counted = counted_hours(hire(contract_type="CDI"), rows, rules)
    assert sorted(counted) == [(2025, m) for m in range(1, 7)]
    assert sum(counted.values()) == D("600")
    # The cap only concerns CDIs.
    assert sum(counted_hours(hire(), rows, rules).values()) == D("1200")


def test_transferred_staff_does_not_count_unless_the_rule_says_so() -> None:
    rows = [month(2025, 2, "151.67")]
    assert counted_hours(hire(transferred_staff=True), rows, RULES) == {}
    rules = CountingRules(transferred_staff_counted=True)
    assert counted_hours(hire(transferred_staff=True), rows, rules) == {(2025, 2): D("151.67")}


def test_ineligible_employment_does_not_count() -> None:
    assert counted_hours(hire(ineligible=True), [month(2025, 2, "100")], RULES) == {}


def test_hours_outside_the_performance_period_do_not_count() -> None:
    employment = hire(performance_start=date(2025, 3, 15), performance_end=date(2025, 4, 30))
    rows = [month(2025, m, "50") for m in (2, 3, 4, 5)]
    assert counted_hours(employment, rows, RULES) == {(2025, 3): D("50"), (2025, 4): D("50")}
    relaxed = CountingRules(only_performance_period=False)
    assert len(counted_hours(employment, rows, relaxed)) == 4


def test_subcontracting_hours_mode_uses_the_structure_hours() -> None:
    employment = hire(modality="SOUS_TRAITANCE", invoiced_amount=D("30000"))
    assert counted_hours(employment, [month(2025, 1, "70")], RULES) == {(2025, 1): D("70")}


def test_subcontracting_amount_mode_converts_the_invoice() -> None:
    # 30,000 € × 50 % ÷ 30 €/h = 500 h, spread over January–May (5 months): 100 h a month.
    employment = hire(
        modality="SOUS_TRAITANCE",
        invoiced_amount=D("30000"),
        start=date(2025, 1, 6),
        end=date(2025, 5, 30),
    )
    rules = CountingRules(subcontracting_mode=SubcontractingMode.AMOUNT)
    counted = counted_hours(employment, [month(2025, 1, "70")], rules, D("30"))
    assert counted == {(2025, m): D("100") for m in range(1, 6)}
    # The lot's own labour share and hourly cost take precedence: 30,000 × 70 % ÷ 25 = 840 h.
    lot_specific = hire(
        modality="SOUS_TRAITANCE",
        invoiced_amount=D("30000"),
        start=date(2025, 1, 6),
        end=date(2025, 1, 30),
        labour_share=D("70"),
        hourly_cost=D("25"),
    )
    assert counted_hours(lot_specific, [], rules) == {(2025, 1): D("840")}


def test_required_share_pro_rata_of_months() -> None:
    # 1,200 h over July 2025 – June 2026: six of the twelve months fall in 2025.
    args = (D("1200"), date(2025, 7, 1), date(2026, 6, 30), None)
    assert required_share(*args, date(2025, 1, 1), date(2025, 12, 31)) == D("600")
    assert required_share(*args, date(2026, 1, 1), date(2026, 12, 31)) == D("600")
    assert required_share(*args, date(2027, 1, 1), date(2027, 12, 31)) == D("0")
    assert required_share(*args, None, None) == D("1200")


def test_required_share_without_dates_counts_in_its_notification_year() -> None:
    assert required_share(D("79"), None, None, 2025, date(2025, 1, 1), date(2025, 12, 31)) == 79
    assert required_share(D("79"), None, None, 2025, date(2026, 1, 1), date(2026, 12, 31)) == 0
    # Not even a year known: it counts whole in any period.
    assert required_share(D("79"), None, None, None, date(2026, 1, 1), date(2026, 12, 31)) == 79


def test_every_counting_rule_says_how_the_figures_fast_paths_treat_it() -> None:
    """A field added to CountingRules must be classified in counting.RULE_FIELDS: applied by
    the fast paths, or which employments it sends to counted_hours."""
    assert set(RULE_FIELDS) == {f.name for f in fields(CountingRules)}
    for name, how in RULE_FIELDS.items():
        assert how == APPLIED_BY_FAST_PATHS or callable(how), name


def test_which_employments_the_rules_send_to_the_reference() -> None:
    assert not needs_reference(RULES, "EMBAUCHE", "CDI")  # the default rules: none
    capped = CountingRules(training_cap_percent=D("25"))
    assert needs_reference(capped, "EMBAUCHE", "CDD")
    cdi = CountingRules(cdi_cap_months=12)
    assert needs_reference(cdi, "EMBAUCHE", "CDI")
    assert not needs_reference(cdi, "EMBAUCHE", "CDD")
    amount = CountingRules(subcontracting_mode=SubcontractingMode.AMOUNT)
    assert needs_reference(amount, "SOUS_TRAITANCE", "CDD")
    assert not needs_reference(amount, "EMBAUCHE", "CDD")


def test_an_unclassified_rule_sends_every_employment_to_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(counting, "_UNCLASSIFIED", {"a_new_rule"})
    assert needs_reference(RULES, "EMBAUCHE", "CDD")

"""Framework contracts sized on the amount invoiced (issue 22, item 4): the figures' required
hours of a period follow the amounts invoiced in that period, rounded once on the period's
total per award (the rounding setting), never per order. Hand-computed, on SQLite and
PostgreSQL, by every path of the figures."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal as D

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import ClauseMode, PublicContract
from clauses_app.services.contract_figures import contract_figures
from clauses_app.services.dashboard import load_snapshot
from clauses_app.services.figures import Figures, compute_figures
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings
from clauses_app.storage import Database
from tests import builders as b
from tests.core.test_figures_paths import _assert_paths_agree

Y2025, Y2026 = Period.year(2025), Period.year(2026)
PER_2000 = {"clause_mode": ClauseMode.INVOICED, "tranche_amount": D(2000), "tranche_hours": D(1)}


def _framework(s: Session) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """One framework contract (1 h per 2,000 € HT invoiced) over 2025-2027:
    lot 1, 148,000 € invoiced in 2026 in two orders; lot 2, three orders of 1,500 € in 2025
    and three in 2026; lot 3 awarded with nothing invoiced yet; lot 4 an ordinary 300 h
    clause. Another authority's framework contract invoices too."""
    auth = b.authority(s)
    con = b.contract(s, auth, "AC-2025", start_date=date(2025, 9, 1), end_date=date(2027, 8, 31))
    w1 = b.award(s, b.lot(s, con, "1", **PER_2000), b.company(s, "SIAE Espaces verts"))
    b.invoice(s, w1, date(2026, 3, 31), "100000.00", "BC-001")
    b.invoice(s, w1, date(2026, 6, 30), "48000.00", "BC-002")
    w2 = b.award(s, b.lot(s, con, "2", **PER_2000), b.company(s, "EI Nettoyage"))
    for day in (date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1),
                date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):  # fmt: skip
        b.invoice(s, w2, day, "1500")
    w3 = b.award(s, b.lot(s, con, "3", **PER_2000), b.company(s, "ETTI"))
    w4 = b.award(s, b.lot(s, con, "4", required_hours=D(300)), b.company(s, "BTP"))
    person = b.participant(s)
    job = b.employment(s, w1, person, date(2026, 1, 1))
    b.month_hours(s, job, 2026, 4, 120)
    other = b.authority(s, "Autre ville")
    far = b.contract(s, other, "AC-X", start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    w5 = b.award(s, b.lot(s, far, **PER_2000), b.company(s, "Autre"))
    b.invoice(s, w5, date(2026, 5, 1), "20000")
    return auth.uuid, {"w1": w1.uuid, "w2": w2.uuid, "w3": w3.uuid, "w4": w4.uuid,
                       "w5": w5.uuid}  # fmt: skip


def _required(figures: Figures) -> defaultdict[uuid.UUID, D]:
    """Required hours per award (an award with nothing required nor done is left out of the
    figures: zero)."""
    return defaultdict(D, {a.award_uuid: a.hours_required for a in figures.awards})


def test_required_hours_follow_the_amounts_invoiced_in_each_period(
    any_database: Database,
) -> None:
    with any_database.transaction() as s:
        auth, w = _framework(s)
    with any_database.session() as s:
        y2026 = _required(compute_figures(s, Y2026, auth))
        y2025 = _required(compute_figures(s, Y2025, auth))
        ever = _required(compute_figures(s, None, auth))
        split = _required(compute_figures(s, Period(date(2025, 12, 1), date(2026, 1, 31)), auth))
        total_2026 = compute_figures(s, Y2026, auth).total()
        for period in (Y2025, Y2026, None):
            _assert_paths_agree(s, period, auth)
    # Lot 1: 148,000 € × 1 h ÷ 2,000 € = 74 h, all in 2026.
    assert (y2025[w["w1"]], y2026[w["w1"]], ever[w["w1"]]) == (D(0), D(74), D(74))
    # Lot 2: 3 × 1,500 € = 4,500 € → 2.25 h → 2 h in each year (not 3 × 0.75 → 3 × 1 h);
    # over all time 9,000 € → 4.5 h → 5 h; December and January: 3,000 € → 1.5 h → 2 h.
    assert (y2025[w["w2"]], y2026[w["w2"]], ever[w["w2"]]) == (D(2), D(2), D(5))
    assert split[w["w2"]] == D(2)
    # Nothing invoiced, nothing required; an ordinary clause pro-rata (4 of 24 months).
    assert y2026[w["w3"]] == D(0)
    assert y2025[w["w4"]] == D(50)
    assert w["w5"] not in y2026  # another authority's amounts stay there
    assert (total_2026.hours_required, total_2026.hours_done) == (D(226), D("120.00"))


def test_rounding_setting_applies_to_the_period_total(database: Database) -> None:
    with database.transaction() as s:
        auth, w = _framework(s)
    half_even = AppSettings(rounding_mode="HALF_EVEN")
    with database.session() as s:
        ever = _required(compute_figures(s, None, auth, half_even))
        by_tens = _required(compute_figures(s, Y2026, auth, AppSettings(rounding_step=10)))
    assert ever[w["w2"]] == D(4)  # 9,000 € → 4.5 h → 4 h (half to even), not 5 h
    assert by_tens[w["w1"]] == D(70)  # 74 h to the ten


def test_everyone_figures_count_every_authority_s_amounts(database: Database) -> None:
    with database.transaction() as s:
        _auth, w = _framework(s)
    with database.session() as s:
        required = _required(compute_figures(s, Y2026))
    assert (required[w["w1"]], required[w["w5"]]) == (D(74), D(10))


def test_contract_view_and_dashboard_follow_the_amounts_invoiced(database: Database) -> None:
    with database.transaction() as s:
        auth, _w = _framework(s)
        contract = s.scalars(select(PublicContract).where(PublicContract.reference == "AC-2025"))
        contract_uuid = contract.one().uuid
    with database.session() as s:
        whole_life = contract_figures(s, contract_uuid)
    # 74 + 5 (9,000 € over all time → 4.5 → 5 h) + 0 + 300 (the ordinary lot) = 379 h.
    assert whole_life.hours_required == D(379)
    snapshot = load_snapshot(database, 2026, auth, date(2026, 12, 31))
    # 2026: 74 + 2 + 150 (12 of the ordinary lot's 24 months of 300 h) = 226 h.
    assert snapshot.figures.hours_required == D(226)

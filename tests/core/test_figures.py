"""Figures from a real (migrated) database against hand-computed values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy.orm import Session

from clauses_app.formatting import format_percent
from clauses_app.services.figures import completion_rate, compute_figures
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings, CountingRules
from tests import builders as b

Y2025 = Period.year(2025)


def test_completion_rate_public_examples() -> None:
    assert format_percent(completion_rate(D("6718"), D("5500"))) == "122,1\u00a0%"
    assert format_percent(completion_rate(D("11000"), D("9500"))) == "115,8\u00a0%"
    assert round(completion_rate(D("6718"), D("5500")) or 0, 6) == D("1.221455")
    assert completion_rate(D("10"), D("0")) is None


def _one_award(session: Session, required: str = "1200", **contract_kw: object):  # type: ignore[no-untyped-def]
    auth = b.authority(session)
    con = b.contract(session, auth, **contract_kw)
    lot = b.lot(session, con)
    comp = b.company(session)
    award = b.award(session, lot, comp, required)
    person = b.participant(session)
    return auth, con, lot, award, person


def test_required_hours_pro_rata_and_done_for_a_year(session: Session) -> None:
    auth, _, _, award, person = _one_award(
        session, start_date=date(2025, 7, 1), end_date=date(2026, 6, 30)
    )
    emp = b.employment(session, award, person, date(2025, 7, 1), date(2026, 3, 31))
    for m in (7, 8, 9):
        b.month_hours(session, emp, 2025, m, "151.67")
    b.month_hours(session, emp, 2026, 1, "100")

    figures = compute_figures(session, Y2025, auth.uuid)
    total = figures.total()
    assert total.hours_required == D("600.00")  # 1,200 h × 6/12 months
    assert total.hours_done == D("455.01")  # 3 × 151.67
    assert round(total.completion_rate or 0, 5) == D("0.75835")  # 455.01 / 600
    assert total.etp_done == D("0.2831")  # 455.01 / 1607
    assert figures.monthly() == {(2025, 7): D("151.67"), (2025, 8): D("151.67"),
                                 (2025, 9): D("151.67")}  # fmt: skip

    all_time = compute_figures(session, None, auth.uuid).total()
    assert (all_time.hours_required, all_time.hours_done) == (D("1200"), D("555.01"))


def test_undivided_total_then_months_never_count_twice(session: Session) -> None:
    auth, _, _, award, person = _one_award(session, notification_date=date(2025, 2, 1))
    emp = b.employment(session, award, person, date(2025, 1, 1), date(2025, 6, 30))
    b.total_hours(session, emp, date(2025, 1, 1), date(2025, 6, 30), "600")
    q1 = Period(date(2025, 1, 1), date(2025, 3, 31))
    assert compute_figures(session, q1, auth.uuid).total().hours_done == D("300.00")

    # A statement arrives for April only: the total is replaced, even for Q1.
    b.month_hours(session, emp, 2025, 4, "140")
    assert compute_figures(session, q1, auth.uuid).total().hours_done == D("0")
    assert compute_figures(session, Y2025, auth.uuid).total().hours_done == D("140.00")


def test_lot_without_dates_counts_in_its_notification_year(session: Session) -> None:
    auth, *_ = _one_award(session, required="79", notification_date=date(2025, 3, 1))
    assert compute_figures(session, Y2025, auth.uuid).total().hours_required == D("79")
    assert compute_figures(session, Period.year(2026), auth.uuid).total().hours_required == 0


def test_percent_clause_and_lot_hours_shared_between_co_contractors(session: Session) -> None:
    auth = b.authority(session)
    con = b.contract(session, auth, notification_date=date(2025, 1, 10))
    percent_lot = b.lot(session, con, "1", clause_mode="PERCENT", required_percent=D("5"))
    b.award(session, percent_lot, b.company(session, "A"), worked_hours_total=D("10000"))
    shared_lot = b.lot(session, con, "2", required_hours=D("855"))
    b.award(session, shared_lot, b.company(session, "B"))
    b.award(session, shared_lot, b.company(session, "C"), role="CO_TRAITANT")
    figures = compute_figures(session, Y2025, auth.uuid)
    by_lot = figures.by_lot()
    assert by_lot[percent_lot.uuid].hours_required == D("500")  # 10,000 h × 5 %
    assert by_lot[shared_lot.uuid].hours_required == D("855.00")  # 427.50 + 427.50
    assert sorted(a.hours_required for a in figures.awards) == [D("427.50"), D("427.50"), 500]


def test_pooling_moves_a_surplus_between_lots_of_one_company(session: Session) -> None:
    auth = b.authority(session)
    con = b.contract(session, auth, notification_date=date(2025, 1, 1), pooling_scope="CONTRACT")
    comp = b.company(session)
    person = b.participant(session)
    lots = [b.lot(session, con, n) for n in ("1", "2")]
    awards = [b.award(session, lt, comp, "100") for lt in lots]
    for aw, hours in zip(awards, ("150", "60"), strict=True):
        emp = b.employment(session, aw, person, date(2025, 1, 1), date(2025, 1, 31))
        b.month_hours(session, emp, 2025, 1, hours)

    figures = compute_figures(session, Y2025, auth.uuid)
    own = figures.by_lot()
    pooled = figures.by_lot(pooled=True)
    assert (own[lots[0].uuid].hours_done, own[lots[1].uuid].hours_done) == (150, 60)
    assert (pooled[lots[0].uuid].hours_done, pooled[lots[1].uuid].hours_done) == (110, 100)
    contract_total = figures.by_contract()[con.uuid]
    assert (contract_total.hours_required, contract_total.hours_done) == (200, 210)
    # Pooling is applied when the awards are handed out (not for totals, which it keeps).
    fresh = compute_figures(session, Y2025, auth.uuid)
    assert fresh.total().hours_done == 210
    assert sorted(a.hours_done_pooled for a in fresh.awards) == [100, 110]

    # Without pooling the lots stand alone.
    con.pooling_scope = "NONE"
    session.flush()
    pooled = compute_figures(session, Y2025, auth.uuid).by_lot(pooled=True)
    assert pooled[lots[1].uuid].hours_done == 60


def test_pooling_across_an_operation(session: Session) -> None:
    auth = b.authority(session)
    op = b.operation(session, auth)
    comp = b.company(session)
    person = b.participant(session)
    lots = []
    for ref, hours in (("A", "300"), ("B", "0")):
        con = b.contract(session, auth, ref, operation_uuid=op.uuid, pooling_scope="OPERATION",
                         notification_date=date(2025, 1, 1))  # fmt: skip
        lt = b.lot(session, con)
        lots.append(lt)
        aw = b.award(session, lt, comp, "100")
        emp = b.employment(session, aw, person, date(2025, 1, 1), date(2025, 1, 31))
        b.month_hours(session, emp, 2025, 1, hours)
    pooled = compute_figures(session, Y2025, auth.uuid).by_lot(pooled=True)
    assert (pooled[lots[0].uuid].hours_done, pooled[lots[1].uuid].hours_done) == (200, 100)
    assert compute_figures(session, Y2025, auth.uuid).by_operation()[op.uuid].hours_done == 300


def test_overrides_contract_over_operation_over_global(session: Session) -> None:
    auth = b.authority(session)
    op = b.operation(session, auth, rules_override={"cdi_cap_months": 3})
    person = b.participant(session)
    comp = b.company(session)
    results = {}
    for ref, override in (("op-only", None), ("contract", {"cdi_cap_months": 6})):
        con = b.contract(session, auth, ref, operation_uuid=op.uuid, rules_override=override,
                         notification_date=date(2025, 1, 1))  # fmt: skip
        aw = b.award(session, b.lot(session, con), comp, "1000")
        emp = b.employment(session, aw, person, date(2025, 1, 1), None, contract_type_code="CDI")
        for m in range(1, 13):
            b.month_hours(session, emp, 2025, m, "10")
        results[ref] = con.uuid
    by_contract = compute_figures(session, Y2025, auth.uuid).by_contract()
    assert by_contract[results["op-only"]].hours_done == D("30")  # 3 months × 10 h
    assert by_contract[results["contract"]].hours_done == D("60")  # 6 months × 10 h
    # Global setting applies where nothing overrides it.
    settings = AppSettings(counting=CountingRules(cdi_cap_months=1))
    op.rules_override = None
    session.flush()
    by_contract = compute_figures(session, Y2025, auth.uuid, settings).by_contract()
    assert by_contract[results["op-only"]].hours_done == D("10")


def test_breakdowns_by_modality_and_contract_type(session: Session) -> None:
    auth, _, _, award, person = _one_award(session, notification_date=date(2025, 1, 1))
    hire = b.employment(session, award, person, date(2025, 1, 1), date(2025, 1, 31))
    b.month_hours(session, hire, 2025, 1, "100", "10")
    other = b.participant(session, "Durand", "Ali")
    mad = b.employment(session, award, other, date(2025, 2, 1), date(2025, 2, 28),
                       modality_code="MAD", contract_type_code="MISSION_ETTI")  # fmt: skip
    b.month_hours(session, mad, 2025, 2, "50.5")
    figures = compute_figures(session, Y2025, auth.uuid)
    assert figures.by_modality() == {"EMBAUCHE": D("110.00"), "MAD": D("50.50")}
    assert figures.by_contract_type() == {"CDD": D("110.00"), "MISSION_ETTI": D("50.50")}
    assert figures.total().hours_done == D("160.50")
    assert figures.awards[0].employment_count == 2


def test_authority_scope_excludes_other_authorities(session: Session) -> None:
    a1, *_ = _one_award(session, required="100", notification_date=date(2025, 1, 1))
    a2 = b.authority(session, "Autre ville")
    con = b.contract(session, a2, "X", notification_date=date(2025, 1, 1))
    b.award(session, b.lot(session, con), b.company(session, "Autre"), "40")
    assert compute_figures(session, Y2025, a1.uuid).total().hours_required == 100
    assert compute_figures(session, Y2025).total().hours_required == 140
    by_authority = compute_figures(session, Y2025).by_authority()
    assert by_authority[a2.uuid].hours_required == 40


@pytest.mark.parametrize("start,end", [(date(2025, 12, 1), date(2025, 1, 1))])
def test_inverted_period_is_refused(start: date, end: date) -> None:
    with pytest.raises(ValueError):
        Period(start, end)


def test_fast_path_agrees_with_the_reference_rules(session: Session) -> None:
    """Employments under plain rules skip counting.counted_hours: both must agree."""
    auth = b.authority(session)
    con = b.contract(session, auth, start_date=date(2025, 2, 1), end_date=date(2025, 11, 30))
    comp = b.company(session)
    award = b.award(session, b.lot(session, con), comp, "900")
    for i, (kind, months) in enumerate((("CDD", (1, 2, 3)), ("CDI", (5, 6, 12)))):
        person = b.participant(session, f"P{i}", "X")
        emp = b.employment(session, award, person, date(2025, 1, 1), None,
                           contract_type_code=kind)  # fmt: skip
        for m in months:
            b.month_hours(session, emp, 2025, m, "151.67", "3.5")
    for period in (Y2025, Period(date(2025, 3, 1), date(2025, 6, 15)), None):
        fast = compute_figures(session, period, auth.uuid)
        slow = compute_figures(session, period, auth.uuid, fast_path=False)
        assert fast.total() == slow.total()
        assert fast.monthly() == slow.monthly()
        assert fast.by_contract_type() == slow.by_contract_type()
    # Feb, Mar (CDD) and May, Jun (CDI) are inside the performance period: 4 × 155.17.
    assert compute_figures(session, Y2025, auth.uuid).total().hours_done == D("620.68")

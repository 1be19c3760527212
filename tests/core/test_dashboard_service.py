"""Dashboard figures against a hand-computed two-authority dataset."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clauses_app.formatting import format_percent
from clauses_app.services.dashboard import (
    authority_choices,
    dashboard_figures,
    data_years,
    default_year,
    hours_years,
)
from tests import builders as b

D = Decimal


@pytest.fixture
def dataset(session):  # type: ignore[no-untyped-def]
    """Authority A: 9,500 h required over 2025; two people with 550 h in each of Jan–Oct.
    Authority B: 1,200 h over Jul 2024–Jun 2025; one person, 100 h in Dec 2024, 50 h in Jan 2025.
    """
    a = b.authority(session, "Ville A")
    con_a = b.contract(session, a, "A-1", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
    award_a = b.award(session, b.lot(session, con_a), b.company(session, "SARL A"), 9500)
    for name in ("Martin", "Durand"):
        person = b.participant(session, name)
        emp = b.employment(session, award_a, person, date(2025, 1, 1), date(2025, 12, 31))
        for month in range(1, 11):
            b.month_hours(session, emp, 2025, month, 550)
    auth_b = b.authority(session, "Bourg B")
    con_b = b.contract(
        session, auth_b, "B-1", start_date=date(2024, 7, 1), end_date=date(2025, 6, 30)
    )
    award_b = b.award(session, b.lot(session, con_b), b.company(session, "SARL B"), 1200)
    emp = b.employment(
        session, award_b, b.participant(session, "Petit"), date(2024, 7, 1), date(2025, 6, 30)
    )
    b.month_hours(session, emp, 2024, 12, 100)
    b.month_hours(session, emp, 2025, 1, 50)
    session.commit()
    return a, auth_b


def test_year_for_every_authority(session, dataset) -> None:  # type: ignore[no-untyped-def]
    f = dashboard_figures(session, 2025)
    # 9,500 + 1,200 × 6/12 months of B's performance period in 2025
    assert f.hours_required == D("10100")
    assert f.hours_done == D("11050")  # 2 × 10 × 550 + 50
    assert f.completion_rate is not None
    assert f.completion_rate.quantize(D("0.0001")) == D("1.0941")  # 11,050 / 10,100 = 1.09405…
    assert format_percent(f.completion_rate) == "109,4\u00a0%"
    assert f.etp_done == D("6.8762")  # 11,050 / 1,607
    assert (f.participants, f.employments) == (3, 3)
    assert f.monthly[0] == ((2025, 1), D("1150"))
    assert f.monthly[9] == ((2025, 10), D("1100"))
    assert f.monthly[10] == ((2025, 11), D("0"))
    assert len(f.monthly) == 12


def test_one_authority(session, dataset) -> None:  # type: ignore[no-untyped-def]
    a, auth_b = dataset
    f = dashboard_figures(session, 2025, a.uuid)
    assert (f.hours_required, f.hours_done) == (D("9500"), D("11000"))
    assert format_percent(f.completion_rate) == "115,8\u00a0%"
    assert (f.participants, f.employments) == (2, 2)
    f_b = dashboard_figures(session, 2024, auth_b.uuid)
    assert (f_b.hours_required, f_b.hours_done) == (D("600"), D("100"))
    assert format_percent(f_b.completion_rate) == "16,7\u00a0%"
    assert f_b.monthly[11] == ((2024, 12), D("100"))


def test_empty_year_has_no_rate(session, dataset) -> None:  # type: ignore[no-untyped-def]
    f = dashboard_figures(session, 2030)
    assert f.hours_required == 0 and f.hours_done == 0
    assert f.completion_rate is None
    assert (f.participants, f.employments) == (0, 0)


def test_years_and_default_year(session, dataset) -> None:  # type: ignore[no-untyped-def]
    years = data_years(session)
    assert years == [2024, 2025]
    assert default_year(years, date(2025, 5, 1)) == 2025
    assert default_year(years, date(2026, 3, 1)) == 2025  # the latest year with data
    assert default_year(years, date(2020, 1, 1)) == 2024
    assert default_year([], date(2026, 3, 1)) == 2026
    # the year the hours were stated in, although contracts reach into 2026
    assert hours_years(session) == [2024, 2025]


def test_hours_years_reach_the_end_of_an_undivided_total(session) -> None:  # type: ignore[no-untyped-def]
    """The last year is the last end: a total stated over 2025-2027 ends after every month."""
    a = b.authority(session)
    aw = b.award(session, b.lot(session, b.contract(session, a)), b.company(session), 100)
    emp = b.employment(session, aw, b.participant(session), date(2024, 6, 1))
    assert hours_years(session) == []
    b.month_hours(session, emp, 2024, 11, 10)
    b.month_hours(session, emp, 2025, 2, 10)
    assert hours_years(session) == [2024, 2025]
    b.total_hours(session, emp, date(2025, 3, 1), date(2027, 2, 28), 300)
    assert hours_years(session) == [2024, 2025, 2026, 2027]
    assert data_years(session)[-1] == 2027


def test_authority_choices_sorted_by_name(session, dataset) -> None:  # type: ignore[no-untyped-def]
    assert [name for _u, name in authority_choices(session)] == ["Bourg B", "Ville A"]


def test_guide_completion_example_reads_122_1_percent(session) -> None:  # type: ignore[no-untyped-def]
    """6,718 / 5,500 = 1.22145…: one rounding only, so 122,1 % (not 122,2 %)."""
    a = b.authority(session)
    con = b.contract(session, a, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
    aw = b.award(session, b.lot(session, con), b.company(session), 5500)
    emp = b.employment(session, aw, b.participant(session), date(2025, 1, 1))
    b.month_hours(session, emp, 2025, 3, 6718)
    session.commit()
    assert format_percent(dashboard_figures(session, 2025).completion_rate) == "122,1\u00a0%"

"""Dashboard alerts against hand-computed cases, and bulk querying (no query per row)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from clauses_app.models import PoolingScope
from clauses_app.services.alerts import (
    AlertKind,
    AlertRecord,
    AlertThresholds,
    compute_alerts,
    load_alert_thresholds,
    save_alert_thresholds,
)
from clauses_app.services.periods import Period
from tests import builders as b

YEAR_2025 = Period.year(2025)
NNBSP, NBSP = "\u202f", "\u00a0"


def _of(alerts, kind):  # type: ignore[no-untyped-def]
    return [a for a in alerts if a.kind == kind]


@pytest.fixture
def award_600(session):  # type: ignore[no-untyped-def]
    """600 h required over Jan–Dec 2025; one person employed all year, 50 h in Jan–Apr."""
    auth = b.authority(session, "Ville")
    con = b.contract(session, auth, "2025-001", start_date=date(2025, 1, 1),
                     end_date=date(2025, 12, 31))  # fmt: skip
    aw = b.award(session, b.lot(session, con), b.company(session, "SARL Bâti"), 600)
    person = b.participant(session, "Martin", "Léa")
    emp = b.employment(session, aw, person, date(2025, 1, 1), date(2025, 12, 31))
    for month in (1, 2, 3, 4):
        b.month_hours(session, emp, 2025, month, 50)
    session.commit()
    return auth, con, aw, person, emp


def test_award_behind_its_pro_rata_schedule(session, award_600) -> None:  # type: ignore[no-untyped-def]
    _auth, _con, aw, _person, _emp = award_600
    # 30 June: 6 of 12 months elapsed → 300 h expected; 200 h < 300 × 90 %
    [alert] = _of(compute_alerts(session, date(2025, 6, 30), YEAR_2025), AlertKind.BEHIND_SCHEDULE)
    assert (alert.record_kind, alert.record_uuid) == (AlertRecord.AWARD, aw.uuid)
    assert alert.message == (
        f"SARL Bâti — marché 2025-001, lot 1 : 200{NBSP}h réalisées pour 300{NBSP}h "
        "attendues au 30/06/2025."
    )
    # 15 June: only May is over → 5 months → 250 h expected (still behind: 200 < 225)
    [alert] = _of(compute_alerts(session, date(2025, 6, 15), YEAR_2025), AlertKind.BEHIND_SCHEDULE)
    assert f"250{NBSP}h attendues au 31/05/2025" in alert.message


def test_tolerance_decides_behind_schedule(session, award_600) -> None:  # type: ignore[no-untyped-def]
    *_, emp = award_600
    b.month_hours(session, emp, 2025, 5, 80)  # 280 h done; 300 expected, 270 with 10 %
    session.commit()
    today = date(2025, 6, 30)
    assert not _of(compute_alerts(session, today, YEAR_2025), AlertKind.BEHIND_SCHEDULE)
    strict = AlertThresholds(schedule_tolerance_percent=Decimal(0))
    assert _of(
        compute_alerts(session, today, YEAR_2025, thresholds=strict), AlertKind.BEHIND_SCHEDULE
    )
    # another year's dashboard does not show this award
    assert not _of(
        compute_alerts(session, today, Period.year(2024), thresholds=strict),
        AlertKind.BEHIND_SCHEDULE,
    )


def test_contract_ending_with_hours_due(session, award_600) -> None:  # type: ignore[no-untyped-def]
    auth, con, *_ = award_600
    # 31 Dec is 46 days after 15 Nov (≤ 60): 600 − 200 = 400 h still due
    [alert] = _of(compute_alerts(session, date(2025, 11, 15)), AlertKind.CONTRACT_ENDING)
    assert (alert.record_kind, alert.record_uuid) == (AlertRecord.CONTRACT, con.uuid)
    # Over every authority the contract is named with its own (references repeat).
    assert alert.message == (
        f"Marché 2025-001 ({auth.name}) : se termine le 31/12/2025, 400{NBSP}h restent à "
        f"réaliser (sur 600{NBSP}h)."
    )
    [mine] = _of(
        compute_alerts(session, date(2025, 11, 15), authority_uuid=auth.uuid),
        AlertKind.CONTRACT_ENDING,
    )
    assert mine.message.startswith("Marché 2025-001 : se termine le 31/12/2025")
    assert alert.due == date(2025, 12, 31)
    # 77 days before the end: not yet
    assert not _of(compute_alerts(session, date(2025, 10, 15)), AlertKind.CONTRACT_ENDING)


def test_contract_ending_with_every_hour_done_is_quiet(session, award_600) -> None:  # type: ignore[no-untyped-def]
    *_, emp = award_600
    b.month_hours(session, emp, 2025, 5, 400)
    session.commit()
    assert not _of(compute_alerts(session, date(2025, 11, 15)), AlertKind.CONTRACT_ENDING)


def test_months_with_no_statement(session, award_600) -> None:  # type: ignore[no-untyped-def]
    *_, emp = award_600
    # 30 June: June is not over yet, May is missing
    [alert] = _of(
        compute_alerts(session, date(2025, 6, 30), YEAR_2025), AlertKind.MISSING_STATEMENT
    )
    assert (alert.record_kind, alert.record_uuid) == (AlertRecord.EMPLOYMENT, emp.uuid)
    assert alert.message == (
        "MARTIN Léa (SARL Bâti — marché 2025-001, lot 1) : 1 mois sans relevé (mai 2025)."
    )
    [alert] = _of(
        compute_alerts(session, date(2025, 8, 10), YEAR_2025), AlertKind.MISSING_STATEMENT
    )
    assert "3 mois sans relevé (mai 2025, juin 2025, juillet 2025)" in alert.message
    assert alert.due == date(2025, 5, 1)


def test_a_zero_statement_or_an_undivided_total_is_a_statement(session, award_600) -> None:  # type: ignore[no-untyped-def]
    *_, emp = award_600
    b.month_hours(session, emp, 2025, 5, 0)
    session.commit()
    assert not _of(
        compute_alerts(session, date(2025, 6, 30), YEAR_2025), AlertKind.MISSING_STATEMENT
    )
    b.total_hours(session, emp, date(2025, 6, 1), date(2025, 7, 31), 120)
    session.commit()
    assert not _of(
        compute_alerts(session, date(2025, 8, 10), YEAR_2025), AlertKind.MISSING_STATEMENT
    )


def test_validation_expiring_before_a_planned_start(session, award_600) -> None:  # type: ignore[no-untyped-def]
    _auth, _con, aw, *_ = award_600
    person = b.participant(session, "Durand", "Ali")
    b.criterion(session, person, "BRSA", validated_on=date(2025, 1, 10))  # valid until 10/07
    b.employment(session, aw, person, date(2025, 9, 1), date(2025, 12, 31))
    session.commit()
    [alert] = _of(compute_alerts(session, date(2025, 6, 30)), AlertKind.ELIGIBILITY_EXPIRING)
    assert (alert.record_kind, alert.record_uuid) == (AlertRecord.PARTICIPANT, person.uuid)
    assert "expire le 10/07/2025" in alert.message
    assert "avant le début du contrat le 01/09/2025" in alert.message
    # re-validated in May: valid on 1 September
    b.criterion(session, person, "DELD", validated_on=date(2025, 5, 2))
    session.commit()
    assert not _of(compute_alerts(session, date(2025, 6, 30)), AlertKind.ELIGIBILITY_EXPIRING)


def test_outcome_missing_six_months_after_the_last_contract(session, award_600) -> None:  # type: ignore[no-untyped-def]
    _auth, _con, aw, *_ = award_600
    person = b.participant(session, "Petit", "Jo")
    emp = b.employment(session, aw, person, date(2024, 7, 1), date(2024, 12, 31))
    session.commit()
    [alert] = _of(compute_alerts(session, date(2025, 7, 1), YEAR_2025), AlertKind.OUTCOME_MISSING)
    assert (alert.record_kind, alert.record_uuid) == (AlertRecord.EMPLOYMENT, emp.uuid)
    assert alert.message == (
        "PETIT Jo : dernier contrat terminé le 31/12/2024, situation à 6 mois non renseignée "
        "(depuis le 30/06/2025)."
    )
    assert not _of(compute_alerts(session, date(2025, 6, 29), YEAR_2025), AlertKind.OUTCOME_MISSING)
    # 31/12 + 6 months is 30/06 (month ends clamp): due on that very day
    assert _of(compute_alerts(session, date(2025, 6, 30), YEAR_2025), AlertKind.OUTCOME_MISSING)
    # a mark falling in 2025 is not on the 2026 dashboard
    later = compute_alerts(session, date(2026, 2, 1), Period.year(2026))
    assert not _of(later, AlertKind.OUTCOME_MISSING)
    emp.outcome_6m_code = "CDI"
    session.commit()
    assert not _of(compute_alerts(session, date(2025, 7, 1), YEAR_2025), AlertKind.OUTCOME_MISSING)


def test_no_outcome_alert_while_a_later_contract_runs(session, award_600) -> None:  # type: ignore[no-untyped-def]
    _auth, _con, aw, *_ = award_600
    person = b.participant(session, "Petit", "Jo")
    b.employment(session, aw, person, date(2024, 7, 1), date(2024, 12, 31))
    b.employment(session, aw, person, date(2025, 3, 1))  # open-ended
    session.commit()
    assert not _of(compute_alerts(session, date(2025, 7, 1), YEAR_2025), AlertKind.OUTCOME_MISSING)


def test_alerts_of_one_authority_only(session, award_600) -> None:  # type: ignore[no-untyped-def]
    auth, *_ = award_600
    other = b.authority(session, "Autre")
    con = b.contract(
        session, other, "X-9", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    aw = b.award(session, b.lot(session, con), b.company(session, "SAS Autre"), 1200)
    b.employment(session, aw, b.participant(session, "Roux"), date(2025, 1, 1))
    session.commit()
    today = date(2025, 6, 30)
    every = compute_alerts(session, today, YEAR_2025)
    assert len(_of(every, AlertKind.BEHIND_SCHEDULE)) == 2
    mine = compute_alerts(session, today, YEAR_2025, auth.uuid)
    assert len(_of(mine, AlertKind.BEHIND_SCHEDULE)) == 1
    assert all("X-9" not in a.message and "ROUX" not in a.message for a in mine)
    # most urgent kinds first
    kinds = [a.kind for a in every]
    assert kinds == sorted(kinds, key=AlertKind.ALL.index)


def _count_queries(database, function) -> int:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def record(*args) -> None:  # type: ignore[no-untyped-def]
        statements.append(args[2])

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        function()
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    return len(statements)


def test_query_count_does_not_grow_with_rows(database, session, award_600) -> None:  # type: ignore[no-untyped-def]
    _auth, _con, aw, *_ = award_600
    today = date(2025, 8, 10)
    small = _count_queries(database, lambda: compute_alerts(session, today, YEAR_2025))
    for i in range(30):
        person = b.participant(session, f"Nom{i}")
        b.criterion(session, person, "BRSA", validated_on=date(2024, 1, 1))
        b.employment(session, aw, person, date(2025, 2, 1), date(2025, 12, 31))
        b.employment(session, aw, person, date(2026, 1, 1))  # planned, validation expired
        b.employment(session, aw, b.participant(session, f"Ancien{i}"), date(2024, 1, 1),
                     date(2024, 12, 31))  # fmt: skip
    session.commit()
    alerts = compute_alerts(session, today, YEAR_2025)
    assert len(_of(alerts, AlertKind.MISSING_STATEMENT)) == 31
    assert len(_of(alerts, AlertKind.ELIGIBILITY_EXPIRING)) == 30
    assert len(_of(alerts, AlertKind.OUTCOME_MISSING)) == 30
    big = _count_queries(database, lambda: compute_alerts(session, today, YEAR_2025))
    assert big <= small + 2


def test_thresholds_saved_and_reloaded(database) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        assert load_alert_thresholds(s) == AlertThresholds()
    with database.transaction() as s:
        save_alert_thresholds(s, AlertThresholds(Decimal("15"), 3))
    with database.session() as s:
        assert load_alert_thresholds(s) == AlertThresholds(Decimal("15"), 3)


def test_pooling_over_all_time_covers_the_lot_behind(session) -> None:  # type: ignore[no-untyped-def]
    """Lot 1 owes 100 h and got 400 h: its 300 h surplus moves to lot 2 (same company, pooled
    contract), whose 200 h done by May become 500 h against 300 h expected on 30 June."""
    auth = b.authority(session)
    con = b.contract(session, auth, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31),
                     pooling_scope=PoolingScope.CONTRACT)  # fmt: skip
    firm = b.company(session, "SARL Bâti")
    lot_1 = b.award(session, b.lot(session, con, "1"), firm, 100)
    lot_2 = b.award(session, b.lot(session, con, "2"), firm, 600)
    b.month_hours(session, b.employment(session, lot_1, b.participant(session, "Un"),
                                        date(2025, 1, 1)), 2025, 1, 400)  # fmt: skip
    emp = b.employment(session, lot_2, b.participant(session, "Deux"), date(2025, 1, 1))
    for month in range(1, 6):
        b.month_hours(session, emp, 2025, month, 40)
    session.commit()
    today = date(2025, 6, 30)
    assert not _of(compute_alerts(session, today, YEAR_2025), AlertKind.BEHIND_SCHEDULE)
    con.pooling_scope = PoolingScope.NONE
    session.commit()
    [alert] = _of(compute_alerts(session, today, YEAR_2025), AlertKind.BEHIND_SCHEDULE)
    assert alert.record_uuid == lot_2.uuid
    assert f": 200{NBSP}h réalisées pour 300{NBSP}h attendues" in alert.message


def test_a_spread_total_counts_month_by_month_rounded(session) -> None:  # type: ignore[no-untyped-def]
    """100 h over Jan–Mar are 33.333… h a month: by the end of February, 33.33 + 33.33 =
    66.66 h done (not 66.67) for 1,200 × 2/12 = 200 h expected."""
    auth = b.authority(session)
    con = b.contract(session, auth, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
    aw = b.award(session, b.lot(session, con), b.company(session, "SARL Bâti"), 1200)
    emp = b.employment(session, aw, b.participant(session), date(2025, 1, 1))
    b.total_hours(session, emp, date(2025, 1, 1), date(2025, 3, 31), 100)
    session.commit()
    [alert] = _of(compute_alerts(session, date(2025, 2, 28), YEAR_2025), AlertKind.BEHIND_SCHEDULE)
    assert alert.message.endswith(
        f": 66,66{NBSP}h réalisées pour 200{NBSP}h attendues au 28/02/2025."
    )


@pytest.fixture
def statements_with_gaps(session):  # type: ignore[no-untyped-def]
    """Léa: months Jan, Feb, Apr, May, Jun (March missing). Ali: a total over Jan–Mar and
    May (April and June missing). Jo: every month from January to June."""
    auth = b.authority(session)
    con = b.contract(session, auth, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
    aw = b.award(session, b.lot(session, con), b.company(session, "SARL Bâti"), 600)
    people = {}
    for name in ("Léa", "Ali", "Jo"):
        people[name] = b.employment(session, aw, b.participant(session, "Martin", name),
                                    date(2025, 1, 1), date(2025, 12, 31))  # fmt: skip
    for month in (1, 2, 4, 5, 6):
        b.month_hours(session, people["Léa"], 2025, month, 10)
    b.total_hours(session, people["Ali"], date(2025, 1, 1), date(2025, 3, 31), 30)
    b.month_hours(session, people["Ali"], 2025, 5, 10)
    for month in range(1, 7):
        b.month_hours(session, people["Jo"], 2025, month, 10)
    session.commit()
    return people


@pytest.mark.parametrize("by_identifier", [True, False])
def test_missing_months_around_gaps_and_totals(
    session, statements_with_gaps, monkeypatch, by_identifier
) -> None:  # type: ignore[no-untyped-def]
    from clauses_app.services.alerts import statements as alerts_statements

    if not by_identifier:  # as when thousands of work contracts have gaps
        monkeypatch.setattr(alerts_statements, "GAPS_BY_IDENTIFIER", 0)
    alerts = _of(compute_alerts(session, date(2025, 7, 10), YEAR_2025), AlertKind.MISSING_STATEMENT)
    texts = {a.record_uuid: a.message.split(" : ")[1] for a in alerts}
    assert texts == {
        statements_with_gaps["Léa"].uuid: "1 mois sans relevé (mars 2025).",
        statements_with_gaps["Ali"].uuid: "2 mois sans relevé (avril 2025, juin 2025).",
    }
    assert [a.due for a in alerts] == [date(2025, 3, 1), date(2025, 4, 1)]

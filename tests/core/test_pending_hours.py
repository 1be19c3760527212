"""Hours of employments whose eligibility is pending, under each value of the counting rule
``unvalidated_hours``, against a hand-computed award (every figures path)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from operator import attrgetter
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import Award, CriterionStatus
from clauses_app.services.counting import EmploymentRow, HoursRow, counted_hours
from clauses_app.services.eligibility import eligibility_of_employments
from clauses_app.services.figures import compute_figures
from clauses_app.services.figures.pending import pending_employments
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings, CountingRules, UnvalidatedHours
from clauses_app.storage import Database
from tests import builders as b

PATHS: list[dict[str, Any]] = [{}, {"award_months": True}, {"fast_path": False}]


def award_with_five_people(session: Session, **contract_kw: Any) -> Any:
    """One award, 2025, five people (validity window: 6 months, the default):
    - A validated 10/01/2025, starts 01/02/2025: in time; 100 h worked + 10 h training;
    - B an undated criterion (to document): pending; 50 h;
    - C validated 01/05/2025, after the start 01/03/2025 (late): pending; 30 h + 5 h;
    - D validated 01/01/2024 (expired at the start 01/03/2025) and again 15/02/2025 (in
      time): the best wins, not pending; 20 h;
    - E marked ineligible: counts 0 h, and is not pending; 40 h.
    """
    auth = b.authority(session)
    con = b.contract(session, auth, notification_date=date(2025, 1, 15), **contract_kw)
    award = b.award(session, b.lot(session, con), b.company(session), "1000")

    def person(name: str, *validations: date | None) -> Any:
        p = b.participant(session, name)
        for number, day in enumerate(validations):
            status = CriterionStatus.TO_DOCUMENT if day is None else CriterionStatus.VALIDATED
            b.criterion(session, p, f"C{number}", day, status=status)
        return p

    def hours(p: Any, start: date, worked: str, training: str = "0", **kw: Any) -> None:
        employment = b.employment(session, award, p, start, date(2025, 12, 31), **kw)
        b.month_hours(session, employment, 2025, 6, worked, training)

    hours(person("A", date(2025, 1, 10)), date(2025, 2, 1), "100", "10")
    hours(person("B", None), date(2025, 3, 1), "50")
    hours(person("C", date(2025, 5, 1)), date(2025, 3, 1), "30", "5")
    hours(person("D", date(2024, 1, 1), date(2025, 2, 15)), date(2025, 3, 1), "20")
    hours(person("E", date(2025, 1, 10)), date(2025, 2, 1), "40", ineligible=True)
    return auth, con


@pytest.mark.parametrize("path", PATHS)
def test_pending_hours_counted_provisionally_by_default(session: Session, path: Any) -> None:
    auth, _ = award_with_five_people(session)
    figures = compute_figures(
        session, Period.year(2025), auth.uuid, AppSettings(), pending_hours=True, **path
    )
    total = figures.total()
    assert total.hours_done == D("215.00")  # 110 + 50 + 35 + 20 (E: 0)
    assert total.pending_counted == D("85.00")  # B 50 + C 35
    assert total.pending_excluded == D("0.00")
    assert figures.pending_known


@pytest.mark.parametrize("path", PATHS)
def test_pending_hours_left_out_when_the_rule_says_so(session: Session, path: Any) -> None:
    auth, _ = award_with_five_people(session)
    rules = CountingRules(unvalidated_hours=UnvalidatedHours.EXCLUDED)
    figures = compute_figures(
        session, Period.year(2025), auth.uuid, AppSettings(counting=rules), **path
    )  # worked out without being asked: the rule needs them
    total = figures.total()
    assert total.hours_done == D("130.00")  # A 110 + D 20
    assert total.pending_counted == D("0.00")
    assert total.pending_excluded == D("85.00")  # B 50 + C 35, shown apart
    assert figures.monthly() == {(2025, 6): D("130.00")}


@pytest.mark.parametrize("path", PATHS)
def test_a_contract_override_leaves_them_out(session: Session, path: Any) -> None:
    auth, _ = award_with_five_people(
        session, rules_override={"unvalidated_hours": UnvalidatedHours.EXCLUDED}
    )
    figures = compute_figures(session, Period.year(2025), auth.uuid, AppSettings(), **path)
    assert (figures.total().hours_done, figures.total().pending_excluded) == (
        D("130.00"),
        D("85.00"),
    )


def test_not_asked_and_not_needed_nothing_is_worked_out(session: Session) -> None:
    auth, _ = award_with_five_people(session)
    figures = compute_figures(session, Period.year(2025), auth.uuid, AppSettings())
    assert figures.total().hours_done == D("215.00")
    assert figures.total().pending_counted == D("0.00")
    assert not figures.pending_known


def test_the_reference_rule_counts_nothing_of_a_pending_employment_when_excluded() -> None:
    row = HoursRow("MONTH", date(2025, 6, 1), date(2025, 6, 30), D("30"), D("5"))
    employment = EmploymentRow("EMBAUCHE", "CDD", date(2025, 3, 1), None, pending=True)
    assert counted_hours(employment, [row], CountingRules()) == {(2025, 6): D("35")}
    excluded = CountingRules(unvalidated_hours=UnvalidatedHours.EXCLUDED)
    assert counted_hours(employment, [row], excluded) == {}


@pytest.mark.parametrize("evidence", [False, True])
def test_the_figures_pending_set_is_the_eligibility_rule(
    any_database: Database, evidence: bool
) -> None:
    """pending_employments (the figures' reading, the database's window then the rule's)
    against eligibility_of_employments (the rule), window edges included: validated 6 months
    before the start to the day (in time: on SQLite, 31/03 − 6 months is 01/10, so the
    database's window misses it and the rule's catches it), one day earlier (expired), on the
    start day (in time); with the evidence setting, a dated criterion without evidence is to
    document. On SQLite and PostgreSQL."""
    with any_database.transaction() as session:
        award_with_five_people(session)
        award = session.scalars(select(Award)).first()
        assert award is not None
        for name, validated, proof in (
            ("Bord", date(2024, 9, 30), "attestation"),  # start 31/03/2025 − 6 months: in time
            ("Avant", date(2024, 9, 29), "attestation"),  # one day earlier: expired
            ("Jour", date(2025, 3, 31), None),  # on the start day, no evidence
        ):
            person = b.participant(session, name)
            b.criterion(session, person, "BRSA", validated, evidence=proof)
            b.employment(session, award, person, date(2025, 3, 31))
    settings = AppSettings(eligibility_requires_evidence=evidence)
    raw_key = str if any_database.engine.dialect.name == "postgresql" else attrgetter("hex")
    with any_database.session() as session:
        statuses = eligibility_of_employments(session, None, settings)
        valid = {raw_key(key) for key, status in statuses.items() if status.status == "VALID"}
        # E, marked ineligible, counts nothing whatever its criteria: its status does not
        # matter.
        ineligible = {
            raw_key(key) for key, status in statuses.items() if status.status == "INELIGIBLE"
        }
        expected = {raw_key(key) for key in statuses} - valid - ineligible
        assert pending_employments(session, None, settings) - ineligible == expected
    # A, D, Bord and Jour; with evidence required only Bord has any (A's and D's have none)
    assert len(valid) == (1 if evidence else 4)

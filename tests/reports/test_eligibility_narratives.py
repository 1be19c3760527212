"""Eligibility statuses (guide §6) and stored narratives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clauses_app.models import CriterionStatus
from clauses_app.services.eligibility import (
    EligibilityStatus,
    criterion_valid_for,
    eligibility_for,
    employment_eligibility,
    expiring_validations,
)
from clauses_app.services.narratives import get_narrative, period_key, save_narrative
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings
from clauses_app.storage import Database
from tests import builders as b
from tests.reports.dataset import Dataset

SIX = AppSettings()  # 6 months, the default


@dataclass
class C:
    criterion_code: str
    validated_on: date | None
    status: str = CriterionStatus.VALIDATED
    evidence: str | None = None


def test_validity_window_is_six_months_before_start_inclusive() -> None:
    start = date(2025, 3, 15)
    assert criterion_valid_for(C("BRSA", date(2024, 9, 15)), start, SIX)
    assert not criterion_valid_for(C("BRSA", date(2024, 9, 14)), start, SIX)
    assert criterion_valid_for(C("BRSA", start), start, SIX)
    assert not criterion_valid_for(C("BRSA", date(2025, 3, 16)), start, SIX)  # after the start
    assert not criterion_valid_for(C("BRSA", None), start, SIX)
    three = AppSettings(eligibility_validity_months=3)
    assert not criterion_valid_for(C("BRSA", date(2024, 12, 14)), start, three)


def test_statuses() -> None:
    start = date(2025, 3, 15)
    valid = eligibility_for([C("DELD", date(2024, 1, 1)), C("BRSA", date(2025, 3, 1))], start, SIX)
    assert (valid.status, valid.criteria) == (EligibilityStatus.VALID, ("BRSA",))
    undated = eligibility_for([C("RQTH", None)], start, SIX)
    assert (undated.status, undated.criteria, undated.counts) == ("TO_DOCUMENT", ("RQTH",), True)
    late = eligibility_for([C("QPV", date(2025, 4, 1))], start, SIX)
    assert (late.status, late.pending) == (EligibilityStatus.LATE, True)
    expired = eligibility_for([C("DELD", date(2024, 1, 1))], start, SIX)
    assert (expired.status, expired.alert) == (EligibilityStatus.EXPIRED, True)
    refused = [C("DELD", date(2025, 3, 1), CriterionStatus.INELIGIBLE)]
    assert eligibility_for(refused, start, SIX).status == EligibilityStatus.NONE
    assert eligibility_for([], start, SIX).status == EligibilityStatus.NONE
    marked = eligibility_for([C("BRSA", date(2025, 3, 1))], start, SIX, ineligible=True)
    assert (marked.status, marked.counts) == (EligibilityStatus.INELIGIBLE, False)


def test_employment_eligibility_from_database(database: Database, dataset: Dataset) -> None:
    with database.session() as s:
        statuses = {
            name: employment_eligibility(s, dataset.employments[name]).status
            for name in ("E1", "E2", "E3", "E4")
        }
    assert statuses == {"E1": "VALID", "E2": "EXPIRED", "E3": "TO_DOCUMENT", "E4": "VALID"}


def test_expiring_validations_before_a_planned_start(database: Database) -> None:
    with database.transaction() as s:
        town = b.authority(s)
        lot = b.lot(s, b.contract(s, town))
        award = b.award(s, lot, b.company(s), 100)
        soon = b.participant(s, "Soon", "Ana")
        b.criterion(s, soon, "BRSA", date(2025, 1, 10))  # valid until 2025-07-10
        b.employment(s, award, soon, date(2025, 9, 1))  # planned after expiry
        fine = b.participant(s, "Fine", "Bob")
        b.criterion(s, fine, "DELD", date(2025, 5, 1))
        b.employment(s, award, fine, date(2025, 9, 1))
        past = b.participant(s, "Past", "Cy")
        b.criterion(s, past, "DELD", date(2020, 1, 1))
        b.employment(s, award, past, date(2025, 1, 1))  # already started: not "planned"
    with database.session() as s:
        alerts = expiring_validations(s, None, today=date(2025, 6, 1))
    assert [(a.participant_name, a.criteria, a.expires_on) for a in alerts] == [
        ("SOON Ana", ("BRSA",), date(2025, 7, 10))
    ]


def test_period_keys() -> None:
    assert period_key(Period.year(2025)) == "2025"
    assert period_key(Period(date(2025, 1, 1), date(2025, 6, 30))) == "2025-01-01..2025-06-30"
    assert period_key(Period(date(2025, 1, 1), None)) == "2025-01-01.."
    assert period_key(Period()) == period_key(None) == ""


def test_narrative_saved_per_authority_and_period(database: Database, dataset: Dataset) -> None:
    year, half = Period.year(2025), Period(date(2025, 1, 1), date(2025, 6, 30))
    with database.transaction() as s:
        save_narrative(s, dataset.authority, year, "  Bonne année.\n\nMerci.  ")
        save_narrative(s, dataset.authority, half, "Premier semestre.")
    with database.transaction() as s:
        assert get_narrative(s, dataset.authority, year) == "Bonne année.\n\nMerci."
        assert get_narrative(s, dataset.authority, half) == "Premier semestre."
        assert get_narrative(s, dataset.other_authority, year) == ""
        save_narrative(s, dataset.authority, year, "Corrigé.")
        save_narrative(s, dataset.authority, half, "   ")  # empty: removed
    with database.session() as s:
        assert get_narrative(s, dataset.authority, year) == "Corrigé."
        assert get_narrative(s, dataset.authority, half) == ""

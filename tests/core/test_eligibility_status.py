"""Each eligibility status at the employment's start, worked out by hand (guide §3, §6).

Validity 6 months (the default): for a start on 15/03/2025, a validation is in time from
15/09/2024 to 15/03/2025 inclusive; after the start it is late; before 15/09/2024, expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from clauses_app.models import CriterionStatus
from clauses_app.services.eligibility import (
    Eligibility,
    criterion_status,
    eligibility_for,
    eligibility_of_employments,
)
from clauses_app.services.eligibility import (
    EligibilityStatus as S,
)
from clauses_app.services.settings import AppSettings
from clauses_app.storage import Database
from tests import builders as b

START = date(2025, 3, 15)
SIX = AppSettings()
WITH_EVIDENCE = AppSettings(eligibility_requires_evidence=True)


@dataclass
class C:
    criterion_code: str
    validated_on: date | None
    status: str = CriterionStatus.VALIDATED
    evidence: str | None = None


@pytest.mark.parametrize(
    ("validated_on", "expected"),
    [
        (date(2024, 9, 14), S.EXPIRED),  # one day before the window opens
        (date(2024, 9, 15), S.VALID),  # the window's first day
        (date(2025, 3, 15), S.VALID),  # the start itself
        (date(2025, 3, 16), S.LATE),  # the day after the start
        (None, S.TO_DOCUMENT),  # an imported criterion without a date
    ],
)
def test_one_criterion_at_the_window_edges(validated_on: date | None, expected: str) -> None:
    status = eligibility_for([C("BRSA", validated_on)], START, SIX)

    assert status.status == expected
    assert status.criteria == ("BRSA",)


def test_a_shorter_validity_setting_moves_the_window() -> None:
    three = AppSettings(eligibility_validity_months=3)

    assert eligibility_for([C("BRSA", date(2024, 12, 15))], START, three).status == S.VALID
    assert eligibility_for([C("BRSA", date(2024, 12, 14))], START, three).status == S.EXPIRED


def test_the_best_criterion_wins_in_time_late_expired_to_document() -> None:
    expired, late = C("DELD", date(2024, 1, 1)), C("QPV", date(2025, 4, 1))
    undated, in_time = C("RQTH", None), C("BRSA", date(2025, 3, 1))

    assert eligibility_for([undated, expired, late, in_time], START, SIX).status == S.VALID
    assert eligibility_for([undated, expired, late], START, SIX) == eligibility_for(
        [late], START, SIX
    )
    assert eligibility_for([undated, expired], START, SIX).status == S.EXPIRED
    assert eligibility_for([undated], START, SIX).status == S.TO_DOCUMENT


def test_none_ineligible_and_not_communicated() -> None:
    refused = C("BRSA", date(2025, 3, 1), CriterionStatus.INELIGIBLE)

    assert eligibility_for([refused], START, SIX).status == S.NONE
    assert eligibility_for([], START, SIX).status == S.NONE
    marked = eligibility_for([C("BRSA", date(2025, 3, 1))], START, SIX, ineligible=True)
    assert (marked.status, marked.counts, marked.pending) == (S.INELIGIBLE, False, False)
    unknown = eligibility_for([], START, SIX, communicated=False)
    assert (unknown.status, unknown.pending, unknown.alert) == (S.NOT_COMMUNICATED, False, False)


def test_pending_means_late_to_document_expired_or_none() -> None:
    pending = {status for status in S.ALL if Eligibility(status).pending}

    assert pending == {S.LATE, S.TO_DOCUMENT, S.EXPIRED, S.NONE}


def test_marked_to_document_or_without_required_evidence() -> None:
    marked = C("BRSA", date(2025, 3, 1), CriterionStatus.TO_DOCUMENT)
    bare = C("BRSA", date(2025, 3, 1))
    proven = C("BRSA", date(2025, 3, 1), evidence="Attestation CAF du 01/03/2025")

    assert criterion_status(marked, START, SIX) == S.TO_DOCUMENT
    assert criterion_status(bare, START, SIX) == S.VALID
    assert criterion_status(bare, START, WITH_EVIDENCE) == S.TO_DOCUMENT
    assert criterion_status(proven, START, WITH_EVIDENCE) == S.VALID


def test_many_employments_at_once_follow_the_same_rule(database: Database) -> None:
    with database.transaction() as s:
        award = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), 100)
        ana = b.participant(s, "Martin", "Ana")
        b.criterion(s, ana, "BRSA", date(2025, 1, 10))
        bob = b.participant(s, "Petit", "Bob")
        in_time = b.employment(s, award, ana, START).uuid
        late = b.employment(s, award, ana, date(2024, 12, 1)).uuid
        nothing = b.employment(s, award, bob, START).uuid

    with database.session() as s:
        statuses = {u: e.status for u, e in eligibility_of_employments(s).items()}

    assert statuses == {in_time: S.VALID, late: S.LATE, nothing: S.NONE}


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        ({"validated_on": date(2099, 1, 1)}, "La date de validation est à venir."),
        ({"validated_on": date(1979, 12, 31)},
         "La date de validation précède la naissance du participant."),
        ({"validated_on": None},
         "Indiquez la date de validation, ou choisissez le statut « À documenter »."),
    ],
)  # fmt: skip
def test_impossible_validations_are_refused_and_nothing_is_saved(
    database: Database, criterion: dict[str, object], message: str
) -> None:
    from sqlalchemy import func, select

    from clauses_app.models import Participant
    from clauses_app.services import records
    from clauses_app.services.records import Kind, ValidationError

    values = {
        "last_name": "Durand", "first_name": "Léa", "birth_date": date(1980, 1, 1),
        "criteria": [{"criterion_code": "BRSA", "status": CriterionStatus.VALIDATED, **criterion}],
    }  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        records.save_record(database, Kind.PARTICIPANT, values)

    assert refused.value.errors == {"criteria.0.validated_on": message}
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Participant)) == 0


def test_an_undated_criterion_to_document_is_accepted(database: Database) -> None:
    from clauses_app.services import records
    from clauses_app.services.records import Kind

    values = {
        "last_name": "Durand", "first_name": "Léa",
        "criteria": [{"criterion_code": "RQTH", "status": CriterionStatus.TO_DOCUMENT}],
    }  # fmt: skip
    new = records.save_record(database, Kind.PARTICIPANT, values)

    with database.session() as s:
        saved = records.load_record(s, Kind.PARTICIPANT, new)
    assert [(c["criterion_code"], c["status"]) for c in saved["criteria"]] == [
        ("RQTH", CriterionStatus.TO_DOCUMENT)
    ]


def test_the_employments_list_shows_and_filters_by_the_same_status(database: Database) -> None:
    from clauses_app.services.records import Kind
    from clauses_app.services.records.lists import ListQuery, all_rows, first_page

    with database.transaction() as s:
        award = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), 100)
        ana = b.participant(s, "Martin", "Ana")
        b.criterion(s, ana, "BRSA", date(2025, 1, 10))
        bob = b.participant(s, "Petit", "Bob")
        in_time = b.employment(s, award, ana, START).uuid
        late = b.employment(s, award, ana, date(2024, 12, 1)).uuid
        nothing = b.employment(s, award, bob, START).uuid

    def listed(value: str | None) -> dict[object, str]:
        with database.session() as s:
            query = ListQuery(filters={"eligibility": value})
            rows = [row for part in all_rows(s, Kind.EMPLOYMENT, query) for row in part]
        return {row.uuid: row.values["eligibility"] for row in rows}

    assert listed(None) == {
        in_time: "Validée à temps", late: "Validée après le début",
        nothing: "Aucun critère d'éligibilité",
    }  # fmt: skip
    assert set(listed("PENDING")) == {late, nothing}
    assert set(listed(S.VALID)) == {in_time}
    assert set(listed(S.EXPIRED)) == set()
    with database.session() as s:  # the paged path, as the window reads it
        count, page = first_page(s, Kind.EMPLOYMENT, ListQuery(filters={"eligibility": "PENDING"}))
    assert (count, {row.uuid for row in page}) == (2, {late, nothing})

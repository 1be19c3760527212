"""The records' validation keeps every amount, number of hours and date within what the
application takes in (services/bounds.py), whatever field or child row it is in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from clauses_app.models import ClauseMode
from clauses_app.services.bounds import MAX_HOURS, MAX_MONEY
from clauses_app.services.records import Kind, validate
from clauses_app.services.records.validation import (
    DAY_OUT_OF_RANGE,
    HOURS_TOO_LARGE,
    MONEY_TOO_LARGE,
)
from tests import builders as b

CENT = Decimal("0.01")


@pytest.fixture
def ids(session: Session) -> dict[str, Any]:
    """A contract without dates (no performance period to meet), an invoiced lot, an award."""
    authority = b.authority(session)
    contract = b.contract(session, authority)
    lot = b.lot(session, contract, clause_mode=ClauseMode.INVOICED,
                tranche_amount=Decimal(10000), tranche_hours=Decimal(100))  # fmt: skip
    award = b.award(session, lot, b.company(session))
    person = b.participant(session, birth_date=None)
    return {"authority": authority.uuid, "contract": contract.uuid, "lot": lot.uuid,
            "award": award.uuid, "person": person.uuid}  # fmt: skip


def test_the_largest_amount_and_hours_are_taken_one_cent_more_refused(
    session: Session, ids: dict[str, Any]
) -> None:
    lot = {"contract_uuid": ids["contract"], "number": "2", "title": "Peinture",
           "amount_ht": MAX_MONEY, "required_hours": MAX_HOURS}  # fmt: skip
    assert validate(session, Kind.LOT, lot) == {}
    too_much = {**lot, "amount_ht": MAX_MONEY + CENT, "required_hours": MAX_HOURS + CENT}
    assert validate(session, Kind.LOT, too_much) == {
        "amount_ht": MONEY_TOO_LARGE,
        "required_hours": HOURS_TOO_LARGE,
    }
    # A sign is no bound: the field's own words.
    negative = {**lot, "amount_ht": -MAX_MONEY * 10}
    assert validate(session, Kind.LOT, negative) == {
        "amount_ht": "La valeur ne peut pas être négative."
    }


def test_every_money_and_hours_field_is_bounded(session: Session, ids: dict[str, Any]) -> None:
    """Fields with no rule of their own but the sign (penalties, estimated value, hours
    worked, an employment's amount invoiced) once let 10²⁰ € through: SQLite kept a float
    and gave back 100 000 000 000 000 000 000,00."""
    huge = Decimal(10) ** 20
    contract = {"authority_uuid": ids["authority"], "reference": "R", "object": "O",
                "legal_basis": "L2112-2", "penalty_per_hour": huge, "estimated_value": huge,
                "statement_penalty_per_day": huge, "amount_ht": huge}  # fmt: skip
    assert validate(session, Kind.CONTRACT, contract) == dict.fromkeys(
        ("penalty_per_hour", "estimated_value", "statement_penalty_per_day", "amount_ht"),
        MONEY_TOO_LARGE,
    )
    award = {"lot_uuid": ids["lot"], "company_uuid": b.company(session, "Autre").uuid,
             "worked_hours_total": huge, "required_hours": huge}  # fmt: skip
    assert validate(session, Kind.AWARD, award) == dict.fromkeys(
        ("worked_hours_total", "required_hours"), HOURS_TOO_LARGE
    )
    job = {"participant_uuid": ids["person"], "award_uuid": ids["award"],
           "modality_code": "EMBAUCHE", "contract_type_code": "CDD",
           "start_date": date(2025, 3, 1), "invoiced_amount": huge}  # fmt: skip
    assert validate(session, Kind.EMPLOYMENT, job) == {"invoiced_amount": MONEY_TOO_LARGE}


def test_dates_outside_1900_to_2200_are_refused_in_fields_and_child_rows(
    session: Session, ids: dict[str, Any]
) -> None:
    """« 01/03/0025 » (a digit missing) was saved as the year 25."""
    job = {"participant_uuid": ids["person"], "award_uuid": ids["award"],
           "modality_code": "EMBAUCHE", "contract_type_code": "CDD",
           "start_date": date(25, 3, 1), "end_date": date(2255, 3, 1)}  # fmt: skip
    assert validate(session, Kind.EMPLOYMENT, job) == {
        "start_date": DAY_OUT_OF_RANGE,
        "end_date": DAY_OUT_OF_RANGE,
    }
    award = {"lot_uuid": ids["lot"], "company_uuid": b.company(session, "Autre").uuid,
             "invoices": [{"uuid": None, "invoiced_on": date(2025, 4, 30),
                           "amount_ht": Decimal(500)},
                          {"uuid": None, "invoiced_on": date(205, 4, 30),
                           "amount_ht": Decimal(500)}]}  # fmt: skip
    assert validate(session, Kind.AWARD, award) == {"invoices.1.invoiced_on": DAY_OUT_OF_RANGE}
    person = {"last_name": "Roux", "first_name": "Max",
              "criteria": [{"uuid": None, "criterion_code": "BRSA",
                            "validated_on": date(1825, 1, 1), "status": "VALIDE"}]}  # fmt: skip
    assert validate(session, Kind.PARTICIPANT, person) == {
        "criteria.0.validated_on": DAY_OUT_OF_RANGE
    }
    # A field's own message comes first.
    assert validate(session, Kind.PARTICIPANT, {**person, "criteria": [],
                                                "birth_date": date(1850, 1, 1)}) == {
        "birth_date": "Date de naissance invalide."
    }  # fmt: skip

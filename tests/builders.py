"""Small builders for hand-made datasets: each returns the new record, flushed.

Used by every test package to build the exact case a test computes by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    Employment,
    HoursKind,
    HoursRecord,
    Invoice,
    Lot,
    Operation,
    Participant,
    ParticipantCriterion,
    PublicContract,
)
from clauses_app.services.periods import last_day

D = Decimal


def authority(s: Session, name: str = "Ville de Test", **kw: Any) -> ContractingAuthority:
    obj = ContractingAuthority(name=name, **kw)
    s.add(obj)
    s.flush()
    return obj


def operation(
    s: Session, auth: ContractingAuthority, name: str = "Opération", **kw: Any
) -> Operation:
    obj = Operation(authority_uuid=auth.uuid, name=name, **kw)
    s.add(obj)
    s.flush()
    return obj


def contract(
    s: Session, auth: ContractingAuthority, reference: str = "2025-001", **kw: Any
) -> PublicContract:
    kw.setdefault("object", "Travaux")
    obj = PublicContract(authority_uuid=auth.uuid, reference=reference, **kw)
    s.add(obj)
    s.flush()
    return obj


def lot(s: Session, con: PublicContract, number: str = "1", **kw: Any) -> Lot:
    kw.setdefault("title", f"Lot {number}")
    obj = Lot(contract_uuid=con.uuid, number=number, **kw)
    s.add(obj)
    s.flush()
    return obj


def company(s: Session, name: str = "SARL Test", **kw: Any) -> Company:
    obj = Company(name=name, **kw)
    s.add(obj)
    s.flush()
    return obj


def award(s: Session, lt: Lot, comp: Company, required: Any = None, **kw: Any) -> Award:
    obj = Award(
        lot_uuid=lt.uuid,
        company_uuid=comp.uuid,
        required_hours=D(str(required)) if required is not None else None,
        **kw,
    )
    s.add(obj)
    s.flush()
    return obj


def participant(s: Session, last: str = "Martin", first: str = "Léa", **kw: Any) -> Participant:
    kw.setdefault("birth_date", date(1990, 1, 1))
    kw.setdefault("sex", "F")
    obj = Participant(last_name=last, first_name=first, **kw)
    s.add(obj)
    s.flush()
    return obj


def criterion(
    s: Session, person: Participant, code: str = "BRSA", validated_on: date | None = None, **kw: Any
) -> ParticipantCriterion:
    obj = ParticipantCriterion(
        participant_uuid=person.uuid, criterion_code=code, validated_on=validated_on, **kw
    )
    s.add(obj)
    s.flush()
    return obj


def employment(
    s: Session,
    aw: Award,
    person: Participant,
    start: date,
    end: date | None = None,
    **kw: Any,
) -> Employment:
    obj = Employment(
        award_uuid=aw.uuid, participant_uuid=person.uuid, start_date=start, end_date=end, **kw
    )
    s.add(obj)
    s.flush()
    return obj


def month_hours(
    s: Session, emp: Employment, year: int, month: int, worked: Any, training: Any = 0
) -> HoursRecord:
    obj = HoursRecord(
        employment_uuid=emp.uuid,
        kind=HoursKind.MONTH,
        period_start=date(year, month, 1),
        period_end=last_day((year, month)),
        worked_hours=D(str(worked)),
        training_hours=D(str(training)),
    )
    s.add(obj)
    s.flush()
    return obj


def total_hours(
    s: Session, emp: Employment, start: date, end: date, worked: Any, training: Any = 0
) -> HoursRecord:
    obj = HoursRecord(
        employment_uuid=emp.uuid,
        kind=HoursKind.TOTAL,
        period_start=start,
        period_end=end,
        worked_hours=D(str(worked)),
        training_hours=D(str(training)),
    )
    s.add(obj)
    s.flush()
    return obj


def invoice(s: Session, aw: Award, on: date, amount: Any, reference: str | None = None) -> Invoice:
    obj = Invoice(award_uuid=aw.uuid, invoiced_on=on, amount_ht=D(str(amount)), reference=reference)
    s.add(obj)
    s.flush()
    return obj

"""The (uuid, label) choices a form's pickers offer: authorities, contracts, lots, awards…"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_date
from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    Lot,
    Operation,
    Participant,
    PublicContract,
)
from clauses_app.services.records.kinds import Kind

Choice = tuple[uuid.UUID, str]


def choices(session: Session, kind: str, **scope: Any) -> list[Choice]:
    """Records of ``kind`` a form may point to, labelled for a person, in a useful order.

    ``scope`` narrows the list: ``authority_uuid`` for operations, ``contract_uuid`` for lots.
    """
    if kind == Kind.AUTHORITY:
        A = ContractingAuthority
        rows = session.execute(select(A.uuid, A.name).order_by(func.lower(A.name)))
        return [(u, n) for u, n in rows]
    if kind == Kind.OPERATION:
        statement: Any = select(Operation.uuid, Operation.name).order_by(func.lower(Operation.name))
        if scope.get("authority_uuid") is not None:
            statement = statement.where(Operation.authority_uuid == scope["authority_uuid"])
        return [(u, n) for u, n in session.execute(statement)]
    if kind == Kind.CONTRACT:
        P = PublicContract
        contracts: Any = session.execute(
            select(P.uuid, P.reference, P.object).order_by(P.reference)
        )
        return [(u, f"{ref} — {obj}") for u, ref, obj in contracts]
    if kind == Kind.LOT:
        lots: Any = (
            select(Lot.uuid, PublicContract.reference, Lot.number, Lot.title)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
            .order_by(PublicContract.reference, Lot.number)
        )
        if scope.get("contract_uuid") is not None:
            lots = lots.where(Lot.contract_uuid == scope["contract_uuid"])
        return [(u, f"{ref} — lot {n} : {t}") for u, ref, n, t in session.execute(lots)]
    if kind == Kind.AWARD:
        awards: Any = (
            select(Award.uuid, PublicContract.reference, Lot.number, Company.name)
            .join(Lot, Award.lot_uuid == Lot.uuid)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
            .join(Company, Award.company_uuid == Company.uuid)
            .order_by(PublicContract.reference, Lot.number, Company.name)
        )
        return [(u, f"{ref} — lot {n} — {c}") for u, ref, n, c in session.execute(awards)]
    if kind == Kind.COMPANY:
        companies: Any = session.execute(
            select(Company.uuid, Company.name, Company.city).order_by(func.lower(Company.name))
        )
        return [(u, f"{n} ({c})" if c else n) for u, n, c in companies]
    if kind == Kind.PARTICIPANT:
        Pa = Participant
        people: Any = session.execute(
            select(Pa.uuid, Pa.last_name, Pa.first_name, Pa.birth_date).order_by(
                func.lower(Pa.last_name), func.lower(Pa.first_name)
            )
        )
        return [
            (u, f"{last.upper()} {first}" + (f" ({format_date(born)})" if born else ""))
            for u, last, first, born in people
        ]
    raise KeyError(kind)

"""Many rows quickly, with SQLAlchemy Core inserts (lazy-loading and speed tests)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert

from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    Employment,
    Lot,
    Participant,
    PublicContract,
)
from clauses_app.storage import Database

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _stamp(**values: object) -> dict[str, object]:
    return {"uuid": uuid.uuid4(), "created_at": NOW, "updated_at": NOW, **values}


def bulk_employments(database: Database, count: int, contracts: int = 50) -> None:
    """``count`` employments spread over ``contracts`` contracts of one authority.

    Participants are named ``Nom00042 Prénom42``; every 7th employment belongs to a
    participant called ``Zébulon``, so searches have a known number of hits.
    """
    authority = _stamp(name="Métropole de Test", archived=False)
    letters = "ABCDEFGHIJKLMNOPQRST"
    # "Société DDX" is company 3: a search word that matches one company and nothing else.
    companies = [
        _stamp(name=f"Société {letters[i]}{letters[i]}X", kind="CLASSIQUE") for i in range(20)
    ]
    contract_rows, lot_rows, award_rows = [], [], []
    for i in range(contracts):
        contract = _stamp(
            authority_uuid=authority["uuid"], reference=f"M{i:04d}", object="Travaux",
            legal_basis="L2112-2", pooling_scope="NONE", start_date=date(2020, 1, 1),
            end_date=date(2026, 12, 31),
        )  # fmt: skip
        lot = _stamp(contract_uuid=contract["uuid"], number="1", title="Lot unique",
                     clause_mode="HOURS", required_hours=Decimal(1000))  # fmt: skip
        award = _stamp(lot_uuid=lot["uuid"], company_uuid=companies[i % 20]["uuid"],
                       role="TITULAIRE", required_hours=Decimal(1000))  # fmt: skip
        contract_rows.append(contract)
        lot_rows.append(lot)
        award_rows.append(award)
    people, jobs = [], []
    for i in range(count):
        special = i % 7 == 0
        person = _stamp(
            last_name="Zébulon" if special else f"Nom{i:05d}", first_name=f"Prénom{i}",
            qpv=False, archived=False,
        )  # fmt: skip
        people.append(person)
        start = date(2021, 1, 1) + timedelta(days=i % 1400)
        jobs.append(_stamp(
            participant_uuid=person["uuid"], award_uuid=award_rows[i % contracts]["uuid"],
            modality_code="EMBAUCHE", contract_type_code="CDD", start_date=start,
            end_date=start + timedelta(days=90), transferred_staff=False, ineligible=False,
        ))  # fmt: skip
    with database.transaction() as session:
        connection = session.connection()
        connection.execute(insert(ContractingAuthority), [authority])
        connection.execute(insert(Company), companies)
        connection.execute(insert(PublicContract), contract_rows)
        connection.execute(insert(Lot), lot_rows)
        connection.execute(insert(Award), award_rows)
        connection.execute(insert(Participant), people)
        connection.execute(insert(Employment), jobs)

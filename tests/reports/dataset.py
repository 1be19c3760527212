"""The hand-computed dataset of the report tests (figures for 2025 worked out below).

Authority "Ville de Testville":
- operation "Rénovation quartier Nord" holds contract 2025-001 (2025-01-01..2025-12-31,
  pooling per contract): lot 1 "Gros œuvre" requires 600 h, lot 2 "Peinture" 500 h, both won
  by BTP Durand;
- contract 2025-002 (no operation, 2024-01-01..2025-12-31, no pooling): lot 1 "Espaces verts"
  requires 1,200 h over 24 months, so 600 h in 2025; won by Jardins Martin.

Employments (hours counted in 2025):
- E1 Léa MARTIN (F, born 1999-05-10, QPV, INFRA3; BRSA+QPV validated 2025-01-10) on lot 1,
  direct hire CDD 2025-02-01..2025-09-30: Feb 151.67, Mar 151.67, Apr 140 + 10 training
  = 453.34 h; outcome CDI, CDI at 6 months.
- E2 Karim BENALI (M, born 1970-03-01, level 3; DELD validated 2024-06-01: expired) on lot 1,
  made available by the ETTI "Intérim Insertion 93", 2025-03-01..2025-05-31: 120 + 130.5 +
  100 = 350.5 h; outcome FORMATION.
- E3 Sophie DUPONT (F, born 1980-07-15, level 4; RQTH without date) on lot 2, CDI from
  2025-01-15: Jan 80, Feb 151.67, Mar 151.67 = 383.34 h; no end.
- E4 Paul NGUYEN (M, born 1976-01-20, no level; PLIE validated 2025-05-01) on contract
  2025-002, CDD 2025-06-01..2025-11-30: a 600 h total spread over 6 months = 100 h/month;
  outcome CDD_MOINS_6.
- E5 Jean ANCIEN (M) on contract 2025-002 in 2024 only (100 h in March 2024): not in 2025.

2025: required 600 + 500 + 600 = 1,700 h; done 803.84 + 383.34 + 600 = 1,787.18 h;
rate 1,787.18 / 1,700 = 105.1 %; ETP 1,787.18 / 1,607 = 1.1121.
Lot 1 pooled: its surplus of 203.84 h covers lot 2's shortfall of 116.66 h → 687.18 / 500.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from clauses_app.models import PoolingScope
from clauses_app.services.settings import AppSettings, Organisation, save_settings
from tests import builders as b


@dataclass
class Dataset:
    authority: uuid.UUID
    other_authority: uuid.UUID
    contract_a: uuid.UUID
    contract_b: uuid.UUID
    lot_a1: uuid.UUID
    lot_a2: uuid.UUID
    lot_b1: uuid.UUID
    operation: uuid.UUID
    employments: dict[str, uuid.UUID]


ORGANISATION = Organisation(
    name="PLIE de Testville",
    address="1 place de la Mairie, 93100 Testville",
    facilitator_name="Camille Facilitatrice",
    facilitator_email="clauses@plie-testville.fr",
    facilitator_phone="01 23 45 67 89",
)


def build_dataset(s: Session) -> Dataset:
    save_settings(s, AppSettings(organisation=ORGANISATION))
    town = b.authority(s, "Ville de Testville", city="Testville")
    other = b.authority(s, "Département Vide")
    north = b.operation(s, town, "Rénovation quartier Nord")
    con_a = b.contract(
        s, town, "2025-001", object="Réhabilitation de l'école Jaurès",
        operation_uuid=north.uuid, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31),
        pooling_scope=PoolingScope.CONTRACT,
    )  # fmt: skip
    con_b = b.contract(
        s, town, "2025-002", object="Entretien des espaces verts",
        start_date=date(2024, 1, 1), end_date=date(2025, 12, 31),
    )  # fmt: skip
    a1 = b.lot(s, con_a, "1", title="Gros œuvre", required_hours=b.D(600))
    a2 = b.lot(s, con_a, "2", title="Peinture", required_hours=b.D(500))
    b1 = b.lot(s, con_b, "1", title="Espaces verts", required_hours=b.D(1200))
    durand = b.company(s, "BTP Durand", siret="73282932000074")
    martin = b.company(s, "Jardins Martin")
    etti = b.company(s, "Intérim Insertion 93", kind="ETTI")
    aw1 = b.award(s, a1, durand, 600)
    aw2 = b.award(s, a2, durand, 500)
    aw3 = b.award(s, b1, martin, 1200)

    lea = b.participant(s, "Martin", "Léa", birth_date=date(1999, 5, 10), sex="F", qpv=True,
                        qualification_code="INFRA3")  # fmt: skip
    b.criterion(s, lea, "BRSA", date(2025, 1, 10))
    b.criterion(s, lea, "QPV", date(2025, 1, 10))
    karim = b.participant(s, "Benali", "Karim", birth_date=date(1970, 3, 1), sex="M",
                          qualification_code="3")  # fmt: skip
    b.criterion(s, karim, "DELD", date(2024, 6, 1))
    sophie = b.participant(s, "Dupont", "Sophie", birth_date=date(1980, 7, 15), sex="F",
                           qualification_code="4")  # fmt: skip
    b.criterion(s, sophie, "RQTH", None)
    paul = b.participant(s, "Nguyen", "Paul", birth_date=date(1976, 1, 20), sex="M")
    b.criterion(s, paul, "PLIE", date(2025, 5, 1))
    jean = b.participant(s, "Ancien", "Jean", birth_date=date(1960, 1, 1), sex="M")

    e1 = b.employment(s, aw1, lea, date(2025, 2, 1), date(2025, 9, 30), contract_type_code="CDD",
                      outcome_end_code="CDI", outcome_6m_code="CDI")  # fmt: skip
    b.month_hours(s, e1, 2025, 2, "151.67")
    b.month_hours(s, e1, 2025, 3, "151.67")
    b.month_hours(s, e1, 2025, 4, 140, 10)
    e2 = b.employment(s, aw1, karim, date(2025, 3, 1), date(2025, 5, 31), modality_code="MAD",
                      contract_type_code="MISSION_ETTI", employer_uuid=etti.uuid,
                      outcome_end_code="FORMATION")  # fmt: skip
    b.month_hours(s, e2, 2025, 3, 120)
    b.month_hours(s, e2, 2025, 4, "130.5")
    b.month_hours(s, e2, 2025, 5, 100)
    e3 = b.employment(s, aw2, sophie, date(2025, 1, 15), None, contract_type_code="CDI")
    b.month_hours(s, e3, 2025, 1, 80)
    b.month_hours(s, e3, 2025, 2, "151.67")
    b.month_hours(s, e3, 2025, 3, "151.67")
    e4 = b.employment(s, aw3, paul, date(2025, 6, 1), date(2025, 11, 30),
                      contract_type_code="CDD", outcome_end_code="CDD_MOINS_6")  # fmt: skip
    b.total_hours(s, e4, date(2025, 6, 1), date(2025, 11, 30), 600)
    e5 = b.employment(s, aw3, jean, date(2024, 3, 1), date(2024, 4, 30))
    b.month_hours(s, e5, 2024, 3, 100)
    return Dataset(
        authority=town.uuid,
        other_authority=other.uuid,
        contract_a=con_a.uuid,
        contract_b=con_b.uuid,
        lot_a1=a1.uuid,
        lot_a2=a2.uuid,
        lot_b1=b1.uuid,
        operation=north.uuid,
        employments={"E1": e1.uuid, "E2": e2.uuid, "E3": e3.uuid, "E4": e4.uuid, "E5": e5.uuid},
    )


# Personal data that must never appear in an anonymised report.
PERSONAL = ("MARTIN Léa", "Léa", "BENALI", "Karim", "DUPONT", "Sophie", "NGUYEN", "10/05/1999",
            "01/03/1970")  # fmt: skip

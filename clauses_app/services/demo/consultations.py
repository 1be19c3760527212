"""Demo consultations launched after the 2026 social-consideration rule applies (22 August
2026), so that a new user sees the rule judged, and its alert raised.

Each demo authority but the national size's gets a few contracts still in consultation (no lot
yet, no notification): launched from September 2026, with their nature and estimated value.
They cycle through the rule's outcomes, hand-checked against the 2026 thresholds of a local
authority (services/thresholds.py): services above 216,000 € HT with no social consideration
(the alert ``social_consideration_missing``), works above 5,404,000 € HT with an insertion
clause, supplies below 216,000 € HT, and services above the threshold with a justified
exception. They draw on their own random stream: the rest of the demo is unchanged by them.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from clauses_app.models import ContractNature, SocialConsideration, SocialException
from clauses_app.services.demo.context import DemoContext, Row

# (nature, object, lowest and highest estimated value, consideration, exception, reason)
OUTCOMES: tuple[tuple[str, str, int, int, str, str | None, str | None], ...] = (
    (ContractNature.SERVICES, "Nettoyage et entretien des bâtiments communaux", 240_000,
     420_000, SocialConsideration.NONE, None, None),
    (ContractNature.WORKS, "Construction d'un groupe scolaire", 5_600_000, 8_900_000,
     SocialConsideration.INSERTION_CLAUSE, None, None),
    (ContractNature.SUPPLIES, "Fourniture de mobilier scolaire", 60_000, 190_000,
     SocialConsideration.NONE, None, None),
    (ContractNature.SERVICES, "Maintenance du logiciel de gestion financière", 230_000,
     310_000, SocialConsideration.NONE, SocialException.IMMEDIATE_SOLUTION,
     "Maintenance par l'éditeur du logiciel déjà en place : aucune autre solution "
     "immédiatement disponible."),
)  # fmt: skip
FIRST_LAUNCH = date(2026, 9, 1)


def consultation_rows(ctx: DemoContext, authority_uuids: list[UUID]) -> list[Row]:
    """``plan.consultations`` contracts in consultation, spread over the authorities (the
    lead one first), each outcome of :data:`OUTCOMES` in turn."""
    rng = random.Random(f"clauses-demo-2026:{ctx.plan.size}:{ctx.seed}")
    rows: list[Row] = []
    numbers: dict[UUID, int] = {}
    for index in range(ctx.plan.consultations if authority_uuids else 0):
        authority = authority_uuids[index % len(authority_uuids)]
        numbers[authority] = numbers.get(authority, 0) + 1
        nature, obj, low, high, consideration, exception, reason = OUTCOMES[index % 4]
        value = Decimal(rng.randint(low // 1000, high // 1000) * 1000)
        launch = FIRST_LAUNCH + timedelta(days=rng.randint(0, 80))
        values: dict[str, Any] = dict(
            uuid=ctx.new_uuid(), authority_uuid=authority, operation_uuid=None,
            reference=f"2026-AO{numbers[authority]:02d}", object=obj,
            procedure="Appel d'offres ouvert", legal_basis="L2112-2", notification_date=None,
            start_date=None, end_date=None, amount_ht=None, pooling_scope="NONE",
            penalty_per_hour=None, rules_override=None,
            notes="Consultation en cours : lots et attribution à venir.",
            nature=nature, utilities=False, estimated_value=value, launch_date=launch,
            social_consideration=consideration, social_exception=exception,
            social_exception_reason=reason,
        )  # fmt: skip
        rows.append(ctx.record(**values))
    return rows

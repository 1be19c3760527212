"""Whether contracts meet the 2026 social-consideration rule. Qt-free.

From the day set in the threshold table (default 22 August 2026, see
docs/counting-rules.md), a contract whose consultation is launched that day or later and
whose estimated value reaches its threshold (:mod:`clauses_app.services.thresholds`) must
take social or employment matters into account (L2112-2-1 for contracts, L3114-2-1 for
concessions): an insertion clause, a reserved contract or another social consideration, or
else the buyer invokes one of the exceptions, in writing. A contract with no estimated value
is judged on its awarded amount (``amount_ht``), and says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import (
    BuyerType,
    ContractingAuthority,
    ContractNature,
    PublicContract,
    SocialConsideration,
    SocialException,
)
from clauses_app.services.thresholds import ThresholdTable, load_thresholds, threshold

# French names of the codes, for the forms, lists, reports and spreadsheets.
BUYER_TYPE_LABELS = {
    BuyerType.LOCAL: "Collectivité territoriale, établissement public local ou autre acheteur",
    BuyerType.STATE: "État ou établissement public de l'État (autorité publique centrale)",
}
NATURE_LABELS = {
    ContractNature.WORKS: "Travaux",
    ContractNature.SUPPLIES: "Fournitures",
    ContractNature.SERVICES: "Services",
    ContractNature.WORKS_CONCESSION: "Concession de travaux",
    ContractNature.SERVICES_CONCESSION: "Concession de services",
    ContractNature.DEFENCE: "Défense ou sécurité",
}
CONSIDERATION_LABELS = {
    SocialConsideration.INSERTION_CLAUSE: "Clause d'insertion (condition d'exécution)",
    SocialConsideration.RESERVED: "Marché réservé (L2113-12 à L2113-15)",
    SocialConsideration.OTHER: "Autre considération sociale ou d'emploi",
    SocialConsideration.NONE: "Aucune",
}
EXCEPTION_LABELS = {
    SocialException.IMMEDIATE_SOLUTION: "Besoin satisfait par une solution immédiatement "
    "disponible",
    SocialException.NO_LINK: "Pas de lien suffisant avec l'objet du marché",
    SocialException.COMPETITION: "Restriction de la concurrence ou difficulté d'exécution",
    SocialException.OTHER: "Autre exception",
}


class Compliance:
    """What the rule says of one contract."""

    NOT_JUDGED = "NOT_JUDGED"  # no launch date or no value: cannot say
    BEFORE = "BEFORE"  # launched before the rule applies
    BELOW = "BELOW"  # value below its threshold
    CONSIDERATION = "CONSIDERATION"  # subject, with a social consideration
    EXCEPTION = "EXCEPTION"  # subject, with a justified exception
    MISSING = "MISSING"  # subject, with neither
    SUBJECT = (CONSIDERATION, EXCEPTION, MISSING)


STATUS_LABELS = {
    Compliance.NOT_JUDGED: "Non évalué (date de lancement ou valeur manquante)",
    Compliance.BEFORE: "Lancé avant l'obligation",
    Compliance.BELOW: "Sous le seuil",
    Compliance.CONSIDERATION: "Conforme : considération sociale",
    Compliance.EXCEPTION: "Conforme : exception justifiée",
    Compliance.MISSING: "Non conforme : ni considération sociale ni exception justifiée",
}


@dataclass(frozen=True)
class ContractCompliance:
    contract_uuid: uuid.UUID
    authority_uuid: uuid.UUID
    authority_name: str
    reference: str
    object: str
    nature: str
    launch_date: date | None
    value: Decimal | None  # the estimated value, else the awarded amount
    value_is_estimate: bool
    threshold: Decimal | None
    status: str
    social_consideration: str
    social_exception: str | None
    social_exception_reason: str = ""


def judge(
    table: ThresholdTable,
    *,
    nature: str,
    buyer_type: str,
    utilities: bool,
    launch_date: date | None,
    value: Decimal | None,
    social_consideration: str,
    social_exception: str | None,
    social_exception_reason: str | None,
) -> tuple[str, Decimal | None]:
    """The contract's :class:`Compliance` status and the threshold it was compared with."""
    if launch_date is None or value is None:
        return Compliance.NOT_JUDGED, None
    period = table.period_on(launch_date)
    if period is None:
        return Compliance.BEFORE, None
    limit = threshold(period, nature, buyer_type, utilities)
    if launch_date < table.obligation_start:
        return Compliance.BEFORE, limit
    if value < limit:
        return Compliance.BELOW, limit
    if social_consideration != SocialConsideration.NONE:
        return Compliance.CONSIDERATION, limit
    if social_exception and (social_exception_reason or "").strip():
        return Compliance.EXCEPTION, limit
    return Compliance.MISSING, limit


def judge_values(
    session: Session, values: Mapping[str, Any], table: ThresholdTable | None = None
) -> tuple[str, Decimal | None]:
    """Judge a contract from a form's typed values (its authority's buyer type read from
    the database): the status and the threshold, as :func:`judge`."""
    authority = values.get("authority_uuid")
    buyer_type = session.scalar(
        select(ContractingAuthority.buyer_type).where(ContractingAuthority.uuid == authority)
    ) if authority else None  # fmt: skip
    estimate = values.get("estimated_value")
    return judge(
        table or load_thresholds(session),
        nature=values.get("nature") or ContractNature.WORKS,
        buyer_type=buyer_type or BuyerType.LOCAL,
        utilities=bool(values.get("utilities")),
        launch_date=values.get("launch_date"),
        value=estimate if estimate is not None else values.get("amount_ht"),
        social_consideration=values.get("social_consideration") or SocialConsideration.NONE,
        social_exception=values.get("social_exception"),
        social_exception_reason=values.get("social_exception_reason"),
    )


def contracts_compliance(
    session: Session,
    authority_uuid: uuid.UUID | None = None,
    table: ThresholdTable | None = None,
    launched_until: date | None = None,
    launched_from: date | None = None,
    without_consideration: bool = False,
) -> list[ContractCompliance]:
    """Every contract launched (from ``launched_from``, up to ``launched_until``, when
    given; only those with no social consideration when ``without_consideration``), judged;
    by authority, then reference."""
    table = table or load_thresholds(session)
    statement = (
        select(PublicContract.uuid, PublicContract.authority_uuid, ContractingAuthority.name,
               PublicContract.reference, PublicContract.object, PublicContract.nature,
               ContractingAuthority.buyer_type, PublicContract.utilities,
               PublicContract.launch_date, PublicContract.estimated_value,
               PublicContract.amount_ht, PublicContract.social_consideration,
               PublicContract.social_exception, PublicContract.social_exception_reason)
        .join(ContractingAuthority, PublicContract.authority_uuid == ContractingAuthority.uuid)
        .where(PublicContract.launch_date.is_not(None))
        .order_by(ContractingAuthority.name, PublicContract.reference)
    )  # fmt: skip
    if authority_uuid is not None:
        statement = statement.where(PublicContract.authority_uuid == authority_uuid)
    if launched_until is not None:
        statement = statement.where(PublicContract.launch_date <= launched_until)
    if launched_from is not None:
        statement = statement.where(PublicContract.launch_date >= launched_from)
    if without_consideration:
        statement = statement.where(
            PublicContract.social_consideration == SocialConsideration.NONE
        )
    result = []
    for row in session.execute(statement):
        value = row.estimated_value if row.estimated_value is not None else row.amount_ht
        status, limit = judge(
            table, nature=row.nature, buyer_type=row.buyer_type, utilities=bool(row.utilities),
            launch_date=row.launch_date, value=value,
            social_consideration=row.social_consideration,
            social_exception=row.social_exception,
            social_exception_reason=row.social_exception_reason,
        )  # fmt: skip
        result.append(
            ContractCompliance(
                row.uuid, row.authority_uuid, row.name, row.reference, row.object, row.nature,
                row.launch_date, value, row.estimated_value is not None, limit, status,
                row.social_consideration, row.social_exception,
                (row.social_exception_reason or "").strip(),
            )
        )  # fmt: skip
    return result


@dataclass(frozen=True)
class ComplianceSummary:
    """The contracts of one authority launched from the obligation's first day within a
    period, judged (the balance report's compliance section)."""

    obligation_start: date
    contracts: tuple[ContractCompliance, ...]

    def with_status(self, *statuses: str) -> list[ContractCompliance]:
        return [c for c in self.contracts if c.status in statuses]

    @property
    def subject(self) -> list[ContractCompliance]:
        """Launched in time and at or above their threshold."""
        return self.with_status(*Compliance.SUBJECT)


def compliance_summary(
    session: Session,
    authority_uuid: uuid.UUID,
    start: date | None,
    end: date | None,
    table: ThresholdTable | None = None,
) -> ComplianceSummary | None:
    """The authority's contracts launched from the obligation's first day (or ``start``,
    when later) to ``end``; None when the period ends before the obligation applies."""
    table = table or load_thresholds(session)
    first = table.obligation_start
    if end is not None and end < first:
        return None
    since = max(first, start) if start else first
    judged = contracts_compliance(session, authority_uuid, table, launched_until=end)
    chosen = tuple(c for c in judged if c.launch_date is not None and c.launch_date >= since)
    return ComplianceSummary(first, chosen)

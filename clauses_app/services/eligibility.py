"""Eligibility of a participant for an employment (guide §6).

A criterion is validated by the facilitator on a date. It is *valid* for an employment when it
was validated no more than ``eligibility_validity_months`` (setting, default 6) before the
employment's start. An imported criterion without a validation date is taken as validated at
the start and flagged "to document"; so is a criterion validated after the start (the
validation exists but was not prior) and one the facilitator marked "to document". An
employment whose participant has no valid criterion still counts but raises an alert; one
marked ineligible by the facilitator does not count.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import CriterionStatus, Employment, Participant, ParticipantCriterion
from clauses_app.services.periods import add_months
from clauses_app.services.settings import AppSettings, load_settings


class EligibilityStatus:
    VALID = "VALID"  # at least one criterion validated within the window before the start
    TO_DOCUMENT = "TO_DOCUMENT"  # counts, but the validation must be documented
    EXPIRED = "EXPIRED"  # criteria exist, all validated too long before the start
    NONE = "NONE"  # no criterion at all
    INELIGIBLE = "INELIGIBLE"  # marked ineligible by the facilitator: hours do not count
    ALL = (VALID, TO_DOCUMENT, EXPIRED, NONE, INELIGIBLE)

    LABELS = {
        VALID: "Éligibilité valide",
        TO_DOCUMENT: "Éligibilité à documenter",
        EXPIRED: "Validation expirée",
        NONE: "Aucun critère d'éligibilité",
        INELIGIBLE: "Non éligible",
    }


class CriterionLike(Protocol):
    criterion_code: str
    validated_on: date | None
    status: str


@dataclass(frozen=True)
class Eligibility:
    """The status of one employment and the criterion codes concerned.

    For VALID and TO_DOCUMENT, the criteria that make the person eligible; for EXPIRED, the
    expired ones; empty for NONE and INELIGIBLE.
    """

    status: str
    criteria: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return EligibilityStatus.LABELS[self.status]

    @property
    def counts(self) -> bool:
        """Whether the employment's hours count toward the clause."""
        return self.status != EligibilityStatus.INELIGIBLE

    @property
    def alert(self) -> bool:
        """Whether the facilitator should look at it."""
        return self.status != EligibilityStatus.VALID


def validity_start(employment_start: date, settings: AppSettings) -> date:
    """The earliest validation date still valid for an employment starting on that day."""
    return add_months(employment_start, -settings.eligibility_validity_months)


def valid_until(validated_on: date, settings: AppSettings) -> date:
    """The last start date for which a validation made on ``validated_on`` is valid."""
    return add_months(validated_on, settings.eligibility_validity_months)


def criterion_valid_for(
    criterion: CriterionLike, employment_start: date, settings: AppSettings
) -> bool:
    """Whether a criterion validly supports an employment starting on ``employment_start``.

    True when it is validated, not marked ineligible or "to document", and its validation
    date lies within the validity window before the start (the start itself included).
    """
    if criterion.status != CriterionStatus.VALIDATED or criterion.validated_on is None:
        return False
    return validity_start(employment_start, settings) <= criterion.validated_on <= employment_start


def _needs_documenting(criterion: CriterionLike, employment_start: date) -> bool:
    if criterion.status == CriterionStatus.TO_DOCUMENT or criterion.validated_on is None:
        return True
    return criterion.validated_on > employment_start


def eligibility_for(
    criteria: Sequence[CriterionLike],
    employment_start: date,
    settings: AppSettings,
    ineligible: bool = False,
) -> Eligibility:
    """The eligibility of an employment from its participant's criteria (no database)."""
    if ineligible:
        return Eligibility(EligibilityStatus.INELIGIBLE)
    usable = [c for c in criteria if c.status != CriterionStatus.INELIGIBLE]
    if not usable:
        return Eligibility(EligibilityStatus.NONE)
    valid = _codes(c for c in usable if criterion_valid_for(c, employment_start, settings))
    if valid:
        return Eligibility(EligibilityStatus.VALID, valid)
    to_document = _codes(c for c in usable if _needs_documenting(c, employment_start))
    if to_document:
        return Eligibility(EligibilityStatus.TO_DOCUMENT, to_document)
    return Eligibility(EligibilityStatus.EXPIRED, _codes(usable))


def _codes(criteria: object) -> tuple[str, ...]:
    return tuple(sorted({c.criterion_code for c in criteria}))  # type: ignore[attr-defined]


def employment_eligibility(
    session: Session, employment_uuid: uuid.UUID, settings: AppSettings | None = None
) -> Eligibility:
    """The eligibility status of one employment, with the criteria concerned."""
    settings = settings or load_settings(session)
    employment = session.get(Employment, employment_uuid)
    if employment is None:
        raise LookupError(f"Contrat de travail inconnu : {employment_uuid}.")
    criteria = session.scalars(
        select(ParticipantCriterion).where(
            ParticipantCriterion.participant_uuid == employment.participant_uuid
        )
    ).all()
    return eligibility_for(list(criteria), employment.start_date, settings, employment.ineligible)


@dataclass(frozen=True)
class ExpiringValidation:
    """A planned employment whose participant's validations will have expired at its start."""

    employment_uuid: uuid.UUID
    participant_uuid: uuid.UUID
    participant_name: str
    start_date: date
    criteria: tuple[str, ...]
    expires_on: date | None  # the last start date the latest validation covers


def expiring_validations(
    session: Session, settings: AppSettings | None, today: date
) -> list[ExpiringValidation]:
    """Employments starting after ``today`` whose eligibility at the start will be EXPIRED.

    The dashboard's alert "validations expiring before a planned start", soonest start first.
    """
    settings = settings or load_settings(session)
    planned = session.execute(
        select(Employment, Participant)
        .join(Participant, Employment.participant_uuid == Participant.uuid)
        .where(Employment.start_date > today, Employment.ineligible.is_(False))
        .order_by(Employment.start_date, Participant.last_name, Participant.first_name)
    ).all()
    if not planned:
        return []
    people = {p.uuid for _, p in planned}
    criteria: dict[uuid.UUID, list[ParticipantCriterion]] = {p: [] for p in people}
    for row in session.scalars(
        select(ParticipantCriterion).where(ParticipantCriterion.participant_uuid.in_(people))
    ):
        criteria[row.participant_uuid].append(row)
    result = []
    for employment, person in planned:
        own: list[CriterionLike] = list(criteria[person.uuid])
        status = eligibility_for(own, employment.start_date, settings)
        if status.status != EligibilityStatus.EXPIRED:
            continue
        dates = [c.validated_on for c in own if c.validated_on is not None]
        result.append(
            ExpiringValidation(
                employment_uuid=employment.uuid,
                participant_uuid=person.uuid,
                participant_name=person.full_name,
                start_date=employment.start_date,
                criteria=status.criteria,
                expires_on=valid_until(max(dates), settings) if dates else None,
            )
        )
    return result

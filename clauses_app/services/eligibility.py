"""Eligibility of a participant for an employment (guide §3 and §6), decided here only.

Each criterion the facilitator recorded has a status at the employment's start:
- *validated in time*: validated no more than ``eligibility_validity_months`` (setting, 6)
  before the start, the start itself included;
- *validated late*: validated after the start (the validation exists but was not prior);
- *expired*: validated longer ago than the validity window;
- *to document*: no validation date (an imported criterion), marked "to document", or, when
  the ``eligibility_requires_evidence`` setting is on, dated but without evidence.
With several criteria the best status wins (in time > late > expired > to document); with no
usable criterion the status is *none*. *Not communicated* is for a participant whose
eligibility data its source did not give (an anonymised source). An employment the
facilitator marked ineligible is *ineligible* whatever its criteria, and its hours count 0.

« En attente de justification » (pending) means late, to document, expired or none: what
such hours count for is the ``unvalidated_hours`` counting setting (docs/counting-rules.md).
The participant form, the employment form, the lists, the alerts and the nominative annex all
take their status from :func:`eligibility_for` or :func:`criterion_status`.
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
    VALID = "VALID"  # a criterion validated within the window before the start
    LATE = "LATE"  # validated, but after the start
    EXPIRED = "EXPIRED"  # validated too long before the start
    TO_DOCUMENT = "TO_DOCUMENT"  # no validation date (or no evidence, when required)
    NONE = "NONE"  # no usable criterion at all
    NOT_COMMUNICATED = "NOT_COMMUNICATED"  # the source did not give eligibility data
    INELIGIBLE = "INELIGIBLE"  # marked ineligible by the facilitator: hours do not count
    ALL = (VALID, LATE, EXPIRED, TO_DOCUMENT, NONE, NOT_COMMUNICATED, INELIGIBLE)
    # Best first: with several criteria, the first of these any criterion reaches wins.
    RANK = (VALID, LATE, EXPIRED, TO_DOCUMENT)
    PENDING = frozenset({LATE, EXPIRED, TO_DOCUMENT, NONE})

    LABELS = {
        VALID: "Validée à temps",
        LATE: "Validée après le début",
        EXPIRED: "Validation expirée",
        TO_DOCUMENT: "Éligibilité à documenter",
        NONE: "Aucun critère d'éligibilité",
        NOT_COMMUNICATED: "Éligibilité non communiquée",
        INELIGIBLE: "Non éligible",
    }


class CriterionLike(Protocol):
    criterion_code: str
    validated_on: date | None
    status: str

    @property
    def evidence(self) -> str | None: ...


@dataclass(frozen=True)
class Eligibility:
    """The status of one employment and the criterion codes that give it.

    For VALID, LATE, EXPIRED and TO_DOCUMENT, the criteria at that status; empty otherwise.
    """

    status: str
    criteria: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return EligibilityStatus.LABELS[self.status]

    @property
    def counts(self) -> bool:
        """Whether the employment's hours may count toward the clause at all (the counting
        setting ``unvalidated_hours`` decides for pending ones)."""
        return self.status != EligibilityStatus.INELIGIBLE

    @property
    def pending(self) -> bool:
        """« En attente de justification »: late, to document, expired or none."""
        return self.status in EligibilityStatus.PENDING

    @property
    def alert(self) -> bool:
        """Whether the facilitator should look at it."""
        return self.status not in (EligibilityStatus.VALID, EligibilityStatus.NOT_COMMUNICATED)


def validity_start(employment_start: date, settings: AppSettings) -> date:
    """The earliest validation date still valid for an employment starting on that day."""
    return add_months(employment_start, -settings.eligibility_validity_months)


def valid_until(validated_on: date, settings: AppSettings) -> date:
    """The last start date for which a validation made on ``validated_on`` is valid."""
    return add_months(validated_on, settings.eligibility_validity_months)


def criterion_status(
    criterion: CriterionLike,
    employment_start: date,
    settings: AppSettings,
    valid_from: date | None = None,
) -> str | None:
    """One criterion's status for an employment starting on ``employment_start``; None for a
    criterion the facilitator marked not eligible (it supports nothing). ``valid_from``:
    :func:`validity_start` of that start, when the caller has it already."""
    if criterion.status == CriterionStatus.INELIGIBLE:
        return None
    if criterion.status == CriterionStatus.TO_DOCUMENT or criterion.validated_on is None:
        return EligibilityStatus.TO_DOCUMENT
    if settings.eligibility_requires_evidence and not (criterion.evidence or "").strip():
        return EligibilityStatus.TO_DOCUMENT
    if criterion.validated_on > employment_start:
        return EligibilityStatus.LATE
    if criterion.validated_on < (valid_from or validity_start(employment_start, settings)):
        return EligibilityStatus.EXPIRED
    return EligibilityStatus.VALID


def criterion_valid_for(
    criterion: CriterionLike, employment_start: date, settings: AppSettings
) -> bool:
    """Whether a criterion validly supports an employment starting on ``employment_start``."""
    return criterion_status(criterion, employment_start, settings) == EligibilityStatus.VALID


def eligibility_for(
    criteria: Sequence[CriterionLike],
    employment_start: date,
    settings: AppSettings,
    ineligible: bool = False,
    communicated: bool = True,
    valid_from: date | None = None,
) -> Eligibility:
    """The eligibility of an employment from its participant's criteria (no database).
    ``valid_from``: :func:`validity_start` of the start, when the caller has it already
    (many employments start on the same day)."""
    if ineligible:
        return Eligibility(EligibilityStatus.INELIGIBLE)
    if not communicated and not criteria:
        return Eligibility(EligibilityStatus.NOT_COMMUNICATED)
    reached: dict[str, set[str]] = {}
    if criteria and valid_from is None:
        valid_from = validity_start(employment_start, settings)
    for criterion in criteria:
        status = criterion_status(criterion, employment_start, settings, valid_from)
        if status is not None:
            reached.setdefault(status, set()).add(criterion.criterion_code)
    for status in EligibilityStatus.RANK:
        if status in reached:
            return Eligibility(status, tuple(sorted(reached[status])))
    return Eligibility(EligibilityStatus.NONE)


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


def eligibility_of_employments(
    session: Session, employment_uuids: Sequence[uuid.UUID] | None = None,
    settings: AppSettings | None = None,
) -> dict[uuid.UUID, Eligibility]:
    """The eligibility of many employments (all of them when ``employment_uuids`` is None),
    in two queries: for lists, their filters and the alerts."""
    settings = settings or load_settings(session)
    query = select(
        Employment.uuid, Employment.participant_uuid, Employment.start_date, Employment.ineligible
    )
    if employment_uuids is not None:
        query = query.where(Employment.uuid.in_(list(employment_uuids)))
    employments = session.execute(query).all()
    people = {row.participant_uuid for row in employments}
    criteria: dict[uuid.UUID, list[ParticipantCriterion]] = {p: [] for p in people}
    if people:
        for criterion in session.scalars(
            select(ParticipantCriterion).where(ParticipantCriterion.participant_uuid.in_(people))
        ):
            criteria[criterion.participant_uuid].append(criterion)
    return {
        row.uuid: eligibility_for(
            criteria[row.participant_uuid], row.start_date, settings, row.ineligible
        )
        for row in employments
    }


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


def eligibility_of_participant(
    session: Session, participant_uuid: uuid.UUID, settings: AppSettings | None = None
) -> list[tuple[date, Eligibility]]:
    """Each employment of a participant (its start) with its eligibility, soonest first: what
    the participant form shows under the criteria."""
    query = select(Employment.uuid, Employment.start_date).where(
        Employment.participant_uuid == participant_uuid
    )
    starts = {employment: start for employment, start in session.execute(query)}
    statuses = eligibility_of_employments(session, list(starts), settings)
    return sorted(((starts[u], status) for u, status in statuses.items()), key=lambda x: x[0])


def describe(eligibility: Eligibility, criterion_labels: dict[str, str] | None = None) -> str:
    """``Validée à temps (BRSA, QPV)``: the status and the criteria that give it."""
    names = [(criterion_labels or {}).get(code, code) for code in eligibility.criteria]
    return eligibility.label + (f" ({', '.join(names)})" if names else "")


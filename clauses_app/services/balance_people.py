"""The people side of a balance report: participants by category, outcomes, nominative annex.

Counts only (who, not how many hours: hours come from ``figures``). See ``services.balance``
for the population and the definitions.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_date
from clauses_app.models import (
    Award,
    CriterionStatus,
    Employment,
    Lot,
    Participant,
    ParticipantCriterion,
    PublicContract,
    ReferenceKind,
)
from clauses_app.services.eligibility import eligibility_for
from clauses_app.services.periods import Period
from clauses_app.services.reference import DURABLE_OUTCOMES, TRAINING_OUTCOMES, labels
from clauses_app.services.settings import AppSettings

UNKNOWN = "INCONNU"
UNKNOWN_LABEL = "Non renseigné"
SEX_LABELS = {"F": "Femmes", "M": "Hommes"}
AGE_BANDS = (("-26", "Moins de 26 ans"), ("26-44", "26 à 44 ans"), ("45-49", "45 à 49 ans"),
             ("50+", "50 ans et plus"))  # fmt: skip
QPV_LABELS = {"QPV": "Résident d'un QPV", "HORS_QPV": "Hors QPV"}


@dataclass(frozen=True)
class CountRow:
    """A category, how many people (or contracts) fall in it, and their share of the base."""

    code: str
    label: str
    count: int
    share: Decimal | None


@dataclass(frozen=True)
class PeopleBreakdown:
    participant_count: int
    by_sex: list[CountRow]
    by_age_band: list[CountRow]
    by_criterion: list[CountRow]  # a person may hold several criteria: shares may exceed 100 %
    by_qpv: list[CountRow]
    by_qualification: list[CountRow]


@dataclass(frozen=True)
class Outcomes:
    """Situation after the employments that ended in the period (PLIE definitions)."""

    ended: int  # employments of the period that ended in it
    known_at_end: int
    durable_at_end: int  # CDI or CDD of more than 6 months
    training_at_end: int
    known_at_6m: int
    durable_at_6m: int
    training_at_6m: int
    at_end: list[CountRow]  # per outcome, share of the known situations
    at_6m: list[CountRow]


@dataclass(frozen=True)
class NominativeRow:
    """One employment with the person's identity: personal data, for the annex only."""

    participant_name: str
    birth_date: date | None
    sex: str
    qpv: bool
    criteria: str  # "BRSA (12/01/2025), QPV (à documenter)"
    contract_reference: str
    lot_number: str
    company: str
    contract_type: str
    start_date: date
    end_date: date | None
    eligibility: str
    outcome_end: str


def _share(count: int, base: int) -> Decimal | None:
    if not base:
        return None
    return (Decimal(count) / Decimal(base)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def age_band(birth_date: date | None, on: date) -> str:
    """The age band code of a person on a day: -26, 26-44, 45-49, 50+ (or INCONNU)."""
    if birth_date is None:
        return UNKNOWN
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 26:
        return "-26"
    if age < 45:
        return "26-44"
    if age < 50:
        return "45-49"
    return "50+"


def _rows(
    counts: Counter[str], names: dict[str, str], base: int, keep_zero: bool = False
) -> list[CountRow]:
    """Rows in the order of ``names`` (zero rows kept when asked), then unknown codes."""
    rows = [
        CountRow(code, label, counts[code], _share(counts[code], base))
        for code, label in names.items()
        if keep_zero or counts[code]
    ]
    for code in sorted(set(counts) - set(names)):
        label = UNKNOWN_LABEL if code == UNKNOWN else code
        rows.append(CountRow(code, label, counts[code], _share(counts[code], base)))
    return rows


def _employments(session: Session, authority_uuid: uuid.UUID, period: Period):  # type: ignore[no-untyped-def]
    statement = (
        select(Employment, Participant, Award.uuid)
        .join(Participant, Employment.participant_uuid == Participant.uuid)
        .join(Award, Employment.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .where(PublicContract.authority_uuid == authority_uuid)
        .order_by(Participant.last_name, Participant.first_name, Employment.start_date)
    )
    if period.end is not None:
        statement = statement.where(Employment.start_date <= period.end)
    if period.start is not None:
        statement = statement.where(
            Employment.end_date.is_(None) | (Employment.end_date >= period.start)
        )
    return session.execute(statement).all()


def _criteria(
    session: Session, people: list[uuid.UUID]
) -> dict[uuid.UUID, list[ParticipantCriterion]]:
    result: dict[uuid.UUID, list[ParticipantCriterion]] = {p: [] for p in people}
    for start in range(0, len(people), 500):
        chunk = people[start : start + 500]
        for row in session.scalars(
            select(ParticipantCriterion)
            .where(ParticipantCriterion.participant_uuid.in_(chunk))
            .order_by(ParticipantCriterion.criterion_code)
        ):
            result[row.participant_uuid].append(row)
    return result


def build_people(
    session: Session,
    authority_uuid: uuid.UUID,
    period: Period,
    settings: AppSettings,
    nominative: bool,
    award_labels: dict[uuid.UUID, tuple[str, str, str]],
) -> tuple[PeopleBreakdown, Outcomes, list[NominativeRow], list[uuid.UUID]]:
    """Breakdowns, outcomes, the nominative rows (when asked) and the employers involved."""
    rows = _employments(session, authority_uuid, period)
    first_start: dict[uuid.UUID, date] = {}
    persons: dict[uuid.UUID, Participant] = {}
    for employment, person, _ in rows:
        persons[person.uuid] = person
        known = first_start.get(person.uuid)
        if known is None or employment.start_date < known:
            first_start[person.uuid] = employment.start_date
    criteria = _criteria(session, list(persons))
    people = _breakdown(session, persons, first_start, criteria)
    outcomes = _outcomes(session, [e for e, _, _ in rows], period)
    employers = sorted({e.employer_uuid for e, _, _ in rows if e.employer_uuid}, key=str)
    annex: list[NominativeRow] = []
    if nominative:
        types = labels(session, ReferenceKind.CONTRACT_TYPE)
        outcome_names = labels(session, ReferenceKind.OUTCOME)
        for employment, person, award_uuid in rows:
            annex.append(
                _nominative_row(
                    employment, person, criteria[person.uuid], award_labels.get(award_uuid),
                    types, outcome_names, settings,
                )
            )  # fmt: skip
    return people, outcomes, annex, employers


def _breakdown(
    session: Session,
    persons: dict[uuid.UUID, Participant],
    first_start: dict[uuid.UUID, date],
    criteria: dict[uuid.UUID, list[ParticipantCriterion]],
) -> PeopleBreakdown:
    n = len(persons)
    sexes = Counter(p.sex if p.sex in SEX_LABELS else UNKNOWN for p in persons.values())
    ages = Counter(age_band(p.birth_date, first_start[u]) for u, p in persons.items())
    qpv = Counter("QPV" if p.qpv else "HORS_QPV" for p in persons.values())
    levels = Counter(p.qualification_code or UNKNOWN for p in persons.values())
    held: Counter[str] = Counter()
    for own in criteria.values():
        held.update({c.criterion_code for c in own if c.status != CriterionStatus.INELIGIBLE})
    return PeopleBreakdown(
        participant_count=n,
        by_sex=_rows(sexes, SEX_LABELS, n, keep_zero=True),
        by_age_band=_rows(ages, dict(AGE_BANDS), n, keep_zero=True),
        by_criterion=_rows(held, labels(session, ReferenceKind.CRITERION), n),
        by_qpv=_rows(qpv, QPV_LABELS, n, keep_zero=True),
        by_qualification=_rows(levels, labels(session, ReferenceKind.QUALIFICATION), n),
    )


def _outcomes(session: Session, employments: list[Employment], period: Period) -> Outcomes:
    ended = [
        e
        for e in employments
        if e.end_date is not None
        and (period.start is None or e.end_date >= period.start)
        and (period.end is None or e.end_date <= period.end)
    ]
    at_end = Counter(e.outcome_end_code for e in ended if e.outcome_end_code)
    at_6m = Counter(e.outcome_6m_code for e in ended if e.outcome_6m_code)
    names = labels(session, ReferenceKind.OUTCOME)
    known_end, known_6m = sum(at_end.values()), sum(at_6m.values())
    return Outcomes(
        ended=len(ended),
        known_at_end=known_end,
        durable_at_end=sum(at_end[c] for c in DURABLE_OUTCOMES),
        training_at_end=sum(at_end[c] for c in TRAINING_OUTCOMES),
        known_at_6m=known_6m,
        durable_at_6m=sum(at_6m[c] for c in DURABLE_OUTCOMES),
        training_at_6m=sum(at_6m[c] for c in TRAINING_OUTCOMES),
        at_end=_rows(at_end, names, known_end),
        at_6m=_rows(at_6m, names, known_6m),
    )


def _nominative_row(
    employment: Employment,
    person: Participant,
    criteria: list[ParticipantCriterion],
    award_label: tuple[str, str, str] | None,
    types: dict[str, str],
    outcome_names: dict[str, str],
    settings: AppSettings,
) -> NominativeRow:
    reference, lot_number, company = award_label or ("", "", "")
    held = ", ".join(
        f"{c.criterion_code} ({format_date(c.validated_on) or 'non daté'})"
        for c in criteria
        if c.status != CriterionStatus.INELIGIBLE
    )
    status = eligibility_for(criteria, employment.start_date, settings, employment.ineligible)
    return NominativeRow(
        participant_name=person.full_name,
        birth_date=person.birth_date,
        sex=person.sex or "",
        qpv=person.qpv,
        criteria=held,
        contract_reference=reference,
        lot_number=lot_number,
        company=company,
        contract_type=types.get(employment.contract_type_code, employment.contract_type_code),
        start_date=employment.start_date,
        end_date=employment.end_date,
        eligibility=status.label,
        outcome_end=outcome_names.get(employment.outcome_end_code or "", ""),
    )

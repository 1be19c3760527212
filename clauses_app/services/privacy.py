"""Personal data (guide §5, RGPD): right of access, retention, purge of expired records, archive.

- :func:`person_export` gathers everything stored about one participant (right of access).
- :func:`expired_participants` lists the participants whose last activity is older than the
  retention (``AppSettings.retention_years``, default 2 years) and who are not under a
  retention hold (e.g. a European Social Fund audit, :func:`set_retention_hold`).
- :func:`purge` erases their identifying data but keeps every figure of past balances: hours,
  employments, sex, QPV, qualification, criteria codes and dates, and an age band that stays
  the same at each employment start (see :func:`reduced_birth_date`).
- :func:`anonymize` does the same for one participant at once (a founded erasure request).
- :func:`archive` marks a participant kept only for audit.

Holds and the purge log (no names, only UUIDs and counts) are the tables ``retention_hold``
and ``privacy_purge`` (migration 0004; before it, two JSON values in ``setting``).
See docs/privacy.md.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from clauses_app.formatting import format_date
from clauses_app.models import (
    AlertMark,
    Award,
    Employment,
    HoursRecord,
    Lot,
    Participant,
    ParticipantCriterion,
    PrivacyPurge,
    PublicContract,
    ReferenceKind,
    RetentionHold,
)
from clauses_app.services import history
from clauses_app.services.progress import Progress, report
from clauses_app.services.reference import labels
from clauses_app.services.settings import AppSettings, load_settings

PSEUDONYM_LAST_NAME = "Anonyme"
# Age band limits of guide §6 (< 26, 26–44, 45–49, ≥ 50): the ages a reduced birth date keeps.
AGE_LIMITS = (26, 45, 50)
CHUNK = 200


class UnknownParticipantError(LookupError):
    """No participant has this UUID (message in French, for a person)."""

    def __init__(self, participant_uuid: uuid.UUID) -> None:
        super().__init__(f"Participant inconnu : {participant_uuid}.")


class RetentionHoldError(ValueError):
    """A retention hold that cannot be set (message in French, for a person)."""


@dataclass(frozen=True)
class ExpiredParticipant:
    """A participant past retention: no name, only what the purge list may show."""

    uuid: uuid.UUID
    last_activity: date
    archived: bool
    anonymised: bool  # already purged: a new purge changes nothing


@dataclass
class PurgeResult:
    today: date
    cutoff: date  # participants whose last activity is before this day are expired
    expired: list[ExpiredParticipant] = field(default_factory=list)
    purged: list[uuid.UUID] = field(default_factory=list)  # anonymised by this run
    held: int = 0  # expired but kept by a retention hold

    @property
    def already_anonymised(self) -> int:
        return len(self.expired) - len(self.purged)


def pseudonym(participant_uuid: uuid.UUID) -> str:
    """Six hex digits derived from the UUID: "3F2A9C" (the name becomes "Anonyme 3F2A9C")."""
    return hashlib.sha256(participant_uuid.bytes).hexdigest()[:6].upper()


def retention_cutoff(today: date, retention_years: int) -> date:
    """The day ``retention_years`` before ``today`` (29 February falls back to the 28th)."""
    year = today.year - retention_years
    try:
        return today.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def _day_after(limit: tuple[int, int, int]) -> date:
    """The first real date after (year, month, day), which may be 29 February of a common year."""
    try:
        return date(*limit) + timedelta(days=1)
    except ValueError:
        return date(limit[0], 3, 1)


def reduced_birth_date(birth_date: date | None, employment_starts: Iterable[date]) -> date | None:
    """The earliest date of the birth year that keeps the age band at every employment start.

    A person is at least N years old on day s when born on or before s minus N years (as a
    (year, month, day) tuple). Moving the birth date earlier can only make them older, so
    1 January keeps every band unless one of those limit days falls between 1 January and the
    real birth date: the day after the latest such limit is then the answer. It reveals the
    birth year and no more than the bands themselves; applied twice it gives the same date.
    """
    if birth_date is None:
        return None
    born = (birth_date.year, birth_date.month, birth_date.day)
    reduced = date(birth_date.year, 1, 1)
    for start in employment_starts:
        for years in AGE_LIMITS:
            limit = (start.year - years, start.month, start.day)
            if limit[0] == birth_date.year and limit < born:
                reduced = max(reduced, _day_after(limit))
    return reduced


def _last_activities(
    session: Session, only: uuid.UUID | None = None
) -> dict[uuid.UUID, tuple[date, bool, bool]]:
    """uuid → (last activity, archived, anonymised) of every participant (or only one).

    Last activity: the latest of the last contact, employment starts and ends, and hours
    records' ends; the record's creation day when it has none of them.
    """
    latest: dict[uuid.UUID, date] = {}

    def keep(person: uuid.UUID, day: date | None) -> None:
        if day is not None and (person not in latest or day > latest[person]):
            latest[person] = day

    employments = select(
        Employment.participant_uuid, func.max(Employment.start_date), func.max(Employment.end_date)
    ).group_by(Employment.participant_uuid)
    if only is not None:
        employments = employments.where(Employment.participant_uuid == only)
    for person, started, ended in session.execute(employments):
        keep(person, started)
        keep(person, ended)
    hours = (
        select(Employment.participant_uuid, func.max(HoursRecord.period_end))
        .join(HoursRecord, HoursRecord.employment_uuid == Employment.uuid)
        .group_by(Employment.participant_uuid)
    )
    if only is not None:
        hours = hours.where(Employment.participant_uuid == only)
    for person, ended in session.execute(hours):
        keep(person, ended)
    result = {}
    people = select(
        Participant.uuid,
        Participant.last_contact_date,
        Participant.created_at,
        Participant.archived,
        Participant.last_name,
        Participant.first_name,
        Participant.external_id,
        Participant.address,
    )
    if only is not None:
        people = people.where(Participant.uuid == only)
    for row in session.execute(people):
        keep(row.uuid, row.last_contact_date)
        last = latest.get(row.uuid) or row.created_at.date()
        anonymised = (
            row.last_name == PSEUDONYM_LAST_NAME
            and row.first_name == pseudonym(row.uuid)
            and row.external_id is None
            and row.address is None
            and row.archived
        )
        result[row.uuid] = (last, bool(row.archived), anonymised)
    return result


def retention_holds(session: Session) -> dict[uuid.UUID, dict[str, str]]:
    """uuid → {"until": ISO date, "reason": text}: participants kept past their retention."""
    return {
        hold.participant_uuid: {"until": hold.until.isoformat(), "reason": hold.reason}
        for hold in session.scalars(select(RetentionHold))
    }


def set_retention_hold(
    session: Session,
    participant_uuid: uuid.UUID,
    until: date | None,
    reason: str = "",
    today: date | None = None,
) -> None:
    """Keep a participant's data until ``until`` inclusive (None lifts the hold). A hold
    ends ``today`` (by default the real day) or later and gives its reason (an audit must be
    explained): else :class:`RetentionHoldError`, and nothing is written."""
    _participant(session, participant_uuid)
    if until is not None:
        check_retention_hold(until, reason, today or date.today())
    hold = session.scalars(
        select(RetentionHold).where(RetentionHold.participant_uuid == participant_uuid)
    ).one_or_none()
    if until is None:
        if hold is not None:
            session.delete(hold)
    elif hold is None:
        session.add(RetentionHold(participant_uuid=participant_uuid, until=until, reason=reason))
    else:
        hold.until, hold.reason = until, reason


def check_retention_hold(until: date, reason: str, today: date) -> None:
    """Refuse, in French, a hold that ends before ``today`` or has no reason."""
    if until < today:
        raise RetentionHoldError(
            f"La date de fin de conservation ({format_date(until)}) est passée : choisissez "
            f"le {format_date(today)} ou une date plus lointaine."
        )
    if not reason.strip():
        raise RetentionHoldError(
            "Indiquez le motif de la conservation prolongée (ex. : contrôle FSE 2021-2027)."
        )


def _held(session: Session, today: date) -> set[uuid.UUID]:
    return set(
        session.scalars(select(RetentionHold.participant_uuid).where(RetentionHold.until >= today))
    )


def preview_purge(session: Session, today: date, settings: AppSettings) -> PurgeResult:
    """What :func:`purge` would do on ``today``; writes nothing (``purged`` stays empty)."""
    result = PurgeResult(today, retention_cutoff(today, settings.retention_years))
    held = _held(session, today)
    for person, (last, archived, anonymised) in _last_activities(session).items():
        if last >= result.cutoff:
            continue
        if person in held:
            result.held += 1
            continue
        result.expired.append(ExpiredParticipant(person, last, archived, anonymised))
    result.expired.sort(key=lambda e: (not e.archived, e.last_activity, str(e.uuid)))
    return result


def expired_participants(
    session: Session, today: date, settings: AppSettings
) -> list[ExpiredParticipant]:
    """Participants whose last activity is before ``today`` minus the retention, not held.

    Archived participants come first, then by last activity (oldest first). Last activity
    exactly ``retention_years`` before ``today`` is not yet expired; one day earlier is.
    """
    return preview_purge(session, today, settings).expired


def _erase(person: Participant) -> None:
    """Replace what identifies ``person``; keep what the balances count."""
    starts = [e.start_date for e in person.employments]
    person.last_name = PSEUDONYM_LAST_NAME
    person.first_name = pseudonym(person.uuid)
    person.birth_date = reduced_birth_date(person.birth_date, starts)
    person.external_id = None
    person.address = None
    person.postal_code = None
    person.city = None
    person.notes = None
    person.archived = True


def _erase_traces(session: Session, people: list[uuid.UUID]) -> None:
    """Erase the criteria's evidence and the hours records' source file names (which often
    carry the person's name) of ``people``: two UPDATE statements, not one per row (a purge
    of 4,521 people: 46,000 statements before). Rows already erased are left alone, so their
    ``updated_at`` moves only when a value really changes. The person leaves the record
    history as well (services/history.py)."""
    session.execute(
        update(ParticipantCriterion)
        .where(
            ParticipantCriterion.participant_uuid.in_(people),
            ParticipantCriterion.evidence.is_not(None),
        )
        .values(evidence=None)
        .execution_options(synchronize_session="fetch")  # objects a caller loaded follow
    )
    employments = select(Employment.uuid).where(Employment.participant_uuid.in_(people))
    session.execute(
        update(HoursRecord)
        .where(HoursRecord.employment_uuid.in_(employments), HoursRecord.source.is_not(None))
        .values(source=None)
        .execution_options(synchronize_session="fetch")  # objects a caller loaded follow
    )
    # Marks on their alerts (the person's or their work contracts'): a note may name them.
    session.execute(
        delete(AlertMark)
        .where(or_(AlertMark.record_uuid.in_(people), AlertMark.record_uuid.in_(employments)))
        .execution_options(synchronize_session=False)
    )
    # Last: the history rows the anonymisation itself just wrote name the person too.
    history.erase_person(session, people)


def purge(
    session: Session, today: date, settings: AppSettings, progress: Progress | None = None
) -> PurgeResult:
    """Anonymise every expired participant, in the caller's transaction.

    Idempotent: anonymised participants are left alone. ``progress`` may raise Cancelled; the
    caller's transaction then rolls back and nothing changes. A run that anonymised someone
    appends an entry (date, counts, UUIDs, no names) to the purge log.
    """
    result = preview_purge(session, today, settings)
    todo = [e.uuid for e in result.expired if not e.anonymised]
    report(progress, 0, len(todo), "Anonymisation des dossiers expirés")
    for first in range(0, len(todo), CHUNK):
        chunk = todo[first : first + CHUNK]
        people = session.scalars(
            select(Participant)
            .where(Participant.uuid.in_(chunk))
            .options(selectinload(Participant.employments))
        )
        for person in people:
            _erase(person)
        session.flush()
        _erase_traces(session, chunk)
        result.purged.extend(chunk)
        report(progress, len(result.purged), len(todo), "Anonymisation des dossiers expirés")
    if result.purged:
        _log_purge(session, result.today, result.purged, "RETENTION", settings.retention_years)
    return result


def is_anonymised(session: Session, participant_uuid: uuid.UUID) -> bool:
    """Whether a participant was already purged or anonymised (unknown UUID: raises
    :class:`UnknownParticipantError`)."""
    _participant(session, participant_uuid)
    return _last_activities(session, participant_uuid)[participant_uuid][2]


def anonymize(session: Session, participant_uuid: uuid.UUID, today: date) -> bool:
    """Anonymise one participant now (a founded erasure request), as the purge would.

    Returns False when the participant was already anonymised (nothing changes). Logged in
    the purge log with the reason ``REQUEST``.
    """
    person = _participant(session, participant_uuid)
    if _last_activities(session, participant_uuid)[participant_uuid][2]:
        return False
    _erase(person)
    session.flush()
    _erase_traces(session, [participant_uuid])
    _log_purge(session, today, [participant_uuid], "REQUEST", None)
    return True


def _log_purge(
    session: Session,
    today: date,
    purged: list[uuid.UUID],
    reason: str,
    retention_years: int | None,
) -> None:
    session.add(
        PrivacyPurge(
            run_at=datetime.now(UTC).replace(microsecond=0),
            reference_date=today,
            reason=reason,  # RETENTION (expired records) or REQUEST (one person's request)
            retention_years=retention_years,
            purged=len(purged),
            participants=sorted(str(u) for u in purged),
        )
    )


def purge_log(session: Session) -> list[dict[str, Any]]:
    """Past purges, oldest first: when, with which retention, how many, which UUIDs."""
    purges = session.scalars(
        select(PrivacyPurge).order_by(PrivacyPurge.run_at, PrivacyPurge.created_at)
    )
    return [
        {
            "run_at": purge.run_at.isoformat(timespec="seconds"),
            "today": purge.reference_date.isoformat(),
            "reason": purge.reason,
            "retention_years": purge.retention_years,
            "purged": purge.purged,
            "participants": list(purge.participants),
        }
        for purge in purges
    ]


def _iso(day: date | datetime | None) -> str | None:
    return day.isoformat() if day is not None else None


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 2, 28)


def _identity(person: Participant, qualifications: dict[str, str]) -> dict[str, Any]:
    return {
        "uuid": str(person.uuid),
        "external_id": person.external_id,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": _iso(person.birth_date),
        "sex": person.sex,
        "address": person.address,
        "postal_code": person.postal_code,
        "city": person.city,
        "qpv": person.qpv,
        "qualification_code": person.qualification_code,
        "qualification": qualifications.get(person.qualification_code or ""),
        "last_contact_date": _iso(person.last_contact_date),
        "archived": person.archived,
        "notes": person.notes,
        "created_at": _iso(person.created_at),
        "updated_at": _iso(person.updated_at),
    }


def _company(company: Any) -> dict[str, Any] | None:
    if company is None:
        return None
    return {"uuid": str(company.uuid), "name": company.name, "siret": company.siret}


def _employment(employment: Employment, names: dict[str, dict[str, str]]) -> dict[str, Any]:
    award: Award = employment.award
    lot: Lot = award.lot
    contract: PublicContract = lot.contract
    return {
        "uuid": str(employment.uuid),
        "authority": {"uuid": str(contract.authority.uuid), "name": contract.authority.name},
        "contract": {
            "uuid": str(contract.uuid),
            "reference": contract.reference,
            "object": contract.object,
        },
        "lot": {"uuid": str(lot.uuid), "number": lot.number, "title": lot.title},
        "award_uuid": str(award.uuid),
        "company": _company(award.company),
        "employer": _company(employment.employer),
        "modality_code": employment.modality_code,
        "modality": names[ReferenceKind.MODALITY].get(employment.modality_code),
        "contract_type_code": employment.contract_type_code,
        "contract_type": names[ReferenceKind.CONTRACT_TYPE].get(employment.contract_type_code),
        "job_title": employment.job_title,
        "start_date": _iso(employment.start_date),
        "end_date": _iso(employment.end_date),
        "transferred_staff": employment.transferred_staff,
        "ineligible": employment.ineligible,
        "invoiced_amount": _number(employment.invoiced_amount),
        "outcome_end_code": employment.outcome_end_code,
        "outcome_end": names[ReferenceKind.OUTCOME].get(employment.outcome_end_code or ""),
        "outcome_6m_code": employment.outcome_6m_code,
        "outcome_6m": names[ReferenceKind.OUTCOME].get(employment.outcome_6m_code or ""),
        "hours": [
            {
                "kind": record.kind,
                "period_start": _iso(record.period_start),
                "period_end": _iso(record.period_end),
                "worked_hours": _number(record.worked_hours),
                "training_hours": _number(record.training_hours),
                "source": record.source,
            }
            for record in employment.hours
        ],
    }


def person_export(
    session: Session, participant_uuid: uuid.UUID, settings: AppSettings | None = None
) -> dict[str, Any]:
    """Everything stored about one participant (right of access), JSON-serialisable.

    Keys in English, dates ISO 8601, hours and amounts as numbers, each code beside its label
    (docs/privacy.md describes every key). Hours are the stored statements, month by month
    (or an undivided total over its period), not counted figures. Raises
    :class:`UnknownParticipantError` for an unknown UUID.
    """
    person = _participant(session, participant_uuid)
    settings = settings or load_settings(session)
    names = {
        kind: labels(session, kind)
        for kind in (
            ReferenceKind.CRITERION, ReferenceKind.QUALIFICATION, ReferenceKind.MODALITY,
            ReferenceKind.CONTRACT_TYPE, ReferenceKind.OUTCOME,
        )
    }  # fmt: skip
    employments = sorted(person.employments, key=lambda e: (e.start_date, str(e.uuid)))
    criteria = sorted(person.criteria, key=lambda c: (c.criterion_code, str(c.uuid)))
    last, _, anonymised = _last_activities(session, person.uuid)[person.uuid]
    hold = retention_holds(session).get(person.uuid)
    return {
        "document": "Clauses : données personnelles d'un participant (droit d'accès)",
        "format_version": 1,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "participant": _identity(person, names[ReferenceKind.QUALIFICATION]),
        "criteria": [
            {
                "criterion_code": held.criterion_code,
                "criterion": names[ReferenceKind.CRITERION].get(held.criterion_code),
                "validated_on": _iso(held.validated_on),
                "status": held.status,
                "evidence": held.evidence,
            }
            for held in criteria
        ],
        "employments": [_employment(e, names) for e in employments],
        "retention": {
            "last_activity": _iso(last),
            "retention_years": settings.retention_years,
            "kept_until": _iso(_add_years(last, settings.retention_years)),
            "hold": hold,
            "anonymised": anonymised,
        },
    }


@dataclass(frozen=True)
class PersonChoice:
    """A participant as the personal-data page lists it (the window may show names)."""

    uuid: uuid.UUID
    label: str  # "DUPONT Jeanne (20/06/1997)"


def _label(last: str, first: str, born: date | None) -> str:
    label = f"{last.upper()} {first}".strip()
    return f"{label} ({born:%d/%m/%Y})" if born else label


def find_people(session: Session, search: str = "", limit: int = 50) -> list[PersonChoice]:
    """Participants whose name or external id contains ``search`` (case-insensitive), by
    name, at most ``limit``."""
    query = select(
        Participant.uuid, Participant.last_name, Participant.first_name, Participant.birth_date
    )
    text = search.strip()
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            func.lower(Participant.last_name + " " + Participant.first_name).like(pattern)
            | func.lower(Participant.first_name + " " + Participant.last_name).like(pattern)
            | func.lower(func.coalesce(Participant.external_id, "")).like(pattern)
        )
    query = query.order_by(Participant.last_name, Participant.first_name).limit(limit)
    return [PersonChoice(r.uuid, _label(r.last_name, r.first_name, r.birth_date))
            for r in session.execute(query)]  # fmt: skip


@dataclass(frozen=True)
class PersonStatus:
    """Where one participant stands: last activity, retention, hold, archive."""

    last_activity: date
    kept_until: date
    archived: bool
    anonymised: bool
    hold_until: date | None
    hold_reason: str


def person_status(session: Session, participant_uuid: uuid.UUID) -> PersonStatus:
    """The retention state of one participant (raises :class:`UnknownParticipantError`)."""
    _participant(session, participant_uuid)
    settings = load_settings(session)
    last, archived, anonymised = _last_activities(session, participant_uuid)[participant_uuid]
    hold = session.scalars(
        select(RetentionHold).where(RetentionHold.participant_uuid == participant_uuid)
    ).one_or_none()
    return PersonStatus(
        last, _add_years(last, settings.retention_years), archived, anonymised,
        hold.until if hold else None, hold.reason if hold else "",
    )  # fmt: skip


def expired_names(session: Session, expired: Iterable[ExpiredParticipant]) -> dict[uuid.UUID, str]:
    """uuid → "DUPONT Jeanne (20/06/1997)" of the given participants (the purge assistant
    shows who will be erased; the CLI and the purge log never name anyone)."""
    wanted = [e.uuid for e in expired]
    names: dict[uuid.UUID, str] = {}
    for first in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(
                Participant.uuid, Participant.last_name, Participant.first_name,
                Participant.birth_date,
            ).where(Participant.uuid.in_(wanted[first : first + CHUNK]))
        )  # fmt: skip
        names.update({r.uuid: _label(r.last_name, r.first_name, r.birth_date) for r in rows})
    return names


def _participant(session: Session, participant_uuid: uuid.UUID) -> Participant:
    person = session.get(Participant, participant_uuid)
    if person is None:
        raise UnknownParticipantError(participant_uuid)
    return person


def archive(session: Session, participant_uuid: uuid.UUID, archived: bool = True) -> None:
    """Mark a participant archived (kept for audit only), or active again."""
    _participant(session, participant_uuid).archived = archived


__all__ = [
    "ExpiredParticipant",
    "PersonChoice",
    "PersonStatus",
    "PurgeResult",
    "RetentionHoldError",
    "UnknownParticipantError",
    "anonymize",
    "archive",
    "check_retention_hold",
    "expired_names",
    "expired_participants",
    "find_people",
    "is_anonymised",
    "person_export",
    "person_status",
    "preview_purge",
    "pseudonym",
    "purge",
    "purge_log",
    "reduced_birth_date",
    "retention_cutoff",
    "retention_holds",
    "set_retention_hold",
]

"""Two gaps the figures would otherwise keep silent, as alerts. Qt-free.

- ``eligibility_unvalidated``: a participant at work (an employment started) whose
  eligibility at that start is pending or none (services.eligibility decides the status);
- ``lot_unawarded``: a lot whose clause plans hours with no company awarded, once its
  contract has started (services.unawarded finds the lots).

Eligibility takes the pending employments from the figures' reading, their participants'
criteria, and the work contracts from the read the alerts share (:mod:`work`); the lots
come from services.unawarded. Rows are read raw.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_date, format_hours
from clauses_app.models import ParticipantCriterion
from clauses_app.services.alerts.book import AlertKind, AlertRecord, PendingAlert
from clauses_app.services.alerts.rules import AwardLabel, person_name
from clauses_app.services.alerts.work import (
    AWARD,
    END,
    FIRST_NAME,
    INELIGIBLE,
    KEY,
    LAST_NAME,
    PERSON,
    START,
)
from clauses_app.services.eligibility import (
    Eligibility,
    describe,
    eligibility_for,
    validity_start,
)
from clauses_app.services.figures.awards import UuidCache, as_date, raw, rows_for_keys
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings
from clauses_app.services.unawarded import unawarded_lots


class _Criterion(NamedTuple):
    """A participant's criterion as services.eligibility reads it (CriterionLike)."""

    criterion_code: str
    validated_on: date | None
    status: str
    evidence: str | None


def _unvalidated_words(start: date, reference: str, status: str, count: int) -> str:
    others = f" et {count - 1} autre(s) contrat(s)" if count > 1 else ""
    return (
        f"au travail depuis le {format_date(start)} (marché {reference}{others}) sans "
        f"éligibilité validée : {status}."
    )


def eligibility_unvalidated(
    session: Session,
    today: date,
    period: Period,
    settings: AppSettings,
    labels: dict[Any, AwardLabel],
    uuids: UuidCache,
    contracts: list[Sequence[Any]],
    pending: set[Any],
) -> list[PendingAlert]:
    """One alert per participant with a started employment (in the period) whose
    eligibility at its start is pending (late, to document, expired) or none; due on the
    earliest such start, grouped under its contract. ``contracts``: work.work_contracts;
    ``pending``: the raw keys of the employments whose eligibility is pending, as the
    figures read them (figures.pending.pending_employments). The status of each
    (services.eligibility) is worked out from their participants' criteria only."""
    last_start = min(today, period.end) if period.end else today
    employments = []  # (person, last name, first name, start, award) of those concerned
    for row in contracts:
        if row[KEY] not in pending or row[INELIGIBLE] or row[AWARD] not in labels:
            continue
        start = row[START]
        if start > last_start or (period.start and row[END] and row[END] < period.start):
            continue
        employments.append((row[PERSON], row[LAST_NAME], row[FIRST_NAME], start, row[AWARD]))
    if not employments:
        return []
    criteria: dict[Any, list[Any]] = {}  # CriterionLike (read-only fields), of those people
    read = select(raw(ParticipantCriterion.participant_uuid), ParticipantCriterion.criterion_code,
                  raw(ParticipantCriterion.validated_on), ParticipantCriterion.status,
                  ParticipantCriterion.evidence)  # fmt: skip
    people = {row[0] for row in employments}
    for person, code, validated_on, status, evidence in rows_for_keys(
        session, read, ParticipantCriterion.participant_uuid, people
    ):
        criteria.setdefault(person, []).append(
            _Criterion(code, as_date(validated_on) if validated_on else None, status, evidence)
        )
    # Per participant: the soonest pending start (the one due), its row and eligibility, and
    # how many pending employments there are.
    found: dict[Any, tuple[date, Any, Eligibility, int]] = {}
    nothing: list[Any] = []
    valid_from: dict[date, date] = {}  # per start date: the oldest validation still valid
    for row in employments:
        person, begins = row[0], row[3]
        oldest = valid_from.get(begins)
        if oldest is None:
            oldest = valid_from[begins] = validity_start(begins, settings)
        eligibility = eligibility_for(
            criteria.get(person, nothing), begins, settings, valid_from=oldest
        )
        if not eligibility.pending:
            continue
        seen = found.get(person)
        # The soonest start; on the same day, the first contract by reference (whatever
        # order the database returned the rows in).
        if seen is None or (begins, labels[row[4]].reference) < (
            seen[0], labels[seen[1][4]].reference
        ):
            found[person] = (begins, row, eligibility, seen[3] + 1 if seen else 1)
        else:
            found[person] = (*seen[:3], seen[3] + 1)
    return [
        PendingAlert(AlertKind.ELIGIBILITY_UNVALIDATED, AlertRecord.PARTICIPANT, person,
                     begins, f"{person_name(last_name, first_name)} : ", _unvalidated_words,
                     (begins, labels[award].reference, describe(eligibility), count),
                     labels[award].contract_key, uuids)
        for person, (begins, (_, last_name, first_name, _, award), eligibility, count)
        in found.items()
    ]  # fmt: skip


def _unawarded_words(hours: Any, start: date) -> str:
    return (
        f"{format_hours(hours)} prévues et aucune entreprise attributaire, alors que le "
        f"marché a commencé le {format_date(start)}."
    )


def lot_unawarded(
    session: Session, today: date, period: Period, authority_uuid: uuid.UUID | None
) -> list[PendingAlert]:
    """One alert per lot with planned clause hours in the period, no awardee, started."""
    return [
        PendingAlert(AlertKind.LOT_UNAWARDED, AlertRecord.LOT, lot.lot_uuid, lot.start_date,
                     f"Marché {lot.contract_reference}, lot {lot.lot_number} "
                     f"({lot.lot_title}) : ", _unawarded_words,
                     (lot.planned_hours, lot.start_date), lot.contract_uuid)
        for lot in unawarded_lots(session, period, authority_uuid)
        if lot.started(today) and lot.start_date is not None
    ]  # fmt: skip

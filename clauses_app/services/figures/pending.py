"""Which employments in scope have their eligibility pending, for the figures.

« En attente de justification » (services/eligibility.py) is every status but *validated in
time* (and *ineligible*, which counts nothing anyway): what such hours count for is the
``unvalidated_hours`` counting rule, and the figures show them apart whatever it says.

The rule itself is :func:`clauses_app.services.eligibility.criterion_status`; this module
only asks the database for the few pairs (employment, criterion) that can give *validated in
time* (a validated criterion dated on or before the start) and keeps the employments none of
whose pairs does: the figures need the answer for every employment of a national year.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import CriterionStatus, Employment, ParticipantCriterion
from clauses_app.services.eligibility import EligibilityStatus, criterion_status
from clauses_app.services.figures.awards import as_date, driver_rows, employments_in_scope, raw
from clauses_app.services.settings import AppSettings


class _Criterion:
    """A criterion row as :func:`criterion_status` reads it."""

    __slots__ = ("criterion_code", "evidence", "status", "validated_on")

    def __init__(self, validated_on: Any, evidence: str | None, status: str) -> None:
        self.criterion_code = ""
        self.validated_on = validated_on
        self.evidence = evidence
        self.status = status


def validated_in_time(
    session: Session, authority_uuid: uuid.UUID | None, settings: AppSettings
) -> set[Any]:
    """Raw keys (as ``streamed.employments_statement`` gives them) of the employments in
    scope whose participant holds a criterion validated in time for their start."""
    statement = employments_in_scope(
        select(
            raw(Employment.uuid),
            Employment.start_date,
            ParticipantCriterion.validated_on,
            ParticipantCriterion.evidence,
            ParticipantCriterion.status,
        )
        .join(
            ParticipantCriterion,
            ParticipantCriterion.participant_uuid == Employment.participant_uuid,
        )
        .where(
            ParticipantCriterion.status == CriterionStatus.VALIDATED,
            ParticipantCriterion.validated_on.is_not(None),
            ParticipantCriterion.validated_on <= Employment.start_date,
        ),
        authority_uuid,
    )
    valid: set[Any] = set()
    for batch in driver_rows(session, statement):
        for key, start, validated_on, evidence, status in batch:
            if key in valid:
                continue
            criterion = _Criterion(as_date(validated_on), evidence, status)
            if criterion_status(criterion, as_date(start), settings) == EligibilityStatus.VALID:
                valid.add(key)
    return valid


class PendingEmployments:
    """Whether an employment's eligibility is pending: ``key in pending``. Without
    ``valid`` (the figures were not asked for pending hours, and no rule in scope leaves
    them out), nothing is pending."""

    __slots__ = ("_valid",)

    def __init__(self, valid: set[Any] | None = None) -> None:
        self._valid = valid

    @property
    def known(self) -> bool:
        return self._valid is not None

    def __contains__(self, key: object) -> bool:
        return self._valid is not None and key not in self._valid


NOTHING_PENDING = PendingEmployments()

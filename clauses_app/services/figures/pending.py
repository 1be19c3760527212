"""Which employments in scope have their eligibility pending, for the figures.

« En attente de justification » (services/eligibility.py) is every status but *validated in
time* (and *ineligible*, which counts nothing anyway): what such hours count for is the
``unvalidated_hours`` counting rule, and the figures show them apart whatever it says.

The rule is :func:`clauses_app.services.eligibility.criterion_status`; the figures need its
answer for every employment of a national year (~62,000 employments, ~83,000 criteria), so
this module asks the database for the pairs (employment, criterion) that can be validated in
time and applies the validity window to them (:func:`validated_in_time`).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clauses_app.models import CriterionStatus, Employment, ParticipantCriterion
from clauses_app.services.eligibility import validity_start
from clauses_app.services.figures.awards import as_date, driver_rows, employments_in_scope, raw
from clauses_app.services.settings import AppSettings

if TYPE_CHECKING:
    from clauses_app.services.figures.award import AwardFigures


def validated_in_time(
    session: Session, authority_uuid: uuid.UUID | None, settings: AppSettings
) -> set[Any]:
    """Raw keys (as ``streamed.employments_statement`` gives them) of the employments in
    scope whose participant holds a criterion validated in time for their start.

    The database keeps the pairs (employment, criterion) that :func:`criterion_status` could
    call validated in time: a criterion marked validated, dated on or before the start (with
    evidence, when the setting asks for it); the start of the validity window
    (:func:`validity_start`, once per distinct start) decides the rest. A test checks this
    against :func:`eligibility_of_employments` (tests/core/test_pending_hours.py)."""
    conditions = [
        ParticipantCriterion.status == CriterionStatus.VALIDATED,
        ParticipantCriterion.validated_on.is_not(None),
        ParticipantCriterion.validated_on <= Employment.start_date,
    ]
    if settings.eligibility_requires_evidence:
        conditions.append(func.trim(func.coalesce(ParticipantCriterion.evidence, "")) != "")
    statement = employments_in_scope(
        select(
            raw(Employment.uuid), raw(Employment.start_date), raw(ParticipantCriterion.validated_on)
        )
        .join(
            ParticipantCriterion,
            ParticipantCriterion.participant_uuid == Employment.participant_uuid,
        )
        .where(*conditions),
        authority_uuid,
    )
    valid: set[Any] = set()
    window_start = _WindowStarts(settings)
    for batch in driver_rows(session, statement):
        for key, start, validated_on in batch:
            if as_date(validated_on) >= window_start[start]:
                valid.add(key)
    return valid


class _WindowStarts(dict[Any, date]):
    """Raw start date → the first validation date still valid for it (computed once)."""

    def __init__(self, settings: AppSettings) -> None:
        super().__init__()
        self.settings = settings

    def __missing__(self, start: Any) -> date:
        first = self[start] = validity_start(as_date(start), self.settings)
        return first


class PendingEmployments:
    """Whether an employment's eligibility is pending: ``key in pending``.

    Made from the employments validated in time; without them (the figures were not asked
    for pending hours and no rule in scope leaves them out), nothing is pending.

    ``routes``: whether a rule in scope leaves pending hours out, so that the counting must
    know an employment's eligibility before it counts it (counting.needs_reference). When it
    need not, the plain employments' hours are noted (:meth:`note`) as they are counted and
    added to their awards' pending hours at the end (:meth:`settle`): one set look-up per
    employment fewer on the hot path.
    """

    __slots__ = ("_valid", "ledger", "routes")

    def __init__(self, valid: set[Any] | None = None, routes: bool = False) -> None:
        self._valid = valid
        self.routes = routes
        self.ledger: list[tuple[Any, AwardFigures, float]] = []

    @property
    def known(self) -> bool:
        return self._valid is not None

    def __contains__(self, key: object) -> bool:
        return self._valid is not None and key not in self._valid

    def note(self, key: Any, award: AwardFigures, hours: float) -> None:
        """A plain employment counted ``hours`` into ``award``."""
        self.ledger.append((key, award, hours))

    def settle(self) -> None:
        """Add the noted hours of pending employments to their awards' pending hours."""
        for key, award, hours in self.ledger:
            if key in self:
                award.pending += hours
        self.ledger.clear()


NOTHING_PENDING = PendingEmployments()

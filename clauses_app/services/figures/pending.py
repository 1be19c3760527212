"""Which employments in scope have their eligibility pending, for the figures and alerts.

« En attente de justification » (services/eligibility.py) is every status but *validated in
time* (and *ineligible*, which counts nothing anyway): what such hours count for is the
``unvalidated_hours`` counting rule, and the figures show them apart whatever it says.

The rule is :func:`clauses_app.services.eligibility.criterion_status`; the figures need its
answer for every employment of a national year (~62,000 employments, ~83,000 criteria),
where most are validated in time. :func:`pending_employments` has the database find the
few that may not be (no criterion validated within a window at least as narrow as the
rule's) and applies the rule's window to them.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from clauses_app.models import Employment, criterion_validation
from clauses_app.services.eligibility import validity_start
from clauses_app.services.figures.awards import (
    DayText,
    IdText,
    JoinedText,
    as_date,
    employments_in_scope,
)
from clauses_app.services.settings import AppSettings
from clauses_app.storage.worker import FIRST, BackgroundQuery

if TYPE_CHECKING:
    from clauses_app.services.figures.award import AwardFigures

# What one pending candidate is written as in pending_employments' single row: its raw key,
# its start and its latest criterion validated on or before it ("-" for none), by spaces;
# candidates are separated by commas.
_NO_VALIDATION = "-"


def pending_employments(
    session: Session, authority_uuid: uuid.UUID | None, settings: AppSettings
) -> set[Any]:
    """Raw keys (as ``streamed.employments_statement`` gives them) of the employments in
    scope whose eligibility is pending at their start: no criterion of their participant
    validated in time (:func:`criterion_status`). Employments marked ineligible are among
    them when their criteria say so; they count nothing anyway.

    The database keeps the employments without any criterion validated within the window
    that ends on their start and begins :func:`sql_window_start` (never before the rule's
    :func:`validity_start`: SQLite rolls 31 March − 1 month over to 3 March where the rule
    stops on 28 February). Each such candidate comes with its latest criterion validated on
    or before its start, and the rule's own window decides. The candidates come as one row
    of text, whatever their number: a job of the database worker returns few rows
    (storage/worker.py). A test checks this against :func:`eligibility_of_employments`
    (tests/core/test_pending_hours.py). The criteria are read through the view
    ``criterion_validation`` (migration 0016): on a team database every member reads it
    whole, so that everybody's pending hours are the same, though a facilitator reads the
    criteria of their portfolio's people only (docs/team.md)."""
    validation = criterion_validation.c  # validated criteria (status and date)
    validated = [
        validation.participant_uuid == Employment.participant_uuid,
        validation.validated_on <= Employment.start_date,
    ]
    if settings.eligibility_requires_evidence:
        validated.append(validation.evidence_given.is_(True))
    in_window = validation.validated_on >= sql_window_start(
        Employment.start_date, settings.eligibility_validity_months
    )
    latest = select(func.max(validation.validated_on)).where(*validated)
    candidate = (
        IdText(Employment.uuid) + " " + DayText(Employment.start_date) + " "
        + func.coalesce(DayText(latest.scalar_subquery()), _NO_VALIDATION)
    )  # fmt: skip
    unvalidated = ~exists().where(*validated, in_window)
    statement = employments_in_scope(
        select(JoinedText(candidate)).where(unvalidated), authority_uuid
    )
    text = session.execute(statement).scalar()
    pending: set[Any] = set()
    window_start = _WindowStarts(settings)
    for written in text.split(",") if text else ():
        key, start, latest_on = written.split(" ")
        if latest_on == _NO_VALIDATION or as_date(latest_on) < window_start[start]:
            pending.add(key)
    return pending


def sql_window_start(start: Any, months: int) -> Any:
    """SQL for the first validation date the database may call in time for an employment
    starting on ``start``: ``start`` − ``months`` months, never earlier than
    :func:`validity_start` (equal but for the ends of months on SQLite)."""
    return MonthsBefore(start, literal_column(str(int(months))))


class MonthsBefore(FunctionElement[date]):
    """``date`` − ``months`` months: ``date(d, '-N months')`` on SQLite, ``d - make_interval
    (months => N)`` on PostgreSQL."""

    name = "months_before"
    inherit_cache = True


@compiles(MonthsBefore)
def _months_before_sqlite(element: MonthsBefore, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({day}, '-' || {months} || ' months')"


@compiles(MonthsBefore, "postgresql")
def _months_before_postgresql(element: MonthsBefore, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({day} - make_interval(months => {months}))"


class _WindowStarts(dict[Any, date]):
    """Raw start date → the first validation date still valid for it (computed once)."""

    def __init__(self, settings: AppSettings) -> None:
        super().__init__()
        self.settings = settings

    def __missing__(self, start: Any) -> date:
        first = self[start] = validity_start(as_date(start), self.settings)
        return first


def pending_query(
    session: Session,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    *,
    start: bool = True,
) -> BackgroundQuery[set[Any]]:
    """:func:`pending_employments` on the database worker, queued now (or at its ``start()``,
    with ``start=False``) right after the figures' sums (see storage/worker.py)."""
    return BackgroundQuery(
        session,
        lambda other: pending_employments(other, authority_uuid, settings),
        FIRST,
        start=start,
    )


class PendingEmployments:
    """Whether an employment's eligibility is pending: ``key in pending``.

    Made from :func:`pending_query` (asked for beside the figures; its answer awaited at
    the first question); without it (the figures were not asked for pending hours and no
    rule in scope leaves them out), nothing is pending.

    ``routes``: whether a rule in scope leaves pending hours out, so that the counting must
    know an employment's eligibility before it counts it (counting.needs_reference). When it
    need not, the plain employments' hours are noted (:meth:`note`) as they are counted and
    added to their awards' pending hours at the end (:meth:`settle`): one set look-up per
    employment fewer on the hot path.
    """

    __slots__ = ("_keys", "_query", "ledger", "routes")

    def __init__(
        self, query: BackgroundQuery[set[Any]] | None = None, routes: bool = False
    ) -> None:
        self._query = query
        self._keys: set[Any] | None = None
        self.routes = routes
        self.ledger: list[tuple[Any, AwardFigures, float]] = []

    @property
    def known(self) -> bool:
        return self._query is not None

    def __contains__(self, key: object) -> bool:
        if self._keys is None:
            if self._query is None:
                return False
            self._keys = self._query.result()
        return key in self._keys

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

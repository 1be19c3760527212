"""The "missing hours statement" alert: past months of a work contract with no statement.

A national database has 62,000 work contracts and 330,000 statements. Month statements are
read aggregated per work contract (how many, first and last month), which is enough when
they have no gap; only work contracts with gaps, and undivided totals, are read month by
month. At most four queries, whatever the number of rows.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_month
from clauses_app.models import (
    Employment,
    HoursKind,
    HoursRecord,
)
from clauses_app.services.alerts import work
from clauses_app.services.alerts.book import AlertKind, AlertRecord, PendingAlert
from clauses_app.services.alerts.rules import AwardLabel, person_name
from clauses_app.services.figures.awards import (
    DayText,
    IdText,
    JoinedText,
    MonthIndexes,
    UuidCache,
    driver_rows,
    employments_in_scope,
    raw,
)
from clauses_app.services.periods import Period, first_day, month_from_index, month_of

# Above this many work contracts with gaps, their months are read in one unfiltered query
# rather than in chunks of identifiers (the query count must not grow with the rows).
GAPS_BY_IDENTIFIER = 500


@dataclass(slots=True)
class Coverage:
    """The months (periods.month_index) a work contract's statements cover: one run of
    consecutive months, plus single months (totals spread, months around gaps)."""

    first: int = 1
    last: int = 0  # an empty run when last < first
    months: set[int] | None = None

    def add(self, months: range | int) -> None:
        if self.months is None:
            self.months = set()
        if isinstance(months, int):
            self.months.add(months)
        else:
            self.months.update(months)

    def missing(self, lo: int, hi: int) -> tuple[int, ...]:
        """The months from ``lo`` to ``hi`` that no statement covers."""
        if self.first <= lo and hi <= self.last:
            return ()
        run, single = range(self.first, self.last + 1), self.months or ()
        return tuple(m for m in range(lo, hi + 1) if m not in run and m not in single)


def _missing_words(missing: tuple[int, ...]) -> str:
    months = [month_from_index(m) for m in missing]
    names = ", ".join(format_month(*m) for m in months[:4])
    more = f" et {len(months) - 4} autre(s)" if len(months) > 4 else ""
    count = "1 mois sans relevé" if len(months) == 1 else f"{len(months)} mois sans relevé"
    return f"{count} ({names}{more})."


def statement_coverage(
    session: Session, today: date, period: Period, authority_uuid: uuid.UUID | None
) -> dict[Any, Coverage]:
    """What the statements of the months :func:`missing_statements` looks at cover, per raw
    employment key (:func:`stated_months`): a job for the database worker."""
    return stated_months(session, authority_uuid, period.start, _window_end(today, period))


def _window_end(today: date, period: Period) -> date:
    """The last day whose month may lack a statement: the end of the last month over, or the
    period's end."""
    last_past = first_day(month_of(today)) - timedelta(days=1)
    return min(last_past, period.end) if period.end else last_past


def missing_statements(
    today: date,
    period: Period,
    labels: dict[Any, AwardLabel],
    uuids: UuidCache,
    contracts: list[Sequence[Any]],
    coverage: dict[Any, Coverage],
) -> list[PendingAlert]:
    """Past months (ended before today) of an employment, inside its award's performance
    period and the dashboard's period, with no MONTH record and no TOTAL covering them.
    ``contracts``: :func:`work.work_contracts`; ``coverage``: :func:`statement_coverage`."""
    window_end = _window_end(today, period)
    nothing = Coverage()
    month_index = MonthIndexes()  # work contracts and lots share few dates
    alerts = []
    for row in contracts:
        label = labels.get(row[work.AWARD])
        if label is None or row[work.INELIGIBLE]:
            continue
        start, end = row[work.START], row[work.END]
        if start > window_end or (period.start and end and end < period.start):
            continue
        lo, hi = _months_due(start, end, period.start, window_end, label)
        if hi < lo:
            continue
        emp_key = row[work.KEY]
        missing = coverage.get(emp_key, nothing).missing(month_index[lo], month_index[hi])
        if missing:
            last_name, first_name = row[work.LAST_NAME], row[work.FIRST_NAME]
            where = f" ({label.text})"
            alerts.append(
                PendingAlert(AlertKind.MISSING_STATEMENT, AlertRecord.EMPLOYMENT, emp_key,
                             first_day(month_from_index(missing[0])),
                             f"{person_name(last_name, first_name)}{where} : ", _missing_words,
                             (missing,), label.contract_key, uuids)
            )  # fmt: skip
    return alerts


def _months_due(
    start: date,
    end: date | None,
    period_start: date | None,
    window_end: date,
    label: AwardLabel,
) -> tuple[date, date]:
    """The days of a work contract that need statements: inside the contract, the dashboard's
    period up to the last month over, and its award's performance period (empty: hi < lo)."""
    lo, hi = start, window_end
    if period_start is not None and period_start > lo:
        lo = period_start
    if end is not None and end < hi:
        hi = end
    if label.performance_start is not None and label.performance_start > lo:
        lo = label.performance_start
    if label.performance_end is not None and label.performance_end < hi:
        hi = label.performance_end
    return lo, hi


def _statements(
    columns: list[Any], authority_uuid: uuid.UUID | None, start: date | None, end: date
) -> Select:  # type: ignore[type-arg]
    statement = select(*columns).where(HoursRecord.period_start <= end)
    if start is not None:
        statement = statement.where(HoursRecord.period_end >= start)
    if authority_uuid is not None:
        statement = employments_in_scope(
            statement.join(Employment, HoursRecord.employment_uuid == Employment.uuid),
            authority_uuid,
        )
    return statement


def stated_months(
    session: Session, authority_uuid: uuid.UUID | None, start: date | None, end: date
) -> dict[Any, Coverage]:
    """What the statements between ``start`` and ``end`` cover, per raw employment key.

    A MONTH record starts on its month's first day and is unique per work contract and
    month (models.HoursRecord), so n records from month a to month b have no gap when
    n = b − a + 1.
    """
    employment = raw(HoursRecord.employment_uuid)
    # One line of text per work contract ("key count first last"), all in one row.
    months = _statements(
        [IdText(HoursRecord.employment_uuid) + " " + cast(func.count(), String) + " "
         + DayText(func.min(HoursRecord.period_start)) + " "
         + DayText(func.max(HoursRecord.period_start))],
        authority_uuid, start, end,
    ).where(HoursRecord.kind == HoursKind.MONTH).group_by(HoursRecord.employment_uuid)
    written = session.execute(select(JoinedText(months.subquery().c[0]))).scalar()
    coverage: dict[Any, Coverage] = defaultdict(Coverage)
    gaps: set[Any] = set()
    month_of_day = MonthIndexes()  # month records start on a few distinct days
    for line in written.split(",") if written else ():
        emp, count, first, last = line.split(" ")
        first_month, last_month = month_of_day[first], month_of_day[last]
        if int(count) == last_month - first_month + 1:
            coverage[emp] = Coverage(first_month, last_month)
        else:
            gaps.add(emp)
    totals = _statements(
        [employment, raw(HoursRecord.period_start), raw(HoursRecord.period_end)],
        authority_uuid, start, end,
    ).where(HoursRecord.kind == HoursKind.TOTAL)  # fmt: skip
    for rows in driver_rows(session, totals):
        for emp, first, last in rows:
            coverage[emp].add(range(month_of_day[first], month_of_day[last] + 1))
    if gaps:
        _add_months_of(session, gaps, coverage, authority_uuid, start, end)
    return coverage


def _add_months_of(
    session: Session,
    gaps: set[Any],
    coverage: dict[Any, Coverage],
    authority_uuid: uuid.UUID | None,
    start: date | None,
    end: date,
) -> None:
    """Month by month, the MONTH records of the work contracts whose months have gaps."""
    employment = raw(HoursRecord.employment_uuid)
    statement = _statements(
        [employment, raw(HoursRecord.period_start)], authority_uuid, start, end
    ).where(HoursRecord.kind == HoursKind.MONTH)
    if len(gaps) <= GAPS_BY_IDENTIFIER:
        statement = statement.where(employment.in_(list(gaps)))
    month_of_day = MonthIndexes()
    for rows in driver_rows(session, statement):
        for emp, first in rows:
            if emp in gaps:
                coverage[emp].add(month_of_day[first])

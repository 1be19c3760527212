"""Counting a period's hours from sums the database makes: the default path of the figures.

The database adds up each employment's monthly records of the period and hands them with the
employment's own columns (one row per employment instead of one per record), and the
period's months (a row per month). A *plain* employment (counting.needs_reference says no)
whose records all fall inside its award's window, and whose rules count training as the
global rules do, counts its sums as they are. Every other employment that has monthly
records in the period (excluded, counted by the reference rules, with records outside its
window, or counting training otherwise) has its records read one by one, their raw hours
taken out of the database's month totals, and is then counted exactly as on the streamed
path (streamed.py). tests/core/test_figures_agree.py checks the paths agree.

The sums are the database's longest work in the figures: :class:`PeriodSums` asks for them
on the database worker (storage/worker.py) when its connections share the session's snapshot,
so that SQLite makes them while the session's thread reads contracts, lots and awards.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date
from types import TracebackType
from typing import Any

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.orm import Session

from clauses_app.models import Employment, HoursKind, HoursRecord
from clauses_app.services.figures.award import AwardFigures
from clauses_app.services.figures.awards import MonthIndexes, driver_rows, raw, rows_for_keys
from clauses_app.services.figures.employments import EmploymentLedger
from clauses_app.services.figures.pending import NOTHING_PENDING, PendingEmployments
from clauses_app.services.figures.reference import Detailed, count_detailed_all
from clauses_app.services.figures.streamed import (
    CONTRACT_TYPE,
    KEY,
    MODALITY,
    OVERLAPS,
    HoursTotals,
    Plain,
    add_plain,
    add_undivided,
    employments_statement,
    employments_to_count,
    records_statement,
    undivided_statement,
)
from clauses_app.services.periods import Period, last_day, month_of
from clauses_app.services.settings import AppSettings
from clauses_app.storage.connections import SCAN_CACHE_KB, SnapshotUnavailable, own_connection
from clauses_app.storage.worker import DATABASE_WORKER, FIRST, uses_worker

# The columns of PeriodSums.employments() after employments_statement's: the first and last
# month's day, worked and training hours of the employment's monthly records in the period
# (None when it has none); when hours to date are asked for, worked and training hours of
# those records up to that month.
FIRST_MONTH, LAST_MONTH, WORKED, TRAINING, WORKED_TO_DATE, TRAINING_TO_DATE = range(
    OVERLAPS + 1, OVERLAPS + 7
)
# Then, when each employment's hours are asked for, the last month's day whose record has
# hours that count (None when none has), at PeriodSums.last_with_hours.


class PeriodSums:
    """The database's sums of a period's monthly records (per employment, per month), asked
    for as soon as this is made. Use it as a context manager: on exit, the worker's job is
    awaited and every connection it opened is closed, also when the figures fail or are
    cancelled.

    When the worker's connections share the session's snapshot (``shares_snapshot``), the
    worker asks for them, the employments first (the session's thread needs them first):

    - it opens a connection and executes the employments' statement: SQLite makes every row
      inside that call (the statement is ordered by a sum, so it sorts them all), with
      Python's lock released. It then *hands the connection over*: from then on only the
      session's thread uses it, to fetch the rows (fetching them on the worker would make
      each row wait for Python's lock, which the busy session's thread holds) and to close
      it. The worker never touches it again; the handing-over event orders the two threads.
    - then it asks for the months and undivided totals (few rows) on a second connection of
      its own, which it opens, reads and closes itself.

    Otherwise every statement runs on the session's connection, when its rows are needed.
    """

    def __init__(
        self,
        session: Session,
        period: Period,
        authority_uuid: uuid.UUID | None,
        up_to: date | None = None,
        employment_hours: bool = False,
        training_counted: bool = True,
    ):
        self._session = session
        self._months_statement = _month_sums(period, authority_uuid)
        self._undivided_statement = undivided_statement(period, authority_uuid)
        last_with_hours = None
        # The column of each employment's last month with hours, when asked for.
        self.last_with_hours: int | None = None
        if employment_hours:
            hours: Any = HoursRecord.worked_hours
            if training_counted:
                hours = hours + HoursRecord.training_hours
            last_with_hours = func.max(case((hours > 0, HoursRecord.period_start)))
            self.last_with_hours = (TRAINING if up_to is None else TRAINING_TO_DATE) + 1
        self._employments_statement = _employments_with_sums(
            period, authority_uuid, up_to, last_with_hours
        )
        # Made on the worker, then handed over (see the class): the connection and its rows.
        self._handed_over: AbstractContextManager[Connection] | None = None
        self._employments: CursorResult[Any] | None = None
        self._months: Sequence[Any] | None = None
        self._undivided: Sequence[Any] | None = None
        self._error: BaseException | None = None
        self._handed: threading.Event | None = None  # the employments' connection handed over
        self._done: threading.Event | None = None  # the worker's job is over
        if uses_worker(session):
            self._handed = threading.Event()
            self._done = threading.Event()
            DATABASE_WORKER.submit(FIRST, self._ask)

    def _ask(self) -> None:
        """The worker's job (see the class)."""
        assert self._handed is not None and self._done is not None
        try:
            handed_over = own_connection(self._session)
            connection = handed_over.__enter__()
            self._handed_over = handed_over
            self._employments = connection.execute(self._employments_statement)
            self._handed.set()  # not a use of `connection` on this thread after this line
            with own_connection(self._session, cache_kb=SCAN_CACHE_KB) as other:
                self._months = other.execute(self._months_statement).all()
                self._undivided = other.execute(self._undivided_statement).all()
        except SnapshotUnavailable:
            pass  # what is still None is asked on the session's connection
        except BaseException as error:  # handed to the session's thread by _wait
            self._error = error
        finally:
            self._handed.set()
            self._done.set()

    @property
    def on_worker(self) -> bool:
        """Whether the sums are asked on the database worker (else on the session)."""
        return self._done is not None

    def _wait(self, event: threading.Event | None) -> None:
        if event is not None:
            event.wait()
            if self._error is not None:
                raise self._error

    def months(self) -> Sequence[Any]:
        """(first day, worked, training) per month."""
        self._wait(self._done)
        if self._months is None:
            self._months = self._session.execute(self._months_statement).all()
        return self._months

    def undivided(self) -> Sequence[Any]:
        """The undivided totals overlapping the period (few: a scan of the period's index)."""
        self._wait(self._done)
        if self._undivided is None:
            self._undivided = self._session.execute(self._undivided_statement).all()
        return self._undivided

    def employments(self) -> Iterator[Sequence[Any]]:
        """Every employment in scope, with its sums (:data:`FIRST_MONTH` …; with ``up_to``,
        :data:`WORKED_TO_DATE` and :data:`TRAINING_TO_DATE` too), in batches."""
        self._wait(self._handed)
        if self._employments is None:
            yield from driver_rows(self._session, self._employments_statement)
            return
        cursor = self._employments.cursor
        while rows := cursor.fetchmany(5000):
            yield rows

    def __enter__(self) -> PeriodSums:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._done is not None:
            self._done.wait()
        if self._employments is not None:
            self._employments.close()
        if self._handed_over is not None:
            self._handed_over.__exit__(None, None, None)


def add_summed_hours(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    awards: dict[Any, AwardFigures],
    period_sums: PeriodSums,
    before_reference: Callable[[], None] = lambda: None,
    pending: PendingEmployments = NOTHING_PENDING,
    to_month: int | None = None,
    ledger: EmploymentLedger | None = None,
) -> HoursTotals:
    """Count every employment's hours in the period into its award; return the totals.
    ``before_reference`` is called before the employments under the reference rules are
    counted (a progress step). With ``to_month`` (the month of ``period_sums``' ``up_to``),
    the hours of the months up to it also go to the awards' hours to date. ``ledger``:
    where to note each employment's hours (the sums must then have been asked with
    ``employment_hours``)."""
    base_training = settings.counting.training_counted
    totals = HoursTotals()
    month_of = MonthIndexes()
    months = totals.months
    modalities, contract_types = totals.modalities, totals.contract_types
    plain: dict[Any, Plain] = {}  # plain, with records read one by one
    detailed: dict[Any, Detailed] = {}
    no_months: dict[Any, Plain] = {}  # plain, no monthly record in the period
    set_aside: set[Any] = set()  # with monthly records, not counted from their sums
    passed: list[Sequence[Any]] = []  # excluded, or with no award in scope
    pending_known = pending.known
    to_date = to_month is not None
    last_with_hours = period_sums.last_with_hours
    for emp_key, row, award, simple in employments_to_count(
        period_sums.employments(), awards, pending, passed
    ):
        first, last, worked, training = row[FIRST_MONTH : TRAINING + 1]
        if not simple:
            detailed[emp_key] = Detailed(award, row)
            if first is not None:
                set_aside.add(emp_key)
            continue
        if first is None:
            no_months[emp_key] = Plain(award, row)
            continue
        lot = award.lot
        if (
            award.rules.training_counted != base_training
            or month_of[first] < lot.first
            or month_of[last] > lot.last
        ):
            plain[emp_key] = Plain(award, row)
            set_aside.add(emp_key)
            continue
        value = worked + training if base_training else worked
        if to_date:
            award.done_to_date += (
                row[WORKED_TO_DATE] + row[TRAINING_TO_DATE] if base_training
                else row[WORKED_TO_DATE]
            )  # fmt: skip
        if value:
            award.done += value
            if pending_known:
                pending.note(emp_key, award, value)
            if ledger is not None and last_with_hours is not None:
                ledger.note(emp_key, value, month_of[row[last_with_hours]])
            modalities[row[MODALITY]] += value
            contract_types[row[CONTRACT_TYPE]] += value
            if not row[OVERLAPS]:  # counted outside its contract dates: one of the award's
                award.employment_count += 1
    # The months' totals come after the employments: the worker asks for them second.
    for start, worked, training in period_sums.months():
        months[month_of[start]] += worked + training if base_training else worked
    # Every other employment with records (set aside, excluded...): its raw hours come out
    # of the month totals, and plain and detailed ones count them record by record.
    unread = set_aside | {row[KEY] for row in passed if row[FIRST_MONTH] is not None}
    for emp_key, records in _read_records(session, period, authority_uuid, unread).items():
        for start, worked, training in records:
            month = month_of[start]
            months[month] -= worked + training if base_training else worked
        entry = plain.get(emp_key)
        if entry is not None:
            entry.add_records(records, month_of, months, to_month)
        elif emp_key in detailed:
            detailed[emp_key].records.extend(
                (HoursKind.MONTH, start, None, worked, training)
                for start, worked, training in records
            )
    add_plain(plain, totals, pending, ledger)
    add_undivided(period_sums.undivided(), no_months, detailed)
    before_reference()
    count_detailed_all(session, period, settings, detailed, totals, pending, to_month, ledger)
    return totals


def _employments_with_sums(
    period: Period,
    authority_uuid: uuid.UUID | None,
    up_to: date | None = None,
    last_with_hours: Any = None,
) -> Any:
    """:func:`streamed.employments_statement`, each employment with its first and last
    month's day and its worked and training hours summed over its monthly records in the
    period (None when it has none); with ``up_to``, also summed over those of the months up
    to its month; then ``last_with_hours`` (an aggregate over them), when given.

    Ordered by a sum: SQLite then makes every row before it returns the first one, inside the
    call the worker thread makes; the rows are then read from its sorter, faster than from
    the tables."""
    worked, training = HoursRecord.worked_hours, HoursRecord.training_hours
    columns: list[Any] = [
        HoursRecord.employment_uuid.label("employment"),
        func.min(HoursRecord.period_start).label("first"),
        func.max(HoursRecord.period_start).label("last"),
        float_sum(worked).label("worked"),
        float_sum(training).label("training"),
    ]
    if up_to is not None:
        to_date = HoursRecord.period_start <= last_day(month_of(up_to))
        columns += [
            float_sum(case((to_date, worked), else_=0)).label("worked_to_date"),
            float_sum(case((to_date, training), else_=0)).label("training_to_date"),
        ]
    if last_with_hours is not None:
        columns.append(last_with_hours.label("last_with_hours"))
    sums = (
        records_statement(
            select(*columns).where(HoursRecord.kind == HoursKind.MONTH), period, authority_uuid
        )
        .group_by(HoursRecord.employment_uuid)
        .subquery("sums")
    )
    added = [sums.c.first, sums.c.last, sums.c.worked, sums.c.training]
    if up_to is not None:
        added += [sums.c.worked_to_date, sums.c.training_to_date]
    if last_with_hours is not None:
        added.append(sums.c.last_with_hours)
    return (
        employments_statement(period, authority_uuid)
        .add_columns(*added)
        .outerjoin(sums, sums.c.employment == Employment.uuid)
        .order_by(sums.c.worked)
    )


def float_sum(hours: Any) -> Any:
    """The sum of an hours column, made by the database in its own type (exact numerics on
    PostgreSQL, cheaper there than a float per record) and handed over as one float: a
    sum of two-decimal hours is whole cents, which a float holds within a millionth."""
    return cast(func.sum(hours), Float)


def _month_sums(period: Period, authority_uuid: uuid.UUID | None) -> Any:
    """Per month of the period: worked and training hours of every monthly record."""
    statement = select(
        HoursRecord.period_start,
        float_sum(HoursRecord.worked_hours),
        float_sum(HoursRecord.training_hours),
    ).where(HoursRecord.kind == HoursKind.MONTH)
    return records_statement(statement, period, authority_uuid).group_by(HoursRecord.period_start)


def _read_records(
    session: Session, period: Period, authority_uuid: uuid.UUID | None, keys: set[Any]
) -> dict[Any, list[tuple[Any, float, float]]]:
    """The monthly records in the period of the employments ``keys``: (start, worked,
    training) each, by employment."""
    statement = records_statement(
        select(
            raw(HoursRecord.employment_uuid),
            raw(HoursRecord.period_start),
            cast(HoursRecord.worked_hours, Float),
            cast(HoursRecord.training_hours, Float),
        ).where(HoursRecord.kind == HoursKind.MONTH),
        period,
        authority_uuid,
    )
    found: dict[Any, list[tuple[Any, float, float]]] = {}
    for emp_key, start, worked, training in rows_for_keys(
        session, statement, HoursRecord.employment_uuid, keys
    ):
        found.setdefault(emp_key, []).append((start, worked, training))
    return found

"""Counting a period's hours from sums the database makes: the default path of the figures.

The database adds up each employment's monthly records of the period and hands them with the
employment's own columns (one row per employment, ~62,000 for a national year, instead of
~315,000 records), and the period's months (a row per month). A *plain* employment (see
:mod:`figures_hours`) whose records all fall inside its award's window, and whose rules count
training as the default rules do, counts its sums as they are. Every other employment that
has monthly records in the period (excluded, counted by the reference rules, with records
outside its window, or counting training otherwise) has its records read one by one, their
raw hours taken out of the database's month totals, and is then counted exactly as on the
streamed path. Tests check the three paths agree.

Those sums take SQLite about a third of the figures' time (a national year). When a
second connection reads what the session reads (``storage.connections``), :class:`PeriodSums`
asks for them on a connection of its own, on the worker thread of ``storage.worker`` (first
in its queue), while the session's thread awards contracts, lots and awards (Python work; the
worker waits on the database with Python's lock released). Otherwise it asks on the
session's connection.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any

from sqlalchemy import Float, cast, func, select
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.orm import Session

from clauses_app.models import Employment, HoursKind, HoursRecord
from clauses_app.services.figures.award import AwardFigures
from clauses_app.services.figures.awards import MonthIndexes, driver_rows, raw, rows_for_keys
from clauses_app.services.figures.reference import Detailed, count_detailed_all
from clauses_app.services.figures.streamed import (
    HoursTotals,
    Plain,
    add_plain,
    add_undivided,
    employments_statement,
    employments_to_count,
    records_statement,
    undivided_statement,
)
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings
from clauses_app.storage.connections import SCAN_CACHE_KB, own_connection
from clauses_app.storage.worker import DATABASE_WORKER, FIRST, uses_worker

SUMS = 7  # where the sums start in a row of PeriodSums.employments()


class PeriodSums:
    """The database's sums of a period's monthly records (per month, per employment), asked
    for as soon as this is made: on the beside lane's worker and connections of its own (the
    employments first, then the months on a second one) when they read what the session
    reads, else on the session's connection when needed. Use it as a context manager (on
    exit, the worker's answer is awaited and its connections closed)."""

    def __init__(self, session: Session, period: Period, authority_uuid: uuid.UUID | None):
        self._session = session
        self._months_statement = _month_sums(period, authority_uuid)
        self._undivided_statement = undivided_statement(period, authority_uuid)
        self._employments_statement = _employments_with_sums(period, authority_uuid)
        self._own: AbstractContextManager[Connection] | None = None
        self._connection: Connection | None = None
        self._months: Sequence[Any] | None = None
        self._undivided: Sequence[Any] | None = None
        self._employments: CursorResult[Any] | None = None
        self._error: BaseException | None = None
        self._asked: threading.Event | None = None  # set when everything was asked
        self._employments_asked: threading.Event | None = None
        if uses_worker(session):
            self._asked = threading.Event()
            self._employments_asked = threading.Event()
            DATABASE_WORKER.submit(FIRST, self._ask)

    def _ask(self) -> None:
        """On the worker: the employments first (the session's thread needs them first, and
        they take SQLite the longest), then the months and undivided totals, which it needs
        only once it has counted the employments."""
        assert self._asked is not None and self._employments_asked is not None
        try:
            self._own = own_connection(self._session)
            self._connection = self._own.__enter__()
            self._employments = self._connection.execute(self._employments_statement)
            self._employments_asked.set()
            # Another connection: the session's thread reads the employments from this one
            # meanwhile, and a connection serves one call at a time.
            with own_connection(self._session, cache_kb=SCAN_CACHE_KB) as connection:
                self._months = connection.execute(self._months_statement).all()
                self._undivided = connection.execute(self._undivided_statement).all()
        except BaseException as error:  # handed to the session's thread by _wait
            self._error = error
        finally:
            self._employments_asked.set()
            self._asked.set()

    @property
    def on_worker(self) -> bool:
        """Whether the sums are asked on the lane's worker (else on the session)."""
        return self._asked is not None

    def _wait(self, asked: threading.Event | None) -> None:
        if asked is not None:
            asked.wait()
            if self._error is not None:
                raise self._error

    def months(self) -> Sequence[Any]:
        """(first day, worked, training) per month."""
        self._wait(self._asked)
        if self._months is None:
            self._months = self._session.execute(self._months_statement).all()
        return self._months

    def undivided(self) -> Sequence[Any]:
        """The undivided totals overlapping the period (few: a scan of the period's index)."""
        self._wait(self._asked)
        if self._undivided is None:
            self._undivided = self._session.execute(self._undivided_statement).all()
        return self._undivided

    def employments(self) -> Iterator[Sequence[Any]]:
        """Every employment in scope (figures_hours.employments_statement's columns), then its
        first and last month's day, worked and training hours (None: no monthly record in the
        period), in batches."""
        self._wait(self._employments_asked)
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
        if self._asked is not None:
            self._asked.wait()
        if self._employments is not None:
            self._employments.close()
        if self._own is not None:
            self._own.__exit__(None, None, None)


def add_summed_hours(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    awards: dict[Any, AwardFigures],
    period_sums: PeriodSums,
) -> HoursTotals:
    """Count every employment's hours in the period into its award; return the totals."""
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
    for emp_key, row, award, simple in employments_to_count(
        period_sums.employments(), awards, passed
    ):
        first, last, worked, training = row[SUMS:]
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
        if value:
            award.done += value
            modalities[row[2]] += value
            contract_types[row[3]] += value
            if not row[6]:  # counted outside its contract dates: one of the award's
                award.employment_count += 1
    # The months' totals come after the employments: the worker asks for them second.
    for start, worked, training in period_sums.months():
        months[month_of[start]] += worked + training if base_training else worked
    # Every other employment with records (set aside, excluded...): its raw hours come out
    # of the month totals, and plain and detailed ones count them record by record.
    unread = set_aside | {row[0] for row in passed if row[SUMS] is not None}
    for emp_key, records in _read_records(session, period, authority_uuid, unread).items():
        for start, worked, training in records:
            month = month_of[start]
            months[month] -= worked + training if base_training else worked
        entry = plain.get(emp_key)
        if entry is not None:
            entry.add_records(records, month_of, months)
        elif emp_key in detailed:
            detailed[emp_key].records.extend(
                (HoursKind.MONTH, start, None, worked, training)
                for start, worked, training in records
            )
    add_plain(plain, totals)
    add_undivided(period_sums.undivided(), no_months, detailed)
    count_detailed_all(session, period, settings, detailed, totals)
    return totals


def _employments_with_sums(period: Period, authority_uuid: uuid.UUID | None) -> Any:
    """:func:`figures_hours.employments_statement`, each employment with its first and last
    month's day and its worked and training hours summed over its monthly records in the
    period (None when it has none).

    Ordered by a sum: SQLite then makes every row before it returns the first one, inside the
    call the worker thread makes; the rows are then read from its sorter, faster than from
    the tables (measured on the national demo: 0.10 s instead of 0.24 s for two reads)."""
    sums = (
        records_statement(
            select(
                HoursRecord.employment_uuid.label("employment"),
                func.min(HoursRecord.period_start).label("first"),
                func.max(HoursRecord.period_start).label("last"),
                func.sum(cast(HoursRecord.worked_hours, Float)).label("worked"),
                func.sum(cast(HoursRecord.training_hours, Float)).label("training"),
            ).where(HoursRecord.kind == HoursKind.MONTH),
            period,
            authority_uuid,
        )
        .group_by(HoursRecord.employment_uuid)
        .subquery("sums")
    )
    return (
        employments_statement(period, authority_uuid)
        .add_columns(sums.c.first, sums.c.last, sums.c.worked, sums.c.training)
        .outerjoin(sums, sums.c.employment == Employment.uuid)
        .order_by(sums.c.worked)
    )


def _month_sums(period: Period, authority_uuid: uuid.UUID | None) -> Any:
    """Per month of the period: worked and training hours of every monthly record."""
    statement = select(
        HoursRecord.period_start,
        func.sum(cast(HoursRecord.worked_hours, Float)),
        func.sum(cast(HoursRecord.training_hours, Float)),
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

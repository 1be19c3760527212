"""Progress on the lists: hours required, hours done and completion rate of each contract,
award (the lots and awards table) and company, and each employment's hours done and last
month with hours, for the period of a list's year filter (all time without one). Qt-free.

Every figure comes from one :func:`clauses_app.services.figures.compute_figures` run per
period (with each employment's hours), made once for the four lists and kept between runs
under the database's fingerprint (storage.result_cache), as the dashboard's are. Sorting a
list on a figure orders the keys of every row its search and filters match (not only the
rows loaded), then reads one page of rows at a time (:class:`FigureOrder`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from clauses_app.services.counting import hours_from_cents
from clauses_app.services.figures import completion_rate, compute_figures
from clauses_app.services.periods import Period, month_from_index
from clauses_app.services.progress import Progress
from clauses_app.services.records.kinds import Kind
from clauses_app.services.records.lists import (
    Column,
    ListQuery,
    ListRow,
    all_rows,
    matching_keys,
    rows_for_keys,
)
from clauses_app.services.settings import AppSettings, load_settings
from clauses_app.storage import Database
from clauses_app.storage.result_cache import cache_fingerprint, read_cached, store_cached

log = logging.getLogger(__name__)

# Headers on two lines: the lists are wide already (the guide says what each one holds).
HOURS_REQUIRED = Column("hours_required", "Heures\nexigées", "hours")
HOURS_DONE = Column("hours_done", "Heures\nréalisées", "hours")
COMPLETION_RATE = Column("completion_rate", "Taux de\nréalisation", "percent")
LAST_MONTH = Column("last_month", "Dernier mois\nd'heures", "month")

FIGURE_COLUMNS: dict[str, tuple[Column, ...]] = {
    Kind.CONTRACT: (HOURS_REQUIRED, HOURS_DONE, COMPLETION_RATE),
    Kind.LOT: (HOURS_REQUIRED, HOURS_DONE, COMPLETION_RATE),
    Kind.COMPANY: (HOURS_REQUIRED, HOURS_DONE, COMPLETION_RATE),
    Kind.EMPLOYMENT: (HOURS_DONE, LAST_MONTH),
}
KINDS = tuple(FIGURE_COLUMNS)
HUNDRED = Decimal(100)


def figure_columns(kind: str) -> tuple[Column, ...]:
    """The figure columns of the list of ``kind`` (none for the other lists)."""
    return FIGURE_COLUMNS.get(kind, ())


def is_figure(kind: str, key: str | None) -> bool:
    """Whether ``key`` is one of the figure columns of the list of ``kind``."""
    return any(column.key == key for column in figure_columns(kind))


def list_year(query: ListQuery) -> int | None:
    """The year a list's figures are for: its year filter's, or None (all time)."""
    year = query.filters.get("year")
    return int(year) if year not in (None, "") else None


def stored_hex(key: Any) -> str:
    """A stored id as 32-digit hex text (SQLite keeps that text; the figures' raw ids on
    PostgreSQL are its 36-character text form, its ORM ids UUIDs)."""
    if isinstance(key, str):
        if len(key) == 32:
            return key
        if len(key) == 36:
            return key.replace("-", "")
    return key.hex if isinstance(key, uuid.UUID) else uuid.UUID(str(key)).hex


@dataclass(frozen=True)
class ListFigures:
    """The figures of one list for one period, by row key as 32-digit hex text (a
    contract's, award's, company's or employment's id): (required, done) cents, or for
    employments (done cents, month index of the last month with hours, -1 for none). Kept
    in whole cents: a national list has tens of thousands of rows and shows 200 at a time,
    whose Decimal hours are made when shown (:meth:`of`)."""

    kind: str
    year: int | None
    values: dict[str, tuple[int, int]]

    def row_key(self, row: ListRow) -> str | None:
        """The key a row's figures are kept under (the lots' rows: their award's)."""
        key = row.values.get("award_uuid") if self.kind == Kind.LOT else row.uuid
        return None if key is None else stored_hex(key)

    def of(self, row: ListRow) -> dict[str, Any]:
        """The figure values of ``row`` (hours, percent 0–100, first day of a month):
        nothing counted is zero hours and no rate; a lot without an award has none."""
        key = self.row_key(row)
        if key is None:
            return {column.key: None for column in figure_columns(self.kind)}
        first, second = self.values.get(key, (0, -1) if self.kind == Kind.EMPLOYMENT else (0, 0))
        if self.kind == Kind.EMPLOYMENT:
            last = month_from_index(second) if second >= 0 else None
            return {
                "hours_done": hours_from_cents(first),
                "last_month": date(*last, 1) if last else None,
            }
        rate = completion_rate(Decimal(second), Decimal(first))
        return {
            "hours_required": hours_from_cents(first),
            "hours_done": hours_from_cents(second),
            "completion_rate": None if rate is None else rate * HUNDRED,
        }

    def fill(self, rows: list[ListRow]) -> list[ListRow]:
        """Put the figures into ``rows`` (the same rows, returned)."""
        for row in rows:
            row.values.update(self.of(row))
        return rows

    def sort_value(self, column: str) -> Callable[[str], float | None]:
        """Row key → what ``column`` sorts on (None: empty, last)."""
        values = self.values
        if self.kind == Kind.EMPLOYMENT:
            if column == "last_month":

                def last_month(key: str) -> int | None:
                    last = values.get(key, (0, -1))[1]
                    return None if last < 0 else last

                return last_month
            return lambda key: values.get(key, (0, -1))[0]
        if column == "hours_required":
            return lambda key: values.get(key, (0, 0))[0]
        if column == "hours_done":
            return lambda key: values.get(key, (0, 0))[1]

        def rate(key: str) -> float | None:
            required, done = values.get(key, (0, 0))
            return done / required if required > 0 else None

        return rate


def list_figures(
    session: Session,
    year: int | None,
    settings: AppSettings | None = None,
    progress: Progress | None = None,
) -> dict[str, ListFigures]:
    """The figures of the four lists for ``year`` (all time if None), from one computation."""
    period = Period.year(year) if year is not None else None
    figures = compute_figures(
        session, period, None, settings or load_settings(session), progress=progress,
        employment_hours=True,
    )  # fmt: skip
    by_kind = {
        Kind.CONTRACT: figures.cents_by_key("lot.contract.key"),
        Kind.LOT: figures.cents_by_key("key"),
        Kind.COMPANY: figures.cents_by_key("company_key"),
        Kind.EMPLOYMENT: figures.employment_cents(),
    }
    return {kind: ListFigures(kind, year, _by_hex(values)) for kind, values in by_kind.items()}


def _by_hex(values: dict[Any, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """``values`` keyed by 32-digit hex text: as they are on SQLite (its stored ids; no copy
    of a dict of tens of thousands of entries), re-keyed otherwise."""
    if all(isinstance(key, str) and len(key) == 32 for key in values):
        return values
    return {stored_hex(key): value for key, value in values.items()}


def load_list_figures(
    database: Database, year: int | None, progress: Progress | None = None
) -> dict[str, ListFigures]:
    """:func:`list_figures` in a session of its own (the lists' background task), kept
    between runs while the data do not change (one file per list and period)."""
    request = "all" if year is None else str(year)
    stamp = cache_fingerprint(database)  # before the data are read
    kept: dict[str, ListFigures] = {}
    for kind in KINDS:
        value = read_cached(_cache_kind(kind), database, request, stamp)
        if value is None:
            break
        try:
            kept[kind] = ListFigures(
                kind, year, {str(k): (int(a), int(b)) for k, (a, b) in value.items()}
            )
        except (AttributeError, TypeError, ValueError) as error:
            log.warning("Ignoring the kept figures of the %s list: %s", kind, error)
            break
    if len(kept) == len(KINDS):
        return kept
    with database.session() as session:
        computed = list_figures(session, year, progress=progress)
    for kind, figures in computed.items():
        store_cached(_cache_kind(kind), database, request, stamp, figures.values)
    return computed


def _cache_kind(kind: str) -> str:
    return f"list-figures-{kind}"


class FigureOrder:
    """The rows of a list's query in the order of one figure (empty figures last, then by
    key, so that pages never overlap), read a page at a time."""

    def __init__(self, session: Session, kind: str, query: ListQuery, figures: ListFigures) -> None:
        self.kind = kind
        self.figures = figures
        column = query.sort_key or ""
        unsorted = ListQuery(query.search, query.filters)
        self._rows: list[ListRow] | None = None
        self._keys: list[str] = []
        value = figures.sort_value(column)
        if kind == Kind.LOT:  # a contract's lots: a row per award, few
            rows = [row for part in all_rows(session, kind, unsorted) for row in part]
            self._rows = _ordered(
                figures.fill(rows),
                lambda row: value(figures.row_key(row) or ""),
                lambda row: (row.uuid.hex, figures.row_key(row) or ""),
                query.descending,
            )
        else:
            keys = [stored_hex(k) for k in matching_keys(session, kind, unsorted, stored=True)]
            self._keys = _ordered(keys, value, lambda key: key, query.descending)

    @property
    def total(self) -> int:
        return len(self._rows) if self._rows is not None else len(self._keys)

    def page(self, session: Session, offset: int, limit: int) -> list[ListRow]:
        """The rows from ``offset`` (at most ``limit``), with their figures."""
        if self._rows is not None:
            return self._rows[offset : offset + limit]
        keys = [uuid.UUID(hex=key) for key in self._keys[offset : offset + limit]]
        return self.figures.fill(rows_for_keys(session, self.kind, keys))


def rows_with_figures(
    session: Session, kind: str, query: ListQuery, figures: ListFigures, batch: int = 1000
) -> Iterator[list[ListRow]]:
    """Every row matching ``query`` with its figures, ``batch`` rows at a time, in the
    list's order (a figure's, when the query sorts on one): an export, the command line."""
    if is_figure(kind, query.sort_key):
        order = FigureOrder(session, kind, query, figures)
        for offset in range(0, order.total, batch):
            yield order.page(session, offset, batch)
        return
    for part in all_rows(session, kind, query, batch):
        yield figures.fill(part)


def _ordered(
    items: list[Any], value: Callable[[Any], Any], tie: Callable[[Any], Any], descending: bool
) -> list[Any]:
    """``items`` by ``value`` (None last whatever the direction), ties by ``tie``."""
    valued = [(value(item), tie(item), item) for item in items]
    present = [entry for entry in valued if entry[0] is not None]
    missing = [entry for entry in valued if entry[0] is None]
    present.sort(key=lambda entry: (entry[0], entry[1]), reverse=descending)
    missing.sort(key=lambda entry: entry[1])
    return [entry[2] for entry in present + missing]

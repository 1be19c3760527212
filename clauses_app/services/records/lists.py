"""Paged, searched, filtered and sorted list queries, all in SQL.

A list page asks for one page of rows at a time (``offset``/``limit``); the search box and the
filters become WHERE clauses over the whole table, and sorting is an ORDER BY, so that a list of
60,000 employments shows its first page at once and a search finds rows not loaded yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from clauses_app.models import ParticipantCriterion, ReferenceKind
from clauses_app.services.eligibility import EligibilityStatus, eligibility_of_employments
from clauses_app.services.portfolio import (
    MY_PORTFOLIO,
    WHOLE_TERRITORY,
    connected_user,
    portfolio_offered,
)
from clauses_app.services.records.kinds import Kind
from clauses_app.services.records.list_specs import (
    SPECS,
    Like,
    ListSpec,
    year_bounds,
)
from clauses_app.services.reference import labels


@dataclass(frozen=True)
class Column:
    """One column of a list: its key in :attr:`ListRow.values`, its French header and how its
    values read (``text``, ``date``, ``money``, ``hours``, ``percent`` (0–100), ``int``,
    ``bool``)."""

    key: str
    label: str
    kind: str = "text"


@dataclass(frozen=True)
class FilterSpec:
    """A filter offered above a list: ``options`` are (value, French label) pairs."""

    key: str
    label: str
    options: tuple[tuple[Any, str], ...]


@dataclass(frozen=True)
class ListQuery:
    """What the user asked of a list: search words, filter values, sort column and order."""

    search: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort_key: str | None = None
    descending: bool = False


@dataclass(frozen=True)
class ListRow:
    uuid: uuid.UUID
    values: dict[str, Any]


def list_columns(kind: str) -> tuple[Column, ...]:
    """The visible columns of the list of ``kind``, in order."""
    return tuple(Column(c.key, c.label, c.kind) for c in SPECS[kind].columns if c.label)


def list_filters(kind: str) -> frozenset[str]:
    """The keys of ``ListQuery.filters`` the list of ``kind`` understands."""
    spec = SPECS[kind]
    return frozenset(spec.filters) | frozenset(spec.session_filters)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_for(session: Session) -> Like:
    """Case-insensitive LIKE: SQLite's LIKE already ignores ASCII case (and keeps its speed);
    other databases need ILIKE."""
    if session.get_bind().dialect.name == "sqlite":
        return lambda expr, pattern: expr.like(pattern, escape="\\")
    return lambda expr, pattern: expr.ilike(pattern, escape="\\")


def _where(
    session: Session, spec: ListSpec, statement: Select[Any], query: ListQuery
) -> Select[Any]:
    like = _like_for(session)
    for word in query.search.split():
        pattern = f"%{_escape_like(word)}%"
        if spec.search_predicate is not None:
            statement = statement.where(spec.search_predicate(word, pattern, like))
        else:
            statement = statement.where(or_(*(like(expr, pattern) for expr in spec.search)))
    for key, value in query.filters.items():
        if value is None or value == "":
            continue
        with_session = spec.session_filters.get(key)
        if with_session is not None:
            statement = statement.where(with_session(session, value))
            continue
        apply = spec.filters.get(key)
        if apply is None:
            raise KeyError(f"unknown filter {key!r} for {spec.kind}")
        statement = statement.where(apply(value))
    return statement


def _sort_expr(spec: ListSpec, key: str) -> ColumnElement[Any]:
    """What a column sorts on: text ignores case (as the search does)."""
    column = spec.column(key)
    expr: ColumnElement[Any] = column.expr
    return func.lower(expr) if column.kind == "text" else expr


def _order(spec: ListSpec, query: ListQuery) -> list[ColumnElement[Any]]:
    key = query.sort_key or spec.default_sort
    descending = query.descending if query.sort_key else spec.default_descending
    expr = _sort_expr(spec, key)
    # Empty values last whatever the direction, then the UUID so that pages never overlap.
    return [expr.is_(None), expr.desc() if descending else expr.asc(), spec.key_column]


def fetch_rows(
    session: Session, kind: str, query: ListQuery, offset: int = 0, limit: int = 200
) -> list[ListRow]:
    """One page of rows of the list of ``kind`` for ``query``."""
    spec = SPECS[kind]
    if spec.key_source is not None:
        keys = walk_page_keys(session, spec, query, offset, limit)
        if keys is None:
            keys = list(
                session.scalars(_keys_statement(session, spec, query).offset(offset).limit(limit))
            )
        return _rows_for_keys(session, spec, keys)
    statement = select(*_columns(spec)).select_from(spec.source)
    statement = _where(session, spec, statement, query).order_by(*_order(spec, query))
    result = session.execute(statement.offset(offset).limit(limit)).mappings().all()
    return _list_rows(session, kind, result)


def all_rows(
    session: Session, kind: str, query: ListQuery, batch: int = 1000
) -> Iterator[list[ListRow]]:
    """Every row matching ``query``, in order, ``batch`` rows at a time (an export).

    One query, read as it comes: page after page with OFFSET would sort and skip every
    earlier row again for each page (most of a national employments export's time), and
    the keys-then-rows path that makes one page cheap costs a look-up per row for a whole
    table."""
    spec = SPECS[kind]
    statement = select(*_columns(spec)).select_from(spec.source)
    statement = _where(session, spec, statement, query).order_by(*_order(spec, query))
    for part in session.execute(statement).mappings().partitions(batch):
        yield _list_rows(session, kind, part)


def first_page(
    session: Session, kind: str, query: ListQuery, limit: int = 200
) -> tuple[int, list[ListRow]]:
    """How many rows match ``query`` and the first page of them: what a list shows first.

    With search words on a long list, matching is the costly part, so the rows and their
    number come from one pass (a window count) instead of two; without, counting is cheap.
    """
    spec = SPECS[kind]
    if spec.key_source is None or not query.search.split():
        return count_rows(session, kind, query), fetch_rows(session, kind, query, 0, limit)
    statement = _keys_statement(session, spec, query).add_columns(func.count().over())
    found = session.execute(statement.limit(limit)).all()
    total = int(found[0][1]) if found else 0
    return total, _rows_for_keys(session, spec, [key for key, _total in found])


def matching_keys(
    session: Session, kind: str, query: ListQuery, stored: bool = False
) -> list[Any]:
    """The keys of every row matching ``query``'s search and filters, in no order (a list
    sorted on something SQL does not hold: services.list_progress); ``stored``: as the
    database gives them (no UUID made of each)."""
    spec = SPECS[kind]
    source = spec.source if spec.key_source is None else spec.key_source
    key = type_coerce(spec.key_column, String) if stored else spec.key_column
    statement = _where(session, spec, select(key).select_from(source), query)
    return list(session.scalars(statement))


def rows_for_keys(session: Session, kind: str, keys: Sequence[Any]) -> list[ListRow]:
    """The rows of the list of ``kind`` whose keys are ``keys``, in that order."""
    return _rows_for_keys(session, SPECS[kind], keys)


def _columns(spec: ListSpec) -> tuple[Any, ...]:
    return (spec.key_column.label("uuid"), *(c.expr.label(c.key) for c in spec.columns))


def _list_rows(session: Session, kind: str, result: Sequence[Any]) -> list[ListRow]:
    rows = [ListRow(r["uuid"], {k: v for k, v in r.items() if k != "uuid"}) for r in result]
    _POST.get(kind, lambda s, r: None)(session, rows)
    return rows


def _keys_statement(
    session: Session, spec: ListSpec, query: ListQuery, ordered: bool = True
) -> Select[Any]:
    """The page's keys chosen on the main table alone, joined only to what the sort column
    needs: joining 60,000 rows to five tables just to keep 200 of them is what makes lists
    slow. Their columns are read afterwards, for the page only (:func:`_rows_for_keys`).
    Not ``ordered``: the caller orders them."""
    sort_key = query.sort_key or spec.default_sort
    source: Any = spec.sort_sources.get(sort_key)
    if source is None:
        tables = set(
            find_tables(spec.column(sort_key).expr.__clause_element__(), check_columns=True)
        )
        source = spec.key_source if tables <= {spec.key_source} else spec.source
    keys = _where(session, spec, select(spec.key_column).select_from(source), query)
    return keys.order_by(*_order(spec, query)) if ordered else keys


def _rows_for_keys(session: Session, spec: ListSpec, page: Sequence[Any]) -> list[ListRow]:
    if not page:
        return []
    found = session.execute(
        select(*_columns(spec)).select_from(spec.source).where(spec.key_column.in_(page))
    ).mappings()
    by_key = {row["uuid"]: row for row in found}
    return _list_rows(session, spec.kind, [by_key[key] for key in page if key in by_key])


def walk_page_keys(
    session: Session, spec: ListSpec, query: ListQuery, offset: int, limit: int
) -> list[Any] | None:
    """The keys of one page of a long list sorted on a parent's column (an employment's
    authority, contract, lot or company), or None when walking would not pay.

    Sorting 60,000 employments on their authority's name joins each of them to four tables
    (slow on national data); instead the parent's sort values are read in order with
    how many parents hold each, and only the rows under the first of them are joined and
    sorted, batch after batch, until the page is full. Same order, rows for rows: batches are
    whole sort values, so ties stay together.
    """
    sort_key = query.sort_key or spec.default_sort
    walk = spec.sort_walks.get(sort_key)
    if walk is None or query.search.split():  # a search's matches are joined as they are
        return None
    need = offset + limit
    matching = count_rows(session, spec.kind, query)
    # Sorting the matching rows joins `matching` rows; a walk joins about need / density rows
    # (twice that with its margins): few matching rows (a filter on one contract, a year
    # without data) or a page deep down the list are cheaper sorted whole.
    if matching * matching <= 2 * need * count_rows(session, spec.kind, ListQuery()):
        return None
    descending = query.descending if query.sort_key else spec.default_descending
    value = _sort_expr(spec, sort_key)
    values = session.execute(
        select(value, func.count())
        .where(value.is_not(None))
        .group_by(value)
        .order_by(value.desc() if descending else value)
    ).all()
    per_parent = matching / max(1, sum(parents for _value, parents in values))
    sizes = [parents * per_parent for _value, parents in values]  # rows expected per value
    keys: list[Any] = []
    start, margin = 0, 1.25
    while len(keys) < need and start < len(values):
        missing = need - len(keys)
        if sizes[start] ** 2 > missing * matching:
            # One value holding many rows (lot "1"): its rows in key order until enough.
            end = start + 1
            statement = _keys_statement(session, spec, query, ordered=False)
            statement = statement.where(value == values[start][0]).order_by(spec.key_column)
        else:
            end, expected = start, 0.0
            while end < len(values) and (end == start or expected < missing * margin):
                if sizes[end] ** 2 > missing * matching:
                    break
                expected += sizes[end]
                end += 1
            first, last = values[start][0], values[end - 1][0]
            low, high = (last, first) if descending else (first, last)
            parents = select(walk.parent_uuid).where(value.between(low, high))
            statement = _keys_statement(session, spec, query).where(walk.reach(parents))
        keys.extend(session.scalars(statement.limit(missing)))
        start, margin = end, margin * 2
    return keys[offset:need]


def count_rows(session: Session, kind: str, query: ListQuery) -> int:
    """How many rows match ``query`` (the list's "N lignes")."""
    spec = SPECS[kind]
    statement = select(spec.key_column).select_from(
        spec.source if spec.key_source is None else spec.key_source
    )
    statement = _where(session, spec, statement, query)
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


def _with_labels(mapping: dict[str, dict[str, str]]) -> Callable[[Session, list[ListRow]], None]:
    """Post-processing that replaces reference codes by their labels (column → kind)."""

    def post(session: Session, rows: list[ListRow]) -> None:
        for key, ref_kind in mapping.items():
            names = labels(session, ref_kind)  # type: ignore[arg-type]
            for row in rows:
                code = row.values.get(key)
                if code is not None:
                    row.values[key] = names.get(code, code)

    return post  # type: ignore[return-value]


def _participants_post(session: Session, rows: list[ListRow]) -> None:
    _with_labels({"qualification_code": ReferenceKind.QUALIFICATION})(session, rows)  # type: ignore[dict-item]
    uuids = [row.uuid for row in rows]
    criteria: dict[uuid.UUID, list[str]] = {u: [] for u in uuids}
    for owner, code in session.execute(
        select(ParticipantCriterion.participant_uuid, ParticipantCriterion.criterion_code)
        .where(ParticipantCriterion.participant_uuid.in_(uuids))
        .order_by(ParticipantCriterion.criterion_code)
    ).all():
        criteria[owner].append(code)
    for row in rows:
        row.values["criteria"] = ", ".join(criteria[row.uuid])
        row.values["last_name"] = (row.values["last_name"] or "").upper()


def _employments_post(session: Session, rows: list[ListRow]) -> None:
    _with_labels(
        {"modality_code": ReferenceKind.MODALITY, "contract_type_code": ReferenceKind.CONTRACT_TYPE}  # type: ignore[dict-item]
    )(session, rows)
    statuses = eligibility_of_employments(session, [row.uuid for row in rows])
    for row in rows:
        last, first = row.values.pop("participant_last"), row.values.pop("participant_first")
        row.values["participant"] = f"{(last or '').upper()} {first or ''}".strip()
        row.values["eligibility"] = statuses[row.uuid].label


_POST: dict[str, Callable[[Session, list[ListRow]], None]] = {
    Kind.COMPANY: _with_labels({"kind": ReferenceKind.COMPANY_KIND}),  # type: ignore[dict-item]
    Kind.PARTICIPANT: _participants_post,
    Kind.EMPLOYMENT: _employments_post,
}


ELIGIBILITY_OPTIONS = (
    ("PENDING", "En attente de justification"),
    *((status, EligibilityStatus.LABELS[status]) for status in EligibilityStatus.ALL),
)
STATUS_OPTIONS = (("current", "En cours"), ("future", "À venir"), ("ended", "Terminés"))
ARCHIVE_OPTIONS = (("active", "Actifs"), ("archived", "Archivés"))


def filter_specs(session: Session, kind: str) -> tuple[FilterSpec, ...]:
    """The filters offered above the list of ``kind``, with their current options: on a
    team's database « Mon portefeuille » first (the default), then the list's own."""
    own = _own_filter_specs(session, kind)
    if kind in PORTFOLIO_KINDS and portfolio_offered(session):
        scope = ((connected_user(session), MY_PORTFOLIO), (None, WHOLE_TERRITORY))
        return (FilterSpec("portfolio", "Périmètre", scope), *own)
    return own


# Lists that « Mon portefeuille » narrows (a contract's lots follow their contract).
PORTFOLIO_KINDS = (
    Kind.AUTHORITY, Kind.OPERATION, Kind.CONTRACT, Kind.COMPANY, Kind.PARTICIPANT,
    Kind.EMPLOYMENT,
)  # fmt: skip


def _own_filter_specs(session: Session, kind: str) -> tuple[FilterSpec, ...]:
    everyone: tuple[tuple[Any, str], ...] = ((None, "Tous"),)
    authorities = _authority_options(session)
    years = tuple((y, str(y)) for y in year_bounds(session, kind))
    if kind == Kind.AUTHORITY:
        return (FilterSpec("archive", "Statut", everyone + ARCHIVE_OPTIONS),)
    if kind == Kind.OPERATION:
        return (FilterSpec("authority_uuid", "Donneur d'ordre", everyone + authorities),)
    if kind == Kind.CONTRACT:
        return (
            FilterSpec("year", "Année", ((None, "Toutes"), *years)),
            FilterSpec("authority_uuid", "Donneur d'ordre", everyone + authorities),
            FilterSpec("status", "Exécution", everyone + STATUS_OPTIONS),
        )
    if kind == Kind.COMPANY:
        kinds = tuple(labels(session, ReferenceKind.COMPANY_KIND).items())
        contract_years = tuple((y, str(y)) for y in year_bounds(session, Kind.CONTRACT))
        return (
            FilterSpec("year", "Année", ((None, "Toutes"), *contract_years)),
            FilterSpec("kind", "Type", everyone + kinds),
        )
    if kind == Kind.PARTICIPANT:
        criteria = tuple(labels(session, ReferenceKind.CRITERION).items())
        return (
            FilterSpec("criterion", "Critère", everyone + criteria),
            FilterSpec("archive", "Statut", everyone + ARCHIVE_OPTIONS),
        )
    if kind == Kind.EMPLOYMENT:
        modalities = tuple(labels(session, ReferenceKind.MODALITY).items())
        return (
            FilterSpec("year", "Année", ((None, "Toutes"), *years)),
            FilterSpec("authority_uuid", "Donneur d'ordre", everyone + authorities),
            FilterSpec("modality", "Modalité", ((None, "Toutes"), *modalities)),
            FilterSpec("status", "Statut", everyone + STATUS_OPTIONS),
            FilterSpec("eligibility", "Éligibilité", everyone + ELIGIBILITY_OPTIONS),
        )
    return ()


def _authority_options(session: Session) -> tuple[tuple[Any, str], ...]:
    from clauses_app.models import ContractingAuthority as A

    rows = session.execute(select(A.uuid, A.name).order_by(func.lower(A.name))).all()
    return tuple((u, n) for u, n in rows)


def today() -> date:
    return date.today()

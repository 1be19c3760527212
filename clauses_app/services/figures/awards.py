"""Reading what the figures need about awards, in bulk and without per-row ORM work.

This is half of the hot path of every balance (a national database has ~75,000 awards): ids
are read raw and turned into UUIDs once per distinct value, numbers are read as the driver gives
them and turned into Decimal only when a rule uses them, and the awards per lot are counted
here rather than by a grouped sub-query. The hours are counted by :mod:`summed` or
:mod:`streamed`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Select, String, Text, Uuid, cast, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from clauses_app.models import (
    Award,
    ClauseMode,
    Employment,
    Invoice,
    Lot,
    Operation,
    PoolingScope,
    PublicContract,
)
from clauses_app.services.counting import (
    NOTHING,
    WHOLE,
    round_hours,
    share_in_cents,
    share_months,
)
from clauses_app.services.figures.award import AwardFigures
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings, CountingRules, effective_rules

HUNDRED = Decimal(100)
NO_LIMIT = 10**7


def raw(column: Any) -> Any:
    """A column read without type processing (a UUID as stored, a date as stored). An id
    (Uuid column) comes as text on every database: SQLite stores it so, and on PostgreSQL
    the server writes it out (:class:`IdText`), since psycopg's uuid.UUID values would cost
    more than the rows themselves (made by Python code, hashed by Python code in every
    dict the figures join by key)."""
    label = f"raw_{column.table.name}_{column.key}"
    if isinstance(column.type, Uuid):
        return IdText(column).label(label)
    return type_coerce(column, String).label(label)


class IdText(FunctionElement[str]):
    """An id column as text: the column itself on SQLite (32 hex digits), ``CAST(… AS
    TEXT)`` on PostgreSQL (the 36-character form). Compare it to ids of its own kind only
    (:func:`raw_in`)."""

    type = String()
    name = "id_text"
    inherit_cache = True


@compiles(IdText)
def _id_text(element: IdText, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(IdText, "postgresql")
def _id_text_postgresql(element: IdText, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


class DayText(FunctionElement[str]):
    """A date as ``YYYY-MM-DD`` text: as stored on SQLite, ``to_char`` on PostgreSQL (a
    cast would follow the session's DateStyle)."""

    type = String()
    name = "day_text"
    inherit_cache = True


@compiles(DayText)
def _day_text_sqlite(element: DayText, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(DayText, "postgresql")
def _day_text_postgresql(element: DayText, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


class JoinedText(FunctionElement[str]):
    """The texts of a column's rows joined by commas into one value (NULL for no row):
    ``group_concat`` on SQLite, ``string_agg`` on PostgreSQL. What a job of the database
    worker reads when it may find many rows: one row, whatever their number (each row
    fetched on the worker waits for Python's lock; see storage/worker.py)."""

    type = String()
    name = "joined_text"
    inherit_cache = True


@compiles(JoinedText)
def _joined_text_sqlite(element: JoinedText, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(JoinedText, "postgresql")
def _joined_text_postgresql(element: JoinedText, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


def raw_in(column: Any, keys: Sequence[Any]) -> Any:
    """``column`` (an id) among ``keys``, ids read by :func:`raw` (text); the condition
    compares the column itself, so that its index serves it."""
    return type_coerce(column, Uuid(as_uuid=False)).in_(keys)


def raw_json(column: Any) -> Any:
    """A JSON column as its text on every database: psycopg would decode each value (every
    contract's, ``null`` included), which costs more than the few distinct texts decoded once
    by the rules' cache."""
    return cast(column, Text).label(f"raw_{column.table.name}_{column.key}")


_new_object = object.__new__
_set_slot = object.__setattr__
_UNKNOWN_SAFETY = uuid.SafeUUID.unknown


class UuidCache(dict[Any, Any]):
    """Raw stored identifiers → uuid.UUID, converting each distinct value once.

    ``cache[raw]`` is a plain dict lookup; :func:`raw` gives 32 hex digits on SQLite, the
    36-character form on PostgreSQL (UUID objects are taken as they are). A balance of the
    national database converts ~215,000 distinct ids: the text is turned into a UUID the way
    ``uuid.UUID.__init__`` itself stores it (its two slots), without re-validating text that
    only ever came from a UUID column — a third of the cost.
    """

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            found = value
        elif len(value) in (32, 36):
            found = _new_object(uuid.UUID)
            _set_slot(found, "int", int(value if len(value) == 32 else value.replace("-", ""), 16))
            _set_slot(found, "is_safe", _UNKNOWN_SAFETY)
        else:
            found = uuid.UUID(value)
        self[value] = found
        return found


def driver_rows(session: Session, statement: Any, batch: int = 5000) -> Iterator[Sequence[Any]]:
    """The rows of ``statement`` as the database driver returns them, ``batch`` at a time.

    The figures read ~450,000 rows for a national year: SQLAlchemy's Row objects would cost
    more than the rows themselves, and the columns read are raw (see :func:`raw`) anyway.
    """
    with session.connection().execute(statement) as result:
        cursor = result.cursor
        while rows := cursor.fetchmany(batch):
            yield rows


# Up to this many keys, rows are asked for by key (KEYS_PER_QUERY at a time); beyond it, the
# statement is read whole once and filtered here (rules that send most employments to the
# reference implementation, like a training cap, make every employment one of them).
BY_KEY_LIMIT = 3000
KEYS_PER_QUERY = 500


def rows_for_keys(
    session: Session, statement: Any, key_column: Any, keys: set[Any]
) -> Iterator[Sequence[Any]]:
    """The rows of ``statement`` whose first column, ``key_column`` read raw, is in ``keys``."""
    if not keys:
        return
    if len(keys) <= BY_KEY_LIMIT:
        chosen = sorted(keys, key=str)
        statements = [
            statement.where(raw_in(key_column, chosen[i : i + KEYS_PER_QUERY]))
            for i in range(0, len(chosen), KEYS_PER_QUERY)
        ]
    else:
        statements = [statement]
    for each in statements:
        for batch in driver_rows(session, each):
            for row in batch:
                if row[0] in keys:
                    yield row


def number(column: Any) -> Any:
    """A numeric column read as the driver gives it (int or float on SQLite, Decimal on
    PostgreSQL)."""
    return type_coerce(column, Float).label(f"num_{column.table.name}_{column.key}")


def exact(value: Any) -> Decimal:
    """A raw numeric value as the Decimal it stands for (stored with at most four decimals)."""
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def decimal(value: Any) -> Decimal | None:
    """:func:`exact`, keeping None."""
    return None if value is None else exact(value)


def json_value(value: Any) -> Any:
    """A raw JSON column (its text through raw_json; already decoded otherwise)."""
    return json.loads(value) if isinstance(value, str) else value


def year_of(value: Any) -> int:
    return int(value[:4]) if isinstance(value, str) else int(value.year)


def month_index_of(value: Any) -> int:
    """Month index (year × 12 + month − 1) of a date or an ISO date string."""
    if isinstance(value, str):
        return int(value[:4]) * 12 + int(value[5:7]) - 1
    return int(value.year) * 12 + int(value.month) - 1


def as_date(value: Any) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def to_decimal(value: float | Decimal) -> Decimal:
    """A float sum of hours as the Decimal it stands for, rounded to the cent half-up."""
    if isinstance(value, Decimal):
        return round_hours(value)
    return round_hours(Decimal(repr(value)))


class MonthIndexes(dict[Any, Any]):
    """Raw date → month index (None for None), computed once per distinct value."""

    def __missing__(self, day: Any) -> int | None:
        index = self[day] = None if day is None else month_index_of(day)
        return index


@dataclass(slots=True)
class ContractTerms:
    """What the figures need of a public contract (raw keys and dates)."""

    key: Any
    authority_key: Any
    operation_key: Any
    notification: Any
    start: Any
    end: Any
    pooling_scope: str
    rules: CountingRules


@dataclass(slots=True)
class LotTerms:
    """What the figures need of a lot: its performance period (its own dates, else its
    contract's) and the month indexes whose hours may count in the period (``first``/``last``:
    the period's, narrowed to the performance period when the rules say so)."""

    key: Any
    contract: ContractTerms
    number: str
    clause_mode: str
    required_hours: Any  # raw numbers: Decimal only when a rule uses them
    required_percent: Any
    performance_start: Any  # raw dates
    performance_end: Any
    first_month: int | None  # of the performance period
    last_month: int | None
    first: int
    last: int
    # The fraction of required hours that falls in the period (counting.share_months); None
    # when it depends on each award's date (no performance period and no notification).
    share: tuple[int, int] | None
    awards: int = 0
    # INVOICED clauses: « tranche_hours h per tranche_amount € HT invoiced » (raw numbers).
    tranche_amount: Any = None
    tranche_hours: Any = None


def scope(statement: Select, authority_uuid: uuid.UUID | None) -> Select:  # type: ignore[type-arg]
    """``statement`` (joined up to PublicContract) limited to one authority, if given."""
    if authority_uuid is None:
        return statement
    return statement.where(PublicContract.authority_uuid == authority_uuid)


def employments_in_scope(statement: Select, authority_uuid: uuid.UUID | None) -> Select:  # type: ignore[type-arg]
    """``statement`` (on Employment) limited to one authority's work contracts, if given
    (joined up to their contract only then)."""
    if authority_uuid is None:
        return statement
    return scope(
        statement.join(Award, Employment.award_uuid == Award.uuid)
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid),
        authority_uuid,
    )


def _all(session: Session, statement: Any) -> list[Any]:
    return [row for batch in driver_rows(session, statement) for row in batch]


def read_awards(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    uuids: UuidCache,
    *,
    award_months: bool = False,
) -> dict[Any, AwardFigures]:
    """Every award in scope, keyed by its raw id, with its required hours for the period and
    its counting rules (``award_months``: keep counted hours per month for each award;
    ``uuids``: the computation's cache of UUIDs, which the awards share).

    Contracts, lots and awards are read by three plain scans joined here by key (cheaper than
    one joined query on text keys); awards per lot are counted on the way."""
    lots = _load_lots(
        session, period, authority_uuid, _load_contracts(session, authority_uuid, settings)
    )
    statement = select(
        raw(Award.uuid), raw(Award.lot_uuid), raw(Award.company_uuid),
        number(Award.required_hours), number(Award.required_percent),
        number(Award.worked_hours_total), raw(Award.award_date),
    )  # fmt: skip
    if authority_uuid is not None:
        statement = scope(
            statement.join(Lot, Award.lot_uuid == Lot.uuid).join(
                PublicContract, Lot.contract_uuid == PublicContract.uuid
            ),
            authority_uuid,
        )
    rows = _all(session, statement)
    for _award, lot_key, _company, _hours, _percent, _worked, _date in rows:
        lots[lot_key].awards += 1
    invoiced = (
        invoiced_in_period(session, period, authority_uuid)
        if any(lot.clause_mode == ClauseMode.INVOICED for lot in lots.values())
        else {}
    )
    lo = month_index_of(period.start) if period.start else None
    hi = month_index_of(period.end) if period.end else None
    awards: dict[Any, AwardFigures] = {}
    for award_key, lot_key, company_key, hours, percent, worked, award_date in rows:
        lot = lots[lot_key]
        if lot.clause_mode == ClauseMode.INVOICED:
            # The amounts invoiced in the period are the period's: no pro-rata.
            numerator, denominator = invoiced_required(lot, invoiced.get(award_key), settings)
            share = WHOLE
        else:
            numerator, denominator = award_required(lot, hours, percent, worked, settings)
            share = lot.share or share_months(
                lot.first_month, lot.last_month, year_of(award_date) if award_date else None,
                lo, hi,
            )  # fmt: skip
        awards[award_key] = AwardFigures(
            award_key, company_key, lot, share_in_cents(numerator, denominator, share), uuids,
            {} if award_months else None,
        )  # fmt: skip
    return awards


def _load_contracts(
    session: Session, authority_uuid: uuid.UUID | None, settings: AppSettings
) -> dict[Any, ContractTerms]:
    """The contracts in scope, each with its effective counting rules."""
    overrides = dict(
        _all(
            session,
            select(raw(Operation.uuid), raw_json(Operation.rules_override)).where(
                Operation.rules_override.is_not(None)
            ),
        )
    )
    statement = scope(
        select(
            raw(PublicContract.uuid), raw(PublicContract.authority_uuid),
            raw(PublicContract.operation_uuid), raw(PublicContract.notification_date),
            raw(PublicContract.start_date), raw(PublicContract.end_date),
            PublicContract.pooling_scope, raw_json(PublicContract.rules_override),
        ),
        authority_uuid,
    )  # fmt: skip
    rules_cache: dict[tuple[Any, Any], CountingRules] = {}
    contracts: dict[Any, ContractTerms] = {}
    for key, authority, operation, notification, start, end, pooling, override in _all(
        session, statement
    ):
        operation_override = overrides.get(operation)
        cache_key = (operation_override, override)  # JSON text (raw_json)
        rules = rules_cache.get(cache_key)
        if rules is None:
            rules = rules_cache[cache_key] = effective_rules(
                settings, json_value(operation_override), json_value(override)
            )
        contracts[key] = ContractTerms(
            key, authority, operation, notification, start, end,
            pooling or PoolingScope.NONE, rules,
        )  # fmt: skip
    return contracts


def _load_lots(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    contracts: dict[Any, ContractTerms],
) -> dict[Any, LotTerms]:
    """The lots in scope with their performance period and counting window."""
    statement = select(
        raw(Lot.uuid), raw(Lot.contract_uuid), Lot.number, Lot.clause_mode,
        number(Lot.required_hours), number(Lot.required_percent), raw(Lot.start_date),
        raw(Lot.end_date), number(Lot.tranche_amount), number(Lot.tranche_hours),
    )  # fmt: skip
    if authority_uuid is not None:
        statement = scope(
            statement.join(PublicContract, Lot.contract_uuid == PublicContract.uuid),
            authority_uuid,
        )
    lo = month_index_of(period.start) if period.start else None
    hi = month_index_of(period.end) if period.end else None
    window_lo = -NO_LIMIT if lo is None else lo
    window_hi = NO_LIMIT if hi is None else hi
    month_of = MonthIndexes()  # lots mostly share their contract's dates
    shares: dict[tuple[int, int], tuple[int, int]] = {}  # performance months → share
    lots: dict[Any, LotTerms] = {}
    for row in _all(session, statement):
        key, contract_key, lot_number, mode, hours, percent, start, end, tranche, per = row
        contract = contracts[contract_key]
        start, end = start or contract.start, end or contract.end
        first = month_of[start]
        last = month_of[end]
        window_first, window_last = window_lo, window_hi
        if contract.rules.only_performance_period:
            window_first = window_lo if first is None else max(window_lo, first)
            window_last = window_hi if last is None else min(window_hi, last)
        share = None  # see LotTerms.share
        if first is not None and last is not None:
            share = shares.get((first, last))
            if share is None:
                share = shares[first, last] = share_months(first, last, None, lo, hi)
        elif contract.notification:
            share = share_months(None, None, year_of(contract.notification), lo, hi)
        lots[key] = LotTerms(
            key, contract, lot_number, mode, hours, percent, start, end, first, last,
            window_first, window_last, share, tranche_amount=tranche, tranche_hours=per,
        )  # fmt: skip
    return lots


# The figures of a lot and of its awards that the lot's clause mode reads to work out the
# hours owed (award_required and invoiced_required below; tests/core/
# test_award_figures_used.py checks each against the figures): the lot's and the award's
# forms ask for these.
LOT_FIGURES_USED: dict[str, tuple[str, ...]] = {
    ClauseMode.HOURS: ("required_hours",),
    ClauseMode.PERCENT: ("required_percent",),
    ClauseMode.INVOICED: ("tranche_hours", "tranche_amount"),
}
AWARD_FIGURES_USED: dict[str, tuple[str, ...]] = {
    ClauseMode.HOURS: ("required_hours",),
    ClauseMode.PERCENT: ("required_percent", "worked_hours_total"),
    ClauseMode.INVOICED: (),
}


def award_required(
    lot: LotTerms, award_hours: Any, award_percent: Any, award_worked: Any, settings: AppSettings
) -> tuple[int, int]:
    """The hours an award owes, as an exact fraction (numerator, denominator): its own figure,
    else its equal share of the lot's.

    Numbers come raw (float or Decimal) and only those the clause mode uses are converted."""
    if lot.clause_mode == ClauseMode.PERCENT:
        percent = award_percent if award_percent is not None else lot.required_percent
        if percent is None or award_worked is None:
            return NOTHING
        owed = settings.round_hours(exact(award_worked) * exact(percent) / HUNDRED)
        return owed.as_integer_ratio()
    if award_hours is not None:
        return exact_ratio(award_hours)
    if lot.required_hours is not None and lot.awards:
        numerator, denominator = exact_ratio(lot.required_hours)
        return numerator, denominator * lot.awards
    return NOTHING


def invoiced_in_period(
    session: Session, period: Period, authority_uuid: uuid.UUID | None
) -> dict[Any, Decimal]:
    """The amounts invoiced in the period, summed exactly per award (raw award id → euros HT).

    An amount belongs to the period of its date (``invoiced_on``), whatever the performance
    period: the clause counts what was ordered and invoiced."""
    statement = select(raw(Invoice.award_uuid), number(Invoice.amount_ht))
    if period.start is not None:
        statement = statement.where(Invoice.invoiced_on >= period.start)
    if period.end is not None:
        statement = statement.where(Invoice.invoiced_on <= period.end)
    if authority_uuid is not None:
        statement = scope(
            statement.join(Award, Invoice.award_uuid == Award.uuid)
            .join(Lot, Award.lot_uuid == Lot.uuid)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid),
            authority_uuid,
        )
    totals: dict[Any, Decimal] = {}
    for award_key, amount in _all(session, statement):
        totals[award_key] = totals.get(award_key, ZERO_EUROS) + exact(amount)
    return totals


ZERO_EUROS = Decimal(0)


def invoiced_required(
    lot: LotTerms, invoiced: Decimal | None, settings: AppSettings
) -> tuple[int, int]:
    """The hours an award of an INVOICED lot owes for a period, as an exact fraction: the
    amounts it invoiced in the period × tranche hours ÷ tranche amount, rounded once on that
    total (the rounding setting), never per order (``sizing.size_invoiced``). Nothing without
    amounts or without a valid tranche (the form refuses one; an import may not)."""
    if not invoiced or lot.tranche_amount is None:
        return NOTHING
    amount = exact(lot.tranche_amount)
    hours = exact(lot.tranche_hours) if lot.tranche_hours is not None else Decimal(1)
    if amount <= 0 or hours <= 0 or invoiced < 0:
        return NOTHING
    return settings.round_hours(invoiced * hours / amount).as_integer_ratio()


def exact_ratio(value: Any) -> tuple[int, int]:
    """A raw number as the exact fraction of the decimal it stands for. A float read from
    SQLite is its nearest binary value: one within a millionth of a whole cent is that number
    of cents (the common case, without making a Decimal), any other goes through its repr."""
    if isinstance(value, int):  # SQLite gives whole numbers as int
        return value, 1
    if isinstance(value, float):
        cents = whole_cents(value)
        if cents is not None:
            return cents, 100
    return exact(value).as_integer_ratio()


def cents_of_sum(value: float) -> int:
    """A float sum of hours rounded to the whole cent, half-up: :func:`to_decimal` × 100,
    without making a Decimal when the sum is whole cents (hours have two decimals, so a sum
    of them is)."""
    cents = whole_cents(value)
    return cents if cents is not None else int(to_decimal(value) * 100)


def cents_of_hours(summed: float, exact: Decimal) -> int:
    """Hours counted in two parts, rounded once to the whole cent, half-up: ``summed``, a
    float sum of two-decimal hours (whole cents), plus ``exact``, hours of any number of
    decimals summed as Decimal (the reference rules'). Adding the second part as floats
    would make a half cent (0.03 + 0.005) round up or down with the order of the terms."""
    if not exact:
        return cents_of_sum(summed)
    cents = whole_cents(summed)
    part = Decimal(repr(summed)) if cents is None else Decimal(cents).scaleb(-2)
    return int(round_hours(part + exact).scaleb(2))


def whole_cents(value: float) -> int | None:
    """The whole number of cents a float of hours stands for, when it is within a millionth
    of one (else None: the value has more than two decimals)."""
    scaled = value * 100
    cents = round(scaled)
    return cents if abs(scaled - cents) < 1e-6 else None

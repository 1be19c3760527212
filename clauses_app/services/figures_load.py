"""Loading what the figures need about awards, in bulk and without per-row ORM work.

This is half of the hot path of every balance (a national database has ~75,000 awards): ids
are read raw and turned into UUIDs once per distinct value, numbers are read as the driver gives
them and turned into Decimal only when a rule uses them, and the awards per lot are counted
here rather than by a grouped sub-query. The hours half is :mod:`figures_hours`.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Select, String, select, type_coerce
from sqlalchemy.orm import Session

from clauses_app.models import Award, ClauseMode, Lot, Operation, PoolingScope, PublicContract
from clauses_app.services.counting import required_share_months, round_hours
from clauses_app.services.periods import Period
from clauses_app.services.settings import AppSettings, CountingRules, effective_rules

HUNDRED = Decimal(100)
NO_LIMIT = 10**7


def raw(column: Any) -> Any:
    """A column read without type processing (a UUID as stored, a date as stored)."""
    return type_coerce(column, String).label(f"raw_{column.table.name}_{column.key}")


_new_object = object.__new__
_set_slot = object.__setattr__
_UNKNOWN_SAFETY = uuid.SafeUUID.unknown


class UuidCache(dict[Any, Any]):
    """Raw stored identifiers → uuid.UUID, converting each distinct value once.

    ``cache[raw]`` is a plain dict lookup; SQLite gives 32-digit hex text, PostgreSQL UUID
    objects. A balance of the national database converts ~215,000 distinct ids: the hex text
    is turned into a UUID the way ``uuid.UUID.__init__`` itself stores it (its two slots),
    without re-validating text that only ever came from a UUID column — a third of the cost.
    """

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            found = value
        elif len(value) == 32:
            found = _new_object(uuid.UUID)
            _set_slot(found, "int", int(value, 16))
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


def number(column: Any) -> Any:
    """A numeric column read as the driver gives it (float on SQLite, Decimal on PostgreSQL)."""
    return type_coerce(column, Float).label(f"num_{column.table.name}_{column.key}")


def exact(value: Any) -> Decimal:
    """A raw numeric value as the Decimal it stands for (stored with at most four decimals)."""
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def decimal(value: Any) -> Decimal | None:
    """:func:`exact`, keeping None."""
    return None if value is None else exact(value)


def json_value(value: Any) -> Any:
    """A raw JSON column (text on SQLite, already decoded on PostgreSQL)."""
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


@dataclass(slots=True)
class AwardLoad:
    """One award while its figures are being computed: raw keys, float accumulators.

    ``first``/``last`` are the month indexes whose hours may count for this award in the
    period (the period's, narrowed to the performance period when the rules say so).
    """

    rules: CountingRules
    performance_start: Any  # raw dates: turned into dates only for the employments needing them
    performance_end: Any
    first: int
    last: int
    labour_share: Any  # raw; Decimal only for the employments that need it
    hourly_cost: Any
    award_key: Any
    lot_key: Any
    contract_key: Any
    operation_key: Any
    authority_key: Any
    company_key: Any
    pooling_scope: str
    lot_number: str
    hours_required: Decimal
    done: float = 0.0
    employment_count: int = 0
    monthly: dict[int, float] | None = None  # per month index, only when asked for


def scope(statement: Select, authority_uuid: uuid.UUID | None) -> Select:  # type: ignore[type-arg]
    if authority_uuid is None:
        return statement
    return statement.where(PublicContract.authority_uuid == authority_uuid)


def load_awards(
    session: Session,
    period: Period,
    authority_uuid: uuid.UUID | None,
    settings: AppSettings,
    *,
    award_months: bool = False,
) -> dict[Any, AwardLoad]:
    """Every award in scope, keyed by its raw id, with its required hours for the period and
    its counting rules (``award_months``: keep counted hours per month for each award)."""
    statement = (
        select(
            raw(Award.uuid),
            raw(Award.lot_uuid),
            raw(Award.company_uuid),
            number(Award.required_hours),
            number(Award.required_percent),
            number(Award.worked_hours_total),
            raw(Award.award_date),
            Lot.number,
            Lot.clause_mode,
            number(Lot.required_hours),
            number(Lot.required_percent),
            raw(Lot.start_date),
            raw(Lot.end_date),
            number(Lot.labour_share),
            number(Lot.hourly_cost),
            raw(PublicContract.uuid),
            raw(PublicContract.authority_uuid),
            raw(PublicContract.operation_uuid),
            raw(PublicContract.notification_date),
            raw(PublicContract.start_date),
            raw(PublicContract.end_date),
            PublicContract.pooling_scope,
            raw(PublicContract.rules_override),
            raw(Operation.rules_override),
        )
        .join(Lot, Award.lot_uuid == Lot.uuid)
        .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
        .outerjoin(Operation, PublicContract.operation_uuid == Operation.uuid)
    )
    rows = [
        row for batch in driver_rows(session, scope(statement, authority_uuid)) for row in batch
    ]
    # Every award of a lot is in scope (the scope is the lot's authority): count them here.
    awards_per_lot = Counter(row[1] for row in rows)
    lo = month_index_of(period.start) if period.start else None
    hi = month_index_of(period.end) if period.end else None
    rules_cache: dict[tuple[str, str], CountingRules] = {}
    loads: dict[Any, AwardLoad] = {}
    for row in rows:
        (
            award_key, lot_key, company_key, a_hours, a_percent, a_worked, award_date,
            lot_number, clause_mode, lot_hours, lot_percent, lot_start, lot_end, labour_share,
            hourly_cost, contract_key, authority_key, operation_key, notification, c_start,
            c_end, pooling, contract_override, operation_override,
        ) = row  # fmt: skip
        required = award_required(
            clause_mode, a_hours, a_percent, a_worked, lot_hours, lot_percent,
            awards_per_lot[lot_key], settings,
        )  # fmt: skip
        start, end = lot_start or c_start, lot_end or c_end
        first = month_index_of(start) if start else None
        last = month_index_of(end) if end else None
        fallback = notification or award_date
        share = required_share_months(
            required, first, last, year_of(fallback) if fallback else None, lo, hi
        )
        # Raw JSON is text on SQLite but a decoded (unhashable) dict on PostgreSQL.
        cache_key = (repr(operation_override), repr(contract_override))
        rules = rules_cache.get(cache_key)
        if rules is None:
            rules = rules_cache[cache_key] = effective_rules(
                settings, json_value(operation_override), json_value(contract_override)
            )
        window_first = -NO_LIMIT if lo is None else lo
        window_last = NO_LIMIT if hi is None else hi
        if rules.only_performance_period:
            window_first = window_first if first is None else max(window_first, first)
            window_last = window_last if last is None else min(window_last, last)
        loads[award_key] = AwardLoad(
            rules=rules,
            performance_start=start,
            performance_end=end,
            first=window_first,
            last=window_last,
            labour_share=labour_share,
            hourly_cost=hourly_cost,
            award_key=award_key,
            lot_key=lot_key,
            contract_key=contract_key,
            operation_key=operation_key,
            authority_key=authority_key,
            company_key=company_key,
            pooling_scope=pooling or PoolingScope.NONE,
            lot_number=lot_number,
            hours_required=round_hours(share),
            monthly={} if award_months else None,
        )
    return loads


def award_required(
    clause_mode: str,
    award_hours: Any,
    award_percent: Any,
    award_worked: Any,
    lot_hours: Any,
    lot_percent: Any,
    awards_on_lot: int,
    settings: AppSettings,
) -> Decimal:
    """The hours an award owes: its own figure, else its equal share of the lot's.

    Numbers come raw (float or Decimal) and only those the clause mode uses are converted."""
    if clause_mode == ClauseMode.PERCENT:
        percent = award_percent if award_percent is not None else lot_percent
        if percent is None or award_worked is None:
            return Decimal(0)
        return settings.round_hours(exact(award_worked) * exact(percent) / HUNDRED)
    if award_hours is not None:
        return exact(award_hours)
    if lot_hours is not None and awards_on_lot:
        return exact(lot_hours) / Decimal(awards_on_lot)
    return Decimal(0)

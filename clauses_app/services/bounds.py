"""The largest amounts and hours the application takes in, and the days its dates may be. Qt-free.

A money column holds twelve whole digits and an hours column ten (``models.base.Money``:
``Numeric(14, 2)``, ``Hours``: ``Numeric(12, 2)``), and the Clause import already refuses
anything larger as « trop grand » (``exchange.format``). Every other way in refuses the same
values: the command line's options (``cli.common.parse_decimal``), the services that store
amounts invoiced (``records.validation.invoice_errors``) and thresholds
(``thresholds.check_table``), the spreadsheet imports (``exchange.sheets.values.parse_hours``,
``parse_amount``). A larger figure is a typing mistake (or a hostile file), and past it the
figures' ``Decimal`` arithmetic (28 digits) and the formatting of amounts overflow.

A sign is not a bound: each service says in its own words that a value cannot be negative.

The reference day of a computation (``--today``) lies between :data:`FIRST_DAY` and
:data:`LAST_DAY`, the same years as ``--year``: the alerts and the purge count years and
months back and forth from it, which ``datetime.date`` cannot do near years 1 and 9999.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Numeric

from clauses_app.models.base import Hours, Money


def _largest(column: Numeric[Decimal]) -> Decimal:
    """The largest value a ``Numeric(precision, scale)`` column holds: 999…9.99."""
    scale = column.scale or 0
    whole = (column.precision or 38) - scale
    return Decimal(10) ** whole - Decimal(10) ** -scale


MAX_MONEY = _largest(Money())  # 999 999 999 999,99 €
MAX_HOURS = _largest(Hours())  # 9 999 999 999,99 h
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2200, 12, 31)


def beyond(value: Decimal, maximum: Decimal) -> bool:
    """Whether ``value`` is no number (infinite, NaN) or larger than ``maximum``. A negative
    value is not beyond: every caller refuses it in its own words."""
    return not value.is_finite() or value > maximum

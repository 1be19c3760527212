"""French formatting of every number, amount, percentage and date shown to a person (Babel).

The UI, the reports and the command line all go through these functions, so that a figure
reads the same everywhere: ``1 607 h``, ``12,5 %``, ``1 234 567,50 €``, ``14/02/2025``.
Babel separates thousands with a narrow no-break space (U+202F).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal

LOCALE = "fr_FR"
Number = Decimal | float | int


def format_number(value: Number, decimals: int = 2) -> str:
    """A number with at most ``decimals`` decimals (``1 234,5``)."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def format_hours(value: Number) -> str:
    """Hours with at most two decimals and the unit: ``1 607 h``, ``151,67 h``."""
    return f"{format_number(value, 2)}\u00a0h"


def format_money(value: Number) -> str:
    """Euros with cents: ``1 234 567,50 €``."""
    return format_currency(value, "EUR", locale=LOCALE)


def format_percent(ratio: Number | None, decimals: int = 1) -> str:
    """A ratio as a percentage with at most one decimal: 0.125 → ``12,5 %``; None → ``—``."""
    if ratio is None:
        return "—"
    return f"{format_number(Decimal(str(ratio)) * 100, decimals)}\u00a0%"


def format_etp(value: Number) -> str:
    """Full-time equivalents with two decimals: ``38,58 ETP``."""
    pattern = "#,##0.00"
    return f"{format_decimal(value, format=pattern, locale=LOCALE)}\u00a0ETP"


def format_date(value: date | None, long: bool = False) -> str:
    """``14/02/2025`` (or ``14 février 2025`` when ``long``); empty for None."""
    if value is None:
        return ""
    return _babel_date(value, format="long" if long else "dd/MM/yyyy", locale=LOCALE)


MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def format_month(year: int, month: int, short: bool = False) -> str:
    """``mars 2025`` (or ``03/2025`` when ``short``)."""
    return f"{month:02d}/{year}" if short else f"{MONTH_NAMES[month - 1]} {year}"

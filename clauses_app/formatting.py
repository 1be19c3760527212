"""French formatting of every number, amount, percentage and date shown to a person (Babel).

The UI, the reports and the command line all go through these functions, so that a figure
reads the same everywhere: ``1 607 h``, ``12,5 %``, ``1 234 567,50 €``, ``14/02/2025``.
Babel separates thousands with a narrow no-break space (U+202F).

Text written into a DOCX or XLSX file goes through :func:`xml_text` first: XML 1.0 cannot hold
most control characters, and a name typed or imported with one must not stop a report.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import NumberPattern, format_currency, parse_pattern

LOCALE = "fr_FR"
Number = Decimal | float | int


@cache
def _locale() -> Locale:
    return Locale.parse(LOCALE)


@cache
def _pattern(text: str) -> NumberPattern:
    """Parsed once: a report formats thousands of figures, and parsing the pattern and the
    locale on each call (what ``format_decimal`` does) cost more than formatting."""
    return parse_pattern(text)


def _decimal(value: Number, pattern: str) -> str:
    return _pattern(pattern).apply(value, _locale())


def format_number(value: Number, decimals: int = 2) -> str:
    """A number with at most ``decimals`` decimals (``1 234,5``)."""
    return _decimal(value, "#,##0" + ("." + "#" * decimals if decimals else ""))


def format_hours(value: Number, fixed: bool = False) -> str:
    """Hours with at most two decimals and the unit: ``1 607 h``, ``151,67 h``; with
    ``fixed``, always two (``1 607,00 h``), so that a column of figures lines up."""
    if fixed:
        return f"{_decimal(value, '#,##0.00')}\u00a0h"
    return f"{format_number(value, 2)}\u00a0h"


def format_money(value: Number) -> str:
    """Euros with cents: ``1 234 567,50 €``."""
    return format_currency(value, "EUR", locale=LOCALE)


def format_percent(ratio: Number | None, decimals: int = 1, fixed: bool = False) -> str:
    """A ratio as a percentage with at most one decimal: 0.125 → ``12,5 %``; None → ``—``;
    with ``fixed``, always ``decimals`` of them (0.45 → ``45,0 %``)."""
    if ratio is None:
        return "—"
    percent = Decimal(str(ratio)) * 100
    if fixed and decimals:
        return f"{_decimal(percent, '#,##0.' + '0' * decimals)}\u00a0%"
    return f"{format_number(percent, decimals)}\u00a0%"


def format_etp(value: Number) -> str:
    """Full-time equivalents with two decimals: ``38,58 ETP``."""
    return f"{_decimal(value, '#,##0.00')}\u00a0ETP"


def format_date(value: date | None, long: bool = False) -> str:
    """``14/02/2025`` (or ``14 février 2025`` when ``long``); empty for None."""
    if value is None:
        return ""
    return _babel_date(value, format="long" if long else "dd/MM/yyyy", locale=LOCALE)


def format_moment(value: datetime | None) -> str:
    """A UTC timestamp in the computer's time zone: ``04/12/2026 à 14:32``; empty for None."""
    if value is None:
        return ""
    local = value.astimezone()
    return f"{format_date(local.date())} à {local:%H:%M}"


MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def format_month(year: int, month: int, short: bool = False) -> str:
    """``mars 2025`` (or ``03/2025`` when ``short``)."""
    return f"{month:02d}/{year}" if short else f"{MONTH_NAMES[month - 1]} {year}"


def display_text(kind: str, value: Any) -> str:
    """A value as a person reads it, in French (``1 607 h``, ``12,5 %``, ``14/02/2025``)."""
    if value is None or value == "":
        return ""
    if kind == "date" and isinstance(value, date):
        return format_date(value)
    if kind == "money":
        return format_money(Decimal(value))
    if kind == "hours":
        return format_hours(Decimal(value))
    if kind == "month" and isinstance(value, date):
        return format_month(value.year, value.month, short=True)
    if kind == "percent":
        return f"{format_number(Decimal(value), 1)}\u00a0%"
    if kind == "int":
        return format_number(int(value), 0)
    if kind == "bool":
        return "oui" if value else ""
    return str(value)


def of_month(year: int, month: int) -> str:
    """``de mars 2025``, ``d'avril 2025``: « de » elided before a month that starts with a
    vowel (avril, août, octobre), as in « Heures d'octobre 2026 »."""
    name = format_month(year, month)
    return f"d'{name}" if name[0] in "aeiouéè" else f"de {name}"


def plural(count: int, singular: str, plural_form: str) -> str:
    """``1 contrat``, ``2 contrats``, ``1 234 contrats`` (French: 0 and 1 are singular)."""
    return f"{format_number(count, 0)} {singular if count <= 1 else plural_form}"


# What XML 1.0 cannot hold (its Char production): the C0 controls but tab, line feed and
# carriage return; U+FFFE and U+FFFF; surrogates, which a str holds only alone.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Those that separate words (str.isspace): Word's manual line break is U+000B.
_SEPARATORS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (what DOCX and XLSX files are made
    of): a control character that separates words becomes a space, the others are dropped;
    tab, line feed and carriage return stay."""
    if _NOT_XML.search(text) is None:
        return text
    return _NOT_XML.sub(lambda m: " " if m.group() in _SEPARATORS else "", text)


class TypedNumber(NamedTuple):
    """A number as a person typed it (:func:`read_typed_number`)."""

    negative: bool
    whole: str  # its digits, the thousands' spaces taken out ("" for « ,5 »)
    separator: str | None  # the decimal comma or point, when there is a fraction
    fraction: str | None

    @property
    def value(self) -> Decimal:
        sign = "-" if self.negative else ""
        return Decimal(f"{sign}{self.whole or 0}" + (f".{self.fraction}" if self.fraction else ""))


# Digits grouped by threes with spaces or not, then a decimal comma or point.
_TYPED_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?: \d{3})+|\d*)(?:([.,])(\d+))?")


def read_typed_number(text: str, unit: re.Pattern[str] | None = None) -> TypedNumber | None:
    """A number typed or pasted in a form or a grid (``1 234,50``, ``1234.5``), after which
    ``unit`` may stand (« € », « h »); None when blank. Anything else (« 1.234,5 », « 1h30 »,
    « 12 5 », two cells pasted with a tab between them, « 1e3 ») raises :class:`ValueError`
    with the text as typed, spaces tidied: it is refused rather than guessed at."""
    typed = re.sub(r"[ \u00a0\u202f]+", " ", text.strip())
    number = unit.sub("", typed) if unit is not None else typed
    if not number:
        return None
    match = _TYPED_NUMBER.fullmatch(number)
    if match is None or not (match[2] or match[4]):
        raise ValueError(typed)
    return TypedNumber(match[1] == "-", match[2].replace(" ", ""), match[3], match[4])

"""Reading the values of French spreadsheets: numbers with a decimal comma, dates as
``31/12/2025`` or real Excel dates, months as ``03/2025``, sexes as H/F, yes/no flags.

Each parser raises :class:`BadCell` with a French explanation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from clauses_app.formatting import MONTH_NAMES, format_hours, format_money, xml_text
from clauses_app.services.bounds import FIRST_DAY, LAST_DAY, MAX_HOURS, MAX_MONEY, beyond
from clauses_app.services.hours_entry import HOURS_A_DAY, MAX_MONTH_HOURS
from clauses_app.services.periods import last_day

EXCEL_EPOCH = date(1899, 12, 30)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_UNITS = re.compile(r"(€|eur|euros?|heures?|h)$", re.IGNORECASE)


class BadCell(ValueError):
    """A cell that cannot be read as what its column holds."""


def normalise(text: Any) -> str:
    """Lowercase, accents removed, punctuation as single spaces: ``Né(e) le`` → ``ne e le``."""
    if isinstance(text, str):
        return _normalise_text(text)
    return _normalise(text)


@lru_cache(maxsize=65536)
def _normalise_text(text: str) -> str:
    # A tracker repeats its authorities, contracts and companies on every row.
    return _normalise(text)


def _normalise(text: Any) -> str:
    raw = unicodedata.normalize("NFKD", xml_text(str(text or "")))
    plain = "".join(ch for ch in raw if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def cell_text(value: Any) -> str:
    """A cell as trimmed text, without control characters (formatting.xml_text); integral
    floats lose their ``.0`` (a SIRET typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return xml_text(str(value)).strip()


_DURATION = re.compile(r"^(\d+)\s*(?:h|:)\s*(\d{1,2})\s*(?:min|mn|m)?$", re.IGNORECASE)
CENT = Decimal("0.01")


def _hours_of(seconds: Decimal) -> Decimal:
    return (seconds / 3600).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(value: Any) -> Decimal:
    """``1 234,5``, ``151.67``, ``1.234,50 €``, ``35 h`` or a number cell; a duration in hours
    and minutes (``7h30``, ``7:30``, a cell formatted ``[h]:mm``) as hours to the cent."""
    if isinstance(value, bool):
        raise BadCell(f"« {value} » n'est pas un nombre")
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if not number.is_finite():  # a number cell too large for a float: inf
            raise BadCell(f"« {value} » n'est pas un nombre")
        return number
    if isinstance(value, timedelta):  # a duration cell ([h]:mm): days and hours
        return _hours_of(Decimal(round(value.total_seconds())))
    if isinstance(value, time):  # a time cell (h:mm), under 24 hours
        return _hours_of(Decimal(value.hour * 3600 + value.minute * 60 + value.second))
    if match := _DURATION.match(str(value).strip()):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes >= 60:
            raise BadCell(f"« {value} » : {minutes} minutes, il en faut moins de 60")
        return _hours_of(Decimal(hours * 3600 + minutes * 60))
    text = _UNITS.sub("", _SPACES.sub("", str(value)).strip())
    if "," in text and "." in text:  # the last separator is the decimal one
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadCell(f"« {value} » n'est pas un nombre") from None
    if not number.is_finite():
        raise BadCell(f"« {value} » n'est pas un nombre")
    return number


def parse_hours(value: Any) -> Decimal:
    """Hours (:func:`parse_decimal`) to the cent, no more than the Clause import takes
    (services/bounds.py)."""
    return _to_the_cent(value, MAX_HOURS, format_hours)


def parse_amount(value: Any) -> Decimal:
    """Euros (:func:`parse_decimal`) to the cent, no more than the Clause import takes
    (services/bounds.py)."""
    return _to_the_cent(value, MAX_MONEY, format_money)


def _to_the_cent(value: Any, maximum: Decimal, shown: Callable[[Decimal], str]) -> Decimal:
    number = parse_decimal(value)
    if beyond(abs(number), maximum):  # either way: no Decimal rounds it to the cent
        size = "trop grand" if number > 0 else "hors limites"
        raise BadCell(f"« {cell_text(value)} » est {size} (au plus {shown(maximum)})")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def impossible_hours(hours: Decimal, days: int | None = None) -> str | None:
    """Why one person cannot have worked ``hours`` in ``days`` days (None: in a month of
    unknown length, taken as 31 days: services.hours_entry.MAX_MONTH_HOURS), 24 hours a day,
    or None. Hours a person may have worked but rarely does are the monthly warning's
    business (settings.monthly_hours_warning)."""
    most = MAX_MONTH_HOURS if days is None else HOURS_A_DAY * days
    if hours <= most:
        return None
    span = "d'un mois de 31 jours" if days is None else f"de {days} jour{'s' if days > 1 else ''}"
    return (
        f"{format_hours(hours)}, plus que les {format_hours(most)} {span} travaillés 24 h sur "
        "24 : nombre d'heures impossible"
    )


def days_in(month: tuple[int, int] | None) -> int | None:
    """The days of ``month`` (year, month), for :func:`impossible_hours`; None when unknown."""
    return None if month is None else last_day(month).day


def parse_birth_date(value: Any, today: date | None = None) -> date:
    """A birth date (:func:`parse_date`): a two-digit year that would put it in the future is
    of the previous century (``07/07/69`` is 1969); still in the future, it is refused."""
    day = parse_date(value)
    today = today or date.today()
    typed = _DMY.match(value.strip()) if isinstance(value, str) else None
    if day > today and typed is not None and len(typed.group(3)) == 2:
        day = day.replace(year=day.year - 100)
    if day > today:
        raise BadCell(f"date de naissance dans le futur ({day:%d/%m/%Y})")
    return day


def _serial_date(number: float) -> date:
    if not 1 <= number < 2958466:
        raise BadCell(f"« {number} » n'est pas une date")
    return EXCEL_EPOCH + timedelta(days=int(number))


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def parse_date(value: Any) -> date:
    """``31/12/2025``, ``31-12-25``, ``2025-12-31``, an Excel date cell or serial number,
    between 1900 and 2200 (services/bounds.py): « 12/03/0025 » is a typing mistake."""
    day = _any_date(value)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadCell(
            f"« {cell_text(value)} » : date hors des années {FIRST_DAY.year} à {LAST_DAY.year}"
        )
    return day


def _any_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial_date(float(value))
    text = str(value).strip()
    try:
        if match := _DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == 2:  # « 31/12/25 »; « 31/12/0025 » is no year
                year += 2000 if year < 70 else 1900
            return date(year, month, day)
        if match := _YMD.match(text):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        raise BadCell(f"« {text} » n'est pas une date valide") from None
    raise BadCell(f"« {text} » n'est pas une date (JJ/MM/AAAA attendu)")


# A month given as a number is an Excel day number from 1 January 1990 on.
FIRST_SERIAL = (date(1990, 1, 1) - EXCEL_EPOCH).days
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YM = re.compile(r"^(\d{4})[/.\-](\d{1,2})$")
# Month names and their usual abbreviations, normalised: {word: month number}.
MONTH_WORDS = {n: i + 1 for i, n in enumerate(normalise(m) for m in MONTH_NAMES)}
MONTH_WORDS.update({"janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10})
MONTH_WORDS.update({"nov": 11, "dec": 12})


def parse_month(value: Any) -> tuple[int, int]:
    """``03/2025``, ``2025-03``, ``mars 2025``, or any date (its month)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value < FIRST_SERIAL:
        # « 3 » beside a year column: not a date (as a day number it is January 1900)
        raise BadCell(f"« {cell_text(value)} » n'est pas un mois (MM/AAAA attendu, année comprise)")
    if isinstance(value, datetime | date) or (
        isinstance(value, int | float) and not isinstance(value, bool)
    ):
        day = parse_date(value)
        return day.year, day.month
    text = str(value).strip()
    month = year = None
    if match := _MY.match(text):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := _YM.match(text):
        year, month = int(match.group(1)), int(match.group(2))
    else:
        words = normalise(text).split()
        if len(words) == 2 and words[0] in MONTH_WORDS and words[1].isdigit():
            month, year = MONTH_WORDS[words[0]], int(words[1])
        else:
            try:
                day = parse_date(text)
                return day.year, day.month
            except BadCell:
                pass
    if (
        month is None or year is None or not 1 <= month <= 12
        or not FIRST_DAY.year <= year <= LAST_DAY.year
    ):  # fmt: skip
        raise BadCell(f"« {text} » n'est pas un mois (MM/AAAA attendu)")
    return year, month


_MALE = {"h", "m", "homme", "masculin", "masc", "mr", "monsieur", "garcon"}
_FEMALE = {"f", "femme", "feminin", "fem", "mme", "madame", "mlle", "fille"}


def parse_flag(value: Any) -> bool:
    text = normalise(value)
    if text in {"", "non", "n", "0", "false", "faux", "no"}:
        return False
    if text in {"oui", "o", "x", "1", "true", "vrai", "yes"}:
        return True
    raise BadCell(f"« {value} » n'est pas oui ou non")

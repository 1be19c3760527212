"""Periods (a year or a date range) and calendar-month arithmetic."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

Month = tuple[int, int]  # (year, month)


def month_of(day: date) -> Month:
    return (day.year, day.month)


def month_index(month: Month) -> int:
    return month[0] * 12 + month[1] - 1


def month_from_index(index: int) -> Month:
    return (index // 12, index % 12 + 1)


def months_between(first: Month, last: Month) -> Iterator[Month]:
    """Every calendar month from ``first`` to ``last`` inclusive."""
    for index in range(month_index(first), month_index(last) + 1):
        yield month_from_index(index)


def month_count(first: Month, last: Month) -> int:
    return max(0, month_index(last) - month_index(first) + 1)


def first_day(month: Month) -> date:
    return date(month[0], month[1], 1)


def last_day(month: Month) -> date:
    return date(month[0], month[1], calendar.monthrange(month[0], month[1])[1])


def add_months(day: date, months: int) -> date:
    index = month_index(month_of(day)) + months
    year, month = month_from_index(index)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    """A closed range of days; either bound may be open (None). ``Period()`` is all time."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValueError("la fin de la période précède son début")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def is_all_time(self) -> bool:
        return self.start is None and self.end is None

    def overlaps(self, start: date | None, end: date | None) -> bool:
        if self.start and end and end < self.start:
            return False
        return not (self.end and start and start > self.end)

    def label(self) -> str:
        if self.is_all_time:
            return "toutes périodes"
        if (
            self.start
            and self.end
            and self.start == date(self.start.year, 1, 1)
            and self.end == date(self.start.year, 12, 31)
        ):
            return f"année {self.start.year}"
        start = self.start.strftime("%d/%m/%Y") if self.start else "…"
        end = self.end.strftime("%d/%m/%Y") if self.end else "…"
        return f"du {start} au {end}"

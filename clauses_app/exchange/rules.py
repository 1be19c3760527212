"""Checks of one row beyond its column types: allowed codes and coherent dates.

Each check takes the row as a mapping (only the columns the file holds) and returns
(column, French message) pairs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from clauses_app.models import (
    AwardRole,
    ClauseMode,
    HoursKind,
    PoolingScope,
    ReferenceKind,
    Sex,
)
from clauses_app.services.periods import last_day as _last_day
from clauses_app.services.periods import month_of

# Called for every month row of the national file: calendar arithmetic once per month.
last_day = functools.lru_cache(maxsize=4096)(_last_day)

Problems = list[tuple[str, str]]
Check = Callable[[Mapping[str, Any]], Problems]


def _one_of(column: str, allowed: tuple[str, ...]) -> Check:
    def check(row: Mapping[str, Any]) -> Problems:
        value = row.get(column)
        if column in row and value is not None and value not in allowed:
            return [(column, f"« {value} » n'est pas une valeur admise ({', '.join(allowed)})")]
        return []

    return check


def _ordered(start: str, end: str) -> Check:
    def check(row: Mapping[str, Any]) -> Problems:
        first, last = row.get(start), row.get(end)
        if first is not None and last is not None and last < first:
            return [(end, f"la date de fin ({last}) précède la date de début ({first})")]
        return []

    return check


def _month_record(row: Mapping[str, Any]) -> Problems:
    start, end = row.get("period_start"), row.get("period_end")
    if row.get("kind") != HoursKind.MONTH or start is None or end is None:
        return []
    if start.day != 1:
        return [("period_start", "un relevé mensuel commence le premier jour du mois")]
    if end != last_day(month_of(start)):
        return [("period_end", "un relevé mensuel finit le dernier jour de son mois")]
    return []


CHECKS: dict[str, list[Check]] = {
    "reference_item": [_one_of("kind", ReferenceKind.ALL)],
    "operation": [_ordered("start_date", "end_date")],
    "public_contract": [
        _ordered("start_date", "end_date"),
        _one_of("pooling_scope", PoolingScope.ALL),
    ],
    "lot": [_ordered("start_date", "end_date"), _one_of("clause_mode", ClauseMode.ALL)],
    "award": [_one_of("role", AwardRole.ALL)],
    "participant": [_one_of("sex", Sex.ALL)],
    "employment": [_ordered("start_date", "end_date")],
    "hours_record": [
        _one_of("kind", HoursKind.ALL),
        _ordered("period_start", "period_end"),
        _month_record,
    ],
}


def row_problems(entity: str, row: Mapping[str, Any]) -> Problems:
    problems: Problems = []
    for check in CHECKS.get(entity, ()):
        problems.extend(check(row))
    return problems


def has_checks(entity: str) -> bool:
    return bool(CHECKS.get(entity))

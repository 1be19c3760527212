"""Checks of one row beyond its column types: allowed codes and coherent dates.

The checks of an entity are bound once to the columns a file holds (:func:`row_checker`) and
then run on each parsed row, a tuple in that column order; a check whose columns the file
lacks does not run. Each returns (column, French message) pairs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
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

Problems = Sequence[tuple[str, str]]
RowCheck = Callable[[Sequence[Any]], Problems]
# Binds a check to the positions of the file's columns; None when a column it needs is absent.
Bind = Callable[[Mapping[str, int]], RowCheck | None]
NO_PROBLEM: Problems = ()


def _one_of(column: str, allowed: tuple[str, ...]) -> Bind:
    admitted = frozenset(allowed)
    listed = ", ".join(allowed)

    def bind(at: Mapping[str, int]) -> RowCheck | None:
        i = at.get(column)
        if i is None:
            return None

        def check(row: Sequence[Any]) -> Problems:
            value = row[i]
            if value is not None and value not in admitted:
                return [(column, f"« {value} » n'est pas une valeur admise ({listed})")]
            return NO_PROBLEM

        return check

    return bind


def _not_negative(column: str, message: str) -> Bind:
    def bind(at: Mapping[str, int]) -> RowCheck | None:
        i = at.get(column)
        if i is None:
            return None

        def check(row: Sequence[Any]) -> Problems:
            value = row[i]
            return [(column, message)] if value is not None and value < 0 else NO_PROBLEM

        return check

    return bind


def _invoiced_tranche(at: Mapping[str, int]) -> RowCheck | None:
    """A clause on the amount invoiced needs its tranche: without it, nothing would ever be
    required (the lot form refuses it too)."""
    m, a, h = at.get("clause_mode"), at.get("tranche_amount"), at.get("tranche_hours")
    if m is None:
        return None

    def check(row: Sequence[Any]) -> Problems:
        if row[m] != ClauseMode.INVOICED:
            return NO_PROBLEM
        amount = None if a is None else row[a]
        if amount is None or amount <= 0:
            return [("tranche_amount", "une clause sur le montant facturé demande le montant "
                     "d'une tranche, supérieur à 0 € HT")]  # fmt: skip
        if h is not None and row[h] is not None and row[h] <= 0:
            return [("tranche_hours", "le nombre d'heures par tranche doit être supérieur à 0")]
        return NO_PROBLEM

    return check


def _ordered(start: str, end: str) -> Bind:
    def bind(at: Mapping[str, int]) -> RowCheck | None:
        i, j = at.get(start), at.get(end)
        if i is None or j is None:
            return None

        def check(row: Sequence[Any]) -> Problems:
            first, last = row[i], row[j]
            if first is not None and last is not None and last < first:
                return [(end, f"la date de fin ({last}) précède la date de début ({first})")]
            return NO_PROBLEM

        return check

    return bind


def _month_record(at: Mapping[str, int]) -> RowCheck | None:
    k, s, e = at.get("kind"), at.get("period_start"), at.get("period_end")
    if k is None or s is None or e is None:
        return None

    def check(row: Sequence[Any]) -> Problems:
        start, end = row[s], row[e]
        if row[k] != HoursKind.MONTH or start is None or end is None:
            return NO_PROBLEM
        if start.day != 1:
            return [("period_start", "un relevé mensuel commence le premier jour du mois")]
        if end != last_day(month_of(start)):
            return [("period_end", "un relevé mensuel finit le dernier jour de son mois")]
        return NO_PROBLEM

    return check


CHECKS: dict[str, list[Bind]] = {
    "reference_item": [_one_of("kind", ReferenceKind.ALL)],
    "operation": [_ordered("start_date", "end_date")],
    "public_contract": [
        _ordered("start_date", "end_date"),
        _one_of("pooling_scope", PoolingScope.ALL),
    ],
    "lot": [
        _ordered("start_date", "end_date"),
        _one_of("clause_mode", ClauseMode.ALL),
        _invoiced_tranche,
    ],
    "award": [_one_of("role", AwardRole.ALL)],
    "invoice": [_not_negative("amount_ht", "le montant facturé ne peut pas être négatif")],
    "participant": [_one_of("sex", Sex.ALL)],
    "employment": [_ordered("start_date", "end_date")],
    "hours_record": [
        _one_of("kind", HoursKind.ALL),
        _ordered("period_start", "period_end"),
        _month_record,
    ],
}


def row_checker(entity: str, names: Sequence[str]) -> RowCheck | None:
    """The checks of ``entity`` bound to a file's columns ``names`` (None when none applies)."""
    at = {name: i for i, name in enumerate(names)}
    checks = [check for bind in CHECKS.get(entity, ()) if (check := bind(at)) is not None]
    if not checks:
        return None

    def run(row: Sequence[Any]) -> Problems:
        found: list[tuple[str, str]] = []
        for check in checks:
            problems = check(row)
            if problems:
                found.extend(problems)
        return found or NO_PROBLEM

    return run


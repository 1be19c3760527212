"""Which rows an export keeps for a :class:`~clauses_app.exchange.manifest.Scope`.

Works on the few columns it needs, loaded once per table (:func:`load_tables`), so that the
national file needs no per-row query; the writer then streams each member and keeps the
rows whose uuid is in the returned sets. The rules are those of ``Scope``'s
docstring and of docs/clause-format.md.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.exchange.format import SPEC_BY_NAME
from clauses_app.exchange.manifest import Scope
from clauses_app.models import HoursKind
from clauses_app.services.periods import Period

Row = tuple[Any, ...]


# The columns the scope rules read, per entity (nothing else is loaded).
SCOPE_COLUMNS: dict[str, tuple[str, ...]] = {
    "reference_item": ("uuid",),
    "contact": ("uuid", "authority_uuid"),
    "operation": ("uuid", "authority_uuid"),
    "public_contract": (
        "uuid", "authority_uuid", "operation_uuid", "start_date", "end_date", "notification_date",
    ),
    "lot": ("uuid", "contract_uuid", "start_date", "end_date"),
    "award": ("uuid", "lot_uuid", "company_uuid"),
    "participant_criterion": ("uuid", "participant_uuid"),
    "employment": (
        "uuid", "award_uuid", "start_date", "end_date", "participant_uuid", "employer_uuid",
    ),
    "hours_record": ("uuid", "employment_uuid", "kind", "period_start", "period_end"),
}  # fmt: skip


@dataclass
class Tables:
    """Loaded rows per entity; ``columns`` names each entity's values in row order."""

    rows: dict[str, list[Row]]
    columns: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(SCOPE_COLUMNS))

    def col(self, entity: str, column: str) -> int:
        return self.columns[entity].index(column)

    def values(self, entity: str, *columns: str) -> Iterable[tuple[Any, ...]]:
        indexes = [self.col(entity, c) for c in columns]
        for row in self.rows[entity]:
            yield tuple(row[i] for i in indexes)


def load_tables(session: Session) -> Tables:
    """The columns the scope rules need, every row (one query per entity)."""
    rows: dict[str, list[Row]] = {}
    for entity, names in SCOPE_COLUMNS.items():
        table = SPEC_BY_NAME[entity].table
        rows[entity] = [tuple(r) for r in session.execute(select(*[table.c[n] for n in names]))]
    return Tables(rows)


def _contract_in_period(
    contract: tuple[Any, ...], lots: list[tuple[Any, ...]], period: Period
) -> bool:
    """Whether a contract's performance period (its lots', else its own, else its notification
    year) overlaps the period; a contract with no date at all counts in every period, as in
    the figures (services.counting.required_share)."""
    _uuid, c_start, c_end, notification = contract
    spans = [(ls or c_start, le or c_end) for ls, le in lots] or [(c_start, c_end)]
    for start, end in spans:
        if start and end:
            if period.overlaps(start, end):
                return True
            continue
        if notification is None:
            return True
        year = notification.year
        if period.overlaps(date(year, 1, 1), date(year, 12, 31)):
            return True
    return False


def kept_uuids(tables: Tables, scope: Scope) -> dict[str, set[uuid.UUID]] | None:
    """The uuids to export per entity, or None for everything."""
    if scope.is_everything:
        return None
    contracts = {
        u: (a, o)
        for u, a, o in tables.values("public_contract", "uuid", "authority_uuid", "operation_uuid")
        if (scope.authority is None or a == scope.authority)
        and (scope.operation is None or o == scope.operation)
    }
    lots_of: dict[uuid.UUID, list[tuple[Any, ...]]] = defaultdict(list)
    lot_contract: dict[uuid.UUID, uuid.UUID] = {}
    for u, c, start, end in tables.values("lot", "uuid", "contract_uuid", "start_date", "end_date"):
        lots_of[c].append((start, end))
        lot_contract[u] = c
    award_lot = dict(tables.values("award", "uuid", "lot_uuid"))
    employments = {
        u: (a, s, e)
        for u, a, s, e in tables.values(
            "employment", "uuid", "award_uuid", "start_date", "end_date"
        )
        if lot_contract.get(award_lot.get(a)) in contracts  # type: ignore[arg-type]
    }
    period = Period(scope.date_from, scope.date_to)
    if not period.is_all_time:
        employments = {u: v for u, v in employments.items() if period.overlaps(v[1], v[2])}
        with_employments = {lot_contract[award_lot[a]] for a, _s, _e in employments.values()}
        dates = {
            row[0]: row
            for row in tables.values(
                "public_contract", "uuid", "start_date", "end_date", "notification_date"
            )
        }
        contracts = {
            u: v
            for u, v in contracts.items()
            if u in with_employments or _contract_in_period(dates[u], lots_of[u], period)
        }
    return _close_over(tables, scope, period, set(contracts), set(employments))


def _close_over(
    tables: Tables,
    scope: Scope,
    period: Period,
    contracts: set[uuid.UUID],
    employments: set[uuid.UUID],
) -> dict[str, set[uuid.UUID]]:
    """Add the children and the parents that the kept contracts and employments need."""
    keep: dict[str, set[uuid.UUID]] = {name: set() for name in SPEC_BY_NAME}
    keep["reference_item"] = {u for (u,) in tables.values("reference_item", "uuid")}
    keep["public_contract"] = contracts
    keep["employment"] = employments
    authorities, operations = set(), set()
    for u, a, o in tables.values("public_contract", "uuid", "authority_uuid", "operation_uuid"):
        if u in contracts:
            authorities.add(a)
            if o:
                operations.add(o)
    if scope.authority:
        authorities.add(scope.authority)
    for u, a in tables.values("operation", "uuid", "authority_uuid"):
        if u == scope.operation or (scope.authority == a and period.is_all_time):
            operations.add(u)
            authorities.add(a)
    keep["contracting_authority"] = authorities
    keep["operation"] = operations
    keep["contact"] = {
        u for u, a in tables.values("contact", "uuid", "authority_uuid") if a in authorities
    }
    keep["lot"] = {u for u, c in tables.values("lot", "uuid", "contract_uuid") if c in contracts}
    keep["award"] = {u for u, lt in tables.values("award", "uuid", "lot_uuid") if lt in keep["lot"]}
    companies = {c for u, c in tables.values("award", "uuid", "company_uuid") if u in keep["award"]}
    participants = set()
    for u, p, employer in tables.values("employment", "uuid", "participant_uuid", "employer_uuid"):
        if u in employments:
            participants.add(p)
            if employer:
                companies.add(employer)
    keep["company"] = companies
    keep["participant"] = participants
    keep["participant_criterion"] = {
        u
        for u, p in tables.values("participant_criterion", "uuid", "participant_uuid")
        if p in participants
    }
    keep["hours_record"] = _kept_hours(tables, period, employments)
    return keep


def _kept_hours(tables: Tables, period: Period, employments: set[uuid.UUID]) -> set[uuid.UUID]:
    rows = [
        r
        for r in tables.values(
            "hours_record", "uuid", "employment_uuid", "kind", "period_start", "period_end"
        )
        if r[1] in employments
    ]
    if period.is_all_time:
        return {r[0] for r in rows}
    with_months = {r[1] for r in rows if r[2] == HoursKind.MONTH}
    return {
        r[0]
        for r in rows
        if period.overlaps(r[3], r[4]) and not (r[2] == HoursKind.TOTAL and r[1] in with_months)
    }

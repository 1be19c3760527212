"""Which rows an export keeps for a :class:`~clauses_app.exchange.manifest.Scope`.

Works on the few columns it needs, streamed from the database table by table (no per-row
query, nothing held but the kept uuids); the writer then streams each member and keeps the
rows whose uuid is in the returned sets. The rules are those of ``Scope``'s docstring and of
docs/clause-format.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from clauses_app.exchange.format import SPEC_BY_NAME
from clauses_app.exchange.manifest import Scope
from clauses_app.exchange.stored import uuids_as_text_select
from clauses_app.models import HoursKind
from clauses_app.services.periods import Period

FETCH_ROWS = 10_000


class Tables:
    """The columns the scope rules read, streamed from the database on each use (uuids as
    text): nothing is held but what the rules keep."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def values(self, entity: str, *columns: str) -> Iterator[tuple[Any, ...]]:
        spec = SPEC_BY_NAME[entity]
        dialect = self.session.get_bind().dialect
        statement, converters = uuids_as_text_select(dialect, spec, columns)
        result = self.session.execute(statement.execution_options(yield_per=FETCH_ROWS))
        for rows in result.partitions():
            for row in rows:
                yield tuple(v if f is None else f(v) for f, v in zip(converters, row, strict=True))


def load_tables(session: Session) -> Tables:
    """The tables the scope rules read (streamed when used)."""
    return Tables(session)


def _text(value: Any) -> str | None:
    return None if value is None else str(value).lower()


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


def kept_uuids(tables: Tables, scope: Scope) -> dict[str, set[str]] | None:
    """The uuids (text, as ``tables`` holds them) to export per entity, or None for
    everything."""
    if scope.is_everything:
        return None
    scope = replace(scope, authority=_text(scope.authority), operation=_text(scope.operation))
    contracts = {
        u: (a, o)
        for u, a, o in tables.values("public_contract", "uuid", "authority_uuid", "operation_uuid")
        if (scope.authority is None or a == scope.authority)
        and (scope.operation is None or o == scope.operation)
    }
    lots_of: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    lot_contract: dict[str, str] = {}
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
    contracts: set[str],
    employments: set[str],
) -> dict[str, set[str]]:
    """Add the children and the parents that the kept contracts and employments need."""
    keep: dict[str, set[str]] = {name: set() for name in SPEC_BY_NAME}
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
    keep["invoice"] = {
        u
        for u, a, on in tables.values("invoice", "uuid", "award_uuid", "invoiced_on")
        if a in keep["award"] and period.overlaps(on, on)
    }
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


def _kept_hours(tables: Tables, period: Period, employments: set[str]) -> set[str]:
    if period.is_all_time:
        rows = tables.values("hours_record", "uuid", "employment_uuid")
        return {u for u, e in rows if e in employments}
    rows = tables.values("hours_record", "employment_uuid", "kind")
    with_months = {e for e, kind in rows if kind == HoursKind.MONTH and e in employments}
    kept = set()
    for u, e, kind, start, end in tables.values(
        "hours_record", "uuid", "employment_uuid", "kind", "period_start", "period_end"
    ):
        if e not in employments or not period.overlaps(start, end):
            continue
        if not (kind == HoursKind.TOTAL and e in with_months):  # months replace the total
            kept.add(u)
    return kept


def readable_only(tables: Tables, keep: dict[str, set[str]] | None) -> dict[str, set[str]]:
    """``keep`` (None: everything) narrowed to what the connected role may read on a team's
    database (docs/team.md): row-level security hides other portfolios' participants and
    criteria, so their employments and hours records, which every member reads, are left
    out too and the file stays importable (no employment without its participant)."""
    if keep is None:
        keep = {name: {u for (u,) in tables.values(name, "uuid")} for name in SPEC_BY_NAME}
    readable = {u for (u,) in tables.values("participant", "uuid")}
    keep["participant"] &= readable
    keep["employment"] = {
        u
        for u, p in tables.values("employment", "uuid", "participant_uuid")
        if u in keep["employment"] and p in readable
    }
    keep["hours_record"] = {
        u
        for u, e in tables.values("hours_record", "uuid", "employment_uuid")
        if u in keep["hours_record"] and e in keep["employment"]
    }
    return keep

"""The demo data as a stream of batches of rows, parents before children, with no database.

``DemoGenerator(plan, seed).batches()`` yields lists of plain row dictionaries per table, ready
for ``session.execute(insert(table), rows)``. The same stream can be counted without a
database, which is how the national plan is checked in tests.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from clauses_app.models import (
    ENTITIES,
    ReferenceItem,
)
from clauses_app.services.demo.clauses import contract_rows, operation_rows
from clauses_app.services.demo.consultations import consultation_rows
from clauses_app.services.demo.context import DemoContext, Row
from clauses_app.services.demo.contracts import FIRST_SHAPES, draft_contracts
from clauses_app.services.demo.employments import HoursBudget, allocate, make_employments
from clauses_app.services.demo.identity import domain, phone, slug, street_address
from clauses_app.services.demo.parties import (
    AuthoritySpec,
    CompanyPool,
    authority_rows,
    authority_specs,
    company_rows,
)
from clauses_app.services.demo.people import People
from clauses_app.services.demo.plan import (
    AuthorityQuota,
    SizePlan,
    authority_quotas,
    lead_first,
)
from clauses_app.services.demo.vocabulary import ORGANISATIONS, de
from clauses_app.services.settings import AppSettings, Organisation

# Insert order: every row's parents come in an earlier table or an earlier batch.
TABLES: dict[str, Table] = {
    model.__tablename__: model.__table__  # type: ignore[misc]
    for model in ENTITIES
    if model is not ReferenceItem  # reference rows come from bootstrap, never from the demo
}
BATCH_ROWS = 20_000


@dataclass(frozen=True)
class Batch:
    """Rows of one table, and how far the generation is (for a progress bar)."""

    table: Table
    rows: list[Row]
    done: int
    total: int
    message: str


class DemoGenerator:
    """Deterministic demo data for one plan and seed."""

    def __init__(self, plan: SizePlan, seed: int) -> None:
        self.plan = plan
        self.ctx = ctx = DemoContext(plan, seed)
        self.company_rows, self.companies = company_rows(ctx)
        self.specs = authority_specs(ctx)
        # The biggest buyer first: it is the one that shows every feature (FIRST_SHAPES).
        self.quotas = lead_first(authority_quotas(plan, ctx.rng), len(FIRST_SHAPES), 14)
        self.settings = self._settings()
        self.counts: Counter[str] = Counter()
        self.hours_recorded_cents = 0
        self.authority_uuids: list[Any] = []

    @property
    def steps(self) -> int:
        return self.plan.authorities + 2

    def batches(self) -> Iterator[Batch]:
        """Every row of the demo, in batches of at most a few tens of thousands of rows."""
        ctx = self.ctx
        buffer: dict[str, list[Row]] = defaultdict(list)
        buffer["company"] = self.company_rows
        yield from self._emit(buffer, 1, "Entreprises")
        people = People(ctx)
        budget = HoursBudget(self.plan.hours_done, self.plan.employments)
        last = len(self.specs) - 1
        for index, (spec, quota) in enumerate(zip(self.specs, self.quotas, strict=True)):
            self._authority(spec, quota, index == 0, people, budget, buffer)
            if index == last or sum(len(rows) for rows in buffer.values()) >= BATCH_ROWS:
                message = f"Donneurs d'ordre : {index + 1} sur {len(self.specs)}"
                yield from self._emit(buffer, index + 2, message)
        buffer["participant_criterion"] = people.criteria_rows()
        buffer["public_contract"] = consultation_rows(ctx, self.authority_uuids)
        self.hours_recorded_cents = budget.recorded
        yield from self._emit(buffer, self.steps, "Critères d'éligibilité")

    def _emit(self, buffer: dict[str, list[Row]], done: int, message: str) -> Iterator[Batch]:
        for name, table in TABLES.items():
            rows = buffer.pop(name, None)
            for start in range(0, len(rows or ()), BATCH_ROWS):
                chunk = rows[start : start + BATCH_ROWS]  # type: ignore[index]
                self.counts[name] += len(chunk)
                yield Batch(table, chunk, done, self.steps, message)

    def _authority(
        self,
        spec: AuthoritySpec,
        quota: AuthorityQuota,
        first: bool,
        people: People,
        budget: HoursBudget,
        buffer: dict[str, list[Row]],
    ) -> None:
        ctx = self.ctx
        companies: CompanyPool = self.companies
        authority, contacts = authority_rows(ctx, spec)
        operations, drafts = draft_contracts(ctx, spec, quota.contracts, companies, first)
        for placement in allocate(ctx, drafts, quota.employments, first):
            make_employments(ctx, buffer, people, companies, budget, placement, spec.town)
        buffer["contracting_authority"].append(authority)
        self.authority_uuids.append(authority["uuid"])
        buffer["contact"].extend(contacts)
        for operation in operations:
            buffer["operation"].append(operation_rows(ctx, authority["uuid"], operation))
        for draft in drafts:
            contract, lots, awards = contract_rows(ctx, authority["uuid"], draft, self.settings)
            buffer["public_contract"].append(contract)
            buffer["lot"].extend(lots)
            buffer["award"].extend(awards)

    def _settings(self) -> AppSettings:
        """Plausible organisation settings of the structure that owns the demo database."""
        ctx, rng = self.ctx, self.ctx.rng
        town = self.specs[0].town
        if self.plan.size == "national":
            name = "Consolidation nationale des clauses sociales d'insertion"
        elif self.plan.size == "territory":
            name = f"Coordination territoriale des clauses sociales – {town.region}"
        else:
            name = rng.choice(ORGANISATIONS).format(de=de(town.name))
        first = rng.choice(ctx.pools.female_names)
        last = rng.choice(ctx.pools.last_names)
        return AppSettings(
            organisation=Organisation(
                name=name,
                address=f"{street_address(rng, ctx.pools)}, {town.postal_code} {town.name}",
                facilitator_name=f"{first} {last}",
                facilitator_email=f"{slug(first)}.{slug(last)}@{domain(name, 30)}",
                facilitator_phone=phone(rng, town.area),
            )
        )

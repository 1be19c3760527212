"""Demo companies (successful bidders and insertion structures) and contracting authorities."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from clauses_app.services.demo.context import DemoContext, Row, Town, Weighted
from clauses_app.services.demo.identity import domain, phone, slug, street_address
from clauses_app.services.demo.plan import company_kinds
from clauses_app.services.demo.vocabulary import (
    CLASSIC_COMPANIES,
    COMPANY_KIND_SHARES,
    CONTACT_ROLES,
    DEPARTMENT_AUTHORITIES,
    OTHER_COMPANIES,
    REGION_AUTHORITY,
    TOWN_AUTHORITIES,
    de,
)

# Trades of classic companies: every trade once, then in these proportions.
TRADE_WEIGHTS = {
    "BATIMENT": 25,
    "MACONNERIE": 20,
    "VRD": 15,
    "PEINTURE": 12,
    "NETTOYAGE": 12,
    "ESPACES_VERTS": 10,
    "CHARPENTE_METALLIQUE": 6,
}
TRADE_CHOICE = Weighted(TRADE_WEIGHTS)
BIG_TOWNS = 10  # the first towns of a region's list are its biggest
# Which kinds of authority get the most contracts (higher first).
PRIORITY = {"Commune": 3, "EPCI": 2, "Bailleur social": 2, "Département": 1, "Région": 1}
# First digits of public bodies' SIREN, by kind of authority (communes 21…, departments 22…).
AUTHORITY_SIREN_PREFIX = {
    "Commune": "21",
    "EPCI": "200",
    "Département": "22",
    "Région": "23",
    "Établissement public de santé": "26",
    "Service de l'État": "1",
    "Société publique locale": "8",
    "Société d'économie mixte": "3",
    "Bailleur social": "27",
}


@dataclass
class CompanyPool:
    """Company UUIDs by (region, trade) for classic ones and by (region, kind) for others."""

    by_trade: dict[tuple[str, str], list[uuid.UUID]] = field(default_factory=dict)
    by_kind: dict[tuple[str, str], list[uuid.UUID]] = field(default_factory=dict)
    any_trade: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    any_kind: dict[str, list[uuid.UUID]] = field(default_factory=dict)

    def add(self, region: str, kind: str, trade: str | None, company: uuid.UUID) -> None:
        if trade is not None:
            self.by_trade.setdefault((region, trade), []).append(company)
            self.any_trade.setdefault(trade, []).append(company)
        self.by_kind.setdefault((region, kind), []).append(company)
        self.any_kind.setdefault(kind, []).append(company)

    def classic(self, ctx: DemoContext, region: str, trade: str) -> uuid.UUID:
        """A classic company of the trade, from the region when there is one."""
        local = self.by_trade.get((region, trade)) or self.any_trade.get(trade)
        return ctx.rng.choice(local or self.any_kind["CLASSIQUE"])

    def of_kind(self, ctx: DemoContext, region: str, kinds: tuple[str, ...]) -> uuid.UUID:
        """A company of one of ``kinds`` (an ETTI, an SIAE…), from the region when possible."""
        local = [c for k in kinds for c in self.by_kind.get((region, k), [])]
        if not local:
            local = [c for k in kinds for c in self.any_kind.get(k, [])]
        return ctx.rng.choice(local)


def company_rows(ctx: DemoContext) -> tuple[list[Row], CompanyPool]:
    """Every company of the plan (exact count), and the pool awards pick them from."""
    rng = ctx.rng
    kinds = company_kinds(ctx.plan, COMPANY_KIND_SHARES)
    trades = list(TRADE_WEIGHTS)
    pool = CompanyPool()
    names: set[str] = set()
    rows: list[Row] = []
    classic_count = 0
    for kind in kinds:
        town = rng.choice(ctx.towns)
        trade = None
        if kind == "CLASSIQUE":
            first_of_trade = classic_count < len(trades)
            trade = trades[classic_count] if first_of_trade else TRADE_CHOICE.pick(rng)
            classic_count += 1
        name = _company_name(ctx, kind, trade, town, names)
        row = ctx.record(
            name=name,
            siret=ctx.sirets.new(),
            kind=kind,
            address=street_address(rng, ctx.pools),
            postal_code=town.postal_code,
            city=town.name,
            contact_name=_person_name(ctx),
            email=f"contact@{domain(name)}",
            phone=phone(rng, town.area),
        )
        rows.append(row)
        pool.add(town.region, kind, trade, row["uuid"])
    return rows, pool


def _company_name(
    ctx: DemoContext, kind: str, trade: str | None, town: Town, taken: set[str]
) -> str:
    rng = ctx.rng
    templates = CLASSIC_COMPANIES[trade] if trade else OTHER_COMPANIES[kind]
    department = next(
        (d for d in ctx.departments if town.postal_code.startswith(d.code)),
        next(d for d in ctx.departments if d.region == town.region),
    )
    name = ""
    for _ in range(30):
        name = rng.choice(templates).format(
            name=rng.choice(ctx.pools.last_names),
            town=town.name,
            de=de(town.name),
            dept=department.name.split(" ", 1)[-1].removeprefix("l'"),
        )
        if name not in taken:
            break
    suffix = 2
    base = name
    while name in taken:  # same name in the same place: number it, as registries do
        name = f"{base} {suffix}"
        suffix += 1
    taken.add(name)
    return name


def _person_name(ctx: DemoContext) -> str:
    rng = ctx.rng
    first = rng.choice(ctx.pools.female_names if rng.random() < 0.5 else ctx.pools.male_names)
    return f"{first} {rng.choice(ctx.pools.last_names)}"


@dataclass(frozen=True)
class AuthoritySpec:
    kind: str
    name: str
    town: Town


def authority_specs(ctx: DemoContext) -> list[AuthoritySpec]:
    """The plan's authorities, cities and their groupings first, drawn without repetition."""
    rng = ctx.rng
    candidates: list[tuple[float, AuthoritySpec]] = []

    def offer(kind: str, name: str, town: Town, weight: int) -> None:
        key = rng.random() ** (1.0 / weight)  # weighted sampling without replacement
        candidates.append((key, AuthoritySpec(kind, name, town)))

    for town in ctx.towns:
        big = ctx.towns_by_region[town.region].index(town) < BIG_TOWNS
        for kind, template, weight in TOWN_AUTHORITIES:
            if template.startswith("Communauté d") and ("agglomération" in template) != big:
                continue
            offer(kind, template.format(town=town.name, de=de(town.name)), town, weight)
    for dept in ctx.departments:
        in_department = [t for t in ctx.towns if t.postal_code.startswith(dept.code)]
        seat = in_department[0] if in_department else ctx.town_in(dept.region)
        for kind, template, weight in DEPARTMENT_AUTHORITIES:
            offer(kind, template.format(de=de(dept.name)), seat, weight)
    for region in ctx.regions:
        kind, template, weight = REGION_AUTHORITY
        offer(kind, template.format(region=region), ctx.towns_by_region[region][0], weight)
    candidates.sort(key=lambda c: -c[0])
    picked = candidates[: ctx.plan.authorities]
    # Cities and their groupings first: the biggest quotas go to the first authorities.
    picked.sort(key=lambda c: (-PRIORITY.get(c[1].kind, 0), -c[0]))
    chosen = [spec for _, spec in picked]
    while len(chosen) < ctx.plan.authorities:  # more authorities than names: number them
        spec = chosen[len(chosen) % len(candidates)]
        chosen.append(AuthoritySpec(spec.kind, f"{spec.name} ({len(chosen)})", spec.town))
    return chosen


def authority_rows(ctx: DemoContext, spec: AuthoritySpec) -> tuple[Row, list[Row]]:
    """One authority and its contacts (one or two people at the buyer's)."""
    rng = ctx.rng
    prefix = AUTHORITY_SIREN_PREFIX.get(spec.kind, "27")
    address = (
        "Place de l'Hôtel de Ville" if spec.kind == "Commune" else street_address(rng, ctx.pools)
    )
    authority = ctx.record(
        name=spec.name,
        kind=spec.kind,
        siret=ctx.sirets.new(prefix),
        address=address,
        postal_code=spec.town.postal_code,
        city=spec.town.name,
        notes=None,
        archived=False,
    )
    site = domain(spec.name)
    contacts = []
    for _ in range(rng.choice((1, 1, 2))):
        first = rng.choice(ctx.pools.female_names if rng.random() < 0.55 else ctx.pools.male_names)
        last = rng.choice(ctx.pools.last_names)
        contacts.append(
            ctx.record(
                authority_uuid=authority["uuid"],
                name=f"{first} {last}",
                role=rng.choice(CONTACT_ROLES),
                email=f"{slug(first)}.{slug(last)}@{site}",
                phone=phone(rng, spec.town.area),
            )
        )
    return authority, contacts

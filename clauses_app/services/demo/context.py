"""State shared by the demo generators: the plan, the random streams, the places."""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import accumulate
from typing import Any

from clauses_app.services.demo.identity import Ids, NamePools, Sirets, demo_timestamp
from clauses_app.services.demo.plan import SizePlan
from clauses_app.services.demo.vocabulary import REGIONS, parse_departments, parse_towns

Row = dict[str, Any]


class Weighted:
    """A weighted choice among fixed items, with the cumulative weights computed once."""

    def __init__(self, weights: Mapping[Any, float]) -> None:
        self.items = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class Town:
    name: str
    postal_code: str
    region: str
    area: str  # telephone area digit


@dataclass(frozen=True)
class Department:
    code: str
    name: str  # with its article: « la Gironde »
    region: str
    area: str


@dataclass
class Features:
    """Things every demo database must show at least once, ticked off as they are made."""

    combos: list[tuple[str, str]] = field(
        default_factory=lambda: [
            ("EMBAUCHE", "CDI"),
            ("EMBAUCHE", "CDD"),
            ("EMBAUCHE", "CDD_CHANTIER"),
            ("EMBAUCHE", "APPRENTISSAGE"),
            ("EMBAUCHE", "PROFESSIONNALISATION"),
            ("MAD", "MISSION_ETTI"),
            ("MAD", "MISSION_AI"),
            ("MAD", "GEIQ"),
            ("MAD", "INTERIM"),
            ("SOUS_TRAITANCE", "PRESTATION_SIAE"),
            ("SOUS_TRAITANCE", "CDDI"),
        ]
    )
    transferred_staff: bool = True  # one cleaning employment with staff taken over
    documents_missing: bool = True  # one criterion still "to document"
    six_month_outcome: bool = True  # one employment over by June, followed up six months on


class DemoContext:
    """The plan, the seeded random streams and the places of one demo generation."""

    def __init__(self, plan: SizePlan, seed: int) -> None:
        self.plan = plan
        self.seed = seed
        self.rng = random.Random(f"clauses-demo:{plan.size}:{seed}")
        self.ids = Ids(seed)
        self.sirets = Sirets(random.Random(f"clauses-demo-siret:{seed}"))
        self.pools = NamePools(seed)
        self.stamp: datetime = demo_timestamp(seed)
        self.year_start = date(plan.year, 1, 1)
        self.year_end = date(plan.year, 12, 31)
        self.features = Features()
        self.total_statements_left = plan.total_statements
        names = sorted(REGIONS)
        self.regions = sorted(self.rng.sample(names, min(plan.regions, len(names))))
        self.towns: list[Town] = []
        self.departments: list[Department] = []
        for region in self.regions:
            area = REGIONS[region][0]
            self.towns += [Town(t, p, region, area) for t, p in parse_towns(region)]
            self.departments += [
                Department(c, n, region, area) for c, n in parse_departments(region)
            ]
        self.towns_by_region: dict[str, list[Town]] = {
            r: [t for t in self.towns if t.region == r] for r in self.regions
        }

    def record(self, **values: Any) -> Row:
        """A row with the demo's audit timestamps, and a fresh UUID unless one is given."""
        if "uuid" not in values:
            values["uuid"] = self.ids.new()
        values["created_at"] = values["updated_at"] = self.stamp
        return values

    def new_uuid(self) -> uuid.UUID:
        return self.ids.new()

    def town_in(self, region: str) -> Town:
        return self.rng.choice(self.towns_by_region[region])

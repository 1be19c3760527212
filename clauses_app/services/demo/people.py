"""Demo participants: who takes each employment, their monthly hours ceiling, their criteria.

Every participant of the plan gets at least one employment (the count is exact). A person's
employments all start within ``START_WINDOW_DAYS`` of each other, so that one eligibility
validation made a few days before the first start is still valid (6 months) for the last one;
and a person never works more than a full month (151.67 h) in a month across employments.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from clauses_app.models import CriterionStatus
from clauses_app.services.demo.context import DemoContext, Row, Town, Weighted
from clauses_app.services.demo.identity import street_address
from clauses_app.services.demo.vocabulary import EVIDENCE
from clauses_app.services.periods import month_index

FULL_MONTH_CENTS = 15_167  # 151.67 h
START_WINDOW_DAYS = 145
VALIDATION_LEAD_DAYS = (3, 30)  # validated this many days before the first start
MAX_EMPLOYMENTS = 4
QUALIFICATIONS = Weighted({"INFRA3": 45, "3": 30, "4": 15, "5": 7, "6+": 3})
AGE_BANDS = Weighted({(18, 25): 25, (26, 44): 40, (45, 49): 10, (50, 62): 25})  # ages: weight
CRITERIA_WEIGHTS = {
    "DELD": 30, "BRSA": 25, "PLIE": 15, "RQTH": 7, "ASS": 4, "AAH": 3, "AVIS_SPE": 4, "SIAE": 4,
}  # fmt: skip


class Person:
    """A participant and what the generator needs to know about their year."""

    __slots__ = ("birth", "employments", "exclusive", "max_start", "min_start", "qpv",
                 "qualification", "region", "spans", "used", "uuid")  # fmt: skip

    def __init__(self, uid: uuid.UUID, region: str, birth: date, qpv: bool, qual: str) -> None:
        self.uuid = uid
        self.region = region
        self.birth = birth
        self.qpv = qpv
        self.qualification = qual
        self.min_start = date.max
        self.max_start = date.min
        self.spans: list[tuple[int, int]] = []  # month indexes of each employment
        self.used: dict[int, int] = {}  # hours (cents) already worked, per month index
        self.employments = 0
        self.exclusive = False

    def fits(self, start: date, months: tuple[int, int], overlap_cents: int | None) -> bool:
        """Whether an employment starting on ``start`` over ``months`` may be this person's.

        ``overlap_cents`` None forbids sharing a month with another employment; otherwise a
        shared month must have at most that many hours already worked.
        """
        if self.exclusive or self.employments >= MAX_EMPLOYMENTS:
            return False
        first, last = min(self.min_start, start), max(self.max_start, start)
        if (last - first).days > START_WINDOW_DAYS:
            return False
        for lo, hi in self.spans:
            if lo <= months[1] and months[0] <= hi:
                if overlap_cents is None:
                    return False
                shared = range(max(lo, months[0]), min(hi, months[1]) + 1)
                if any(self.used.get(m, 0) > overlap_cents for m in shared):
                    return False
        return True

    def available(self, month: int, fraction: float) -> int:
        """Hours (cents) this person can still work in a month, for a part of the month."""
        return max(0, int(FULL_MONTH_CENTS * fraction) - self.used.get(month, 0))

    def consume(self, month: int, cents: int) -> None:
        self.used[month] = self.used.get(month, 0) + cents


class People:
    """Hands out participants to employments so that the plan's count is met exactly."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.persons: list[Person] = []
        self.by_region: dict[str, list[Person]] = {r: [] for r in ctx.regions}
        self.new_left = ctx.plan.participants
        self.slots_left = ctx.plan.employments

    def assign(
        self, start: date, end: date, town: Town, exclusive: bool = False
    ) -> tuple[Person, Row | None]:
        """The participant of an employment, and their row when they are new."""
        rng = self.ctx.rng
        months = (month_index((start.year, start.month)), month_index((end.year, end.month)))
        person: Person | None = None
        wants_new = self.new_left >= self.slots_left or exclusive
        if not wants_new and self.new_left and rng.random() < self.new_left / self.slots_left:
            wants_new = True
        if not wants_new:
            person = self._existing(start, months, town.region)
        row = None
        if person is None:
            person, row = self._new(start, end, town)
            person.exclusive = exclusive
        self.slots_left -= 1
        person.employments += 1
        person.min_start = min(person.min_start, start)
        person.max_start = max(person.max_start, start)
        person.spans.append(months)
        return person, row

    def _existing(self, start: date, months: tuple[int, int], region: str) -> Person | None:
        rng = self.ctx.rng
        local = self.by_region[region]
        if local:
            for overlap, tries in ((None, 8), (6_000, 24)):
                for _ in range(tries):
                    candidate = rng.choice(local)
                    if candidate.fits(start, months, overlap):
                        return candidate
        if self.new_left:
            return None
        # No new participant left: search harder, then anywhere, sharing months if need be.
        for pool in (local, self.persons):
            for _ in range(min(2_000, 4 * len(pool))):
                candidate = rng.choice(pool)
                if candidate.fits(start, months, FULL_MONTH_CENTS):
                    return candidate
            for candidate in pool:
                if candidate.fits(start, months, FULL_MONTH_CENTS):
                    return candidate
        raise RuntimeError("no participant can take this employment")  # pragma: no cover

    def _new(self, start: date, end: date, town: Town) -> tuple[Person, Row]:
        ctx, rng = self.ctx, self.ctx.rng
        if self.new_left <= 0:
            raise RuntimeError("participant count exhausted")  # pragma: no cover
        self.new_left -= 1
        sex = "M" if rng.random() < 0.72 else "F"
        first = rng.choice(ctx.pools.male_names if sex == "M" else ctx.pools.female_names)
        low, high = AGE_BANDS.pick(rng)
        age = rng.randint(low, high)
        birth = start - timedelta(days=age * 365 + rng.randint(30, 330))
        qualification: str = QUALIFICATIONS.pick(rng)
        home = town if rng.random() < 0.4 else ctx.town_in(town.region)
        row = ctx.record(
            external_id=f"P{len(self.persons) + 1:06d}",
            last_name=rng.choice(ctx.pools.last_names),
            first_name=first,
            birth_date=birth,
            sex=sex,
            address=street_address(rng, ctx.pools),
            postal_code=home.postal_code,
            city=home.name,
            qpv=rng.random() < 0.3,
            qualification_code=qualification,
            last_contact_date=min(end + timedelta(days=rng.randint(0, 45)), ctx.year_end),
            archived=False,
            notes=None,
        )
        person = Person(row["uuid"], town.region, birth, row["qpv"], qualification)
        self.persons.append(person)
        self.by_region[town.region].append(person)
        return person, row

    def criteria_rows(self) -> list[Row]:
        """Eligibility criteria of everyone, validated a few days before their first start."""
        ctx, rng = self.ctx, self.ctx.rng
        rows: list[Row] = []
        for person in self.persons:
            validated = person.min_start - timedelta(days=rng.randint(*VALIDATION_LEAD_DAYS))
            codes = _criteria_codes(ctx, person)
            for code in codes:
                rows.append(
                    ctx.record(
                        participant_uuid=person.uuid,
                        criterion_code=code,
                        validated_on=validated,
                        evidence=EVIDENCE[code],
                        status=CriterionStatus.VALIDATED,
                    )
                )
            if ctx.features.documents_missing or rng.random() < 0.04:
                ctx.features.documents_missing = False
                missing = next(c for c in ("QPV", "PLIE", "DELD", "BRSA") if c not in codes)
                rows.append(
                    ctx.record(
                        participant_uuid=person.uuid,
                        criterion_code=missing,
                        validated_on=None,
                        evidence=None,
                        status=CriterionStatus.TO_DOCUMENT,
                    )
                )
        return rows


def _criteria_codes(ctx: DemoContext, person: Person) -> list[str]:
    """One to three criteria that suit the person (age, qualification, neighbourhood)."""
    rng = ctx.rng
    age = (person.min_start - person.birth).days // 365
    weights = dict(CRITERIA_WEIGHTS)
    if age < 26 and person.qualification in ("INFRA3", "3"):
        weights["JEUNE"] = 60
    if age >= 50:
        weights["SENIOR"] = 50
    if person.qpv:
        weights["QPV"] = 45
    wanted = rng.choice((1, 1, 2, 2, 3))
    codes: list[str] = []
    while len(codes) < wanted:
        code = rng.choices(list(weights), weights=list(weights.values()))[0]
        codes.append(code)
        del weights[code]
    return codes

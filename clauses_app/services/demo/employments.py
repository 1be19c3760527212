"""Demo employments and their monthly hours statements, on the awards of one authority.

Every employment lies inside its contract's performance period and inside the year. Its hours
follow a budget that keeps the running total on the plan's target (the national size lands
on the 2019 figure), and never exceed what the person can still work in the month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from clauses_app.models import AwardRole, HoursKind, Modality
from clauses_app.services.demo.context import DemoContext, Row, Town, Weighted
from clauses_app.services.demo.contracts import AwardDraft, ContractDraft, LotDraft
from clauses_app.services.demo.parties import CompanyPool
from clauses_app.services.demo.people import People, Person
from clauses_app.services.demo.plan import apportion
from clauses_app.services.demo.vocabulary import JOB_TITLES
from clauses_app.services.periods import add_months, month_index

HIRE_TYPES = Weighted({"CDD": 30, "CDD_CHANTIER": 15, "CDI": 20, "APPRENTISSAGE": 8,
                       "PROFESSIONNALISATION": 10})  # fmt: skip
# Contract type of a made-available person → kind of the employer that makes them available.
MADE_AVAILABLE = {"MISSION_ETTI": ("ETTI", 55), "INTERIM": ("ETT", 20), "GEIQ": ("GEIQ", 12),
                  "MISSION_AI": ("AI", 13)}  # fmt: skip
MADE_AVAILABLE_TYPES = Weighted({code: w for code, (_, w) in MADE_AVAILABLE.items()})
MODALITIES = Weighted({Modality.HIRE: 50, Modality.MADE_AVAILABLE: 38, Modality.SUBCONTRACTING: 12})
SUBCONTRACTORS = {"PRESTATION_SIAE": ("EI", "ACI", "REGIE", "EA", "ESAT"),
                  "CDDI": ("EI", "ACI", "REGIE")}  # fmt: skip
# Training inside the contract: (probability, lowest share, highest share of the hours).
TRAINING = {"APPRENTISSAGE": (1.0, 0.3, 0.4), "PROFESSIONNALISATION": (1.0, 0.2, 0.3),
            "GEIQ": (1.0, 0.15, 0.25), "CDDI": (0.3, 0.05, 0.15)}  # fmt: skip
OTHER_TRAINING = (0.1, 0.03, 0.08)
OUTCOMES = Weighted({"CDI": 12, "CDD_PLUS_6": 10, "CDD_MOINS_6": 15, "INTERIM": 15,
                     "CONTRAT_AIDE": 12, "FORMATION": 10, "CREATION": 2, "RECHERCHE": 20,
                     "AUTRE": 4})  # fmt: skip


FIRST_HIRE_MIN_DAYS = 90


class HoursBudget:
    """Keeps the hours recorded on course for the plan's total, employment after employment."""

    def __init__(self, total_hours: int, employments: int) -> None:
        self.mean = total_hours * 100 / max(1, employments)  # cents per employment
        self.made = 0
        self.recorded = 0  # cents

    def wanted(self, ctx: DemoContext) -> float:
        """Cents the next employment should record: a random draw plus the running shortfall."""
        behind = self.mean * self.made - self.recorded
        correction = max(-self.mean, min(4 * self.mean, behind))
        return max(0.0, self.mean * ctx.rng.uniform(0.4, 1.6) + correction)

    def add(self, cents: int) -> None:
        self.made += 1
        self.recorded += cents


@dataclass(frozen=True)
class Terms:
    """How a person works on an award: modality, contract type, employer, staff taken over."""

    modality: str
    contract_type: str
    employer_kinds: tuple[str, ...] = ()
    transferred: bool = False


def allocate(
    ctx: DemoContext, drafts: list[ContractDraft], count: int, first: bool
) -> list[tuple[ContractDraft, LotDraft, AwardDraft, int]]:
    """Share ``count`` employments among the awards: one each first (where the year leaves
    three months to work), then in proportion to the time left in the year and the size."""
    awards = [(d, lot, a) for d in drafts for lot in d.lots for a in lot.awards]
    rng = ctx.rng
    if not first:
        rng.shuffle(awards)
    awards.sort(key=lambda t: t[2].role != AwardRole.CO_CONTRACTOR)  # stable
    counts = [0] * len(awards)
    left = count
    for i, (draft, _, _) in enumerate(awards):  # one each, where the year leaves time to work
        if left and (draft.window[1] - draft.window[0]).days >= FIRST_HIRE_MIN_DAYS:
            counts[i] = 1
            left -= 1
    rest = count - sum(counts)
    if rest:
        weights = [
            ((d.window[1] - d.window[0]).days + 1)
            * (1.5 if d.shape.trade is None else 1.0)
            * rng.uniform(0.3, 1.7)
            for d, _, _ in awards
        ]
        counts = [c + extra for c, extra in zip(counts, apportion(rest, weights), strict=True)]
    return [(d, lot, a, n) for (d, lot, a), n in zip(awards, counts, strict=True) if n]


def _terms(ctx: DemoContext, lot: LotDraft, award: AwardDraft) -> Terms:
    rng, features = ctx.rng, ctx.features
    if award.role == AwardRole.CO_CONTRACTOR:
        return Terms(Modality.CO_CONTRACTING, "CDDI")
    if award.company_kind in ("EI", "ACI", "REGIE"):
        return Terms(Modality.HIRE, "CDDI")
    if award.company_kind in ("EA", "ESAT"):
        return Terms(Modality.HIRE, rng.choice(("CDD", "CDD", "CDI")))
    if features.transferred_staff and lot.trade == "NETTOYAGE":
        features.transferred_staff = False
        return Terms(Modality.HIRE, "CDI", transferred=True)
    if features.combos:
        modality, contract_type = features.combos.pop(0)
    else:
        modality = MODALITIES.pick(rng)
        if modality == Modality.HIRE:
            contract_type = HIRE_TYPES.pick(rng)
        elif modality == Modality.MADE_AVAILABLE:
            contract_type = MADE_AVAILABLE_TYPES.pick(rng)
        else:
            contract_type = rng.choice(("PRESTATION_SIAE", "PRESTATION_SIAE", "CDDI"))
    if modality == Modality.MADE_AVAILABLE:
        return Terms(modality, contract_type, (MADE_AVAILABLE[contract_type][0],))
    if modality == Modality.SUBCONTRACTING:
        return Terms(modality, contract_type, SUBCONTRACTORS[contract_type])
    return Terms(modality, contract_type)


def _dates(ctx: DemoContext, window: tuple[date, date], contract_type: str) -> tuple[date, date]:
    rng = ctx.rng
    length = (window[1] - window[0]).days + 1
    if ctx.features.six_month_outcome and window[0] <= date(ctx.plan.year, 3, 1):
        return window[0], window[0] + timedelta(days=min(length, 90) - 1)  # over by June
    r = rng.random()
    if contract_type in ("CDI", "APPRENTISSAGE", "PROFESSIONNALISATION") or r >= 0.7:
        days = rng.randint(151, 300)
    elif r < 0.2:
        days = rng.randint(20, 60)
    else:
        days = rng.randint(61, 150)
    days = min(days, length)
    start = window[0] + timedelta(days=rng.randint(0, length - days))
    return start, start + timedelta(days=days - 1)


def _months(start: date, end: date) -> list[tuple[int, date, date, float]]:
    """(month index, first day, last day, share of the month worked) of a date range."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days = calendar.monthrange(year, month)[1]
        first = max(start, date(year, month, 1))
        last = min(end, date(year, month, days))
        share = ((last - first).days + 1) / days
        months.append((month_index((year, month)), date(year, month, 1), date(year, month, days),
                       share))  # fmt: skip
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def make_employments(
    ctx: DemoContext,
    out: dict[str, list[Row]],
    people: People,
    companies: CompanyPool,
    budget: HoursBudget,
    placement: tuple[ContractDraft, LotDraft, AwardDraft, int],
    town: Town,
) -> None:
    """``count`` employments on one award, their participants when new and their hours."""
    draft, lot, award, count = placement
    rng = ctx.rng
    for _ in range(count):
        terms = _terms(ctx, lot, award)
        start, end = _dates(ctx, draft.window, terms.contract_type)
        undivided = (
            ctx.total_statements_left > 0
            and not terms.transferred
            and people.new_left > 0
            and rng.random() < 3 * ctx.total_statements_left / max(1, people.slots_left)
        )
        person, participant = people.assign(start, end, town, exclusive=undivided)
        if participant is not None:
            out["participant"].append(participant)
        employer = (
            companies.of_kind(ctx, town.region, terms.employer_kinds)
            if terms.employer_kinds
            else None
        )
        employment = ctx.record(
            participant_uuid=person.uuid,
            award_uuid=award.uuid,
            employer_uuid=employer,
            modality_code=terms.modality,
            contract_type_code=terms.contract_type,
            job_title=rng.choice(JOB_TITLES[lot.trade]),
            start_date=start,
            end_date=end,
            transferred_staff=terms.transferred,
            ineligible=False,
            invoiced_amount=None,
            **_outcomes(ctx, terms, end),
        )
        worked, training = _hours(ctx, out, person, employment, budget, undivided)
        if undivided:
            ctx.total_statements_left -= 1
        if terms.modality == Modality.SUBCONTRACTING:
            rate = Decimal(rng.randint(45, 70))
            employment["invoiced_amount"] = (_cents(worked + training) * rate).quantize(Decimal(1))
        out["employment"].append(employment)
        if not terms.transferred:
            award.done_cents += worked + training
        award.employments += 1


def _hours(
    ctx: DemoContext,
    out: dict[str, list[Row]],
    person: Person,
    employment: Row,
    budget: HoursBudget,
    undivided: bool,
) -> tuple[int, int]:
    """Monthly statements (or one undivided total) of an employment; returns (worked, training)
    in cents."""
    rng = ctx.rng
    start, end = employment["start_date"], employment["end_date"]
    months = _months(start, end)
    room = [person.available(index, share) for index, _, _, share in months]
    capacity = sum(room)
    intensity = min(1.0, max(0.15, budget.wanted(ctx) / (capacity * 0.96))) if capacity else 0.0
    chance, low, high = TRAINING.get(employment["contract_type_code"], OTHER_TRAINING)
    training_share = rng.uniform(low, high) if rng.random() < chance else 0.0
    source = "Relevé mensuel"
    worked_total = training_total = 0
    for (index, first, last, _), available in zip(months, room, strict=True):
        cents = int(available * intensity * rng.uniform(0.92, 1.0))
        if cents < 100:
            continue
        person.consume(index, cents)
        training = int(cents * training_share)
        worked_total += cents - training
        training_total += training
        if not undivided:
            month = (HoursKind.MONTH, first, last, cents - training, training, source)
            out["hours_record"].append(_statement(ctx, employment, *month))
    if undivided and worked_total + training_total:
        total = (HoursKind.TOTAL, start, end, worked_total, training_total, "Tableau de suivi")
        out["hours_record"].append(_statement(ctx, employment, *total))
    budget.add(worked_total + training_total)
    return worked_total, training_total


def _statement(
    ctx: DemoContext,
    employment: Row,
    kind: str,
    first: date,
    last: date,
    worked: int,
    training: int,
    source: str,
) -> Row:
    return ctx.record(
        employment_uuid=employment["uuid"],
        kind=kind,
        period_start=first,
        period_end=last,
        worked_hours=_cents(worked),
        training_hours=_cents(training),
        source=source,
    )


def _outcomes(ctx: DemoContext, terms: Terms, end: date) -> dict[str, Any]:
    """The person's situation at the end of the employment and six months later, when known."""
    rng = ctx.rng
    at_end = at_six_months = None
    followed = (
        ctx.features.six_month_outcome
        and not terms.transferred
        and add_months(end, 6) <= ctx.year_end
    )
    if followed:
        ctx.features.six_month_outcome = False
        return {"outcome_end_code": "CDD_MOINS_6", "outcome_6m_code": "CDI"}
    if not terms.transferred and end < ctx.year_end - timedelta(days=10) and rng.random() < 0.75:
        at_end = "CDI" if terms.contract_type == "CDI" else OUTCOMES.pick(rng)
        if add_months(end, 6) <= ctx.year_end and rng.random() < 0.8:
            at_six_months = OUTCOMES.pick(rng)
    return {"outcome_end_code": at_end, "outcome_6m_code": at_six_months}

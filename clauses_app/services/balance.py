"""What a balance report (bilan) to one contracting authority says, as plain data.

Hours, rates and ETP come from :func:`compute_figures` (never recomputed here); this module
adds names and labels, and the counts about people and outcomes the figures do not hold:
participants by sex, age band, eligibility criterion, QPV residence and qualification, the
companies and SIAE involved, and the outcomes at the end of the contracts and 6 months later.

Population: the participants with at least one employment of the authority whose dates
overlap the period. A participant's age band is taken at the start of their first such
employment. Outcomes count the employments of that population that *ended* in the period.
Every query is scoped to the authority, so that one report stays fast on a national database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import (
    Award,
    Company,
    ContractingAuthority,
    Lot,
    Operation,
    PoolingScope,
    PublicContract,
    ReferenceKind,
)
from clauses_app.services.balance_people import (
    NominativeRow,
    Outcomes,
    PeopleBreakdown,
    build_people,
)
from clauses_app.services.compliance import ComplianceSummary, compliance_summary
from clauses_app.services.figures import Figures, Totals, compute_figures
from clauses_app.services.invoices import FrameworkAward, framework_awards
from clauses_app.services.periods import Month, Period, month_of, months_between
from clauses_app.services.profile import signed_organisation
from clauses_app.services.reference import SIAE_COMPANY_KINDS, labels
from clauses_app.services.settings import AppSettings, Organisation, load_settings
from clauses_app.services.unawarded import UnawardedLot, planned_unawarded_hours, unawarded_lots

ZERO = Decimal(0)
SHARE_QUANTUM = Decimal("0.0001")


class UnknownAuthorityError(LookupError):
    """No contracting authority has this UUID (message in French, for a person)."""


def share_of(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part / whole`` as a ratio with four decimals (half-up); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FigureRow:
    """One line of a figures table: a name and its hours, rate and ETP."""

    uuid: UUID | None
    label: str
    hours_required: Decimal
    hours_done: Decimal
    completion_rate: Decimal | None
    etp_done: Decimal
    detail: str = ""

    @classmethod
    def of(cls, key: UUID | None, label: str, totals: Totals, detail: str = "") -> FigureRow:
        return cls(
            key,
            label,
            totals.hours_required,
            totals.hours_done,
            totals.completion_rate,
            totals.etp_done,
            detail,
        )


@dataclass(frozen=True)
class LotRow:
    """One lot: its own figures and, when its contract pools hours, the pooled ones."""

    uuid: UUID
    contract_reference: str
    number: str
    title: str
    companies: str
    hours_required: Decimal
    hours_done: Decimal
    completion_rate: Decimal | None
    hours_done_pooled: Decimal
    completion_rate_pooled: Decimal | None
    pooled: bool


@dataclass(frozen=True)
class HoursShare:
    """Hours carried out under one modality or contract type, and their share of the total."""

    code: str
    label: str
    hours: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class MonthHours:
    month: Month
    hours: Decimal


@dataclass(frozen=True)
class CompanyInvolved:
    uuid: UUID
    name: str
    kind_label: str
    siae: bool
    awardee: bool  # holds an award; otherwise an employer (ETTI, GEIQ, SIAE sub-contractor)


@dataclass
class BalanceData:
    """Everything one balance report shows, Qt-free, all Decimals, names and labels resolved."""

    authority_uuid: UUID
    authority_name: str
    authority_city: str
    period: Period
    generated_on: date
    organisation: Organisation
    etp_basis: int
    totals: Totals
    employment_count: int
    participant_count: int
    company_count: int
    siae_count: int
    by_operation: list[FigureRow]
    by_contract: list[FigureRow]
    by_lot: list[LotRow]
    by_company: list[FigureRow]
    by_modality: list[HoursShare]
    by_contract_type: list[HoursShare]
    monthly: list[MonthHours]
    people: PeopleBreakdown
    outcomes: Outcomes
    involved: list[CompanyInvolved]
    nominative: list[NominativeRow] | None = None
    pooling: bool = False
    # Lots whose clause plans hours but that no company was awarded: shown apart.
    unawarded: list[UnawardedLot] = field(default_factory=list)
    # The 2026 social-consideration rule: None when the period ends before it applies.
    compliance: ComplianceSummary | None = None
    # Awards of lots sized on the amount invoiced: the period's amounts and their hours.
    framework: list[FrameworkAward] = field(default_factory=list)

    @property
    def unawarded_hours(self) -> Decimal:
        return planned_unawarded_hours(self.unawarded)

    @property
    def is_empty(self) -> bool:
        """Nothing required, nothing done and no employment in the period."""
        return (
            not self.totals.hours_required
            and not self.totals.hours_done
            and not self.employment_count
            and not self.participant_count
        )

    @property
    def period_label(self) -> str:
        return self.period.label()


def build_balance(
    session: Session,
    authority_uuid: UUID,
    period: Period | None,
    *,
    nominative: bool = False,
    settings: AppSettings | None = None,
    generated_on: date | None = None,
) -> BalanceData:
    """The content of the balance report of one authority for a period (all time if None).

    Raises :class:`UnknownAuthorityError` when the authority does not exist. Participants'
    names and birth dates are only loaded into ``nominative`` when it is asked for.
    """
    authority = session.get(ContractingAuthority, authority_uuid)
    if authority is None:
        raise UnknownAuthorityError(f"Donneur d'ordre inconnu : {authority_uuid}.")
    period = period or Period()
    settings = settings or load_settings(session)
    figures = compute_figures(session, period, authority_uuid, settings, pending_hours=True)
    names = _Names.load(session, authority_uuid, figures)
    people, outcomes, nominative_rows, employers = build_people(
        session, authority_uuid, period, settings, nominative, names.award_labels
    )
    involved = _involved(session, figures, employers)
    totals = figures.total()
    return BalanceData(
        authority_uuid=authority.uuid,
        authority_name=authority.name,
        authority_city=authority.city or "",
        period=period,
        generated_on=generated_on or date.today(),
        organisation=signed_organisation(settings.organisation),
        etp_basis=settings.etp_basis,
        totals=totals,
        employment_count=sum(a.employment_count for a in figures.awards),
        participant_count=people.participant_count,
        company_count=len({a.company_uuid for a in figures.awards}),
        siae_count=sum(1 for c in involved if c.siae),
        by_operation=_operation_rows(figures, names),
        by_contract=_contract_rows(figures, names),
        by_lot=_lot_rows(figures, names),
        by_company=_company_rows(figures, names),
        by_modality=_shares(figures.by_modality(), labels(session, ReferenceKind.MODALITY), totals),
        by_contract_type=_shares(
            figures.by_contract_type(), labels(session, ReferenceKind.CONTRACT_TYPE), totals
        ),
        monthly=_monthly(figures, period),
        people=people,
        outcomes=outcomes,
        involved=involved,
        nominative=nominative_rows if nominative else None,
        pooling=any(a.pooling_scope != PoolingScope.NONE for a in figures.awards),
        unawarded=unawarded_lots(session, period, authority_uuid),
        compliance=compliance_summary(session, authority_uuid, period.start, period.end),
        framework=framework_awards(session, period, authority_uuid, _required(figures)),
    )


def _required(figures: Figures) -> dict[UUID, Decimal]:
    return {award.award_uuid: award.hours_required for award in figures.awards}


@dataclass
class _Names:
    """Names of the operations, contracts, lots and companies of one authority."""

    operations: dict[UUID, str]
    contracts: dict[UUID, tuple[str, str]]  # reference, object
    lots: dict[UUID, tuple[UUID, str, str]]  # contract, number, title
    companies: dict[UUID, str]
    award_labels: dict[UUID, tuple[str, str, str]]  # contract ref, lot number, company

    @classmethod
    def load(cls, session: Session, authority_uuid: UUID, figures: Figures) -> _Names:
        operations = dict(
            session.execute(
                select(Operation.uuid, Operation.name).where(
                    Operation.authority_uuid == authority_uuid
                )
            ).all()
        )
        contracts = {
            u: (ref, obj)
            for u, ref, obj in session.execute(
                select(PublicContract.uuid, PublicContract.reference, PublicContract.object).where(
                    PublicContract.authority_uuid == authority_uuid
                )
            )
        }
        rows = session.execute(
            select(Award.uuid, Award.company_uuid, Lot.uuid, Lot.contract_uuid, Lot.number)
            .add_columns(Lot.title)
            .join(Lot, Award.lot_uuid == Lot.uuid)
            .join(PublicContract, Lot.contract_uuid == PublicContract.uuid)
            .where(PublicContract.authority_uuid == authority_uuid)
        )
        lots: dict[UUID, tuple[UUID, str, str]] = {}
        award_companies: dict[UUID, tuple[UUID, UUID, str]] = {}
        for award_uuid, company_uuid, lot_uuid, contract_uuid, number, title in rows:
            lots[lot_uuid] = (contract_uuid, number, title)
            award_companies[award_uuid] = (company_uuid, contract_uuid, number)
        companies = _company_names(session, {c for c, _, _ in award_companies.values()})
        award_labels = {
            a: (contracts[con][0], number, companies.get(comp, ""))
            for a, (comp, con, number) in award_companies.items()
        }
        return cls(operations, contracts, lots, companies, award_labels)


def _company_names(session: Session, uuids: Iterable[UUID]) -> dict[UUID, str]:
    result: dict[UUID, str] = {}
    wanted = list(uuids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        result.update(
            session.execute(select(Company.uuid, Company.name).where(Company.uuid.in_(chunk))).all()
        )
    return result


def _keyed(groups: dict[Hashable, Totals]) -> dict[Any, Totals]:
    """Figures' groups, keyed by the UUIDs (or None for operations) they were grouped on."""
    return cast("dict[Any, Totals]", groups)


def _operation_rows(figures: Figures, names: _Names) -> list[FigureRow]:
    groups = _keyed(figures.by_operation())
    if not any(key is not None for key in groups):
        return []
    rows = [
        FigureRow.of(key, names.operations.get(key, "?"), totals)
        for key, totals in groups.items()
        if key is not None
    ]
    rows.sort(key=lambda r: r.label.casefold())
    if None in groups:
        rows.append(FigureRow.of(None, "Marchés hors opération", groups[None]))
    return rows


def _contract_rows(figures: Figures, names: _Names) -> list[FigureRow]:
    rows = []
    for key, totals in _keyed(figures.by_contract()).items():
        reference, obj = names.contracts.get(key, ("?", ""))
        rows.append(FigureRow.of(key, reference, totals, obj))
    return sorted(rows, key=lambda r: _natural(r.label))


def _lot_rows(figures: Figures, names: _Names) -> list[LotRow]:
    own = _keyed(figures.by_lot())
    pooled = _keyed(figures.by_lot(pooled=True))
    companies: dict[UUID, set[str]] = defaultdict(set)
    pooling_lots = set()
    for award in figures.awards:
        companies[award.lot_uuid].add(names.companies.get(award.company_uuid, "?"))
        if award.pooling_scope != PoolingScope.NONE:
            pooling_lots.add(award.lot_uuid)
    rows = []
    for key, totals in own.items():
        lot_uuid: UUID = key
        contract_uuid, number, title = names.lots[lot_uuid]
        reference = names.contracts.get(contract_uuid, ("?", ""))[0]
        rows.append(
            LotRow(
                uuid=lot_uuid,
                contract_reference=reference,
                number=number,
                title=title,
                companies=", ".join(sorted(companies[lot_uuid], key=str.casefold)),
                hours_required=totals.hours_required,
                hours_done=totals.hours_done,
                completion_rate=totals.completion_rate,
                hours_done_pooled=pooled[key].hours_done,
                completion_rate_pooled=pooled[key].completion_rate,
                pooled=lot_uuid in pooling_lots,
            )
        )
    return sorted(rows, key=lambda r: (_natural(r.contract_reference), _natural(r.number)))


def _company_rows(figures: Figures, names: _Names) -> list[FigureRow]:
    rows = [
        FigureRow.of(key, names.companies.get(key, "?"), totals)
        for key, totals in _keyed(figures.by_company()).items()
    ]
    return sorted(rows, key=lambda r: r.label.casefold())


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts "Lot 2" before "Lot 10"."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


def _shares(hours: dict[str, Decimal], names: dict[str, str], totals: Totals) -> list[HoursShare]:
    order = {code: i for i, code in enumerate(names)}
    rows = [
        HoursShare(code, names.get(code, code), value, share_of(value, totals.hours_done))
        for code, value in hours.items()
        if value
    ]
    return sorted(rows, key=lambda r: (order.get(r.code, len(order)), r.code))


def _monthly(figures: Figures, period: Period) -> list[MonthHours]:
    """Hours per month; every month of a bounded period, else from the first to the last."""
    hours = figures.monthly()
    if period.start is not None and period.end is not None:
        first, last = month_of(period.start), month_of(period.end)
    elif hours:
        first, last = min(hours), max(hours)
    else:
        return []
    return [MonthHours(m, hours.get(m, ZERO)) for m in months_between(first, last)]


def _involved(
    session: Session, figures: Figures, employers: Sequence[UUID]
) -> list[CompanyInvolved]:
    awardees = {a.company_uuid for a in figures.awards}
    wanted = list(awardees | set(employers))
    kinds = labels(session, ReferenceKind.COMPANY_KIND)
    rows: list[CompanyInvolved] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for company_uuid, name, kind in session.execute(
            select(Company.uuid, Company.name, Company.kind).where(Company.uuid.in_(chunk))
        ):
            rows.append(
                CompanyInvolved(
                    company_uuid,
                    name,
                    kinds.get(kind, kind),
                    kind in SIAE_COMPANY_KINDS,
                    company_uuid in awardees,
                )
            )
    return sorted(rows, key=lambda c: (not c.awardee, c.name.casefold()))


__all__ = [
    "BalanceData",
    "CompanyInvolved",
    "FigureRow",
    "HoursShare",
    "LotRow",
    "MonthHours",
    "NominativeRow",
    "Outcomes",
    "PeopleBreakdown",
    "UnknownAuthorityError",
    "build_balance",
    "share_of",
]

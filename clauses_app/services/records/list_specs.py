"""The SQL behind each list: its source (joins), columns, search columns and filters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import Session, aliased

from clauses_app.models import (
    Award,
    Company,
    Contact,
    ContractingAuthority,
    Employment,
    Lot,
    Operation,
    Participant,
    ParticipantCriterion,
    PublicContract,
)
from clauses_app.services.compliance import CONSIDERATION_LABELS, EXCEPTION_LABELS
from clauses_app.services.portfolio import (
    authorities_of,
    awards_of,
    employment_in_portfolio,
    participant_in_portfolio,
)
from clauses_app.services.records.kinds import Kind

Filter = Callable[[Any], ColumnElement[bool]]
Like = Callable[[Any, str], ColumnElement[bool]]


@dataclass(frozen=True)
class SpecColumn:
    key: str
    label: str  # empty: fetched but not shown
    kind: str
    expr: Any  # a column or SQL expression


@dataclass(frozen=True)
class SortWalk:
    """A sort column held by a parent table: the parent's uuid column, and how a selection of
    parent uuids reaches the main table's rows (along foreign-key indexes). Only for a parent
    every row has, with a sort value never empty (NOT NULL): the walk visits parents by value."""

    parent_uuid: Any
    reach: Callable[[Select[Any]], ColumnElement[bool]]


@dataclass(frozen=True)
class ListSpec:
    kind: str
    source: FromClause
    key_column: Any
    columns: tuple[SpecColumn, ...]
    search: tuple[Any, ...]
    filters: dict[str, Filter] = field(default_factory=dict)
    default_sort: str = ""
    default_descending: bool = False
    # Long lists: pages are chosen on ``key_source`` (the main table) joined only to what the
    # sort column needs (``sort_sources``); search and filters then use only the main table's
    # columns (IN subqueries).
    key_source: FromClause | None = None
    sort_sources: dict[str, FromClause] = field(default_factory=dict)
    # (word, LIKE pattern, like) → predicate, when a list's search needs more than ORs
    search_predicate: Callable[[str, str, Like], ColumnElement[bool]] | None = None
    # Sort columns held by a parent table, walked in the parent's order (lists.walk_page_keys).
    sort_walks: dict[str, SortWalk] = field(default_factory=dict)
    # Filters whose rule lives in a service, not in SQL: (session, value) → predicate.
    session_filters: dict[str, Callable[[Session, Any], ColumnElement[bool]]] = field(
        default_factory=dict
    )

    def column(self, key: str) -> SpecColumn:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"unknown column {key!r} for {self.kind}")


def C(key: str, label: str, expr: Any, kind: str = "text") -> SpecColumn:
    return SpecColumn(key, label, kind, expr)


def _count(model: Any, fk: Any, parent: Any) -> ColumnElement[Any]:
    return select(func.count()).select_from(model).where(fk == parent).scalar_subquery()


def _period_status(start: Any, end: Any) -> Filter:
    """Filter on where a period stands today: current, future or ended."""

    def apply(value: str) -> ColumnElement[bool]:
        today = date.today()
        if value == "future":
            return start > today
        if value == "ended":
            return end < today
        return and_(or_(start.is_(None), start <= today), or_(end.is_(None), end >= today))

    return apply


def _overlaps_year(start: Any, end: Any) -> Filter:
    def apply(year: int) -> ColumnElement[bool]:
        first, last = date(int(year), 1, 1), date(int(year), 12, 31)
        return and_(start.is_not(None), start <= last, or_(end.is_(None), end >= first))

    return apply


def _archive(column: Any) -> Filter:
    return lambda value: column.is_(value == "archived")


def _eligibility_filter(session: Session, value: str) -> ColumnElement[bool]:
    """Employments whose eligibility at their start is ``value`` (a status, or ``PENDING``
    for « en attente de justification »), as services.eligibility decides it: the rule is
    not written again in SQL. The smaller of the two sets goes into the query, which keeps
    it under the databases' limits on bound values."""
    from clauses_app.services.eligibility import eligibility_of_employments

    statuses = eligibility_of_employments(session)
    matching = {
        u for u, e in statuses.items() if (e.pending if value == "PENDING" else e.status == value)
    }
    if len(matching) <= len(statuses) - len(matching):
        return E.uuid.in_(matching) if matching else false()
    others = set(statuses) - matching
    return E.uuid.not_in(others) if others else true()


# --- authorities -------------------------------------------------------------------------
A = ContractingAuthority
AUTHORITIES = ListSpec(
    Kind.AUTHORITY,
    A.__table__,
    A.uuid,
    (
        C("name", "Nom", A.name),
        C("kind", "Type", A.kind),
        C("city", "Commune", A.city),
        C("siret", "SIRET", A.siret),
        C("contacts", "Contacts", _count(Contact, Contact.authority_uuid, A.uuid), "int"),
        C(
            "contracts",
            "Marchés",
            _count(PublicContract, PublicContract.authority_uuid, A.uuid),
            "int",
        ),
        C("archived", "Archivé", A.archived, "bool"),
    ),
    (A.name, A.city, A.siret, A.kind),
    {"archive": _archive(A.archived), "portfolio": lambda v: A.uuid.in_(authorities_of(v))},
    default_sort="name",
)

# --- operations --------------------------------------------------------------------------
O = Operation  # noqa: E741
OPERATIONS = ListSpec(
    Kind.OPERATION,
    O.__table__.join(A, O.authority_uuid == A.uuid),
    O.uuid,
    (
        C("name", "Opération", O.name),
        C("authority", "Donneur d'ordre", A.name),
        C("start_date", "Début", O.start_date, "date"),
        C("end_date", "Fin", O.end_date, "date"),
        C(
            "contracts",
            "Marchés",
            _count(PublicContract, PublicContract.operation_uuid, O.uuid),
            "int",
        ),
    ),
    (O.name, A.name),
    {
        "authority_uuid": lambda v: O.authority_uuid == v,
        "portfolio": lambda v: O.authority_uuid.in_(authorities_of(v)),
    },
    default_sort="name",
)

# --- contracts ---------------------------------------------------------------------------
P = PublicContract
contract_start = func.coalesce(P.start_date, P.notification_date)
contract_end = func.coalesce(P.end_date, P.start_date, P.notification_date)


def _consideration_label() -> ColumnElement[str]:
    """The contract's social consideration in French, or the exception it invokes."""
    considered = case(
        {code: label for code, label in CONSIDERATION_LABELS.items()},
        value=P.social_consideration, else_=P.social_consideration,
    )  # fmt: skip
    return case(
        (P.social_exception.is_not(None), literal("Exception : ")
         + case(EXCEPTION_LABELS, value=P.social_exception, else_=P.social_exception)),
        else_=considered,
    )  # fmt: skip


CONTRACTS = ListSpec(
    Kind.CONTRACT,
    P.__table__.join(A, P.authority_uuid == A.uuid).outerjoin(O, P.operation_uuid == O.uuid),
    P.uuid,
    (
        C("reference", "Référence", P.reference),
        C("object", "Objet", P.object),
        C("authority", "Donneur d'ordre", A.name),
        C("operation", "Opération", O.name),
        C("start_date", "Début", P.start_date, "date"),
        C("end_date", "Fin", P.end_date, "date"),
        C("amount_ht", "Montant HT", P.amount_ht, "money"),
        C("lots", "Lots", _count(Lot, Lot.contract_uuid, P.uuid), "int"),
        C("social_consideration", "Considération sociale", _consideration_label(), "text"),
    ),
    (P.reference, P.object, A.name, O.name),
    {
        "year": _overlaps_year(contract_start, contract_end),
        "authority_uuid": lambda v: P.authority_uuid == v,
        "status": _period_status(P.start_date, P.end_date),
        "operation_uuid": lambda v: P.operation_uuid == v,
        "portfolio": lambda v: P.authority_uuid.in_(authorities_of(v)),
    },
    default_sort="start_date",
    default_descending=True,
)

# --- lots and their awards (the detail of one contract) ----------------------------------
W = Award
holder = aliased(Company, name="holder")
LOTS = ListSpec(
    Kind.LOT,
    Lot.__table__.outerjoin(W, W.lot_uuid == Lot.uuid).outerjoin(
        holder, W.company_uuid == holder.uuid
    ),
    Lot.uuid,
    (
        C("number", "Lot", Lot.number),
        C("title", "Intitulé", Lot.title),
        C("lot_required_hours", "Heures du lot", Lot.required_hours, "hours"),
        C("company", "Attributaire", holder.name),
        C("award_required_hours", "Heures dues", W.required_hours, "hours"),
        C("award_uuid", "", W.uuid),
        C("contract_uuid", "", Lot.contract_uuid),
    ),
    (Lot.title, Lot.number, holder.name),
    {
        "contract_uuid": lambda v: Lot.contract_uuid == v,
        # A contract's lots whatever the year: the year is that of their figures
        # (services.list_progress), the contracts list's.
        "year": lambda v: true(),
    },
    default_sort="number",
)

# --- companies ---------------------------------------------------------------------------
COMPANIES = ListSpec(
    Kind.COMPANY,
    Company.__table__,
    Company.uuid,
    (
        C("name", "Raison sociale", Company.name),
        C("siret", "SIRET", Company.siret),
        C("kind", "Type", Company.kind),
        C("city", "Commune", Company.city),
        C("contact_name", "Contact", Company.contact_name),
        C("phone", "Téléphone", Company.phone),
        C("awards", "Attributions", _count(W, W.company_uuid, Company.uuid), "int"),
    ),
    (Company.name, Company.siret, Company.city, Company.contact_name),
    {
        "kind": lambda v: Company.kind == v,
        # Companies holding an award on a contract that runs during the year.
        "year": lambda v: Company.uuid.in_(
            select(W.company_uuid)
            .join(Lot, W.lot_uuid == Lot.uuid)
            .join(P, Lot.contract_uuid == P.uuid)
            .where(_overlaps_year(contract_start, contract_end)(v))
        ),
        "portfolio": lambda v: Company.uuid.in_(
            select(W.company_uuid).where(W.uuid.in_(awards_of(v)))
        ),
    },
    default_sort="name",
)

# --- participants ------------------------------------------------------------------------
Pa = Participant
PARTICIPANTS = ListSpec(
    Kind.PARTICIPANT,
    Pa.__table__,
    Pa.uuid,
    (
        C("last_name", "Nom", Pa.last_name),
        C("first_name", "Prénom", Pa.first_name),
        C("birth_date", "Naissance", Pa.birth_date, "date"),
        C("city", "Commune", Pa.city),
        C("qpv", "QPV", Pa.qpv, "bool"),
        C("qualification_code", "Qualification", Pa.qualification_code),
        C("criteria", "Critères", literal(""), "text"),
        C(
            "employments",
            "Contrats",
            _count(Employment, Employment.participant_uuid, Pa.uuid),
            "int",
        ),
        C("archived", "Archivé", Pa.archived, "bool"),
    ),
    (Pa.last_name, Pa.first_name, Pa.external_id, Pa.city),
    {
        "archive": _archive(Pa.archived),
        "criterion": lambda v: Pa.uuid.in_(
            select(ParticipantCriterion.participant_uuid).where(
                ParticipantCriterion.criterion_code == v
            )
        ),
        "portfolio": participant_in_portfolio,
    },
    default_sort="last_name",
)

# --- employments -------------------------------------------------------------------------
E = Employment
employer = aliased(Company, name="employer")


# A search word this short matches much of the table (one letter: nearly every row).
SHORT_WORD = 2


def _employment_search(word: str, pattern: str, like: Like) -> ColumnElement[bool]:
    """One search word over an employment: participant name, company holding the award,
    contract reference, employer, job title.

    Each LIKE runs once over the small table that holds the text, and the matching uuids
    reach the employments along the foreign-key indexes (company → award, contract → lot →
    award): joining every award to its lot and contract to test a reference took half a
    second on the national data, these chains a few milliseconds. A word of a few letters
    gathers the matching employments themselves (a union, cost in proportion to the matches);
    a short word, which matches most of them, tests each employment against the sets instead
    (a scan, cost bounded by the table).
    """
    companies = select(Company.uuid).where(like(Company.name, pattern))
    contracts = select(P.uuid).where(like(P.reference, pattern))
    lots = select(Lot.uuid).where(Lot.contract_uuid.in_(contracts))
    people = select(Pa.uuid).where(or_(like(Pa.last_name, pattern), like(Pa.first_name, pattern)))
    by_holder = select(W.uuid).where(W.company_uuid.in_(companies))
    by_contract = select(W.uuid).where(W.lot_uuid.in_(lots))
    if len(word) <= SHORT_WORD:
        return or_(
            E.participant_uuid.in_(people),
            E.award_uuid.in_(by_holder),
            E.award_uuid.in_(by_contract),
            E.employer_uuid.in_(companies),
            like(E.job_title, pattern),
        )
    job = aliased(Employment, name="matched")
    return E.uuid.in_(
        union(
            select(job.uuid).where(job.participant_uuid.in_(people)),
            select(job.uuid).where(job.award_uuid.in_(by_holder)),
            select(job.uuid).where(job.award_uuid.in_(by_contract)),
            select(job.uuid).where(job.employer_uuid.in_(companies)),
            select(job.uuid).where(like(job.job_title, pattern)),
        )
    )


EMPLOYMENTS = ListSpec(
    Kind.EMPLOYMENT,
    E.__table__.join(Pa, E.participant_uuid == Pa.uuid)
    .join(W, E.award_uuid == W.uuid)
    .join(Lot, W.lot_uuid == Lot.uuid)
    .join(P, Lot.contract_uuid == P.uuid)
    .join(A, P.authority_uuid == A.uuid)
    .join(holder, W.company_uuid == holder.uuid)
    .outerjoin(employer, E.employer_uuid == employer.uuid),
    E.uuid,
    (
        C("participant", "Participant", Pa.last_name + " " + Pa.first_name),
        C("participant_last", "", Pa.last_name),
        C("participant_first", "", Pa.first_name),
        C("company", "Entreprise", holder.name),
        C("contract", "Marché", P.reference),
        C("lot", "Lot", Lot.number),
        C("start_date", "Début", E.start_date, "date"),
        C("end_date", "Fin", E.end_date, "date"),
        C("contract_type_code", "Type de contrat", E.contract_type_code),
        C("modality_code", "Modalité", E.modality_code),
        C("employer", "Employeur", employer.name),
        C("authority", "Donneur d'ordre", A.name),
        C("eligibility", "Éligibilité", literal(""), "text"),
        C("award_uuid", "", E.award_uuid),
    ),
    (),
    {
        "year": _overlaps_year(E.start_date, E.end_date),
        "authority_uuid": lambda v: E.award_uuid.in_(
            select(W.uuid)
            .join(Lot, W.lot_uuid == Lot.uuid)
            .join(P, Lot.contract_uuid == P.uuid)
            .where(P.authority_uuid == v)
        ),
        "modality": lambda v: E.modality_code == v,
        "status": _period_status(E.start_date, E.end_date),
        "award_uuid": lambda v: E.award_uuid == v,
        "participant_uuid": lambda v: E.participant_uuid == v,
        "contract_uuid": lambda v: E.award_uuid.in_(
            select(W.uuid).join(Lot, W.lot_uuid == Lot.uuid).where(Lot.contract_uuid == v)
        ),
        "portfolio": employment_in_portfolio,
    },
    default_sort="start_date",
    default_descending=True,
    key_source=E.__table__,
    sort_sources={
        "participant": E.__table__.join(Pa, E.participant_uuid == Pa.uuid),
        "company": E.__table__.join(W, E.award_uuid == W.uuid).join(
            holder, W.company_uuid == holder.uuid
        ),
        "employer": E.__table__.outerjoin(employer, E.employer_uuid == employer.uuid),
        "lot": E.__table__.join(W, E.award_uuid == W.uuid).join(Lot, W.lot_uuid == Lot.uuid),
        "contract": E.__table__.join(W, E.award_uuid == W.uuid)
        .join(Lot, W.lot_uuid == Lot.uuid)
        .join(P, Lot.contract_uuid == P.uuid),
    },
    search_predicate=_employment_search,
    session_filters={"eligibility": _eligibility_filter},
    # (not the participant: one join, cheaper than reading 45,000 names in order)
    sort_walks={
        "company": SortWalk(
            holder.uuid,
            lambda parents: E.award_uuid.in_(select(W.uuid).where(W.company_uuid.in_(parents))),
        ),
        "contract": SortWalk(P.uuid, lambda parents: _awards_of_contracts(parents)),
        "lot": SortWalk(
            Lot.uuid,
            lambda parents: E.award_uuid.in_(select(W.uuid).where(W.lot_uuid.in_(parents))),
        ),
        "authority": SortWalk(
            A.uuid,
            lambda parents: _awards_of_contracts(
                select(P.uuid).where(P.authority_uuid.in_(parents))
            ),
        ),
    },
)


def _awards_of_contracts(contracts: Select[Any]) -> ColumnElement[bool]:
    lots = select(Lot.uuid).where(Lot.contract_uuid.in_(contracts))
    return E.award_uuid.in_(select(W.uuid).where(W.lot_uuid.in_(lots)))


SPECS: dict[str, ListSpec] = {
    spec.kind: spec
    for spec in (AUTHORITIES, OPERATIONS, CONTRACTS, LOTS, COMPANIES, PARTICIPANTS, EMPLOYMENTS)
}


def year_bounds(session: Session, kind: str) -> list[int]:
    """The years a list's year filter offers, most recent first (the data's, or this year)."""
    if kind == Kind.CONTRACT:
        first, last = session.execute(
            select(func.min(contract_start), func.max(contract_end))
        ).one()
    elif kind == Kind.EMPLOYMENT:
        first, last = session.execute(
            select(func.min(E.start_date), func.max(func.coalesce(E.end_date, E.start_date)))
        ).one()
    else:
        return []
    this_year = date.today().year
    low = _year(first) or this_year
    high = max(_year(last) or this_year, low)
    return list(range(min(high, low + 30), low - 1, -1))


def _year(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.year
    return int(str(value)[:4])

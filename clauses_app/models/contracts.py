"""Operations, public contracts, lots and awards: where the required hours are set."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clauses_app.models.base import Code, Hours, Money, Ratio, Record

if TYPE_CHECKING:
    from clauses_app.models.employment import Employment
    from clauses_app.models.parties import Company, ContractingAuthority


class PoolingScope:
    """How far a clause lets one lot's hours cover another's (globalisation)."""

    NONE = "NONE"
    CONTRACT = "CONTRACT"
    OPERATION = "OPERATION"
    ALL = (NONE, CONTRACT, OPERATION)


class ClauseMode:
    """A clause written as a number of hours, as a percentage of the hours worked, or (framework
    contracts with purchase orders) as « N hours per X € HT invoiced »."""

    HOURS = "HOURS"
    PERCENT = "PERCENT"
    INVOICED = "INVOICED"  # required hours follow the amounts invoiced (Invoice rows)
    ALL = (HOURS, PERCENT, INVOICED)


class ContractNature:
    """What a contract buys: decides which procurement threshold applies."""

    WORKS = "WORKS"
    SUPPLIES = "SUPPLIES"
    SERVICES = "SERVICES"
    WORKS_CONCESSION = "WORKS_CONCESSION"
    SERVICES_CONCESSION = "SERVICES_CONCESSION"
    DEFENCE = "DEFENCE"  # defence or security
    ALL = (WORKS, SUPPLIES, SERVICES, WORKS_CONCESSION, SERVICES_CONCESSION, DEFENCE)
    CONCESSIONS = (WORKS_CONCESSION, SERVICES_CONCESSION)


class SocialConsideration:
    """How a contract takes social or employment matters into account (L2112-2-1)."""

    INSERTION_CLAUSE = "INSERTION_CLAUSE"  # an execution condition: the insertion clause
    RESERVED = "RESERVED"  # a contract reserved (L2113-12 to L2113-15)
    OTHER = "OTHER"  # another social or employment consideration
    NONE = "NONE"
    ALL = (INSERTION_CLAUSE, RESERVED, OTHER, NONE)


class SocialException:
    """Exceptions to the social consideration a buyer may invoke (justified in writing)."""

    IMMEDIATE_SOLUTION = "IMMEDIATE_SOLUTION"  # need met by an immediately available solution
    NO_LINK = "NO_LINK"  # no sufficient link with the object of the contract
    COMPETITION = "COMPETITION"  # would restrict competition or hinder performance
    OTHER = "OTHER"
    ALL = (IMMEDIATE_SOLUTION, NO_LINK, COMPETITION, OTHER)


class AwardRole:
    HOLDER = "TITULAIRE"
    CO_CONTRACTOR = "CO_TRAITANT"
    ALL = (HOLDER, CO_CONTRACTOR)


class Operation(Record):
    """Opération: an optional grouping of contracts (a renovation programme, an ANRU project)."""

    __tablename__ = "operation"

    authority_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("contracting_authority.uuid", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Counting-rule overrides for every contract of the operation (keys of CountingRules).
    rules_override: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    authority: Mapped[ContractingAuthority] = relationship(back_populates="operations")
    contracts: Mapped[list[PublicContract]] = relationship(back_populates="operation")


class PublicContract(Record):
    """Marché: reference, object, procedure, performance period, amount and legal basis."""

    __tablename__ = "public_contract"

    authority_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("contracting_authority.uuid", ondelete="CASCADE"), index=True
    )
    operation_uuid: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("operation.uuid", ondelete="SET NULL"), nullable=True, index=True
    )
    reference: Mapped[str] = mapped_column(String(80), index=True)
    object: Mapped[str] = mapped_column(String(300))
    procedure: Mapped[str | None] = mapped_column(String(80), nullable=True)
    legal_basis: Mapped[str] = mapped_column(Code(), default="L2112-2")
    notification_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    amount_ht: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    pooling_scope: Mapped[str] = mapped_column(Code(), default=PoolingScope.NONE)
    penalty_per_hour: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    rules_override: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    # What the 2026 rule (L2112-2-1, L3114-2-1) needs to judge the contract.
    nature: Mapped[str] = mapped_column(Code(), default=ContractNature.WORKS)
    # Awarded by the authority as an entité adjudicatrice (a utilities activity).
    utilities: Mapped[bool] = mapped_column(Boolean, default=False)
    # Estimated value of the need (compared with the thresholds), not the awarded amount.
    estimated_value: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    launch_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    social_consideration: Mapped[str] = mapped_column(
        Code(), default=SocialConsideration.INSERTION_CLAUSE
    )
    social_exception: Mapped[str | None] = mapped_column(Code(), nullable=True)
    social_exception_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Clause wording: the contract's own values over the global settings.
    award_criterion_weight: Mapped[int | None] = mapped_column(Integer, nullable=True)
    statement_penalty_per_day: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)

    authority: Mapped[ContractingAuthority] = relationship(back_populates="contracts")
    operation: Mapped[Operation | None] = relationship(back_populates="contracts")
    lots: Mapped[list[Lot]] = relationship(
        back_populates="contract",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Lot.number",
    )


class Lot(Record):
    """Lot: part of a contract; the clause's hours are set per lot."""

    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("contract_uuid", "number", name="uq_lot_contract_number"),)

    contract_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("public_contract.uuid", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(20), default="1")
    title: Mapped[str] = mapped_column(String(300))
    trade_code: Mapped[str | None] = mapped_column(Code(), nullable=True)
    amount_ht: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    labour_share: Mapped[Decimal | None] = mapped_column(Ratio(), nullable=True)
    insertion_rate: Mapped[Decimal | None] = mapped_column(Ratio(), nullable=True)
    hourly_cost: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    clause_mode: Mapped[str] = mapped_column(Code(), default=ClauseMode.HOURS)
    # The clause's hours for the whole lot (HOURS mode); awards carry each company's share.
    required_hours: Mapped[Decimal | None] = mapped_column(Hours(), nullable=True)
    # PERCENT mode: the share of the hours worked on the lot that must be insertion hours.
    required_percent: Mapped[Decimal | None] = mapped_column(Ratio(), nullable=True)
    # INVOICED mode: « tranche_hours h per tranche_amount € HT invoiced » (1 h per 2,000 €).
    tranche_amount: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    tranche_hours: Mapped[Decimal | None] = mapped_column(Hours(), nullable=True)
    # Optional performance period of the lot; the contract's when empty.
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    contract: Mapped[PublicContract] = relationship(back_populates="lots")
    awards: Mapped[list[Award]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", passive_deletes=True
    )


class Award(Record):
    """Attribution: a lot won by a company (or a co-contractor), with the hours it owes."""

    __tablename__ = "award"

    lot_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("lot.uuid", ondelete="CASCADE"), index=True
    )
    company_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("company.uuid", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(Code(), default=AwardRole.HOLDER)
    award_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Hours the company must carry out (HOURS clauses).
    required_hours: Mapped[Decimal | None] = mapped_column(Hours(), nullable=True)
    # PERCENT clauses: percent of the hours worked, and the hours the company worked on the lot.
    required_percent: Mapped[Decimal | None] = mapped_column(Ratio(), nullable=True)
    worked_hours_total: Mapped[Decimal | None] = mapped_column(Hours(), nullable=True)

    lot: Mapped[Lot] = relationship(back_populates="awards")
    company: Mapped[Company] = relationship(back_populates="awards")
    employments: Mapped[list[Employment]] = relationship(
        back_populates="award", cascade="all, delete-orphan", passive_deletes=True
    )
    invoices: Mapped[list[Invoice]] = relationship(
        back_populates="award",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Invoice.invoiced_on, Invoice.reference)",
    )


class Invoice(Record):
    """Montant facturé: an amount the company invoiced on a framework contract (one order, or a
    month's orders), dated. Required hours of an INVOICED lot's award follow them."""

    __tablename__ = "invoice"

    award_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("award.uuid", ondelete="CASCADE"), index=True
    )
    # The order's invoice date (a month's orders: any day of the month, usually the last).
    invoiced_on: Mapped[date] = mapped_column(Date)
    amount_ht: Mapped[Decimal] = mapped_column(Money())
    # The order or invoice number, as the company gives it.
    reference: Mapped[str | None] = mapped_column(String(80), nullable=True)

    award: Mapped[Award] = relationship(back_populates="invoices")

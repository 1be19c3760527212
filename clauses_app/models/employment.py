"""Work contracts (employments) and the hours recorded on them."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clauses_app.models.base import Code, Hours, Money, Record

if TYPE_CHECKING:
    from clauses_app.models.contracts import Award
    from clauses_app.models.parties import Company
    from clauses_app.models.people import Participant


class Modality:
    HIRE = "EMBAUCHE"
    MADE_AVAILABLE = "MAD"
    SUBCONTRACTING = "SOUS_TRAITANCE"
    CO_CONTRACTING = "CO_TRAITANCE"
    ALL = (HIRE, MADE_AVAILABLE, SUBCONTRACTING, CO_CONTRACTING)


class HoursKind:
    MONTH = "MONTH"  # hours of one calendar month
    TOTAL = "TOTAL"  # an undivided total over a period (from a tracker)
    ALL = (MONTH, TOTAL)


class Employment(Record):
    """Contrat / mission: one work contract or assignment of a participant on an award."""

    __tablename__ = "employment"

    participant_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.uuid", ondelete="RESTRICT"), index=True
    )
    award_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("award.uuid", ondelete="CASCADE"), index=True
    )
    # The employer when it is not the award's company (an ETTI, a GEIQ, an SIAE sub-contractor).
    employer_uuid: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("company.uuid", ondelete="SET NULL"), nullable=True, index=True
    )
    modality_code: Mapped[str] = mapped_column(Code(), default=Modality.HIRE)
    contract_type_code: Mapped[str] = mapped_column(Code(), default="CDD")
    job_title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    transferred_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    # Marked ineligible by the facilitator: its hours do not count.
    ineligible: Mapped[bool] = mapped_column(Boolean, default=False)
    invoiced_amount: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    outcome_end_code: Mapped[str | None] = mapped_column(Code(), nullable=True)
    outcome_6m_code: Mapped[str | None] = mapped_column(Code(), nullable=True)

    participant: Mapped[Participant] = relationship(back_populates="employments")
    award: Mapped[Award] = relationship(back_populates="employments")
    employer: Mapped[Company | None] = relationship(foreign_keys=[employer_uuid])
    hours: Mapped[list[HoursRecord]] = relationship(
        back_populates="employment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="HoursRecord.period_start",
    )


class HoursRecord(Record):
    """Relevé d'heures: hours worked (and training hours) for one month or an undivided total.

    A MONTH record has ``period_start`` on the first day of the month and ``period_end`` on its
    last. A TOTAL record spans any period; month records of the same employment replace it.
    """

    __tablename__ = "hours_record"
    __table_args__ = (
        UniqueConstraint(
            "employment_uuid", "kind", "period_start", name="uq_hours_record_employment_period"
        ),
        # Every column the figures read for a period, so that they scan the index alone
        # (migration 0003). The unique constraint's index serves look-ups by employment.
        Index(
            "ix_hours_record_counting",
            "period_start",
            "period_end",
            "kind",
            "employment_uuid",
            "worked_hours",
            "training_hours",
        ),
        # The same columns in the order the figures sum them per employment (migration 0005).
        Index(
            "ix_hours_record_sums",
            "employment_uuid",
            "kind",
            "period_start",
            "period_end",
            "worked_hours",
            "training_hours",
        ),
        # The few undivided totals by end, for the last year with hours (migration 0006): a
        # monthly record ends in the month it starts, so the counting index gives the rest.
        # The migration makes it partial on PostgreSQL too; saying so here
        # (postgresql_where) would import SQLAlchemy's PostgreSQL dialect at every start.
        Index("ix_hours_record_totals_end", "period_end", sqlite_where=text("kind <> 'MONTH'")),
    )

    employment_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("employment.uuid", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(10), default=HoursKind.MONTH)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    worked_hours: Mapped[Decimal] = mapped_column(Hours(), default=Decimal("0"))
    training_hours: Mapped[Decimal] = mapped_column(Hours(), default=Decimal("0"))
    source: Mapped[str | None] = mapped_column(String(60), nullable=True)

    employment: Mapped[Employment] = relationship(back_populates="hours")

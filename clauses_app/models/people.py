"""Participants and their eligibility criteria."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    column,
    table,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clauses_app.models.base import Code, Record
from clauses_app.models.team import ROLE_NAME_LENGTH, current_user_name

if TYPE_CHECKING:
    from clauses_app.models.employment import Employment


class Sex:
    FEMALE = "F"
    MALE = "M"
    ALL = (FEMALE, MALE)


class CriterionStatus:
    VALIDATED = "VALIDE"
    TO_DOCUMENT = "A_DOCUMENTER"
    INELIGIBLE = "INELIGIBLE"
    ALL = (VALIDATED, TO_DOCUMENT, INELIGIBLE)


class Participant(Record):
    """A person far from employment, hired or made available to fulfil a clause.

    Personal data (RGPD): reports are anonymised by default; ``archived`` marks a record kept
    only for audit, and the purge (services/privacy.py) anonymises every record past its
    retention while keeping the figures of past balances (docs/privacy.md).
    """

    __tablename__ = "participant"
    __table_args__ = (Index("ix_participant_identity", "last_name", "first_name", "birth_date"),)

    external_id: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    last_name: Mapped[str] = mapped_column(String(120))
    first_name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    city: Mapped[str | None] = mapped_column(String(120), nullable=True)
    qpv: Mapped[bool] = mapped_column(Boolean, default=False)
    qualification_code: Mapped[str | None] = mapped_column(Code(), nullable=True)
    last_contact_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The facilitator who follows the person (a PostgreSQL role; on SQLite the local user
    # name): whoever creates the record, transferable (services/team.py). Local to the
    # database, like the version: never exported (models.base.LOCAL_COLUMNS).
    follower: Mapped[str | None] = mapped_column(
        String(ROLE_NAME_LENGTH), nullable=True, index=True, default=current_user_name()
    )

    criteria: Mapped[list[ParticipantCriterion]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True
    )
    employments: Mapped[list[Employment]] = relationship(back_populates="participant")

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


class ParticipantCriterion(Record):
    """An eligibility criterion of a participant, validated by the facilitator on a date.

    A participant holds one criterion code once per validation date: revalidating it later is
    a new row, entering the same validation twice is refused (two rows without a date are
    refused by validation, databases treat NULLs as distinct)."""

    __tablename__ = "participant_criterion"
    __table_args__ = (
        UniqueConstraint(
            "participant_uuid", "criterion_code", "validated_on",
            name="uq_participant_criterion_validation",
        ),
    )  # fmt: skip

    participant_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.uuid", ondelete="CASCADE"), index=True
    )
    criterion_code: Mapped[str] = mapped_column(Code())
    validated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str | None] = mapped_column(String(300), nullable=True)
    status: Mapped[str] = mapped_column(Code(), default=CriterionStatus.VALIDATED)

    participant: Mapped[Participant] = relationship(back_populates="criteria")


# A view (migration 0016), not a table of the models: each validated criterion's person, date
# and whether evidence was given, without the criterion. On a team database every member
# reads all of it, so that pending hours are the same for everybody (figures/pending.py).
criterion_validation = table(
    "criterion_validation",
    column("participant_uuid", Uuid()),
    column("validated_on", Date()),
    column("evidence_given", Boolean()),
)

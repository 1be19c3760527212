"""Contracting authorities (with their contacts) and companies."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clauses_app.models.base import Code, Record

if TYPE_CHECKING:
    from clauses_app.models.contracts import Award, Operation, PublicContract


class BuyerType:
    """Which procurement thresholds apply to a buyer's supplies and services."""

    STATE = "STATE"  # the State and its public bodies (autorités publiques centrales)
    LOCAL = "LOCAL"  # local authorities and their public bodies, and other buyers
    ALL = (STATE, LOCAL)


class ContractingAuthority(Record):
    """Donneur d'ordre: the public buyer that puts the clause in its contracts."""

    __tablename__ = "contracting_authority"

    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str | None] = mapped_column(String(60), nullable=True)
    siret: Mapped[str | None] = mapped_column(String(14), nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    city: Mapped[str | None] = mapped_column(String(120), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    buyer_type: Mapped[str] = mapped_column(Code(), default=BuyerType.LOCAL)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="authority", cascade="all, delete-orphan", passive_deletes=True
    )
    operations: Mapped[list[Operation]] = relationship(
        back_populates="authority", cascade="all, delete-orphan", passive_deletes=True
    )
    contracts: Mapped[list[PublicContract]] = relationship(
        back_populates="authority", cascade="all, delete-orphan", passive_deletes=True
    )


class Contact(Record):
    __tablename__ = "contact"

    authority_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("contracting_authority.uuid", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(120), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)

    authority: Mapped[ContractingAuthority] = relationship(back_populates="contacts")


class Company(Record):
    """Entreprise: a successful bidder, an insertion structure (SIAE) or another employer."""

    __tablename__ = "company"

    name: Mapped[str] = mapped_column(String(200), index=True)
    siret: Mapped[str | None] = mapped_column(String(14), nullable=True, unique=True)
    kind: Mapped[str] = mapped_column(Code(), default="CLASSIQUE")
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    city: Mapped[str | None] = mapped_column(String(120), nullable=True)
    contact_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)

    awards: Mapped[list[Award]] = relationship(back_populates="company")

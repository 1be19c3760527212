"""A territory's team on one shared database: who is in charge of which contracting authority
(the portfolios, docs/team.md). Local to the database: not part of the Clause exchange format.

A facilitator is a PostgreSQL role (on SQLite, the local user name); the names stored here and
in ``participant.follower`` are those role names.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Uuid, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from clauses_app.models.base import Base, UTCDateTime, local_user_name, utcnow

ROLE_NAME_LENGTH = 63  # PostgreSQL's identifier length


class current_user_name(FunctionElement[str]):
    """The connected facilitator, as an SQL value: ``CURRENT_USER`` on PostgreSQL (the role
    the row-level security policies compare with), the local user name elsewhere. Used as the
    default of ``participant.follower``, so that every insert, ORM or bulk, names its
    creator without a query of its own."""

    type = String(ROLE_NAME_LENGTH)
    inherit_cache = True
    name = "current_user_name"


@compiles(current_user_name)
def _local_user(element: current_user_name, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(literal(local_user_name(), String()), **kw))


@compiles(current_user_name, "postgresql")
def _postgres_user(element: current_user_name, compiler: Any, **kw: Any) -> str:
    return "CURRENT_USER"


class AuthorityFacilitator(Base):
    """One facilitator in charge of one contracting authority (an authority may have several).

    The facilitator reads and writes the personal data of every participant who works, or
    worked, on one of the authority's contracts (employment → award → lot → contract)."""

    __tablename__ = "authority_facilitator"

    authority_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("contracting_authority.uuid", ondelete="CASCADE"), primary_key=True
    )
    facilitator: Mapped[str] = mapped_column(String(ROLE_NAME_LENGTH), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

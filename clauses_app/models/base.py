"""Declarative base, naming conventions and the columns every exchangeable record has."""

from __future__ import annotations

import functools
import os
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Integer, MetaData, Numeric, String, TypeDecorator, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names: Alembic batch mode on SQLite needs them to alter tables.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Namespace of the fixed UUIDs of reference rows: uuid5(REFERENCE_NAMESPACE, "kind:code").
REFERENCE_NAMESPACE = uuid.UUID("6f1c2a8e-0d7b-5c1e-9a43-3b2f6d8e1c57")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def Money() -> Numeric[Decimal]:
    """Euros, exact to the cent."""
    return Numeric(14, 2, asdecimal=True)


def Hours() -> Numeric[Decimal]:
    """Hours with two decimals (151.67 is a full month)."""
    return Numeric(12, 2, asdecimal=True)


def Ratio() -> Numeric[Decimal]:
    """A percentage stored as a number of percent (50 means 50 %), four decimals."""
    return Numeric(9, 4, asdecimal=True)


def Code() -> String:
    return String(40)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Columns that stay in their database: never written to an exchange file. ``follower``
# (participant) names a role of this database's team, meaningless anywhere else; so do the
# authors (a PostgreSQL role, a local account).
LOCAL_COLUMNS = ("version", "import_digest", "follower", "created_by", "updated_by")
# Longest PostgreSQL identifier: a role name fits.
AUTHOR_LENGTH = 63


# Where the account's name is looked for first, in getpass.getuser()'s order.
USER_NAME_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")


def local_user_name() -> str:
    """The operating-system account running the application (who writes to an SQLite
    database). On PostgreSQL the database itself stamps its role (storage/identity.py).

    The default of every row's authors, so called for each row an import inserts: the
    environment is read each time, the password database at most once per process."""
    for variable in USER_NAME_VARIABLES:
        if name := os.environ.get(variable):
            return name[:AUTHOR_LENGTH]
    return _account_name()


@functools.cache
def _account_name() -> str:
    """The account of this process's user in the password database (the environment names
    none; the account running a process does not change), or « inconnu »."""
    import getpass

    try:
        return getpass.getuser()[:AUTHOR_LENGTH] or "inconnu"
    except (OSError, KeyError, ImportError):  # no user name in the password database
        return "inconnu"


class Record(Base):
    """A record that can be exchanged: a stable public UUID, audit timestamps and a version.

    ``updated_at`` only moves when an UPDATE is emitted, and SQLAlchemy emits one only when a
    column's value really changed, so saving an unchanged form leaves it alone. Imports set it
    explicitly to the file's value.

    ``version`` counts the record's writes in this database (1 when inserted). The ORM adds
    ``AND version = <the version read>`` to every UPDATE and DELETE of the record and raises
    ``StaleDataError`` when no row matched: someone else wrote it meanwhile. Bulk writes
    (imports) increment it themselves. It is local: two databases number differently.

    ``created_by`` and ``updated_by`` name who inserted the record and who last changed it
    (storage/identity.py): on SQLite the local account, set here; on PostgreSQL the database
    role, set by the migration's triggers whatever the client sends. Existing rows were given
    the account that ran migration 0009.

    ``import_digest`` is the SHA-256 of the record's content as a ``.clause`` import last left
    it (None when never imported): the common ancestor an import compares the local copy and
    the file's with (docs/clause-format.md §8).
    """

    __abstract__ = True

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    import_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[str | None] = mapped_column(
        String(AUTHOR_LENGTH), nullable=True, default=local_user_name
    )
    updated_by: Mapped[str | None] = mapped_column(
        String(AUTHOR_LENGTH), nullable=True, default=local_user_name, onupdate=local_user_name
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}

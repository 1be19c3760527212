"""The history of every record: who changed what, when, with the old and new values.

One row per INSERT, UPDATE or DELETE of a record (a model derived from ``Record``). On
PostgreSQL the database writes them itself (triggers of migration 0009), so that a change made
outside the application is recorded too; on SQLite the application writes them in the same
transaction as the change (storage/history.py). ``changes`` maps each field that changed to
``{"old": …, "new": …, "personal": true|false}``: personal fields (a participant's and a
criterion's every field, an hours record's source file name) are masked for people not allowed
to read them (services/history.py) and erased with the person (services/erasure.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from clauses_app.models.base import AUTHOR_LENGTH, Base, UTCDateTime


class HistoryAction:
    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    ALL = (INSERT, UPDATE, DELETE)


# Columns a history row never lists: the record's key and its bookkeeping.
BOOKKEEPING_COLUMNS = (
    "uuid", "created_at", "updated_at", "created_by", "updated_by", "version", "import_digest",
)  # fmt: skip
ALL_FIELDS = "*"
# Which fields of which table are personal data (docs/privacy.md): a participant's and an
# eligibility criterion's every field; an hours record's source file (often named after the
# person). Migration 0009 hands the same lists to its triggers (tests/storage/
# test_history_postgres.py checks they agree).
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "participant": (ALL_FIELDS,),
    "participant_criterion": (ALL_FIELDS,),
    "hours_record": ("source",),
}


def is_personal(table: str, field: str) -> bool:
    fields = PERSONAL_FIELDS.get(table, ())
    return ALL_FIELDS in fields or field in fields


def blank_personal_values(changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` (a history row's) with the old and new values of personal fields erased."""
    return {
        name: ({**change, "old": None, "new": None} if change.get("personal") else change)
        for name, change in changes.items()
    }


class RecordHistory(Base):
    """One change of one record. ``participant_uuid`` is the person the record belongs to
    (the participant itself, a criterion's, an employment's or an hours record's participant;
    None for other records): masking and erasure find a person's rows by it, and a row-level
    security policy can too."""

    __tablename__ = "record_history"
    __table_args__ = (
        Index("ix_record_history_record", "table_name", "record_uuid"),
        Index("ix_record_history_participant", "participant_uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(63))
    record_uuid: Mapped[uuid.UUID] = mapped_column(Uuid)
    participant_uuid: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(AUTHOR_LENGTH))
    action: Mapped[str] = mapped_column(String(6))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)

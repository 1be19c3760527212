"""Records of the facilitator's personal-data decisions (guide §5): retention holds and the
purges done. Local to this database: they are not part of the Clause exchange format."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from clauses_app.models.base import Record, UTCDateTime


class RetentionHold(Record):
    """A participant kept past the retention period until ``until`` inclusive (e.g. a
    European Social Fund audit). Goes with the participant if the participant is deleted."""

    __tablename__ = "retention_hold"

    participant_uuid: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.uuid", ondelete="CASCADE"), unique=True
    )
    until: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class PrivacyPurge(Record):
    """One purge of personal data: when, on which reference date, why (``RETENTION``: expired
    records; ``REQUEST``: one person's request), how many participants and their UUIDs (no
    name). Kept when a participant is later deleted: it is the record of what was done."""

    __tablename__ = "privacy_purge"

    run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reference_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(20))
    retention_years: Mapped[int | None] = mapped_column(Integer, nullable=True)
    purged: Mapped[int] = mapped_column(Integer)
    participants: Mapped[list[str]] = mapped_column(JSON)

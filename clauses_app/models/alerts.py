"""The facilitator's marks on alerts: « traitée » or « reportée au JJ/MM/AAAA ».

Local to this database (not part of the Clause exchange format), shared by every user of
it. A mark is held against an alert's kind and record and the digest of the facts that
raised it (``cause``): when the facts change (new hours, another missing month), the alert
comes back open, whatever the mark says.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from clauses_app.models.base import Record, UTCDateTime


class AlertMarkStatus:
    DONE = "DONE"  # « traitée »
    SNOOZED = "SNOOZED"  # « reportée au … » (``until``)
    ALL = (DONE, SNOOZED)


class AlertMark(Record):
    """One alert worked through: its kind and record, the facts it was raised for, what the
    facilitator decided, until when (postponed), why, who and when."""

    __tablename__ = "alert_mark"
    __table_args__ = (UniqueConstraint("kind", "record_uuid", name="uq_alert_mark_alert"),)

    kind: Mapped[str] = mapped_column(String(40))
    record_uuid: Mapped[uuid.UUID] = mapped_column(Uuid)
    cause: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))
    until: Mapped[date | None] = mapped_column(Date, nullable=True)
    comment: Mapped[str] = mapped_column(String(500), default="")
    marked_by: Mapped[str] = mapped_column(String(100), default="")
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)

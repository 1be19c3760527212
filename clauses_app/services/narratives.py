"""The facilitator's narrative of a balance report: one text per authority and period."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import Narrative
from clauses_app.services.periods import Period


def period_key(period: Period | None) -> str:
    """``"2025"`` for a calendar year, ``"2025-01-01..2025-06-30"`` for a range, ``""`` for
    all time (an open bound is left empty: ``"2025-01-01.."``)."""
    if period is None or period.is_all_time:
        return ""
    start, end = period.start, period.end
    if (
        start is not None
        and end is not None
        and start == date(start.year, 1, 1)
        and end == date(start.year, 12, 31)
    ):
        return str(start.year)
    return f"{start.isoformat() if start else ''}..{end.isoformat() if end else ''}"


def _find(session: Session, authority_uuid: uuid.UUID, period: Period | None) -> Narrative | None:
    return session.scalar(
        select(Narrative).where(
            Narrative.authority_uuid == authority_uuid,
            Narrative.period_key == period_key(period),
        )
    )


def get_narrative(session: Session, authority_uuid: uuid.UUID, period: Period | None) -> str:
    """The stored narrative of an authority for a period; empty when none was written."""
    row = _find(session, authority_uuid, period)
    return row.body if row is not None else ""


def save_narrative(
    session: Session, authority_uuid: uuid.UUID, period: Period | None, text: str
) -> None:
    """Store (or replace) the narrative; an empty text removes it. The caller commits."""
    row = _find(session, authority_uuid, period)
    body = text.strip()
    if not body:
        if row is not None:
            session.delete(row)
            session.flush()
        return
    if row is None:
        session.add(
            Narrative(authority_uuid=authority_uuid, period_key=period_key(period), body=body)
        )
    elif row.body != body:
        row.body = body
    session.flush()

"""« Traitée » and « reportée au JJ/MM/AAAA »: the facilitator's marks on alerts. Qt-free.

A mark is stored (table ``alert_mark``) against the alert's kind and record, so it holds for
every user of a shared database and across runs, and against the alert's *cause*: a digest of
the facts that raised it. The alert leaves the open list while its cause is the one marked
and, when postponed, until the postponement's date; new facts (new hours, another missing
month, a new end date) give another cause and the alert is open again. Removing the mark
(:func:`unmark_alert`) undoes it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.formatting import format_date
from clauses_app.models import AlertMark, AlertMarkStatus
from clauses_app.services.alerts.book import (
    AlertKind,
    AlertStatus,
    MarkInfo,
    PendingAlert,
)

# The facts of an alert that make its cause, from its words' arguments (every argument when
# the kind is not listed). They leave out what grows by itself or depends on the period
# viewed, so that a mark made on a year's page holds on every page: a schedule alert's cause
# is the hours done (not the expected hours that grow every month); an ending contract's, its
# end and the hours due; missing statements', the last month missing (a new month without
# a statement reopens it); a participant's, the eligibility status; a lot's, its start.
CAUSE_FACTS: dict[str, Callable[[tuple[Any, ...]], tuple[Any, ...]]] = {
    AlertKind.BEHIND_SCHEDULE: lambda args: (args[0],),
    AlertKind.CONTRACT_ENDING: lambda args: (args[0], args[1]),
    AlertKind.MISSING_STATEMENT: lambda args: (args[0][-1],),
    AlertKind.ELIGIBILITY_UNVALIDATED: lambda args: (args[2],),
    AlertKind.LOT_UNAWARDED: lambda args: (args[1],),
    AlertKind.INVOICED_AMOUNTS_MISSING: lambda args: (args[0],),
}
MARK_STATUSES = {AlertStatus.DONE: AlertMarkStatus.DONE,
                 AlertStatus.SNOOZED: AlertMarkStatus.SNOOZED}  # fmt: skip
STATUS_OF_MARK = {stored: status for status, stored in MARK_STATUSES.items()}


class AlertMarkError(ValueError):
    """A mark refused: one French sentence."""


@dataclass(frozen=True)
class StoredMark:
    cause: str
    info: MarkInfo


def alert_cause(item: PendingAlert) -> str:
    """The digest of the facts that raised ``item`` (see :data:`CAUSE_FACTS`)."""
    picked = CAUSE_FACTS.get(item.kind)
    facts = item.args if picked is None else picked(item.args)
    return hashlib.sha256(repr((item.kind, facts)).encode()).hexdigest()[:32]


def alert_key(kind: str, record_uuid: uuid.UUID) -> str:
    return f"{kind}:{record_uuid}"


def parse_alert_key(text: str) -> tuple[str, uuid.UUID]:
    """``kind:uuid`` (as ``clauses alerts --json`` gives it) → (kind, uuid)."""
    kind, _, rest = text.strip().partition(":")
    try:
        record_uuid = uuid.UUID(rest)
    except ValueError:
        record_uuid = None
    if kind not in AlertKind.ALL or record_uuid is None:
        raise AlertMarkError(
            f"Clé d'alerte invalide : « {text} » (attendu : sorte:UUID, comme la donne "
            "« clauses alerts --json »)."
        )
    return kind, record_uuid


def load_marks(session: Session) -> dict[tuple[str, uuid.UUID], StoredMark]:
    """Every mark, by (kind, record): one query (a database holds hundreds, not thousands)."""
    rows = session.execute(
        select(AlertMark.kind, AlertMark.record_uuid, AlertMark.cause, AlertMark.status,
               AlertMark.until, AlertMark.comment, AlertMark.marked_by, AlertMark.marked_at)
    )  # fmt: skip
    return {
        (kind, record): StoredMark(
            cause, MarkInfo(STATUS_OF_MARK[status], until, comment, marked_by, at.date())
        )
        for kind, record, cause, status, until, comment, marked_by, at in rows
    }


def holds(mark: StoredMark, item: PendingAlert, today: date) -> bool:
    """Whether ``mark`` still takes ``item`` off the open list on ``today``: same facts, and
    a postponement not yet reached."""
    if mark.cause != alert_cause(item):
        return False
    return mark.info.status == AlertStatus.DONE or (
        mark.info.until is not None and mark.info.until > today
    )


def sort_out(
    pending: Iterable[PendingAlert],
    marks: dict[tuple[str, uuid.UUID], StoredMark],
    today: date,
) -> tuple[list[PendingAlert], list[tuple[PendingAlert, MarkInfo]]]:
    """The open alerts, and the worked ones with their mark."""
    if not marks:
        return list(pending), []
    # Each mark under its record's UUID and the forms ids are stored in (figures.awards.raw:
    # 32 hex digits on SQLite, the 36-character text on PostgreSQL): alerts that keep the
    # stored id are matched without making a UUID of each.
    by_id: dict[tuple[str, Any], StoredMark] = {}
    for (kind, record), stored in marks.items():
        for form in (record, record.hex, str(record)):
            by_id[kind, form] = stored
    still_open, worked = [], []
    for item in pending:
        mark = by_id.get((item.kind, item.record))
        if mark is not None and holds(mark, item, today):
            worked.append((item, mark.info))
        else:
            still_open.append(item)
    return still_open, worked


def mark_alert(
    session: Session,
    item: PendingAlert,
    status: str,
    today: date,
    until: date | None = None,
    comment: str = "",
    who: str = "",
) -> None:
    """Mark an alert « traitée » (``AlertStatus.DONE``) or « reportée » until ``until``
    (``AlertStatus.SNOOZED``), with a note. The caller commits (one transaction).

    Refused: a postponement not after today, an alert already marked done for the same
    facts, a note over 500 characters."""
    if status not in MARK_STATUSES:
        raise AlertMarkError(f"Statut d'alerte inconnu : {status}.")
    if status == AlertStatus.SNOOZED:
        if until is None:
            raise AlertMarkError("Indiquez la date jusqu'à laquelle l'alerte est reportée.")
        if until <= today:
            raise AlertMarkError(
                f"La date de report ({format_date(until)}) doit être postérieure à "
                f"aujourd'hui ({format_date(today)})."
            )
    else:
        until = None
    comment = comment.strip()
    if len(comment) > 500:
        raise AlertMarkError("La note ne peut pas dépasser 500 caractères.")
    cause = alert_cause(item)
    row = session.scalars(
        select(AlertMark).where(AlertMark.kind == item.kind,
                                AlertMark.record_uuid == item.record_uuid)
    ).one_or_none()  # fmt: skip
    if (
        row is not None
        and row.cause == cause
        and row.status == AlertMarkStatus.DONE
        and status == AlertStatus.DONE
    ):
        raise AlertMarkError(
            f"Cette alerte est déjà marquée traitée (le {format_date(row.marked_at.date())}"
            + (f" par {row.marked_by}" if row.marked_by else "")
            + ")."
        )
    if row is None:
        row = AlertMark(kind=item.kind, record_uuid=item.record_uuid)
        session.add(row)
    row.cause = cause
    row.status = MARK_STATUSES[status]
    row.until = until
    row.comment = comment
    row.marked_by = who[:100]
    row.marked_at = datetime.now(UTC)


def unmark_alert(session: Session, kind: str, record_uuid: uuid.UUID) -> None:
    """Undo a mark: the alert is open again (the caller commits)."""
    row = session.scalars(
        select(AlertMark).where(AlertMark.kind == kind, AlertMark.record_uuid == record_uuid)
    ).one_or_none()
    if row is None:
        raise AlertMarkError("Cette alerte n'est ni traitée ni reportée : rien à annuler.")
    session.delete(row)

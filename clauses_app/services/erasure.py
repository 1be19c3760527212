"""Erasure that erases: a purge or an anonymisation on a whole database, its backups included.

:func:`purge_database` and :func:`anonymize_in_database` are what the CLI and the window
call. Each one backs the file up first (SQLite), runs the erasure in one transaction, then
rewrites every backup that still holds an erased participant (``storage.backup.
scrub_backups``), and finally rewrites the database's free pages (VACUUM). The erasure has
committed once the transaction has: when VACUUM cannot run now (another program reads the
file), the run still succeeds and the compaction is left pending in the ``setting`` table,
done at the next opening (:func:`finish_pending_compaction`). With ``secure_delete`` on every
connection (storage/engine.py) the erased values are already overwritten in the file; VACUUM
also removes the free pages themselves.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from clauses_app.models import Setting
from clauses_app.services import privacy
from clauses_app.services.progress import Progress
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database
from clauses_app.storage.backup import BackupError, backup_before_change, scrub_backups

log = logging.getLogger(__name__)

PENDING_COMPACTION = "pending_compaction"


@dataclass
class ErasureOutcome:
    """What a purge or an anonymisation did beyond the records themselves."""

    result: privacy.PurgeResult | None = None
    changed: bool = False
    backup: Path | None = None  # the copy taken before the erasure (rewritten since)
    backups_rewritten: int = 0
    backups_deleted: int = 0
    compacted: bool = False  # False: VACUUM could not run now, done at the next opening
    erased: list[uuid.UUID] = field(default_factory=list)


def backup_before(database: Database, reason: str) -> Path | None:
    """Back an SQLite file database up before a change (``import``, ``purge``); None for
    other databases. Raises :class:`BackupError` (French): the change must not go ahead."""
    return backup_before_change(database.file_path, reason)


def purge_database(
    database: Database, today: date, progress: Progress | None = None
) -> ErasureOutcome:
    """Anonymise every expired participant (:func:`privacy.purge`) and erase them everywhere.

    Nothing is done, not even the backup, when nobody is to be purged.
    """
    with database.session() as session:
        preview = privacy.preview_purge(session, today, load_settings(session))
    outcome = ErasureOutcome(result=preview)
    if not any(not e.anonymised for e in preview.expired):
        return outcome
    outcome.backup = backup_before(database, "purge")
    with database.transaction() as session:
        outcome.result = privacy.purge(session, today, load_settings(session), progress)
        if outcome.result.purged:
            _mark_pending(session)
    outcome.erased = list(outcome.result.purged)
    outcome.changed = bool(outcome.erased)
    _after_erasure(database, outcome)
    return outcome


def anonymize_in_database(
    database: Database, participant_uuid: uuid.UUID, today: date
) -> ErasureOutcome:
    """Anonymise one participant now (a founded request) and erase them everywhere.

    Raises :class:`privacy.UnknownParticipantError` for an unknown UUID (nothing changes).
    """
    with database.session() as session:
        done = privacy.is_anonymised(session, participant_uuid)
    outcome = ErasureOutcome()
    if done:
        return outcome
    outcome.backup = backup_before(database, "purge")
    with database.transaction() as session:
        outcome.changed = privacy.anonymize(session, participant_uuid, today)
        if outcome.changed:
            _mark_pending(session)
    if outcome.changed:
        outcome.erased = [participant_uuid]
        _after_erasure(database, outcome)
    return outcome


def _mark_pending(session: Session) -> None:
    row = session.get(Setting, PENDING_COMPACTION)
    if row is None:
        session.add(Setting(key=PENDING_COMPACTION, value=True))
    else:
        row.value = True


def _after_erasure(database: Database, outcome: ErasureOutcome) -> None:
    path = database.file_path
    if path is not None:
        try:
            outcome.backups_rewritten, outcome.backups_deleted = scrub_backups(path, outcome.erased)
        except (BackupError, OSError, sqlite3.Error) as exc:  # pragma: no cover - logged
            log.warning("Backups not rewritten after the erasure: %s", exc)
    outcome.compacted = finish_pending_compaction(database)


def finish_pending_compaction(database: Database) -> bool:
    """Rewrite the database (VACUUM) if an erasure left it pending; True when nothing is
    left pending. Never raises for a busy database: it is tried again at the next opening."""
    with database.session() as session:  # a read: no write lock at every opening
        if session.get(Setting, PENDING_COMPACTION) is None:
            return True
    with database.transaction() as session:
        row = session.get(Setting, PENDING_COMPACTION)
        if row is None:
            return True
        session.delete(row)  # before VACUUM, so that the rewritten file has no free page
    try:
        database.compact()
    except (DBAPIError, sqlite3.Error) as exc:
        log.warning("Compaction after an erasure left for later: %s", exc)
        with database.transaction() as session:
            _mark_pending(session)
        return False
    return True

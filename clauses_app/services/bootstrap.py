"""Open the application's database ready for use: migrated, reference lists present, the
day's backup taken, a compaction left pending by a purge done."""

from __future__ import annotations

import logging

from clauses_app.services.reference import ensure_reference_rows
from clauses_app.storage import Database, open_database
from clauses_app.storage.backup import BackupError, daily_backup

log = logging.getLogger(__name__)


def open_app_database(db: str | None = None, *, daily: bool = True) -> Database:
    """Open (create or upgrade) a database and make sure the default reference rows exist.

    An SQLite file that existed gets its first backup of the day (``daily``); a failed backup
    is logged, not fatal: the database stays usable.
    """
    database = open_database(db)
    path = database.file_path
    if daily and path is not None and not database.created and database.backup_path is None:
        try:
            daily_backup(path)
        except BackupError as exc:
            log.warning("Daily backup not taken: %s", exc)
    with database.transaction() as session:
        ensure_reference_rows(session)
    from clauses_app.services.erasure import finish_pending_compaction

    finish_pending_compaction(database)
    return database

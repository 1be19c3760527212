"""Open the application's database ready for use: migrated, reference lists present."""

from __future__ import annotations

from clauses_app.services.reference import ensure_reference_rows
from clauses_app.storage import Database, open_database


def open_app_database(db: str | None = None) -> Database:
    """Open (create or upgrade) a database and make sure the default reference rows exist."""
    database = open_database(db)
    with database.transaction() as session:
        ensure_reference_rows(session)
    return database

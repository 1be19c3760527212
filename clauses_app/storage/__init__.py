"""Storage: engines, sessions, migrations and backups. The only place that knows SQL dialects."""

from clauses_app.storage.database import (
    Database,
    DatabaseError,
    DatabaseNewerError,
    DatabaseUnreachableError,
    open_database,
    resolve_url,
)

__all__ = [
    "Database",
    "DatabaseError",
    "DatabaseNewerError",
    "DatabaseUnreachableError",
    "open_database",
    "resolve_url",
]

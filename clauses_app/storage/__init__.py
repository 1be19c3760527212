"""Storage: engines, sessions, migrations and backups. The only place that knows SQL dialects."""

from clauses_app.storage.database import (
    Database,
    DatabaseError,
    DatabaseInUseError,
    DatabaseNewerError,
    DatabaseUnreachableError,
    open_database,
    resolve_url,
)
from clauses_app.storage.errors import DatabaseReadOnlyError, describe_database_error

__all__ = [
    "Database",
    "DatabaseError",
    "DatabaseInUseError",
    "DatabaseNewerError",
    "DatabaseReadOnlyError",
    "DatabaseUnreachableError",
    "describe_database_error",
    "open_database",
    "resolve_url",
]

"""PostgreSQL finds a searched word inside names without reading whole tables: trigram indexes

A list's search matches each word anywhere in a name (``ILIKE '%martin%'``), which no
B-tree index serves: on a national team database the employments search read the
participants, contracts, companies and job titles whole (0.2 s of the window's 0.2 s
target). ``pg_trgm``'s GIN indexes serve such patterns (three letters or more; shorter words
take the lists' other path). ``pg_trgm`` ships with PostgreSQL and is a trusted extension
(13 and newer): the database's owner, who runs the migrations, may install it. Where it is
missing or may not be installed, the searches scan as before: nothing else depends on it.

SQLite: nothing (its LIKE scans a national table in a few milliseconds).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column) searched with a word anywhere in the text (services/records/list_specs.py).
SEARCHED = (
    ("participant", "last_name"),
    ("participant", "first_name"),
    ("company", "name"),
    ("public_contract", "reference"),
    ("employment", "job_title"),
)


def _index(table: str, column: str) -> str:
    return f"ix_{table}_{column}_trgm"


def _trigrams_available(bind: sa.Connection) -> bool:
    """pg_trgm installed, or installable here by this role."""
    installed = bind.execute(
        sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    ).scalar()
    if installed:
        return True
    return bool(
        bind.execute(
            sa.text(
                "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') "
                "AND has_database_privilege(current_database(), 'CREATE')"
            )
        ).scalar()
    )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _trigrams_available(bind):
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in SEARCHED:
        op.execute(
            f'CREATE INDEX IF NOT EXISTS {_index(table, column)} ON "{table}" '
            f'USING gin ("{column}" gin_trgm_ops)'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS {_index(table, column)}")

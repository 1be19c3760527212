"""PostgreSQL tells the open windows when data changed: a NOTIFY on every committed change

Every table but the schema's version and the history gets a statement-level trigger that
calls ``pg_notify('clauses_changes', <table>)``. PostgreSQL delivers a notification when the
transaction commits (never for one rolled back), once per table and transaction however many
rows changed, to every connection that listens on the channel: the window of each facilitator
(storage/changes.py) refreshes its open screens when another one commits, and so for a change
made with psql. The payload names the table only: no value, so no personal data, travels.

SQLite: nothing (one user; a window refreshes after its own writes).

A table added by a later migration gets the same trigger there (as 0013 does for the author
and history triggers): ``CREATE TRIGGER clauses_notify AFTER INSERT OR UPDATE OR DELETE OR
TRUNCATE ON <table> FOR EACH STATEMENT EXECUTE FUNCTION clauses_notify_change()``.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "clauses_changes"
# Not announced: the schema's version (migrations), and the history (written by the record
# tables' own triggers in the same transaction, which announce the change already).
SILENT_TABLES = ("alembic_version", "record_history")

NOTIFY_CHANGE = f"""
CREATE OR REPLACE FUNCTION clauses_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$
"""


def _tables() -> list[str]:
    names = sa.inspect(op.get_bind()).get_table_names()
    return sorted(name for name in names if name not in SILENT_TABLES)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(NOTIFY_CHANGE)
    for table in _tables():
        op.execute(
            "CREATE TRIGGER clauses_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION clauses_notify_change()'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        op.execute(f'DROP TRIGGER IF EXISTS clauses_notify ON "{table}"')
    op.execute("DROP FUNCTION IF EXISTS clauses_notify_change()")

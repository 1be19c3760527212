"""hours counting index

The figures read every hours record of a period (a national year: 315,000 of them). The index
on ``period_start`` alone made SQLite fetch each row from the table after the index, slower
than a plain scan when the period covers most of the table; a covering index holds every
column the figures read, so the same range is one narrow scan, and short periods stay cheap.
It starts with ``period_start``, so it replaces the old index. The separate index on
``employment_uuid`` was the prefix of the unique constraint's index: dropped (one index less
to maintain on every import).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERED = [
    "period_start",
    "period_end",
    "kind",
    "employment_uuid",
    "worked_hours",
    "training_hours",
]


def upgrade() -> None:
    with op.batch_alter_table("hours_record", schema=None) as batch_op:
        batch_op.drop_index("ix_hours_record_period")
        batch_op.drop_index("ix_hours_record_employment_uuid")
        batch_op.create_index("ix_hours_record_counting", COVERED, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hours_record", schema=None) as batch_op:
        batch_op.drop_index("ix_hours_record_counting")
        batch_op.create_index("ix_hours_record_employment_uuid", ["employment_uuid"], unique=False)
        batch_op.create_index("ix_hours_record_period", ["period_start"], unique=False)

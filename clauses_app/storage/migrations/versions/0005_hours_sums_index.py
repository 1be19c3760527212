"""hours sums index

The figures ask the database for each employment's monthly hours of a period, summed
(``services/figures/summed.py``): ~62,000 rows for a national year instead of its ~315,000
records. Grouped by employment, SQLite walked the unique constraint's index (employment,
kind, month) and fetched every record from the table; this covering index, in the order the
sums are grouped, is one narrow scan. The counting index (by month) stays: it serves the
month totals and short periods. Led by ``kind``, this index drew the month totals away from
the counting index (several times slower): it starts with the employment, like the unique
constraint's.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERED = [
    "employment_uuid",
    "kind",
    "period_start",
    "period_end",
    "worked_hours",
    "training_hours",
]


def upgrade() -> None:
    with op.batch_alter_table("hours_record", schema=None) as batch_op:
        batch_op.create_index("ix_hours_record_sums", COVERED, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hours_record", schema=None) as batch_op:
        batch_op.drop_index("ix_hours_record_sums")

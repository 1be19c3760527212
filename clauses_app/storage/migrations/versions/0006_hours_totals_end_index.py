"""hours totals end index

The dashboard picks its default year from the first and last years with hours. The last one
was a ``max(period_end)`` over every record, which no index leads with: a scan of a covering
index on each start, before the figures can begin. A
monthly record ends in the month it starts, so the counting index (led by ``period_start``)
answers for them at once; this partial index holds only the few undivided totals, by end.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOTALS_ONLY = "kind <> 'MONTH'"


def upgrade() -> None:
    with op.batch_alter_table("hours_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hours_record_totals_end",
            ["period_end"],
            unique=False,
            sqlite_where=sa.text(TOTALS_ONLY),
            postgresql_where=sa.text(TOTALS_ONLY),
        )


def downgrade() -> None:
    with op.batch_alter_table("hours_record", schema=None) as batch_op:
        batch_op.drop_index("ix_hours_record_totals_end")

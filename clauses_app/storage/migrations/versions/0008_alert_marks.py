"""alert marks: « traitée » and « reportée » stored in the database

A new table ``alert_mark``: one row per alert the facilitator worked through, held against
the alert's kind and record (unique together) and the digest of the facts that raised it.
Existing rows are untouched: every alert of an existing database starts open.

Revision ID: 0008
Revises: 0010
Create Date: 2026-12-04 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_mark",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_uuid", sa.Uuid(), nullable=False),
        sa.Column("cause", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column("marked_by", sa.String(length=100), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("import_digest", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_alert_mark")),
        sa.UniqueConstraint("kind", "record_uuid", name="uq_alert_mark_alert"),
    )


def downgrade() -> None:
    op.drop_table("alert_mark")

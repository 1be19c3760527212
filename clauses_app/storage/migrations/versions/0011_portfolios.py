"""portfolios: facilitators in charge of authorities, the follower of each participant

A territory's team shares one PostgreSQL database (docs/team.md). ``authority_facilitator``
names the facilitators (PostgreSQL roles) in charge of each contracting authority, and
``participant.follower`` the facilitator who follows each person (set to the creator on
insert by the application, transferable). The row-level security policies that use them
depend on the database's name (its group roles), so ``clauses team init`` creates them, not
this migration.

Existing rows: no authority has anyone in charge and no participant has a follower (NULL).
On PostgreSQL, once ``clauses team init`` has run, such a participant is read and written by
the coordinators and by the facilitators in charge of an authority where the person works,
until someone transfers it (``clauses team transfer``). On SQLite nothing changes: one user
sees everything.

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-04 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "authority_facilitator",
        sa.Column("authority_uuid", sa.Uuid(), nullable=False),
        sa.Column("facilitator", sa.String(length=63), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_uuid"],
            ["contracting_authority.uuid"],
            name=op.f("fk_authority_facilitator_authority_uuid_contracting_authority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "authority_uuid", "facilitator", name=op.f("pk_authority_facilitator")
        ),
    )
    op.create_index(
        op.f("ix_authority_facilitator_facilitator"),
        "authority_facilitator",
        ["facilitator"],
        unique=False,
    )
    # A nullable column added at the end: plain ALTER TABLE on both engines (batch mode
    # would copy participant and cascade to its children on SQLite).
    op.add_column("participant", sa.Column("follower", sa.String(length=63), nullable=True))
    op.create_index(op.f("ix_participant_follower"), "participant", ["follower"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_participant_follower"), table_name="participant")
    op.execute("ALTER TABLE participant DROP COLUMN follower")
    op.drop_index(op.f("ix_authority_facilitator_facilitator"), table_name="authority_facilitator")
    op.drop_table("authority_facilitator")

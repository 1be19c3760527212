"""Record versions, import digests, one criterion per validation date

Every record gets ``version`` (its writes in this database, checked by every ORM update: a
stale save is refused) and ``import_digest`` (the content a .clause import last left, the
common ancestor of the next import's three-way decision). A participant holds one criterion
code once per validation date: duplicates entered before are reduced to the most recently
updated row (the database was backed up before this migration).

Revision ID: 0007
Revises: 0012
Create Date: 2026-12-04 18:18:32.938380
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table of a model derived from Record, as of this revision (frozen history).
RECORD_TABLES = (
    "award", "company", "contact", "contracting_authority", "employment", "hours_record", "lot",
    "narrative", "operation", "participant", "participant_criterion", "privacy_purge",
    "public_contract", "reference_item", "retention_hold",
)  # fmt: skip

DUPLICATE_CRITERIA = """
DELETE FROM participant_criterion
WHERE validated_on IS NOT NULL AND EXISTS (
    SELECT 1 FROM participant_criterion AS other
    WHERE other.participant_uuid = participant_criterion.participant_uuid
      AND other.criterion_code = participant_criterion.criterion_code
      AND other.validated_on = participant_criterion.validated_on
      AND (other.updated_at > participant_criterion.updated_at
           OR (other.updated_at = participant_criterion.updated_at
               AND other.uuid > participant_criterion.uuid))
)
"""


def upgrade() -> None:
    for table in RECORD_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )
            batch_op.add_column(sa.Column("import_digest", sa.String(length=64), nullable=True))
    op.execute(DUPLICATE_CRITERIA)
    with op.batch_alter_table("participant_criterion", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_participant_criterion_validation",
            ["participant_uuid", "criterion_code", "validated_on"],
        )


def downgrade() -> None:
    with op.batch_alter_table("participant_criterion", schema=None) as batch_op:
        batch_op.drop_constraint("uq_participant_criterion_validation", type_="unique")
    # Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): batch mode would copy each table and
    # drop the old one, and dropping a parent such as participant cascades to its children.
    for table in reversed(RECORD_TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN import_digest")
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")

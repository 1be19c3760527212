"""What judges a contract under the 2026 social-consideration rule; wording per contract

Contracting authorities get ``buyer_type`` (STATE or LOCAL: which supplies-and-services
threshold applies); contracts get ``nature``, ``utilities`` (awarded as an entité
adjudicatrice), ``estimated_value``, ``launch_date``, ``social_consideration`` (or the
``social_exception`` invoked and its ``social_exception_reason``), and the clause wording's
``award_criterion_weight`` and ``statement_penalty_per_day`` (the global settings when empty).

Existing rows: authorities are LOCAL (most facilitators' buyers; the State's lower
threshold must be chosen deliberately); contracts are WORKS (the clause's usual ground), not
utilities, with no estimated value nor launch date (so none is judged until filled in);
every contract held here carries an insertion clause, so its social consideration is
RESERVED when its legal basis is a reserved contract (L2113-12, L2113-13), else
INSERTION_CLAUSE.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-04 19:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTRACT_COLUMNS = (
    "nature", "utilities", "estimated_value", "launch_date", "social_consideration",
    "social_exception", "social_exception_reason", "award_criterion_weight",
    "statement_penalty_per_day",
)  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("contracting_authority", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("buyer_type", sa.String(length=40), server_default="LOCAL", nullable=False)
        )
    with op.batch_alter_table("public_contract", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("nature", sa.String(length=40), server_default="WORKS", nullable=False)
        )
        batch_op.add_column(
            sa.Column("utilities", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("estimated_value", sa.Numeric(precision=14, scale=2), nullable=True)
        )
        batch_op.add_column(sa.Column("launch_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "social_consideration",
                sa.String(length=40),
                server_default="INSERTION_CLAUSE",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("social_exception", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("social_exception_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("award_criterion_weight", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("statement_penalty_per_day", sa.Numeric(precision=14, scale=2), nullable=True)
        )
    op.execute(
        "UPDATE public_contract SET social_consideration = 'RESERVED' "
        "WHERE legal_basis IN ('L2113-12', 'L2113-13')"
    )


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): batch mode would copy the tables, and
    # dropping a parent such as public_contract cascades to its children.
    for column in reversed(CONTRACT_COLUMNS):
        op.execute(f"ALTER TABLE public_contract DROP COLUMN {column}")
    op.execute("ALTER TABLE contracting_authority DROP COLUMN buyer_type")

"""undated criteria to document

A criterion with no validation date was stored as validated (the tracker import's default),
and the participant form showed it as « Validé » while the nominative annex said « à
documenter ». A criterion without its date is one to document: the form now refuses a
validated criterion without a date, the tracker import stores them to document, and this
migration moves the ones already stored. Downgrade leaves them to document (the old state
cannot be told apart, and « to document » is the true one).

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-04 18:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE participant_criterion SET status = 'A_DOCUMENTER' "
        "WHERE validated_on IS NULL AND status = 'VALIDE'"
    )


def downgrade() -> None:
    pass

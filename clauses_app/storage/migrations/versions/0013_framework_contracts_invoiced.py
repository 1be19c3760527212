"""Framework contracts sized on the amount invoiced: the clause's tranche, the amounts invoiced

A lot's clause may be written « N hours per X € HT invoiced » (``clause_mode`` INVOICED):
``tranche_amount`` is X (euros HT), ``tranche_hours`` N. The facilitator records what each
award's company invoiced, per order or per month, in the new ``invoice`` table (an
exchangeable record: uuid, audit columns, version, authors, history like every record since
0009); required hours of a period follow the amounts invoiced in it.

Existing rows: lots keep their mode (HOURS or PERCENT) and get no tranche (NULL): nothing
changes in their figures. There is no invoice yet.

On PostgreSQL the new table gets the author and history triggers migration 0009 put on every
record table (the functions exist since then). On a team database (``clauses team init``) the
new table gets the rights and the owner its parent ``award`` has, so that the facilitators
and coordinators read and write it at once (no row-level security: amounts invoiced name no
person).

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-05 07:09:35
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice",
        sa.Column("award_uuid", sa.Uuid(), nullable=False),
        sa.Column("invoiced_on", sa.Date(), nullable=False),
        sa.Column("amount_ht", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("import_digest", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=63), nullable=True),
        sa.Column("updated_by", sa.String(length=63), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_uuid"],
            ["award.uuid"],
            name=op.f("fk_invoice_award_uuid_award"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_invoice")),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_award_uuid"), ["award_uuid"], unique=False)
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tranche_amount", sa.Numeric(precision=14, scale=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("tranche_hours", sa.Numeric(precision=12, scale=2), nullable=True)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER clauses_author BEFORE INSERT OR UPDATE ON invoice "
            "FOR EACH ROW EXECUTE FUNCTION clauses_stamp_author()"
        )
        op.execute(
            "CREATE TRIGGER clauses_history AFTER INSERT OR UPDATE OR DELETE ON invoice "
            "FOR EACH ROW EXECUTE FUNCTION clauses_record_history()"
        )
        op.execute(AS_AWARD)


# A team database's roles get on invoice what they have on award, and award's owner owns it.
AS_AWARD = """
DO $$
DECLARE
    grant_row record;
    award_owner name;
BEGIN
    FOR grant_row IN
        SELECT grantee, privilege_type FROM information_schema.role_table_grants
        WHERE table_schema = 'public' AND table_name = 'award' AND grantee <> current_user
    LOOP
        EXECUTE format('GRANT %s ON public.invoice TO %I', grant_row.privilege_type,
                       grant_row.grantee);
    END LOOP;
    SELECT tableowner INTO award_owner FROM pg_tables
    WHERE schemaname = 'public' AND tablename = 'award';
    IF award_owner IS DISTINCT FROM current_user
       AND pg_has_role(current_user, award_owner, 'MEMBER') THEN
        EXECUTE format('ALTER TABLE public.invoice OWNER TO %I', award_owner);
    END IF;
END
$$
"""


def downgrade() -> None:
    # Lots in INVOICED mode go back to HOURS with no hours: the older application knows
    # neither the mode nor the amounts invoiced.
    op.execute(
        "UPDATE lot SET clause_mode = 'HOURS', required_hours = NULL WHERE clause_mode = 'INVOICED'"
    )
    # Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): batch mode would copy the lot table,
    # and dropping it cascades to its awards.
    op.execute("ALTER TABLE lot DROP COLUMN tranche_hours")
    op.execute("ALTER TABLE lot DROP COLUMN tranche_amount")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_award_uuid"))
    op.drop_table("invoice")

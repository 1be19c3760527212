"""criterion validation view: pending hours the same for every member of a team

Which employments have their eligibility pending (« en attente de justification ») depends on
their participant's validated criteria. On a team database a facilitator reads only the
criteria of their portfolio's people (row-level security), so the hours of everybody else
were never pending for them: with the setting that leaves pending hours out, a facilitator's
balance of an authority counted hours that the coordinator's left out.

The view ``criterion_validation`` gives what the figures need of each validated criterion
and nothing more: the person's id, the validation date and whether evidence was given; not
the criterion (which may reveal a disability), not the person's identity (employments
already carry the id). On PostgreSQL a view reads its tables with its owner's rights:
``clauses team init`` gives it to the owner role, which row-level security does not
restrict, and lets the members only read it (docs/team.md). SQLite has one user: the view
reads what the table holds.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 19:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE VIEW criterion_validation AS "
        "SELECT participant_uuid, validated_on, "
        "TRIM(COALESCE(evidence, '')) <> '' AS evidence_given "
        "FROM participant_criterion "
        "WHERE status = 'VALIDE' AND validated_on IS NOT NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(AS_CRITERIA)


# On a team database (``clauses team init``) the criteria's owner owns the view, so that it
# reads every row, and the roles that read the work contracts may read it, nothing more
# (clauses team init does the same: services/team.py, READ_ONLY_VIEWS).
AS_CRITERIA = """
DO $$
DECLARE
    reader name;
    criteria_owner name;
BEGIN
    SELECT tableowner INTO criteria_owner FROM pg_tables
    WHERE schemaname = 'public' AND tablename = 'participant_criterion';
    IF criteria_owner IS DISTINCT FROM current_user
       AND pg_has_role(current_user, criteria_owner, 'MEMBER') THEN
        EXECUTE format('ALTER VIEW public.criterion_validation OWNER TO %I', criteria_owner);
    END IF;
    FOR reader IN
        SELECT DISTINCT grantee FROM information_schema.role_table_grants
        WHERE table_schema = 'public' AND table_name = 'employment'
          AND privilege_type = 'SELECT' AND grantee <> current_user
          AND grantee IS DISTINCT FROM criteria_owner
    LOOP
        EXECUTE format('GRANT SELECT ON public.criterion_validation TO %I', reader);
    END LOOP;
END
$$
"""


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS criterion_validation")

"""team database: close the paths around the portfolios found by an adversarial review

Who reads a participant depends on where the person works (employment → award → lot →
contract → authority in charge, migration 0011). Every member may write the work contracts,
awards, lots and contracts, so a facilitator could bring anybody into their portfolio: add a
work contract of another portfolio's person on an award of their authority, or move an award,
a lot or a whole contract under their authority, then read the people's identity, criteria,
history. The trigger ``clauses_links`` refuses such a change (SQLSTATE 42501) unless every
person it moves is one the role reads already. It is not SECURITY DEFINER: the role's own
row-level security decides, so the owner and the coordinators, who read everyone, are never
refused, nor is a facilitator who adds a work contract for a person of their portfolio.

Also, on PostgreSQL:

- ``criterion_validation`` (0016) becomes a ``security_barrier`` view: without it, a
  condition of the reader's (a function that raises its arguments) ran before the view's own
  and saw the people and dates of every criterion not validated;
- the history (0009) of an alert mark about a person (eligibility alerts: their kind tells
  the person's eligibility, their comment is free text) names the person, so that only those
  who read the person read it; its SECURITY DEFINER function no longer looks up functions
  and operators in schema ``public``;

and on a team database (``clauses team init`` ran: ``participant`` has row-level security),
what ``clauses team init`` now does too (services/team.py):

- ``alert_mark`` gets row-level security: a mark about a person is read and written by those
  who read the person;
- PUBLIC loses CREATE on schema ``public`` (the default before PostgreSQL 15: a member could
  define an operator there that a SECURITY DEFINER function or a colleague's session would
  pick) and CONNECT and TEMPORARY on the database (a login role of another territory on the
  same server could connect, listen to the changes and create functions of its own).

SQLite: nothing (one user).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 06:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Alert kinds whose record is a participant (services/alerts: AlertRecord.PARTICIPANT).
PERSON_ALERT_KINDS = ("eligibility_expiring", "eligibility_unvalidated")
_KINDS = ", ".join(f"'{kind}'" for kind in PERSON_ALERT_KINDS)

CHECK_LINKS = """
CREATE OR REPLACE FUNCTION clauses_check_links() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    hidden bigint := 0;
BEGIN
    IF TG_TABLE_NAME = 'employment' THEN
        IF TG_OP = 'UPDATE' AND NEW.participant_uuid IS NOT DISTINCT FROM OLD.participant_uuid
           AND NEW.award_uuid IS NOT DISTINCT FROM OLD.award_uuid THEN
            RETURN NEW;
        END IF;
        SELECT count(*) INTO hidden
        FROM (VALUES (NEW.participant_uuid),
                     (CASE WHEN TG_OP = 'UPDATE' THEN OLD.participant_uuid END)) AS v (person)
        WHERE v.person IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM public.participant p WHERE p.uuid = v.person);
    ELSIF TG_TABLE_NAME = 'award' THEN
        IF NEW.lot_uuid IS NOT DISTINCT FROM OLD.lot_uuid THEN
            RETURN NEW;
        END IF;
        SELECT count(*) INTO hidden FROM public.employment e
        WHERE e.award_uuid = OLD.uuid
          AND NOT EXISTS (SELECT 1 FROM public.participant p WHERE p.uuid = e.participant_uuid);
    ELSIF TG_TABLE_NAME = 'lot' THEN
        IF NEW.contract_uuid IS NOT DISTINCT FROM OLD.contract_uuid THEN
            RETURN NEW;
        END IF;
        SELECT count(*) INTO hidden FROM public.employment e
        JOIN public.award a ON a.uuid = e.award_uuid
        WHERE a.lot_uuid = OLD.uuid
          AND NOT EXISTS (SELECT 1 FROM public.participant p WHERE p.uuid = e.participant_uuid);
    ELSIF TG_TABLE_NAME = 'public_contract' THEN
        IF NEW.authority_uuid IS NOT DISTINCT FROM OLD.authority_uuid THEN
            RETURN NEW;
        END IF;
        SELECT count(*) INTO hidden FROM public.employment e
        JOIN public.award a ON a.uuid = e.award_uuid
        JOIN public.lot l ON l.uuid = a.lot_uuid
        WHERE l.contract_uuid = OLD.uuid
          AND NOT EXISTS (SELECT 1 FROM public.participant p WHERE p.uuid = e.participant_uuid);
    END IF;
    IF hidden > 0 THEN
        RAISE EXCEPTION 'clauses: % concerns % participant(s) out of the portfolio of %',
            TG_TABLE_NAME, hidden, current_user USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$
"""
LINK_TRIGGERS = {
    "employment": "INSERT OR UPDATE OF participant_uuid, award_uuid",
    "award": "UPDATE OF lot_uuid",
    "lot": "UPDATE OF contract_uuid",
    "public_contract": "UPDATE OF authority_uuid",
}

# Migration 0009's function; with ``alert_mark`` the person of a mark about a participant.
_HISTORY = """
CREATE OR REPLACE FUNCTION clauses_record_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {search_path} AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    any_row jsonb := coalesce(new_row, old_row);
    personal text[] := coalesce(TG_ARGV, '{{}}'::text[]);
    changes jsonb := '{{}}'::jsonb;
    field text;
    old_value jsonb;
    new_value jsonb;
    person uuid;
BEGIN
    FOR field IN SELECT jsonb_object_keys(any_row) LOOP
        CONTINUE WHEN field IN ('uuid', 'created_at', 'updated_at', 'created_by', 'updated_by',
                                'version', 'import_digest');
        old_value := coalesce(old_row -> field, 'null'::jsonb);
        new_value := coalesce(new_row -> field, 'null'::jsonb);
        CONTINUE WHEN old_value = new_value;
        changes := changes || jsonb_build_object(field, jsonb_build_object(
            'old', old_value, 'new', new_value,
            'personal', '*' = ANY (personal) OR field = ANY (personal)));
    END LOOP;
    IF TG_OP = 'UPDATE' AND changes = '{{}}'::jsonb THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'participant' THEN
        person := (any_row ->> 'uuid')::uuid;
    ELSIF TG_TABLE_NAME = 'hours_record' THEN
        SELECT e.participant_uuid INTO person FROM public.employment AS e
        WHERE e.uuid = (any_row ->> 'employment_uuid')::uuid;{alert_mark}
    ELSE
        person := (any_row ->> 'participant_uuid')::uuid;
    END IF;
    INSERT INTO public.record_history
        (table_name, record_uuid, participant_uuid, changed_at, changed_by, action, changes)
    VALUES (TG_TABLE_NAME, (any_row ->> 'uuid')::uuid, person, now(), session_user, TG_OP,
            changes::json);
    RETURN NULL;
END
$$
"""
_ALERT_MARK_PERSON = f"""
    ELSIF TG_TABLE_NAME = 'alert_mark' THEN
        IF any_row ->> 'kind' IN ({_KINDS}) THEN
            person := (any_row ->> 'record_uuid')::uuid;
        END IF;"""
# The history rows of marks about a person written before: their mark, or its creation.
HISTORY_BACKFILL = f"""
UPDATE record_history AS h SET participant_uuid = m.record_uuid FROM alert_mark AS m
WHERE h.table_name = 'alert_mark' AND h.participant_uuid IS NULL AND h.record_uuid = m.uuid
  AND m.kind IN ({_KINDS});
UPDATE record_history AS h SET participant_uuid = (i.changes -> 'record_uuid' ->> 'new')::uuid
FROM record_history AS i
WHERE h.table_name = 'alert_mark' AND h.participant_uuid IS NULL
  AND i.table_name = 'alert_mark' AND i.action = 'INSERT' AND i.record_uuid = h.record_uuid
  AND i.changes -> 'kind' ->> 'new' IN ({_KINDS});
"""

ALERT_MARK_RULE = (
    f"kind NOT IN ({_KINDS}) "
    "OR EXISTS (SELECT 1 FROM participant p WHERE p.uuid = alert_mark.record_uuid)"
)
# What ``clauses team init`` does (services/team.py), on a database where it ran already.
TEAM_DATABASE = f"""
DO $$
DECLARE
    reader name;
    tables_owner name;
BEGIN
    IF NOT coalesce((SELECT relrowsecurity FROM pg_class
                     WHERE oid = to_regclass('public.participant')), false) THEN
        RETURN;
    END IF;
    ALTER TABLE alert_mark ENABLE ROW LEVEL SECURITY;
    DROP POLICY IF EXISTS clauses_portfolio ON alert_mark;
    CREATE POLICY clauses_portfolio ON alert_mark FOR ALL
        USING ({ALERT_MARK_RULE}) WITH CHECK ({ALERT_MARK_RULE});
    SELECT tableowner INTO tables_owner FROM pg_tables
    WHERE schemaname = 'public' AND tablename = 'participant';
    BEGIN  -- the schema's or the database's owner only (else a superuser: docs/team.md)
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        FOR reader IN
            SELECT DISTINCT grantee FROM information_schema.role_table_grants
            WHERE table_schema = 'public' AND table_name = 'employment'
              AND privilege_type = 'SELECT'
            UNION SELECT tables_owner
        LOOP
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), reader);
        END LOOP;
        EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC',
                       current_database());
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE WARNING 'clauses: run « clauses team init » as the database owner';
    END;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CHECK_LINKS)
    for table, events in LINK_TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER clauses_links BEFORE {events} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION clauses_check_links()"
        )
    op.execute("ALTER VIEW criterion_validation SET (security_barrier = true)")
    op.execute(_HISTORY.format(search_path="pg_catalog, pg_temp", alert_mark=_ALERT_MARK_PERSON))
    op.execute(HISTORY_BACKFILL)
    op.execute(TEAM_DATABASE)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The privileges taken from PUBLIC stay taken: nothing needs them.
    op.execute("DROP POLICY IF EXISTS clauses_portfolio ON alert_mark")
    op.execute("ALTER TABLE alert_mark DISABLE ROW LEVEL SECURITY")
    op.execute(_HISTORY.format(search_path="pg_catalog, public", alert_mark=""))
    op.execute("ALTER VIEW criterion_validation RESET (security_barrier)")
    for table in LINK_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS clauses_links ON {table}")
    op.execute("DROP FUNCTION IF EXISTS clauses_check_links()")

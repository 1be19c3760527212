"""Who created and last changed each record; the history of every record

Every record gets ``created_by`` and ``updated_by`` (a PostgreSQL role, or on SQLite the
local account) and the ``record_history`` table gets one row per INSERT, UPDATE or DELETE:
table, record, person concerned, when (UTC), who, action, and the changed fields with their
old and new values (JSON), personal fields marked.

Existing rows are attributed to the account that runs this upgrade (SQLite: the operating
system's user; PostgreSQL: the connection's ``session_user``): before this version the
application had no team mode, so a database had one user, the one who opens it after the
update. History starts with the upgrade: no row is made up for past changes.

On PostgreSQL the database writes both itself, whoever changes a record and however (the
application, psql, another program): a BEFORE trigger stamps ``created_by``/``updated_by``
with ``session_user`` (what the client sent is ignored), an AFTER trigger writes the history
row. The history function is SECURITY DEFINER, so that a facilitator's role needs no right to
write ``record_history`` and cannot forge it. On SQLite the application writes them
(storage/history.py).

Revision ID: 0009
Revises: 0011
Create Date: 2026-12-04 21:40:00
"""

import getpass
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table of a model derived from Record, as of this revision (frozen history).
RECORD_TABLES = (
    "alert_mark", "award", "company", "contact", "contracting_authority", "employment",
    "hours_record", "lot", "narrative", "operation", "participant", "participant_criterion",
    "privacy_purge", "public_contract", "reference_item", "retention_hold",
)  # fmt: skip
# Personal fields per table ("*": every field), as models/history.py's PERSONAL_FIELDS.
PERSONAL_FIELDS = {
    "participant": ("*",),
    "participant_criterion": ("*",),
    "hours_record": ("source",),
}

STAMP_AUTHOR = """
CREATE OR REPLACE FUNCTION clauses_stamp_author() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_by := session_user;
    END IF;
    NEW.updated_by := session_user;
    RETURN NEW;
END
$$
"""

# TG_ARGV: the table's personal fields ('*': all of them).
RECORD_HISTORY = """
CREATE OR REPLACE FUNCTION clauses_record_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    any_row jsonb := coalesce(new_row, old_row);
    personal text[] := coalesce(TG_ARGV, '{}'::text[]);
    changes jsonb := '{}'::jsonb;
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
    IF TG_OP = 'UPDATE' AND changes = '{}'::jsonb THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'participant' THEN
        person := (any_row ->> 'uuid')::uuid;
    ELSIF TG_TABLE_NAME = 'hours_record' THEN
        SELECT e.participant_uuid INTO person FROM public.employment AS e
        WHERE e.uuid = (any_row ->> 'employment_uuid')::uuid;
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


def _author(bind: sa.engine.Connection) -> str:
    if bind.dialect.name == "postgresql":
        return str(bind.execute(sa.text("SELECT session_user")).scalar_one())
    try:
        return getpass.getuser()[:63] or "inconnu"
    except (OSError, KeyError, ImportError):
        return "inconnu"


def upgrade() -> None:
    bind = op.get_bind()
    author = _author(bind)
    for table in RECORD_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("created_by", sa.String(length=63), nullable=True))
            batch_op.add_column(sa.Column("updated_by", sa.String(length=63), nullable=True))
        op.execute(
            sa.text(f"UPDATE {table} SET created_by = :who, updated_by = :who").bindparams(
                who=author
            )
        )
    op.create_table(
        "record_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=63), nullable=False),
        sa.Column("record_uuid", sa.Uuid(), nullable=False),
        sa.Column("participant_uuid", sa.Uuid(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=63), nullable=False),
        sa.Column("action", sa.String(length=6), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_history")),
    )
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_history_record", ["table_name", "record_uuid"], unique=False
        )
        batch_op.create_index("ix_record_history_participant", ["participant_uuid"], unique=False)
    if bind.dialect.name == "postgresql":
        # After the fill above: existing rows get no history row and keep their author.
        op.execute(STAMP_AUTHOR)
        op.execute(RECORD_HISTORY)
        for table in RECORD_TABLES:
            arguments = ", ".join(f"'{f}'" for f in PERSONAL_FIELDS.get(table, ()))
            op.execute(
                f"CREATE TRIGGER clauses_author BEFORE INSERT OR UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION clauses_stamp_author()"
            )
            op.execute(
                f"CREATE TRIGGER clauses_history AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION clauses_record_history({arguments})"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in RECORD_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS clauses_history ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS clauses_author ON {table}")
        op.execute("DROP FUNCTION IF EXISTS clauses_record_history()")
        op.execute("DROP FUNCTION IF EXISTS clauses_stamp_author()")
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.drop_index("ix_record_history_participant")
        batch_op.drop_index("ix_record_history_record")
    op.drop_table("record_history")
    # Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL): batch mode would copy each table and
    # drop the old one, and dropping a parent such as participant cascades to its children.
    for table in reversed(RECORD_TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN updated_by")
        op.execute(f"ALTER TABLE {table} DROP COLUMN created_by")

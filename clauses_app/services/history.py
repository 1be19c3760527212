"""A record's history: who changed it, when, which fields, old and new values.

The rows are written by PostgreSQL's triggers or, on SQLite, by the application
(models/history.py, storage/history.py). Personal fields (a participant's and a criterion's
every field, an hours record's source file) are shown only to those allowed to read the
person's data: :func:`may_see_personal_data` is the one place that decides.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select, text
from sqlalchemy.orm import Session

from clauses_app.models import HistoryAction, Invoice, Participant, RecordHistory

# What a masked value becomes (the window, the CLI and its JSON).
MASKED = "masqué"
ACTION_LABELS = {"INSERT": "Création", "UPDATE": "Modification", "DELETE": "Suppression"}
TABLE_LABELS = {
    "award": "attribution", "invoice": "montant facturé", "company": "entreprise",
    "contact": "contact",
    "contracting_authority": "donneur d'ordre", "employment": "contrat", "hours_record":
    "relevé d'heures", "lot": "lot", "narrative": "commentaire", "operation": "opération",
    "participant": "participant", "participant_criterion": "critère d'éligibilité",
    "privacy_purge": "purge", "public_contract": "marché", "reference_item": "référentiel",
    "retention_hold": "conservation prolongée",
}  # fmt: skip
# A participant's form shows its criteria: their history is the participant's too.
CHILD_TABLES = {"participant": "participant_criterion"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    personal: bool
    masked: bool  # the values were replaced by MASKED


@dataclass(frozen=True)
class HistoryEntry:
    changed_at: datetime  # UTC
    changed_by: str
    action: str  # INSERT, UPDATE, DELETE
    table: str
    record_uuid: uuid.UUID
    changes: list[FieldChange] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["changed_at"] = self.changed_at.isoformat()
        data["record_uuid"] = str(self.record_uuid)
        return data


def may_see_personal_data(session: Session, participant_uuid: uuid.UUID | None) -> bool:
    """Whether the person using ``session`` may read the personal data of a participant.

    SQLite: a file on one computer, every local user may. PostgreSQL: whoever may read the
    participant's row may; row-level security policies (issue 21, « portefeuilles ») decide
    which rows a role reads, so this follows them, and a role reading every participant (no
    policy, a coordinator) sees everything. A person no longer in the database (deleted,
    or unknown) is masked there: nobody can be shown to follow them.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    if participant_uuid is None:
        return False
    return bool(session.scalar(select(exists().where(Participant.uuid == participant_uuid))))


def _invoices_of(session: Session, record_uuid: uuid.UUID) -> list[uuid.UUID]:
    """The amounts invoiced that are or were an award's (none for another record): those it
    has, and those the history saw inserted on it (deleted since, or moved)."""
    held = set(session.scalars(select(Invoice.uuid).where(Invoice.award_uuid == record_uuid)))
    inserted = select(RecordHistory.record_uuid).where(
        RecordHistory.table_name == "invoice",
        RecordHistory.action == HistoryAction.INSERT,
        RecordHistory.changes["award_uuid"]["new"].as_string() == str(record_uuid),
    )
    return sorted(held | set(session.scalars(inserted)), key=str)


def record_history(session: Session, record_uuid: uuid.UUID) -> list[HistoryEntry]:
    """Every change of the record ``record_uuid``, newest first (with a participant's
    criteria, an award's amounts invoiced), personal values masked for those not allowed to
    see them."""
    invoices = _invoices_of(session, record_uuid)
    rows = session.scalars(
        select(RecordHistory)
        .where(
            or_(
                RecordHistory.record_uuid == record_uuid,
                (RecordHistory.participant_uuid == record_uuid)
                & RecordHistory.table_name.in_(CHILD_TABLES.values()),
                (RecordHistory.table_name == "invoice") & RecordHistory.record_uuid.in_(invoices),
            )
        )
        .order_by(RecordHistory.changed_at.desc(), RecordHistory.id.desc())
    ).all()
    allowed: dict[uuid.UUID | None, bool] = {}
    entries = []
    for row in rows:
        person = row.participant_uuid
        if person not in allowed:
            allowed[person] = may_see_personal_data(session, person)
        entries.append(_entry(row, allowed[person]))
    return entries


def _entry(row: RecordHistory, may_see: bool) -> HistoryEntry:
    changes = []
    for name, change in sorted(row.changes.items()):
        personal = bool(change.get("personal"))
        masked = personal and not may_see
        changes.append(
            FieldChange(
                field=name,
                old=MASKED if masked else change.get("old"),
                new=MASKED if masked else change.get("new"),
                personal=personal,
                masked=masked,
            )
        )
    return HistoryEntry(
        changed_at=row.changed_at,
        changed_by=row.changed_by,
        action=row.action,
        table=row.table_name,
        record_uuid=row.record_uuid,
        changes=changes,
    )


def erase_person(session: Session, people: list[uuid.UUID]) -> None:
    """Erase ``people`` from the history, in the caller's transaction (after their record was
    anonymised, whose history rows name them): every row of their participant record and
    criteria goes, and the personal values in their other rows' history (an hours record's
    source file) are blanked.

    On a team database (``clauses team init``) the members may not write the history: the
    owner's :data:`ERASE_FUNCTION` does it, for anonymised or deleted people only."""
    from sqlalchemy import delete

    from clauses_app.models.history import PERSONAL_FIELDS, blank_personal_values

    if session.get_bind().dialect.name == "postgresql" and session.scalar(
        text("SELECT to_regprocedure(:f) IS NOT NULL"), {"f": f"{ERASE_FUNCTION}(uuid[])"}
    ):
        session.execute(
            text(f"SELECT {ERASE_FUNCTION}(CAST(:people AS uuid[]))"),
            {"people": [str(p) for p in people]},
        )
        return
    whole = [t for t, fields in PERSONAL_FIELDS.items() if "*" in fields]
    session.execute(
        delete(RecordHistory)
        .where(RecordHistory.participant_uuid.in_(people), RecordHistory.table_name.in_(whole))
        .execution_options(synchronize_session=False)
    )
    # Only tables with some personal fields can hold a personal value outside ``whole``.
    partial = {t: fields for t, fields in PERSONAL_FIELDS.items() if "*" not in fields}
    mentions = [  # the row lists one of its table's personal fields
        (RecordHistory.table_name == table) & RecordHistory.changes[name].as_string().is_not(None)
        for table, fields in partial.items()
        for name in fields
    ]
    rows = session.scalars(
        select(RecordHistory).where(RecordHistory.participant_uuid.in_(people), or_(*mentions))
    )
    for row in rows:
        if any(c.get("personal") for c in row.changes.values()):
            row.changes = blank_personal_values(row.changes)


# --- A team's database (services/team.py calls these from ``clauses team init``) -------------

ERASE_FUNCTION = "clauses_erase_history"


def team_statements(coordinator: str, anonymous_name: str) -> list[str]:
    """What ``clauses team init`` runs for the history (idempotent), as the owner:

    - members (facilitators, coordinators) only read it: the triggers, SECURITY DEFINER,
      write it on their behalf, so nobody forges or wipes a change;
    - row-level security: a row about a person is read by whoever may read the person (the
      participant policies decide, through the subquery) and by the coordinators (also for
      people deleted since); rows about nobody by every member;
    - :data:`ERASE_FUNCTION` erases people from it for a member's purge or anonymisation,
      only people who are anonymised (or deleted) already.
    """
    role = coordinator.replace("'", "''")
    anonymous = anonymous_name.replace("'", "''")
    return [
        "ALTER TABLE record_history ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS clauses_history_read ON record_history",
        "CREATE POLICY clauses_history_read ON record_history FOR SELECT USING ("
        "participant_uuid IS NULL "
        f"OR pg_has_role(current_user, '{role}', 'MEMBER') "
        "OR EXISTS (SELECT 1 FROM participant p WHERE p.uuid = record_history.participant_uuid))",
        # Writes need the privilege, which only the owner has (see init_team).
        "DROP POLICY IF EXISTS clauses_history_insert ON record_history",
        "CREATE POLICY clauses_history_insert ON record_history FOR INSERT WITH CHECK (true)",
        "DROP POLICY IF EXISTS clauses_history_update ON record_history",
        "CREATE POLICY clauses_history_update ON record_history FOR UPDATE USING (true)",
        "DROP POLICY IF EXISTS clauses_history_delete ON record_history",
        "CREATE POLICY clauses_history_delete ON record_history FOR DELETE USING (true)",
        f"""
CREATE OR REPLACE FUNCTION {ERASE_FUNCTION}(people uuid[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH erasable AS (
    SELECT person FROM unnest(people) AS person
    WHERE NOT EXISTS (SELECT 1 FROM participant p
                      WHERE p.uuid = person AND p.last_name <> '{anonymous}')
  ), gone AS (
    DELETE FROM record_history
    WHERE participant_uuid IN (SELECT person FROM erasable)
      AND table_name IN ('participant', 'participant_criterion')
  )
  UPDATE record_history SET changes = (
    SELECT json_object_agg(e.key, CASE WHEN (e.value ->> 'personal')::boolean
      THEN (e.value::jsonb || '{{"old": null, "new": null}}'::jsonb)::json ELSE e.value END)
    FROM json_each(record_history.changes) AS e)
  WHERE participant_uuid IN (SELECT person FROM erasable)
    AND table_name NOT IN ('participant', 'participant_criterion')
    AND EXISTS (SELECT 1 FROM json_each(record_history.changes) AS e
                WHERE (e.value ->> 'personal')::boolean)
$$""",
    ]

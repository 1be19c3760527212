"""Migration 0009: existing records are attributed to the account that runs the upgrade, the
history starts empty; on PostgreSQL the triggers then record every change."""

from __future__ import annotations

import getpass
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from clauses_app.storage.engine import create_app_engine
from clauses_app.storage.migrate import upgrade
from tests.conftest import requires_postgres

TOWN = uuid.UUID("00000000-0000-4000-8000-000000000001")
PERSON = uuid.UUID("00000000-0000-4000-8000-000000000002")


def _old_rows(engine: Engine, key: object) -> None:
    upgrade(engine, "0010")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as c:
        c.execute(
            text("INSERT INTO contracting_authority (uuid, name, archived, created_at, "
                 "updated_at, version) VALUES (:u, 'Ville', false, :t, :t, 1)"),
            {"u": key(TOWN), "t": now},  # type: ignore[operator]
        )  # fmt: skip
        c.execute(
            text("INSERT INTO participant (uuid, last_name, first_name, qpv, archived, "
                 "created_at, updated_at, version) "
                 "VALUES (:u, 'Martin', 'Léa', false, false, :t, :t, 3)"),
            {"u": key(PERSON), "t": now},  # type: ignore[operator]
        )  # fmt: skip
    upgrade(engine, "0009")


def _authors(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as c:
        rows = c.execute(
            text("SELECT created_by, updated_by FROM contracting_authority UNION ALL "
                 "SELECT created_by, updated_by FROM participant")
        ).all()  # fmt: skip
    return {tuple(r) for r in rows}  # type: ignore[misc]


def _history_count(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM record_history")).scalar_one())


def test_existing_rows_belong_to_the_local_account(tmp_path: Path) -> None:
    engine = create_app_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    _old_rows(engine, lambda u: u.hex)
    assert _authors(engine) == {(getpass.getuser(), getpass.getuser())}
    assert _history_count(engine) == 0  # no history is made up for past changes
    with engine.connect() as c:
        version = c.execute(text("SELECT version FROM participant")).scalar_one()
    engine.dispose()
    assert version == 3  # the fill is not a change


@requires_postgres
def test_existing_rows_belong_to_the_migrating_role_then_triggers_record(pg_url: str) -> None:
    engine = create_app_engine(pg_url)
    _old_rows(engine, str)
    with engine.connect() as c:
        role = c.execute(text("SELECT session_user")).scalar_one()
    assert _authors(engine) == {(role, role)}
    assert _history_count(engine) == 0
    with engine.begin() as c:
        c.execute(text("UPDATE participant SET city = 'Nantes' WHERE uuid = :u"), {"u": PERSON})
        row = c.execute(
            text("SELECT action, changed_by, participant_uuid, changes::text FROM record_history")
        ).one()
    engine.dispose()
    assert row[:3] == ("UPDATE", role, PERSON)
    assert '"city": {"new": "Nantes", "old": null, "personal": true}' in row[3]

"""Migration 0004 moves retention holds and the purge log from two JSON settings into their
tables, and back on downgrade."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from clauses_app.services import privacy
from clauses_app.storage import open_database
from clauses_app.storage.engine import create_app_engine
from clauses_app.storage.migrate import downgrade, upgrade

KEPT = uuid.UUID("00000000-0000-4000-8000-000000000001")
GONE = uuid.UUID("00000000-0000-4000-8000-000000000002")  # a hold whose participant is gone
LOG = [
    {"run_at": "2025-07-01T09:00:00+00:00", "today": "2025-07-01", "reason": "RETENTION",
     "retention_years": 2, "purged": 2, "participants": [str(GONE), str(KEPT)]},
    {"run_at": "2025-09-15T14:30:05+00:00", "today": "2025-09-15", "reason": "REQUEST",
     "retention_years": None, "purged": 1, "participants": [str(KEPT)]},
]  # fmt: skip


def _database_at_0003(path: Path) -> None:
    engine = create_app_engine(f"sqlite:///{path}")
    upgrade(engine, "0003")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO participant (uuid, last_name, first_name, sex, qpv, archived, "
                "created_at, updated_at) VALUES (:u, 'Martin', 'Léa', 'F', 0, 0, :t, :t)"
            ),
            {"u": KEPT.hex, "t": now},
        )
        holds = {str(KEPT): {"until": "2027-12-31", "reason": "Contrôle FSE"},
                 str(GONE): {"until": "2026-06-30", "reason": ""}}  # fmt: skip
        for key, value in (("privacy_retention_holds", holds), ("privacy_purge_log", LOG)):
            c.execute(
                text("INSERT INTO setting (key, value) VALUES (:k, json(:v))"),
                {"k": key, "v": json.dumps(value)},
            )
    engine.dispose()


def test_holds_and_log_move_to_their_tables_and_back(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _database_at_0003(path)
    database = open_database(str(path))  # upgrades to head, as at start-up
    with database.session() as s:
        assert privacy.retention_holds(s) == {
            KEPT: {"until": "2027-12-31", "reason": "Contrôle FSE"}
        }  # the hold of a participant who no longer exists is dropped
        assert privacy.purge_log(s) == LOG
        assert privacy._held(s, date(2027, 12, 31)) == {KEPT}
        assert privacy._held(s, date(2028, 1, 1)) == set()
        keys = s.execute(text("SELECT key FROM setting WHERE key LIKE 'privacy_%'")).all()
        assert keys == []
    database.dispose()
    engine = create_app_engine(f"sqlite:///{path}")
    downgrade(engine, "0003")
    with engine.connect() as c:
        moved_back = dict(c.execute(text("SELECT key, value FROM setting")).all())
    engine.dispose()
    assert json.loads(moved_back["privacy_retention_holds"]) == {
        str(KEPT): {"until": "2027-12-31", "reason": "Contrôle FSE"}
    }
    assert json.loads(moved_back["privacy_purge_log"]) == LOG

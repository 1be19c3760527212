"""Migration 0008 on a database with rows: every existing alert starts open (an empty
``alert_mark`` table), the rows are kept, and a mark can be stored and read back."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import inspect, text

from clauses_app.storage.engine import create_app_engine
from clauses_app.storage.migrate import upgrade

TOWN = uuid.UUID("00000000-0000-4000-8000-000000000001")


def test_existing_rows_kept_and_marks_stored(tmp_path: Path) -> None:
    engine = create_app_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0010")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as c:
        c.execute(
            text("INSERT INTO contracting_authority (uuid, name, archived, buyer_type, "
                 "created_at, updated_at, version) VALUES (:u, 'Ville', 0, 'LOCAL', :t, :t, 1)"),
            {"u": TOWN.hex, "t": now},
        )  # fmt: skip
    assert "alert_mark" not in inspect(engine).get_table_names()

    upgrade(engine, "0008")

    with engine.begin() as c:
        assert c.execute(text("SELECT name FROM contracting_authority")).scalar_one() == "Ville"
        assert c.execute(text("SELECT count(*) FROM alert_mark")).scalar_one() == 0
        c.execute(
            text("INSERT INTO alert_mark (uuid, kind, record_uuid, cause, status, until, "
                 "comment, marked_by, marked_at, created_at, updated_at) VALUES "
                 "(:u, 'lot_unawarded', :r, 'abc', 'SNOOZED', :d, 'note', 'clara', :t, :t, :t)"),
            {"u": uuid.uuid4().hex, "r": TOWN.hex, "d": date(2025, 2, 1), "t": now},
        )  # fmt: skip
        row = c.execute(text("SELECT status, until, version FROM alert_mark")).one()
    engine.dispose()
    assert tuple(row) == ("SNOOZED", "2025-02-01", 1)

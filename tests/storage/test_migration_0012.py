"""Migration 0012: criteria stored as validated but with no validation date become « to
document »; dated ones and those already decided stay as they were."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from clauses_app.storage.engine import create_app_engine
from clauses_app.storage.migrate import upgrade

PERSON = uuid.UUID("00000000-0000-4000-8000-000000000001")


def test_undated_validated_criteria_become_to_document(tmp_path: Path) -> None:
    engine = create_app_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0006")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    rows = {  # code: (validated_on, status before)
        "BRSA": (None, "VALIDE"),  # imported from a tracker: no date
        "QPV": ("2025-01-10", "VALIDE"),
        "RQTH": (None, "INELIGIBLE"),
        "DELD": (None, "A_DOCUMENTER"),
    }
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO participant (uuid, last_name, first_name, qpv, archived, "
                "created_at, updated_at) VALUES (:u, 'Martin', 'Léa', 0, 0, :t, :t)"
            ),
            {"u": PERSON.hex, "t": now},
        )
        for code, (validated_on, status) in rows.items():
            c.execute(
                text(
                    "INSERT INTO participant_criterion (uuid, participant_uuid, criterion_code, "
                    "validated_on, status, created_at, updated_at) "
                    "VALUES (:u, :p, :c, :v, :s, :t, :t)"
                ),
                {"u": uuid.uuid4().hex, "p": PERSON.hex, "c": code, "v": validated_on,
                 "s": status, "t": now},
            )  # fmt: skip

    upgrade(engine, "0012")

    with engine.connect() as c:
        after = {
            code: status
            for code, status in c.execute(
                text("SELECT criterion_code, status FROM participant_criterion")
            )
        }
    engine.dispose()
    assert after == {
        "BRSA": "A_DOCUMENTER", "QPV": "VALIDE", "RQTH": "INELIGIBLE", "DELD": "A_DOCUMENTER",
    }  # fmt: skip

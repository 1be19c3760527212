"""``clauses history --record UUID [--json]``."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.services import records
from clauses_app.services.records import Kind
from clauses_app.storage import Database


def test_history_json_lists_changes_newest_first(
    database: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = records.save_record(
        database, Kind.COMPANY, {"name": "SARL Bâtir", "kind": "CLASSIQUE"}
    )
    with database.session() as session:
        base = records.load_record(session, Kind.COMPANY, record)
    records.save_record(database, Kind.COMPANY, {**base, "city": "Nantes"}, record, base=base)

    assert main(["--db", str(db_path), "history", "--record", str(record), "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in entries] == ["UPDATE", "INSERT"]
    assert entries[0]["changed_by"] == getpass.getuser()
    assert entries[0]["record_uuid"] == str(record) and entries[0]["table"] == "company"
    assert entries[0]["changes"] == [
        {"field": "city", "old": None, "new": "Nantes", "personal": False, "masked": False}
    ]
    assert entries[0]["changed_at"].endswith("+00:00")

    assert main(["--db", str(db_path), "history", "--record", str(record)]) == 0
    text = capsys.readouterr().out
    assert "Modification (entreprise)" in text and "city : — → Nantes" in text


def test_history_of_an_unknown_record_and_a_bad_uuid(
    database: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "history", "--record", "0" * 32]) == 0
    assert "Aucun historique" in capsys.readouterr().out
    assert main(["--db", str(db_path), "history", "--record", "pas-un-uuid"]) != 0
    assert "--record" in capsys.readouterr().err

"""The exchange commands: JSON shape, exit status, profiles saved from the command line."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.storage import Database
from tests.exchange.helpers import build_dataset, fingerprint
from tests.exchange.sheets_helpers import EXPECTED, STATEMENTS, TRACKER

COUNT_KEYS = {"new", "updated", "unchanged", "conflicts"}
ISSUE_KEYS = {"file", "sheet", "row", "column", "message"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    return status, capsys.readouterr().out


def test_export_then_import_json(
    database: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_dataset(database)
    file = tmp_path / "x.clause"
    status, out = run(capsys, "--db", str(db_path), "export", str(file))
    assert status == 0 and "Export : 87 lignes" in out and zipfile.is_zipfile(file)
    other = tmp_path / "other.sqlite3"
    assert run(capsys, "new-db", str(other))[0] == 0
    status, out = run(capsys, "--db", str(other), "import", str(file), "--dry-run", "--json")
    report = json.loads(out)
    assert status == 0 and report["ok"] is True and report["applied"] is False
    assert set(report["counts"]["employment"]) == COUNT_KEYS
    assert report["counts"]["employment"]["new"] == 3 and report["errors"] == []
    status, out = run(capsys, "--db", str(other), "import", str(file), "--json")
    assert status == 0 and json.loads(out)["applied"] is True
    _, mine = run(capsys, "--db", str(db_path), "stats", "--json")
    _, theirs = run(capsys, "--db", str(other), "stats", "--json")
    assert json.loads(mine) == json.loads(theirs)


def test_refused_import_exits_non_zero(
    database: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.clause"
    bad.write_bytes(b"PK\x03\x04 truncated")
    before = fingerprint(database)
    status, out = run(capsys, "--db", str(db_path), "import", str(bad), "--json")
    report = json.loads(out)
    assert status == 1 and report["ok"] is False
    assert set(report["errors"][0]) == ISSUE_KEYS and report["errors"][0]["file"] == "bad.clause"
    status, out = run(capsys, "--db", str(db_path), "import", str(bad))
    assert status == 1 and "Import refusé : la base n'a pas été modifiée." in out
    assert fingerprint(database) == before


def test_usage_mistakes(
    database: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = "0b9f4a52-2c1e-4d5e-8f00-123456789abc"
    assert main(["--db", str(db_path), "export", str(tmp_path / "x"), "--authority", unknown]) == 2
    assert "Donneur d'ordre inconnu" in capsys.readouterr().err
    assert main(["--db", str(db_path), "import", str(tmp_path / "absent.clause")]) == 2
    assert (
        main(["--db", str(db_path), "export", "x", "--from", "2025-12-31", "--to", "2025-01-01"])
        == 2
    )


def test_import_sheet_with_saved_mapping(
    database: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(db_path)]
    status, out = run(
        capsys, *db, "import-sheet", str(TRACKER), "--kind", "tracker", "--save-mapping", "suivi"
    )
    assert status == 0 and "Import effectué." in out and "Donneur d'ordre" in out
    status, out = run(
        capsys, *db, "import-sheet", str(TRACKER), "--kind", "tracker", "--mapping", "suivi",
        "--dry-run", "--json",
    )  # fmt: skip
    report = json.loads(out)
    assert status == 0 and report["counts"]["employment"]["unchanged"] == 15
    assert report["mapping"]["authority"] == "Donneur d'ordre"
    status, out = run(capsys, *db, "import-sheet", str(STATEMENTS[1]), "--kind", "hours", "--json")
    assert status == 0 and json.loads(out)["removed"] == {"hours_record": 6}
    status, out = run(
        capsys, *db, "import-sheet", str(TRACKER), "--kind", "hours", "--mapping", "absent"
    )
    assert status == 1 and "profil de correspondance « absent » introuvable" in out
    _, out = run(capsys, *db, "stats", "--json", "--year", "2025")
    total = json.loads(out)
    assert total["hours_required"] == sum(v["hours_required"] for v in EXPECTED.values())

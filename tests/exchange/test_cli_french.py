"""The command line's import and export summaries name the entities in French."""

from __future__ import annotations

from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.exchange.labels import ENTITY_LABELS
from clauses_app.storage import Database
from tests.exchange.helpers import build_dataset
from tests.exchange.sheets_helpers import STATEMENTS, TRACKER

ENGLISH_NAMES = [name for name in ENTITY_LABELS if name not in ("lot", "contact")]


def english_names_in(out: str) -> list[str]:
    words = set(out.replace(":", " ").split())
    return [name for name in ENGLISH_NAMES if name in words]


def test_export_and_import_summaries_say_french_entity_names(
    database: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_dataset(database)
    file = tmp_path / "x.clause"
    assert main(["--db", str(db_path), "export", str(file)]) == 0
    out = capsys.readouterr().out
    assert "Contrats et missions" in out and "Relevés d'heures" in out
    assert english_names_in(out) == []
    other = tmp_path / "other.sqlite3"
    assert main(["new-db", str(other)]) == 0
    capsys.readouterr()
    assert main(["--db", str(other), "import", str(file)]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith("Participants ")]
    assert rows and rows[0][1:] == ["2", "0", "0", "0"]  # 2 new (the dataset has two people)
    assert "Contrats et missions" in out and "Donneurs d'ordre" in out
    assert english_names_in(out) == []


def test_sheet_import_summary_says_french_entity_names(
    database: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(db_path)]
    assert main([*db, "import-sheet", str(TRACKER), "--kind", "tracker"]) == 0
    out = capsys.readouterr().out
    assert "Participants" in out and english_names_in(out) == []
    assert main([*db, "import-sheet", str(STATEMENTS[1]), "--kind", "hours"]) == 0
    out = capsys.readouterr().out
    assert "Relevés d'heures : 6 total(s) remplacé(s) par des relevés mensuels" in out
    assert english_names_in(out) == []


def test_counts_are_written_the_french_way(capsys: pytest.CaptureFixture[str]) -> None:
    from clauses_app.cli.exchange import _print_report
    from clauses_app.exchange import ImportReport

    report = ImportReport("suivi.xlsx")
    report.count("hours_record").new = 12_000
    report.removed["hours_record"] = 1_500
    _print_report(report, dry_run=True)
    out = capsys.readouterr().out
    assert "Relevés d'heures" in out and "12\u202f000" in out
    assert "Relevés d'heures : 1\u202f500 total(s) remplacé(s)" in out

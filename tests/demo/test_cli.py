"""``clauses demo`` through the real entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from clauses_app.cli import main
from tests.demo.conftest import table_dump


def test_demo_then_stats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.sqlite3")
    assert main(["--db", db, "demo", "--size", "small", "--seed", "3"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("Données de démonstration « small » (graine 3) : 2 donneurs d'ordre, ")
    # 10 contracts of 2025 and 4 consultations launched after 22 August 2026.
    assert "14 marchés" in out and "30 contrats de travail" in out
    assert out.count("\n") == 0

    assert main(["--db", db, "stats", "--json", "--year", "2025"]) == 0
    import json

    stats = json.loads(capsys.readouterr().out)
    assert stats["authorities"] == 2 and stats["contracts"] == 10 and stats["employments"] == 30
    assert 0.5 <= stats["completion_rate"] <= 1.3


def test_refusal_and_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.sqlite3"
    assert main(["--db", str(path), "demo", "--size", "small"]) == 0
    capsys.readouterr()
    before = table_dump(path)

    assert main(["--db", str(path), "demo", "--size", "small", "--seed", "2"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("clauses: La base contient déjà des données")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert table_dump(path) == before

    assert main(["--db", str(path), "demo", "--size", "small", "--seed", "2", "--force"]) == 0
    assert table_dump(path)["contracting_authority"] != before["contracting_authority"]


def test_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "demo.sqlite3")
    with pytest.raises(SystemExit) as exc:
        main(["--db", db, "demo", "--size", "huge"])
    assert exc.value.code == 2
    assert main(["--db", db, "demo", "--seed", "-1"]) == 2
    assert "graine" in capsys.readouterr().err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--help"])
    assert exc.value.code == 0
    assert "--size {small,facilitator,territory,national}" in capsys.readouterr().out

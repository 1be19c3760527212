"""The `clauses` command line: the real entry point, good and bad input."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from clauses_app import paths
from clauses_app.cli import main
from clauses_app.services.bootstrap import open_app_database
from tests import builders as b

CLAUSES = shutil.which("clauses", path=str(Path(sys.executable).parent)) or "clauses"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLAUSES, *args], capture_output=True, text=True, timeout=60)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_entry_point_estimate_json() -> None:
    result = run("estimate", "--amount", "1000000", "--labour-share", "50", "--rate", "5", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"required_hours": 833, "etp": 0.5184}


def test_entry_point_estimate_invoiced_json() -> None:
    # A framework contract: 1 h per 2,000 € HT on 148,000 € HT invoiced = 74 h;
    # 74 / 1,607 = 0.04605 → 0.0460 ETP (four decimals, as every estimate).
    result = run("estimate", "--invoiced", "148000", "--euros-per-hour", "2000", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"required_hours": 74, "etp": 0.046}


def test_entry_point_init_and_stats_on_a_new_file(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    assert run("--db", str(db), "init").returncode == 0
    result = run("--db", str(db), "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert list(stats) == [
        "authorities", "operations", "contracts", "lots", "companies", "awards", "participants",
        "employments", "hours_required", "hours_done", "etp_done", "completion_rate",
    ]  # fmt: skip
    assert stats["authorities"] == 0 and stats["completion_rate"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amount", "-5", "--labour-share", "50", "--rate", "5"], "négatif"),
        (["--amount", "abc", "--labour-share", "50", "--rate", "5"], "n'est pas un nombre"),
        (["--amount", "1000", "--labour-share", "120", "--rate", "5"], "entre 0 et 100"),
        (["--amount", "1000", "--labour-share", "50", "--rate", "-1"], "entre 0 et 100"),
        (["--amount", "1000", "--labour-share", "50", "--rate", "5", "--hourly-cost", "0"],
         "supérieur à 0"),
        (["--invoiced", "148000"], "--invoiced et --euros-per-hour"),
        (["--invoiced", "148000", "--euros-per-hour", "0"], "supérieur à 0"),
        (["--invoiced", "-1", "--euros-per-hour", "2000"], "négatif"),
        (["--invoiced", "148000", "--euros-per-hour", "2000", "--rate", "5"], "Choisissez"),
        (["--labour-share", "50"], "Indiquez --amount"),
    ],
)  # fmt: skip
def test_estimate_bad_input(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["estimate", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert err.count("\n") == 1  # one sentence


def test_entry_point_user_mistakes_give_one_line_and_no_traceback(tmp_path: Path) -> None:
    not_db = tmp_path / "notes.txt"
    not_db.write_text("bonjour")
    before = digest(not_db)
    result = run("--db", str(not_db), "stats")
    assert result.returncode == 3
    assert "n'est pas une base de données" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(not_db) == before


def test_unknown_authority(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.sqlite3")
    assert main(["--db", db, "init"]) == 0
    code = main(["--db", db, "stats", "--authority", "00000000-0000-0000-0000-000000000001"])
    assert code == 2
    assert "Donneur d'ordre inconnu" in capsys.readouterr().err
    assert main(["--db", db, "stats", "--authority", "pas-un-uuid"]) == 2


def test_unreachable_database_url(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("psycopg")
    assert main(["--db", "postgresql+psycopg://u@127.0.0.1:1/x", "stats"]) == 3
    assert "Le serveur « 127.0.0.1 » (port 1) ne répond pas" in capsys.readouterr().err


def test_newer_database_is_refused_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    db = tmp_path / "future.sqlite3"
    open_app_database(str(db)).dispose()
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'zzzz'")
    before = digest(db)
    assert main(["--db", str(db), "init"]) == 3
    assert "version plus récente" in capsys.readouterr().err
    assert digest(db) == before


def test_stats_and_authorities_on_hand_made_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "data.sqlite3"
    database = open_app_database(str(db))
    with database.transaction() as s:
        auth = b.authority(s, "Ville de Pornic")
        con = b.contract(s, auth, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        award = b.award(s, b.lot(s, con), b.company(s), "1607")
        emp = b.employment(s, award, b.participant(s), date(2025, 1, 1), date(2025, 12, 31))
        for m in range(1, 7):
            b.month_hours(s, emp, 2025, m, "151.67")
        auth_uuid = str(auth.uuid)
    database.dispose()

    assert main(["--db", str(db), "stats", "--json", "--year", "2025"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["hours_required"] == 1607.0
    assert stats["hours_done"] == 910.02  # 6 × 151.67
    assert stats["etp_done"] == 0.5663  # 910.02 / 1607
    assert stats["completion_rate"] == 0.566285  # 910.02 / 1607, six decimals
    assert (stats["contracts"], stats["employments"], stats["participants"]) == (1, 1, 1)

    assert main(["--db", str(db), "stats", "--json", "--authority", auth_uuid]) == 0
    assert json.loads(capsys.readouterr().out)["authorities"] == 1
    assert main(["--db", str(db), "stats", "--authority", auth_uuid]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Toutes périodes · Ville de Pornic"

    assert main(["--db", str(db), "stats", "--year", "2025"]) == 0
    text = capsys.readouterr().out
    # The figures say what they cover: the records the year concerns, not the database's.
    assert text.splitlines()[0] == (
        "Année 2025 (ce qui concerne la période) · tous les donneurs d'ordre"
    )
    assert "910,02\u00a0h" in text and "1\u202f607\u00a0h" in text and "56,6\u00a0%" in text

    assert main(["--db", str(db), "authorities", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"uuid": auth_uuid, "name": "Ville de Pornic"}]


def test_db_option_then_environment_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clauses_home: Path
) -> None:
    env_db = tmp_path / "env.sqlite3"
    monkeypatch.setenv("CLAUSES_DB", str(env_db))
    assert main(["init"]) == 0
    assert env_db.exists()
    monkeypatch.delenv("CLAUSES_DB")
    assert main(["init"]) == 0
    assert (clauses_home / "data" / "clauses.sqlite3").exists()


def test_help_on_every_command() -> None:
    for command in ("init", "estimate", "stats", "authorities"):
        result = run(command, "--help")
        assert result.returncode == 0 and "utilisation :" in result.stdout


def test_help_and_errors_of_the_command_line_are_french(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """argparse's own words (headings, -h, its errors) in French, for every subcommand."""
    from clauses_app.cli import build_parser

    parser = build_parser()
    text = parser.format_help()
    assert text.startswith("utilisation : clauses [-h]")
    assert "afficher cette aide et quitter" in text and "afficher la version" in text
    assert "\noptions:\n" in text and "\narguments:\n" in text
    for english in ("usage:", "positional arguments", "show this help", "show program"):
        assert english not in text
    cases = {
        ("import-sheet",): (
            "clauses import-sheet : erreur : arguments obligatoires : FICHIER, --kind"
        ),
        ("stats", "--year", "abc"): (
            "clauses stats : erreur : argument --year : valeur invalide 'abc'"
        ),
        ("alerts", "mark", "clé", "--done", "--snooze", "2026-01-01"): (
            "clauses alerts mark : erreur : argument --snooze/--postpone : incompatible avec "
            "--done/--treated"
        ),
        ("stats", "--bogus"): "clauses : erreur : arguments non reconnus : --bogus",
    }
    for argv, sentence in cases.items():
        with pytest.raises(SystemExit) as stopped:
            main(list(argv))
        assert stopped.value.code == 2
        assert capsys.readouterr().err.splitlines()[-1] == sentence


def test_estimate_uses_the_default_database_s_hourly_cost(
    clauses_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """« --hourly-cost (défaut : réglage) », but without --db the setting was never read:
    30 €/h whatever the facilitator had set."""
    sizing = ["estimate", "--amount", "1000000", "--labour-share", "50", "--rate", "5", "--json"]
    assert main(sizing) == 0  # no database yet: the default settings, none created
    assert json.loads(capsys.readouterr().out)["required_hours"] == 833
    assert not paths.default_database_path().exists()
    assert main(["init"]) == 0 and main(["settings", "set", "hourly_cost", "60"]) == 0
    capsys.readouterr()
    assert main(sizing) == 0
    assert json.loads(capsys.readouterr().out)["required_hours"] == 417  # 25,000 € / 60 €/h

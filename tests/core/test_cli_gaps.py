"""The command line's known gaps of 2026-12-06 (docs/reliability.md), mended: a mistyped
``--db``, system errors in English, ``copy-db`` over a file, a past or unexplained retention
hold, ``--limit`` below 1, an empty ``--authority``, a missing ``--template-dir``, and
``demo`` renaming the structure."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from clauses_app.cli import french, main
from clauses_app.models import Participant
from clauses_app.services import privacy
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.settings import load_settings

ENGLISH = ("No such file", "Permission denied", "Is a directory", "No space left", "Errno")
UNKNOWN = str(uuid.UUID(int=7))


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database, made once; each test works on its own copy."""
    home = tmp_path_factory.mktemp("gaps-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLAUSES_HOME", str(home))
        patch.delenv("CLAUSES_DB", raising=False)
        path = home / "demo.sqlite3"
        assert main(["--db", str(path), "demo", "--size", "small"]) == 0
    return path


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> str:
    copy = tmp_path / "suivi.sqlite3"
    shutil.copyfile(demo_file, copy)
    return str(copy)


def one_error(capsys: pytest.CaptureFixture[str]) -> str:
    """What the command said on stderr: one French sentence, no traceback, no English."""
    err = capsys.readouterr().err
    assert err.startswith("clauses: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and not any(word in err for word in ENGLISH), err
    return err


# --- 1. A mistyped --db ----------------------------------------------------------------------

READERS_AND_WRITERS = [
    ["stats"],
    ["authorities", "--json"],
    ["estimate", "--amount", "1000", "--labour-share", "50", "--rate", "5"],
    ["organisation", "--name", "PLIE d'Albi"],
    ["settings", "show"],
    ["progress"],
    ["alerts"],
    ["privacy", "log"],
    ["privacy", "purge", "--dry-run"],
    ["history", "--record", UNKNOWN],
    ["thresholds", "show"],
    ["invoiced", "list"],
    ["export", "{tmp}/x.clause"],
    ["copy-db", "{tmp}/copie.sqlite3"],
    ["report", "balance", "--first", "--out", "{tmp}/bilan.pdf"],
]


@pytest.mark.parametrize("command", READERS_AND_WRITERS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_db_is_refused_and_not_created(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "suvi.sqlite3"
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    assert main(["--db", str(typo), *args]) == 3
    err = one_error(capsys)
    assert f"« {typo} » (--db) n'existe pas" in err and f"clauses new-db {typo}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing made, nothing written


def test_an_import_into_a_missing_db_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exchange = tmp_path / "x.clause"
    assert main(["--db", db, "export", str(exchange)]) == 0
    typo = tmp_path / "suvi.sqlite3"
    assert main(["--db", str(typo), "import", str(exchange)]) == 3
    assert f"« {typo} » (--db) n'existe pas" in one_error(capsys)
    assert not typo.exists()


def test_a_missing_db_named_by_the_environment_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "suvi.sqlite3"
    monkeypatch.setenv("CLAUSES_DB", str(typo))
    assert main(["stats"]) == 3
    assert "(variable CLAUSES_DB) n'existe pas" in one_error(capsys)
    assert not typo.exists()


@pytest.mark.parametrize("command", [["init"], ["demo", "--size", "small"]])
def test_init_and_demo_still_create_the_db(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nouvelle.sqlite3"
    assert main(["--db", str(path), *command]) == 0
    assert path.is_file()
    assert main(["--db", str(path), "stats", "--json"]) == 0


def test_the_default_db_is_still_created_on_first_use(
    clauses_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["authorities"] == 0
    assert (clauses_home / "data" / "clauses.sqlite3").is_file()


# --- 2. System errors in French ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "wording"),
    [
        (errno.ENOENT, "fichier ou dossier introuvable"),
        (errno.EACCES, "accès refusé"),
        (errno.EISDIR, "c'est un dossier"),
        (errno.ENOSPC, "le disque est plein"),
    ],
)
def test_one_french_wording_by_errno(code: int, wording: str) -> None:
    error = OSError(code, os.strerror(code), "/srv/x.pdf")  # as the system raises it
    assert french.french_os_error(error) == wording
    assert french.os_error_message(error) == f"Impossible d'utiliser « /srv/x.pdf » : {wording}."


def test_an_unknown_errno_keeps_its_number_not_its_english() -> None:
    assert french.french_os_error(OSError(errno.EXDEV, os.strerror(errno.EXDEV))) == (
        f"erreur du système n° {errno.EXDEV}"
    )


def test_a_reason_worded_by_the_application_is_kept() -> None:
    error = OSError(errno.EINVAL, "ce n'est pas un fichier ordinaire", "/dev/full")
    assert french.french_os_error(error) == "ce n'est pas un fichier ordinaire"


def test_writing_over_a_folder_is_said_in_french(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "dossier.clause"
    folder.mkdir()
    assert main(["--db", db, "export", str(folder)]) == 2
    assert f"« {folder} » : c'est un dossier." in one_error(capsys)


def test_a_disk_full_met_by_a_command_is_said_in_french(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/srv/bilans/x.pdf")

    monkeypatch.setattr("clauses_app.cli.core.database_stats", full)
    assert main(["--db", db, "stats"]) == 2
    assert one_error(capsys) == (
        "clauses: Impossible d'utiliser « /srv/bilans/x.pdf » : le disque est plein.\n"
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_an_error_worded_deeper_reaches_the_user_in_french(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # No file can be made in /proc: the list export words the folder, the system the reason.
    assert main(["--db", db, "export-list", "contracts", "/proc/marches.csv"]) == 2
    err = one_error(capsys)
    assert "Impossible d'écrire dans le dossier « /proc » : " in err
    assert "introuvable" in err or "accès refusé" in err


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="/proc/self/mem is Linux's")
def test_a_read_error_is_not_a_traceback(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db, "import-sheet", "/proc/self/mem", "--kind", "tracker"]) == 2
    assert "« /proc/self/mem »" in one_error(capsys)


# --- 3. copy-db over an existing file --------------------------------------------------------


def test_copy_db_never_replaces_a_file_unless_asked(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "copie.sqlite3"
    target.write_bytes(b"le travail d'hier")
    assert main(["--db", db, "copy-db", str(target)]) == 2
    assert one_error(capsys) == (
        f"clauses: Le fichier « {target} » existe déjà : choisissez un autre nom, ou ajoutez "
        "--replace pour le remplacer.\n"
    )
    assert target.read_bytes() == b"le travail d'hier"
    assert main(["--db", db, "copy-db", str(target), "--replace"]) == 0
    assert main(["--db", str(target), "authorities", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out.splitlines()[-1])) == 2


# --- 4. A retention hold in the past or without a reason -------------------------------------


def _participant(db: str) -> str:
    database = open_app_database(db)
    try:
        with database.session() as session:
            return str(session.scalars(select(Participant.uuid)).first())
    finally:
        database.dispose()


def test_cli_hold_refuses_a_past_date_and_an_empty_reason(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    person = _participant(db)
    hold = ["--db", db, "privacy", "hold", "--participant", person]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert main([*hold, "--until", yesterday, "--reason", "Contrôle FSE"]) == 2
    assert "est passée" in one_error(capsys)
    next_year = date(date.today().year + 1, 12, 31).isoformat()
    assert main([*hold, "--until", next_year, "--reason", "  "]) == 2
    assert "Indiquez le motif" in one_error(capsys)
    database = open_app_database(db)
    try:
        with database.session() as session:
            assert privacy.retention_holds(session) == {}
    finally:
        database.dispose()
    assert main([*hold, "--until", next_year, "--reason", "Contrôle FSE 2021-2027"]) == 0


# --- 5, 6, 7. --limit, an empty --authority, --template-dir ----------------------------------


@pytest.mark.parametrize("limit", ["-1", "0"])
def test_progress_limit_below_one_is_refused(
    db: str, limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db, "progress", "--limit", limit]) == 2
    assert one_error(capsys) == (
        f"clauses: --limit compte les lignes à montrer : un entier d'au moins 1, pas {limit}.\n"
    )


def test_progress_limit_one_shows_one_row(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db, "progress", "--limit", "1", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1


@pytest.mark.parametrize(
    "command",
    [
        ["stats", "--authority", ""],
        ["alerts", "--authority", " "],
        ["export-list", "contracts", "{tmp}/m.csv", "--authority", ""],
        ["export", "{tmp}/x.clause", "--authority", ""],
        ["report", "balance", "--authority", "", "--out", "{tmp}/b.pdf"],
    ],
    ids=lambda c: c[0],
)
def test_an_empty_authority_is_refused(
    db: str, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    assert main(["--db", db, *args]) == 2
    assert "--authority est vide : indiquez un UUID" in one_error(capsys)
    assert [p.name for p in tmp_path.iterdir()] == ["suivi.sqlite3"]  # nothing written


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_an_empty_date_is_refused(db: str, option: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db, "stats", option, ""]) == 2
    assert f"{option} n'est pas une date" in one_error(capsys)


def test_a_missing_template_dir_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", db, "progress", "--json", "--limit", "1"]) == 0
    contract = json.loads(capsys.readouterr().out)[0]["uuid"]
    out = tmp_path / "clause.docx"
    missing = tmp_path / "modeles"
    args = ["--db", db, "report", "clause", "--contract", contract, "--out", str(out)]
    assert main([*args, "--template-dir", str(missing)]) == 2
    assert one_error(capsys) == (
        f"clauses: --template-dir : le dossier « {missing} » n'existe pas.\n"
    )
    assert not out.exists()
    missing.mkdir()
    assert main([*args, "--template-dir", str(missing)]) == 0 and out.is_file()


# --- 8. demo keeps the structure's name ------------------------------------------------------


def test_demo_keeps_a_named_structure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "suivi.sqlite3")
    assert main(["--db", path, "init"]) == 0
    organisation = ["--db", path, "organisation"]
    assert main([*organisation, "--name", "PLIE du Pays de Retz", "--address", "Pornic"]) == 0
    assert main(["--db", path, "demo", "--size", "small"]) == 0
    capsys.readouterr()
    assert main(organisation) == 0
    assert capsys.readouterr().out == "Structure : PLIE du Pays de Retz\nAdresse : Pornic\n"


def test_demo_names_an_unnamed_structure(tmp_path: Path) -> None:
    path = str(tmp_path / "suivi.sqlite3")
    assert main(["--db", path, "demo", "--size", "small"]) == 0
    database = open_app_database(path)
    try:
        with database.session() as session:
            name = load_settings(session).organisation.name
    finally:
        database.dispose()
    assert name not in ("", "Structure d'accompagnement")  # the demo's own structure

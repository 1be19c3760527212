"""``clauses new-db``, ``copy-db``, ``organisation`` and ``profile``: what the window's
Fichier menu and first run do, without the window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clauses_app.cli import main
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.profile import FacilitatorProfile, load_profile
from clauses_app.services.settings import load_settings
from tests import builders as b


def test_new_db_creates_an_empty_database_and_never_replaces_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nouvelle.sqlite3"
    assert main(["new-db", str(path)]) == 0
    assert capsys.readouterr().out == f"Base créée : {path}\n"
    before = path.read_bytes()
    assert main(["new-db", str(path)]) == 3
    assert capsys.readouterr().err == (
        f"clauses: Le fichier « {path} » existe déjà : choisissez un autre nom, ou ouvrez-le "
        "avec « Ouvrir une base… ».\n"
    )
    assert path.read_bytes() == before


def test_copy_db_writes_an_equal_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "suivi.sqlite3"
    database = open_app_database(str(source))
    with database.transaction() as s:
        b.contract(s, b.authority(s, name="Ville d'Albi"), start_date=date(2025, 1, 1))
    database.dispose()
    target = tmp_path / "copie.sqlite3"
    assert main(["--db", str(source), "copy-db", str(target)]) == 0
    assert capsys.readouterr().out == f"Copie enregistrée : {target}\n"
    copy = open_app_database(str(target))
    try:
        assert main(["--db", str(target), "authorities"]) == 0
        assert "Ville d'Albi" in capsys.readouterr().out
    finally:
        copy.dispose()
    assert main(["--db", str(source), "copy-db", str(source)]) == 3
    assert "un autre fichier que la base ouverte" in capsys.readouterr().err


def test_organisation_in_the_database_and_profile_in_the_users_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "suivi.sqlite3"
    assert main(["--db", str(path), "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "organisation", "--name", "PLIE d'Albi"]) == 0
    assert capsys.readouterr().out == "Structure : PLIE d'Albi\nAdresse : (non renseignée)\n"
    assert main(["--db", str(path), "organisation", "--address", "1 rue Croix-Verte"]) == 0
    capsys.readouterr()
    database = open_app_database(str(path))
    with database.session() as s:
        organisation = load_settings(s).organisation
    database.dispose()
    assert (organisation.name, organisation.address) == ("PLIE d'Albi", "1 rue Croix-Verte")
    assert main(["profile", "--name", "Camille Durand", "--email", "c.durand@plie.fr"]) == 0
    assert main(["profile", "--phone", "05 63 00 00 00"]) == 0  # the other fields kept
    assert load_profile() == FacilitatorProfile(
        "Camille Durand", "c.durand@plie.fr", "05 63 00 00 00"
    )
    capsys.readouterr()
    assert main(["profile", "--email", "pas-une-adresse"]) == 2
    assert capsys.readouterr().err == (
        "clauses: Le courriel du facilitateur n'est pas une adresse valide.\n"
    )
    assert load_profile().email == "c.durand@plie.fr"

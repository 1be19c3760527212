"""Columns of a facilitator's own tracker: hours done never taken for hours owed, a column
the guesser does not know said out loud (never dropped in silence), two equally likely
columns flagged, and ``--column`` to name the right one from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from clauses_app.cli import main
from clauses_app.exchange import guess_mapping, import_sheet, preview_sheet
from clauses_app.exchange.sheets import list_profiles
from clauses_app.storage import Database
from tests.exchange.helpers import fingerprint
from tests.exchange.sheets_helpers import (
    EXPECTED,
    STATEMENTS,
    TRACKER,
    figures_2025,
    sample_table,
    write_xlsx,
)

REQUIRED, DONE = "Heures d'insertion prescrites", "Heures réalisées"  # the sample's headings

HOURS_HEADINGS = [
    # (heading of the hours owed, heading of the hours done), as facilitators write them
    ("Heures d'insertion à réaliser", "Heures d'insertion réalisées"),
    ("Heures d'insertion prévues", "Heures d'insertion effectuées"),
    ("Heures prévues", "H. réalisées"),
    ("Heures à effectuer", "Heures réalisées à ce jour"),
    ("Heures exigées", "Réalisé"),
    ("Objectif d'heures", "Heures effectuées"),
]


@pytest.mark.parametrize(("owed", "done"), HOURS_HEADINGS)
def test_hours_done_are_never_taken_for_hours_owed(owed: str, done: str) -> None:
    for headers in ([owed, done, "Nom"], [done, owed, "Nom"]):
        mapping = guess_mapping(headers, "tracker")
        assert (mapping.get("required_hours"), mapping.get("hours_done")) == (owed, done)


def _tracker(tmp_path: Path, renamed: dict[str, str], name: str = "suivi.xlsx") -> Path:
    headers, rows = sample_table(TRACKER)
    return write_xlsx(tmp_path / name, [renamed.get(h, h) for h in headers], rows)


def test_a_tracker_whose_hours_columns_say_insertion_both_ways(
    database: Database, tmp_path: Path
) -> None:
    """« Heures d'insertion réalisées » was read as the hours owed: 10,146 h owed instead of
    6,610 and the hours done taken from « à réaliser »."""
    path = _tracker(tmp_path, {REQUIRED: "Heures d'insertion à réaliser",
                               DONE: "Heures d'insertion réalisées"})  # fmt: skip
    assert import_sheet(database, path, "tracker").ok
    assert figures_2025(database) == EXPECTED


def test_an_unknown_hours_column_is_said_and_can_be_named(
    database: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _tracker(tmp_path, {DONE: "Hrs faites"})
    preview = preview_sheet(database, path, "tracker")
    warnings = [w.message for w in preview.warnings]
    assert (
        "aucune colonne « Heures réalisées » reconnue : aucune heure réalisée ne sera importée "
        "(choisissez-la dans la correspondance des colonnes)"
    ) in warnings
    assert "colonnes non lues : « Hrs faites »" in warnings
    database.dispose()
    command = ["--db", str(db_path), "import-sheet", str(path), "--kind", "tracker"]
    assert main([*command, "--column", "heures realisees=Hrs faites"]) == 0
    assert "colonnes non lues" not in capsys.readouterr().out
    assert figures_2025(database) == EXPECTED


def test_column_refuses_an_unknown_information_in_french(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _tracker(tmp_path, {})
    command = ["--db", str(db_path), "import-sheet", str(path), "--kind", "tracker"]
    assert main([*command, "--column", "Heures faites=Hrs"]) == 2
    error = capsys.readouterr().err
    assert "--column : information inconnue « Heures faites » ; au choix :" in error
    assert "« Heures réalisées »" in error
    assert main([*command, "--column", "Heures réalisées"]) == 2
    assert "n'a pas la forme « Information=En-tête »" in capsys.readouterr().err


def test_two_columns_equally_likely_are_flagged(database: Database, tmp_path: Path) -> None:
    headers, rows = sample_table(TRACKER)
    at = headers.index(DONE)
    headers[at] = "Heures réalisées 2024"
    headers.insert(at + 1, "Heures réalisées 2025")
    rows = [[*row[: at + 1], row[at], *row[at + 1 :]] for row in rows]
    path = write_xlsx(tmp_path / "deux.xlsx", headers, rows)
    preview = preview_sheet(database, path, "tracker")
    assert [w.message for w in preview.warnings if "plusieurs colonnes" in w.message] == [
        "plusieurs colonnes peuvent être « Heures réalisées » : « Heures réalisées 2024 » est "
        "lue, « Heures réalisées 2025 » ne l'est pas ; vérifiez la correspondance des colonnes"
    ]


def test_a_refused_import_saves_no_mapping_and_sums_up_nothing(
    database: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The profile was saved although « la base n'a pas été modifiée », and the hours per
    company of the refused file were printed as if imported."""
    assert import_sheet(database, TRACKER, "tracker").ok
    headers, rows = sample_table(STATEMENTS[0])
    rows[0][headers.index("Nom")] = "Inconnu"
    path = write_xlsx(tmp_path / "releve.xlsx", headers, rows)
    before = fingerprint(database)
    database.dispose()
    command = ["--db", str(db_path), "import-sheet", str(path), "--kind", "hours"]
    assert main([*command, "--save-mapping", "mon relevé"]) != 0
    printed: Any = capsys.readouterr().out
    assert "Par entreprise" not in printed
    assert fingerprint(database) == before
    with database.session() as session:
        assert list_profiles(session, "hours") == []


def test_every_sheet_with_the_same_headings_is_read(database: Database, tmp_path: Path) -> None:
    """A tracker kept one sheet per authority: only the first sheet was read and the import
    said « effectué » (the other authority's 8 rows lost)."""
    headers, rows = sample_table(TRACKER)
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Pornichet"
    for title, authority in (("Pornichet", "Ville de Pornichet"),
                             ("Rezé", "Agglomération de Rezé")):  # fmt: skip
        sheet = first if title == "Pornichet" else workbook.create_sheet(title)
        sheet.append([f"Suivi 2025 — {authority}"])
        sheet.append([h.upper() if title == "Rezé" else h for h in headers])  # same headings
        for row in rows:
            if row[0] == authority:
                sheet.append(row)
    summary = workbook.create_sheet("Synthèse")
    summary.append(["Donneur d'ordre", "Heures réalisées"])
    summary.append(["Ville de Pornichet", 3984.22])
    path = tmp_path / "par-donneur.xlsx"
    workbook.save(path)
    result = import_sheet(database, path, "tracker")
    assert result.ok, result.errors
    assert figures_2025(database) == EXPECTED
    assert {k: v.new for k, v in result.counts.items()} == {  # as from one sheet
        "contracting_authority": 2, "public_contract": 4, "lot": 10, "company": 3, "award": 10,
        "participant": 7, "participant_criterion": 7, "employment": 15, "hours_record": 15,
    }  # fmt: skip
    assert (
        "feuille « Synthèse » non lue : ses en-têtes ne sont pas ceux de la feuille "
        "« Pornichet » (importez-la à part si elle doit l'être)"
    ) in [w.message for w in result.warnings]


def test_a_bad_profile_name_is_said_before_anything_is_imported(
    database: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The name was checked after the import: « Nom de profil invalide » (rc 2), yet the
    tracker's rows were in."""
    before = fingerprint(database)
    database.dispose()
    command = ["--db", str(db_path), "import-sheet", str(TRACKER), "--kind", "tracker"]
    assert main([*command, "--save-mapping", "x" * 300]) == 2
    assert "Nom de profil invalide" in capsys.readouterr().err
    assert fingerprint(database) == before

"""Coded values the patterns do not understand are no dead end: the preview lists each with
its row count, the user's code (given by field, by header with --map-value, or saved in a
mapping profile) is used, and the new columns (trade, kind of company, outcome) are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from clauses_app.cli import main
from clauses_app.exchange import import_sheet, preview_sheet
from clauses_app.exchange.sheets import load_profile, save_profile
from clauses_app.exchange.sheets.mapping import load_profile_values
from clauses_app.models import Company, Employment, Lot, ParticipantCriterion
from clauses_app.storage import Database
from tests.exchange.helpers import fingerprint
from tests.exchange.sheets_helpers import sample_table, write_xlsx

HEADERS, ROWS = sample_table()
TYPE, CRITERION = HEADERS.index("Type de contrat"), HEADERS.index("Critère d'éligibilité")


def tracker(tmp_path: Path, extra: bool = False) -> Path:
    """The sample tracker with « Contrat aidé » as the first three rows' contract type and
    « Réfugié » as the fourth's criterion; with ``extra``, three columns the mapping now
    knows: trade, kind of company, outcome."""
    rows = [list(r) for r in ROWS]
    for row in rows[:3]:
        row[TYPE] = "Contrat aidé"
    rows[3][CRITERION] = "Réfugié"
    headers = list(HEADERS)
    if extra:
        headers += ["Corps d'état", "Type de structure", "Situation à la sortie"]
        for row in rows:
            row += ["Gros œuvre", "Entreprise d'insertion", "CDD > 6 mois"]
    return write_xlsx(tmp_path / "suivi.xlsx", headers, rows)


def test_unknown_values_are_listed_with_their_row_counts(
    database: Database, tmp_path: Path
) -> None:
    before = fingerprint(database)
    report = preview_sheet(database, tracker(tmp_path), "tracker")
    assert not report.ok and fingerprint(database) == before
    assert report.unknown_values == {
        "contract_type": {"Contrat aidé": 3}, "criterion": {"Réfugié": 1},
    }  # fmt: skip
    errors = [e for e in report.errors if e.column == "Type de contrat"]
    assert [e.row for e in errors] == [4, 5, 6]  # title, blank line, header above
    assert "Contrat aidé" in errors[0].message
    assert report.sample_rows[0][:2] == ["Ville de Pornichet", "2025-4200"]


def test_the_users_codes_are_used_and_saved_in_the_profile(
    database: Database, tmp_path: Path
) -> None:
    path = tracker(tmp_path)
    values = {"contract_type": {"contrat aide": "CDDI"}, "criterion": {"Réfugié": "AVIS_SPE"}}
    report = import_sheet(database, path, "tracker", values=values)
    assert report.ok and report.applied and report.unknown_values == {}
    with database.session() as s:
        types = list(s.scalars(select(Employment.contract_type_code)))
        assert types.count("CDDI") == 3
        assert "AVIS_SPE" in set(s.scalars(select(ParticipantCriterion.criterion_code)))
    with database.transaction() as s:
        save_profile(s, "tracker", "Suivi ville", report.mapping, values)
    with database.session() as s:
        mapping, stored = load_profile_values(s, "tracker", "Suivi ville")  # type: ignore[misc]
        assert mapping == load_profile(s, "tracker", "Suivi ville")
    assert stored == {"contract_type": {"contrat aide": "CDDI"},
                      "criterion": {"refugie": "AVIS_SPE"}}  # fmt: skip
    again = preview_sheet(database, path, "tracker", profile="Suivi ville")
    assert again.ok and again.total("new") == 0


def test_a_chosen_code_must_exist(database: Database, tmp_path: Path) -> None:
    report = preview_sheet(
        database, tracker(tmp_path), "tracker", values={"contract_type": {"Contrat aidé": "XYZ"}}
    )
    assert any("XYZ" in e.message and e.column == "Type de contrat" for e in report.errors)


def test_trade_kind_of_company_and_outcome_columns(database: Database, tmp_path: Path) -> None:
    report = import_sheet(database, tracker(tmp_path, extra=True), "tracker",
                          values={"contract_type": {"Contrat aidé": "CDDI"},
                                  "criterion": {"Réfugié": "AVIS_SPE"}})  # fmt: skip
    assert report.ok, [str(e) for e in report.errors]
    assert {"trade", "company_kind", "outcome"} <= set(report.mapping)
    with database.session() as s:
        assert set(s.scalars(select(Lot.trade_code))) == {"MACONNERIE"}
        assert set(s.scalars(select(Company.kind))) == {"EI"}
        assert set(s.scalars(select(Employment.outcome_end_code))) == {"CDD_PLUS_6"}


def test_command_line_map_value(
    database: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, db = tracker(tmp_path), ["--db", str(db_path)]
    assert main([*db, "import-sheet", str(path), "--kind", "tracker", "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "Valeur non reconnue (Type de contrat) : « Contrat aidé » (3 ligne(s))" in out
    assert '--map-value "Type de contrat:Contrat aidé=CODE"' in out
    status = main([
        *db, "import-sheet", str(path), "--kind", "tracker", "--json",
        "--map-value", "Type de contrat:Contrat aidé=CDDI",
        "--map-value", "Critère d'éligibilité:Réfugié=AVIS_SPE", "--save-mapping", "ville",
    ])  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert status == 0 and result["applied"], result["errors"]
    with database.session() as s:
        _mapping, stored = load_profile_values(s, "tracker", "ville")  # type: ignore[misc]
    assert stored["contract_type"] == {"contrat aide": "CDDI"}
    assert main([*db, "import-sheet", str(path), "--kind", "tracker", "--map-value", "x"]) == 2

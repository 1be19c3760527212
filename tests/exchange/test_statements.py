"""Monthly statement workbooks: prepared per employer, filled with openpyxl as an employer
would, imported back in one step (several at once, all-or-nothing), and every bad input
refused with file, sheet, row and field while the database stays as it was."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from clauses_app.exchange.sheets.service import import_sheets
from clauses_app.exchange.sheets.statements import (
    HEADER_ROW,
    ID_SHEET,
    TABLE_SHEET,
    prepare_statements,
)
from clauses_app.models import Employment, HoursKind, HoursRecord
from clauses_app.storage import Database
from tests import builders as b
from tests.exchange.helpers import fingerprint

MARCH = (2025, 3)
D = Decimal


@dataclass
class Case:
    awardee: uuid.UUID
    etti: uuid.UUID
    martin: uuid.UUID  # employment of Léa Martin (CDDI, employed by the awardee)
    durand: uuid.UUID  # employment of Paul Durand (mission ETTI, employed by the ETTI)


def build_case(database: Database) -> Case:
    """One lot with a clause won by « Bâti Ouest »: Léa Martin hired directly (120 h in
    February), Paul Durand made available by « ETTI Relais »; Zoé Petit's contract ended in
    February; Max Roux works on a lot without a clause. Only the first two are in March's
    statements, one workbook per employer."""
    with database.transaction() as s:
        auth = b.authority(s)
        con = b.contract(s, auth, "M-2025-01")
        lot = b.lot(s, con, "1", title="Gros œuvre", required_hours=D(500))
        other_lot = b.lot(s, con, "2", title="Nettoyage")
        awardee = b.company(s, "Bâti Ouest", siret=None)
        etti = b.company(s, "ETTI Relais", kind="ETTI")
        award = b.award(s, lot, awardee)
        other = b.award(s, other_lot, awardee)
        martin = b.employment(s, award, b.participant(s, "Martin", "Léa"), date(2025, 1, 6),
                              contract_type_code="CDDI")  # fmt: skip
        durand = b.employment(
            s, award, b.participant(s, "Durand", "Paul"), date(2025, 3, 3), date(2025, 6, 30),
            employer_uuid=etti.uuid, modality_code="MAD", contract_type_code="MISSION_ETTI",
        )  # fmt: skip
        b.employment(s, award, b.participant(s, "Petit", "Zoé"), date(2024, 9, 1),
                     date(2025, 2, 28))  # fmt: skip
        b.employment(s, other, b.participant(s, "Roux", "Max"), date(2025, 1, 1))
        b.month_hours(s, martin, 2025, 2, "120")
        return Case(awardee.uuid, etti.uuid, martin.uuid, durand.uuid)


def rows_of(path: Path, sheet: str = TABLE_SHEET) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(path)
    return [tuple(r) for r in workbook[sheet].iter_rows(values_only=True)]


def fill(path: Path, values: dict[int, tuple[Any, ...]], target: Path | None = None) -> Path:
    """Type values into rows of the table (columns H, I, J) as an employer would."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[TABLE_SHEET]
    for row, cells in values.items():
        for column, value in zip(("H", "I", "J"), cells, strict=False):
            sheet[f"{column}{row}"] = value
    target = target or path
    workbook.save(target)
    return target


def month_records(database: Database) -> dict[tuple[uuid.UUID, date], tuple[Decimal, Decimal]]:
    with database.session() as s:
        return {
            (r.employment_uuid, r.period_start): (r.worked_hours, r.training_hours)
            for r in s.scalars(select(HoursRecord).where(HoursRecord.kind == HoursKind.MONTH))
        }


@pytest.fixture
def prepared(database: Database, tmp_path: Path) -> tuple[Case, dict[str, Path]]:
    case = build_case(database)
    result = prepare_statements(database, MARCH, tmp_path / "out")
    files = {f.employer_name: f.path for f in result.files}
    return case, files


def test_prepare_writes_one_prefilled_workbook_per_employer(
    database: Database, prepared: tuple[Case, dict[str, Path]]
) -> None:
    case, files = prepared
    assert sorted(files) == ["Bâti Ouest", "ETTI Relais"]
    assert sorted(p.name for p in files["Bâti Ouest"].parent.iterdir()) == [
        "releve-2025-03-bati-ouest.xlsx", "releve-2025-03-etti-relais.xlsx",
    ]  # fmt: skip
    rows = rows_of(files["Bâti Ouest"])
    assert rows[HEADER_ROW - 1] == (
        "Nom", "Prénom", "Type de contrat", "N° marché", "Lot", "Mois",
        "Heures de février 2025 (pour mémoire)", "Heures travaillées", "Heures de formation",
        "Commentaire",
    )  # fmt: skip
    # Only Léa Martin: Zoé Petit ended in February, Max Roux's lot has no clause, Paul
    # Durand is employed by the ETTI.
    assert rows[HEADER_ROW:] == [
        ("MARTIN", "Léa", "CDDI (contrat d'insertion)", "M-2025-01", "Lot 1 – Gros œuvre",
         "03/2025", 120, None, None, None),
    ]  # fmt: skip
    etti_rows = rows_of(files["ETTI Relais"])[HEADER_ROW:]
    assert [r[:3] for r in etti_rows] == [("DURAND", "Paul", "Mission ETTI")]
    assert etti_rows[0][6] is None  # no hours last month
    workbook = openpyxl.load_workbook(files["Bâti Ouest"])
    table = workbook[TABLE_SHEET]
    assert workbook.sheetnames == [TABLE_SHEET, "Mode d'emploi", ID_SHEET]
    assert workbook[ID_SHEET].sheet_state == "hidden" and workbook.security.lockStructure
    assert table.protection.sheet
    assert table["A6"].protection.locked and not table["H6"].protection.locked
    assert not table["I6"].protection.locked and not table["J6"].protection.locked
    validations = {str(v.sqref): v for v in table.data_validations.dataValidation}
    assert set(validations) == {"H6", "I6"}
    hours = validations["H6"]
    assert (hours.type, hours.operator, hours.formula1, hours.errorStyle) == (
        "decimal", "between", "0", "stop",
    )  # fmt: skip
    assert "208" in hours.prompt
    rules = [r for cf in table.conditional_formatting for r in cf.rules]
    assert rules and all(r.operator == "greaterThan" and r.formula == ["208"] for r in rules)
    # Nothing the employer does not hold: no birth dates, no criteria.
    texts = " ".join(str(c) for r in rows for c in r if c is not None)
    assert "RSA" not in texts and "naissance" not in texts.lower()
    hidden = rows_of(files["Bâti Ouest"], ID_SHEET)
    assert hidden[3][:2] == ("Mois", "2025-03") and hidden[4][1] == str(case.awardee)
    assert hidden[9][:2] == (6, str(case.martin))


def test_prepare_for_one_company_and_the_identifier_is_kept(
    database: Database, tmp_path: Path
) -> None:
    case = build_case(database)
    first = prepare_statements(database, MARCH, tmp_path / "a", employer=case.etti)
    assert [f.employer_name for f in first.files] == ["ETTI Relais"]
    second = prepare_statements(database, MARCH, tmp_path / "b", employer=case.etti)
    base_a = rows_of(first.files[0].path, ID_SHEET)[2]
    base_b = rows_of(second.files[0].path, ID_SHEET)[2]
    assert base_a == base_b and base_a[0] == "Base"


def test_filled_statements_come_back_in_one_step_and_again_change_nothing(
    database: Database, prepared: tuple[Case, dict[str, Path]]
) -> None:
    case, files = prepared
    fill(files["Bâti Ouest"], {6: (151.67, 7, "RAS")})
    fill(files["ETTI Relais"], {6: ("140,5", None)})
    batch = import_sheets(database, [files["Bâti Ouest"].parent], "hours")
    assert batch.ok and batch.applied, [str(e) for f in batch.files for e in f.errors]
    assert [f.statement_month for f in batch.files] == ["2025-03", "2025-03"]
    records = month_records(database)
    assert records[(case.martin, date(2025, 3, 1))] == (D("151.67"), D("7.00"))
    assert records[(case.durand, date(2025, 3, 1))] == (D("140.50"), D("0.00"))
    assert records[(case.martin, date(2025, 2, 1))] == (D("120.00"), D("0.00"))
    summary = {c.name: (c.rows, c.worked, c.training) for c in batch.companies}
    # Bâti Ouest: 151,67 h worked + 7 h training; ETTI Relais: 140,5 h.
    assert summary == {
        "Bâti Ouest": (1, D("151.67"), D("7.00")),
        "ETTI Relais": (1, D("140.50"), D("0")),
    }
    before = fingerprint(database)
    again = import_sheets(database, [files["ETTI Relais"], files["Bâti Ouest"]], "hours")
    assert again.ok and fingerprint(database) == before
    assert all(f.counts["hours_record"].unchanged == 1 for f in again.files)


def test_an_empty_row_is_no_statement(
    database: Database, prepared: tuple[Case, dict[str, Path]]
) -> None:
    case, files = prepared
    batch = import_sheets(database, [files["Bâti Ouest"]], "hours")
    assert batch.ok and (case.martin, date(2025, 3, 1)) not in month_records(database)


def _refused(database: Database, paths: list[Path], **kw: Any) -> list[Any]:
    before = fingerprint(database)
    batch = import_sheets(database, paths, "hours", **kw)
    assert not batch.ok and not batch.applied
    assert fingerprint(database) == before
    return [e for f in batch.files for e in f.errors]


@pytest.mark.parametrize(
    ("value", "words", "column"),
    [
        (-3, "négatif", "Heures travaillées"),
        ("beaucoup", "n'est pas un nombre", "Heures travaillées"),
        ("=100+51.67", "formule", "Heures travaillées"),
    ],
)
def test_bad_hours_are_refused_with_file_row_and_field(
    database: Database,
    prepared: tuple[Case, dict[str, Path]],
    value: Any,
    words: str,
    column: str,
) -> None:
    _case, files = prepared
    fill(files["ETTI Relais"], {6: (140,)})
    fill(files["Bâti Ouest"], {6: (value,)})
    errors = _refused(database, [files["ETTI Relais"], files["Bâti Ouest"]])
    assert len(errors) == 1
    error = errors[0]
    assert (error.file, error.sheet, error.row, error.column) == (
        "releve-2025-03-bati-ouest.xlsx", TABLE_SHEET, 6, column,
    )  # fmt: skip
    assert words in error.message


def test_workbook_of_another_month_is_refused(
    database: Database, prepared: tuple[Case, dict[str, Path]]
) -> None:
    _case, files = prepared
    fill(files["Bâti Ouest"], {6: (150,)})
    errors = _refused(database, [files["Bâti Ouest"]], month=(2025, 4))
    assert [(e.sheet, e.row, e.column) for e in errors] == [(ID_SHEET, 4, "Mois")]
    assert "relevé de mars 2025, alors que les relevés importés sont ceux d'avril 2025" in (
        errors[0].message
    )


def test_workbooks_of_two_months_in_one_batch(
    database: Database, prepared: tuple[Case, dict[str, Path]], tmp_path: Path
) -> None:
    case, files = prepared
    april = prepare_statements(database, (2025, 4), tmp_path / "april", employer=case.etti)
    fill(files["Bâti Ouest"], {6: (150,)})
    fill(april.files[0].path, {6: (150,)})
    errors = _refused(database, [files["Bâti Ouest"], april.files[0].path])
    assert [(e.file, e.column) for e in errors] == [("releve-2025-04-etti-relais.xlsx", "Mois")]
    may = prepare_statements(database, (2025, 5), tmp_path / "may", employer=case.etti)
    assert rows_of(may.files[0].path)[HEADER_ROW - 1][6] == "Heures d'avril 2025 (pour mémoire)"


def test_workbook_of_another_database_is_refused(
    prepared: tuple[Case, dict[str, Path]], tmp_path: Path
) -> None:
    from clauses_app.services.bootstrap import open_app_database

    _case, files = prepared
    fill(files["Bâti Ouest"], {6: (150,)})
    other = open_app_database(str(tmp_path / "other.sqlite3"))
    try:
        build_case(other)
        prepare_statements(other, MARCH, tmp_path / "other-out")  # it has an identifier too
        errors = _refused(other, [files["Bâti Ouest"]])
    finally:
        other.dispose()
    assert [(e.sheet, e.row, e.column) for e in errors] == [(ID_SHEET, 3, "Base")]
    assert "autre base" in errors[0].message


def test_two_workbooks_for_the_same_employer_and_month(
    database: Database, prepared: tuple[Case, dict[str, Path]], tmp_path: Path
) -> None:
    _case, files = prepared
    fill(files["Bâti Ouest"], {6: (150,)})
    copy = tmp_path / "copie.xlsx"
    shutil.copy(files["Bâti Ouest"], copy)
    errors = _refused(database, [files["Bâti Ouest"], copy])
    assert [(e.file, e.sheet, e.row, e.column) for e in errors] == [
        ("copie.xlsx", ID_SHEET, 5, "Employeur")
    ]
    assert "releve-2025-03-bati-ouest.xlsx" in errors[0].message


def test_row_whose_employment_was_deleted(
    database: Database, prepared: tuple[Case, dict[str, Path]]
) -> None:
    case, files = prepared
    fill(files["Bâti Ouest"], {6: (150,)})
    with database.transaction() as s:
        s.delete(s.get(Employment, case.martin))
    errors = _refused(database, [files["Bâti Ouest"]])
    assert [(e.row, e.column) for e in errors] == [(6, "Nom")]
    assert "supprimé" in errors[0].message


def test_hidden_identifiers_edited(
    database: Database, prepared: tuple[Case, dict[str, Path]]
) -> None:
    case, files = prepared
    path = fill(files["Bâti Ouest"], {6: (150,)})
    workbook = openpyxl.load_workbook(path)
    workbook[ID_SHEET]["B10"] = str(case.durand)  # another employment on the same award
    workbook.save(path)
    errors = _refused(database, [path])
    assert [(e.file, e.sheet, e.row, e.column) for e in errors] == [
        (path.name, ID_SHEET, 6, "Signature")
    ]


def test_names_no_longer_matching_their_identifiers(
    database: Database, prepared: tuple[Case, dict[str, Path]]
) -> None:
    _case, files = prepared
    path = fill(files["Bâti Ouest"], {6: (150,)})
    workbook = openpyxl.load_workbook(path)
    workbook[TABLE_SHEET]["A6"] = "DURAND"
    workbook[TABLE_SHEET]["B6"] = "Paul"
    workbook.save(path)
    errors = _refused(database, [path])
    assert [(e.row, e.column) for e in errors] == [(6, "Nom")]
    assert "MARTIN Léa attendu" in errors[0].message


def test_command_line_prepares_and_imports_a_folder(
    database: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from clauses_app.cli import main

    case = build_case(database)
    out = tmp_path / "releves"
    db = ["--db", str(db_path)]
    assert main([*db, "statements", "prepare", "--month", "2025-03", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Relevés de mars 2025 : 2 classeur(s), 2 ligne(s)" in printed
    fill(out / "releve-2025-03-bati-ouest.xlsx", {6: (100,)})
    fill(out / "releve-2025-03-etti-relais.xlsx", {6: (-1,)})
    assert main([*db, "import-sheet", str(out), "--kind", "hours"]) == 1
    printed = capsys.readouterr().out
    assert "=== releve-2025-03-etti-relais.xlsx" in printed
    assert "aucun fichier n'a été importé" in printed
    fill(out / "releve-2025-03-etti-relais.xlsx", {6: (35.5,)})
    assert main([*db, "import-sheet", str(out), "--kind", "hours", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["applied"] and result["month"] == "2025-03"
    assert [f["file"] for f in result["files"]] == [
        "releve-2025-03-bati-ouest.xlsx", "releve-2025-03-etti-relais.xlsx",
    ]  # fmt: skip
    assert {c["name"]: c["worked_hours"] for c in result["companies"]} == {
        "Bâti Ouest": "100.00", "ETTI Relais": "35.50",
    }  # fmt: skip
    assert month_records(database)[(case.durand, date(2025, 3, 1))] == (D("35.50"), D("0.00"))
    assert main([*db, "statements", "prepare", "--month", "2025-13", "--out", str(out)]) == 2

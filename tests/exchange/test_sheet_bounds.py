"""Spreadsheet cells with more hours (or euros) than the Clause import takes are refused with
file, row and column, and the database stays as it was (services/bounds.py).

Before, ``1e400`` in an hours cell of a tracker or of a statement ended the import in a
traceback (the hours are rounded to the cent), and a tracker's « Heures réalisées » of
99 999 999 999 was imported (a completion rate of 60 294 756,6 %)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from clauses_app.cli import main
from clauses_app.exchange import import_sheet
from clauses_app.exchange.sheets.service import import_sheets
from clauses_app.exchange.sheets.statements import TABLE_SHEET, prepare_statements
from clauses_app.exchange.sheets.values import BadCell, parse_decimal
from clauses_app.storage import Database
from tests.exchange.helpers import fingerprint
from tests.exchange.sheets_helpers import STATEMENTS, TRACKER, sample_table, write_csv, write_xlsx
from tests.exchange.test_statements import MARCH, build_case, fill

HOURS_LIMIT = "(au plus 9\u202f999\u202f999\u202f999,99\u00a0h)"
MONEY_LIMIT = "(au plus 999\u202f999\u202f999\u202f999,99\u00a0€)"
PLACEHOLDER = 123456.789  # a number cell whose stored text is replaced by another


def _raw_number(path: Path, text: str) -> Path:
    """The workbook with the number cell holding PLACEHOLDER stored as ``text`` (``1e400``:
    a spreadsheet's number too large for a float, read as infinity)."""
    source = path.with_suffix(".source.xlsx")
    source.write_bytes(path.read_bytes())
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        found = 0
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                found += data.count(f"<v>{PLACEHOLDER}</v>".encode())
                data = data.replace(f"<v>{PLACEHOLDER}</v>".encode(), f"<v>{text}</v>".encode())
            zout.writestr(item, data)
    assert found == 1
    return path


def _refused(database: Database, path: Path, kind: str) -> list[tuple[Any, ...]]:
    before = fingerprint(database)
    result = import_sheet(database, path, kind)
    assert not result.ok and not result.applied
    assert fingerprint(database) == before
    return [(e.file, e.row, e.column, e.message) for e in result.errors]


def test_cells_are_read_within_the_bounds() -> None:
    from clauses_app.exchange.sheets.values import parse_amount, parse_hours

    assert parse_hours("9 999 999 999,99") == parse_hours(9999999999.99)
    assert parse_amount("169 000 €") == 169000
    for text in ("1e400", "10 000 000 000", 1e10):
        with pytest.raises(BadCell, match="est trop grand"):
            parse_hours(text)
    with pytest.raises(BadCell, match="hors limites"):
        parse_hours("-1e400")
    with pytest.raises(BadCell, match="est trop grand"):
        parse_amount("1e12")
    for value in (float("inf"), float("nan")):
        with pytest.raises(BadCell, match="n'est pas un nombre"):
            parse_decimal(value)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Heures réalisées", "1e400", f"« 1e400 » est trop grand {HOURS_LIMIT}"),
        ("Heures réalisées", 99999999999, f"« 99999999999 » est trop grand {HOURS_LIMIT}"),
        ("Heures d'insertion prescrites", "1e400", f"« 1e400 » est trop grand {HOURS_LIMIT}"),
        ("Montant HT", "1e400", f"« 1e400 » est trop grand {MONEY_LIMIT}"),
    ],
)
def test_tracker_csv_refuses_hours_and_amounts_too_large(
    database: Database, tmp_path: Path, column: str, value: Any, message: str
) -> None:
    headers, rows = sample_table()
    rows[1][headers.index(column)] = value
    path = write_csv(tmp_path / "suivi.csv", headers, rows)
    assert _refused(database, path, "tracker") == [("suivi.csv", 5, column, message)]


def test_tracker_cli_refuses_1e400_in_one_french_line(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    headers, rows = sample_table()
    rows[0][headers.index("Heures réalisées")] = "1e400"
    path = write_csv(tmp_path / "suivi.csv", headers, rows)
    before = fingerprint(database)
    code = main(["--db", str(database.engine.url), "import-sheet", str(path), "--kind", "tracker"])
    assert code == 1  # cli/exchange.py REFUSED: the import's report says why
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert (
        f"Erreur : suivi.csv, ligne 4, colonne « Heures réalisées » : « 1e400 » est trop grand "
        f"{HOURS_LIMIT}" in out.out + out.err
    )
    assert fingerprint(database) == before


def test_tracker_xlsx_refuses_a_number_cell_too_large_for_a_float(
    database: Database, tmp_path: Path
) -> None:
    headers, rows = sample_table()
    rows[1][headers.index("Heures réalisées")] = PLACEHOLDER
    path = _raw_number(write_xlsx(tmp_path / "suivi.xlsx", headers, rows), "1e400")
    assert _refused(database, path, "tracker") == [
        ("suivi.xlsx", 5, "Heures réalisées", "« inf » n'est pas un nombre")
    ]


@pytest.mark.parametrize("column", ["Heures travaillées", "Heures de formation"])
@pytest.mark.parametrize("value", ["1e400", 99999999999])
def test_monthly_hours_sheet_refuses_hours_too_large(
    database: Database, tmp_path: Path, column: str, value: Any
) -> None:
    assert import_sheet(database, TRACKER, "tracker").ok
    headers, rows = sample_table(STATEMENTS[0])
    headers.append("Heures de formation")
    for row in rows:
        row.append(0)
    rows[1][headers.index(column)] = value
    path = write_csv(tmp_path / "releve.csv", headers, rows, title=False, total=False)
    assert _refused(database, path, "hours") == [
        ("releve.csv", 3, column, f"« {value} » est trop grand {HOURS_LIMIT}")
    ]


@pytest.fixture
def statement(database: Database, tmp_path: Path) -> Path:
    """The awardee's prepared statement of March 2025 (tests/exchange/test_statements.py)."""
    build_case(database)
    result = prepare_statements(database, MARCH, tmp_path / "out")
    return next(f.path for f in result.files if f.employer_name == "Bâti Ouest")


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (("1e400",), "Heures travaillées", f"« 1e400 » est trop grand {HOURS_LIMIT}"),
        ((140, "1e400"), "Heures de formation", f"« 1e400 » est trop grand {HOURS_LIMIT}"),
        ((PLACEHOLDER,), "Heures travaillées", "« inf » n'est pas un nombre"),
        ((140, PLACEHOLDER), "Heures de formation", "« inf » n'est pas un nombre"),
    ],
)
def test_statement_workbook_refuses_hours_too_large(
    database: Database, statement: Path, cells: tuple[Any, ...], column: str, words: str
) -> None:
    fill(statement, {6: cells})
    if PLACEHOLDER in cells:
        _raw_number(statement, "1e400")
    before = fingerprint(database)
    batch = import_sheets(database, [statement], "hours")
    assert not batch.ok and not batch.applied and fingerprint(database) == before
    errors = [e for f in batch.files for e in f.errors]
    assert [(e.file, e.sheet, e.row, e.column, e.message) for e in errors] == [
        (statement.name, TABLE_SHEET, 6, column, f"{column} : {words}")
    ]

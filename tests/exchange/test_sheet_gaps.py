"""The spreadsheet import's gaps of 2026-12-06 (docs/reliability.md), mended: merged cells,
profiles matching headings as the guesser does, more than 24 hours a day, damaged
workbooks, UTF-16 CSV files, and a tracker's year never taken from « mis à jour le … ».

Every refused import leaves the database as it was (its fingerprint is compared)."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from clauses_app.exchange import import_sheet, preview_sheet
from clauses_app.exchange.limits import ImportLimits
from clauses_app.exchange.safety import UnsafeFileError
from clauses_app.exchange.sheets import grid, save_profile, sheet_xml
from clauses_app.exchange.sheets.values import normalise
from clauses_app.models import PublicContract
from clauses_app.storage import Database
from tests.exchange.helpers import fingerprint
from tests.exchange.sheets_helpers import (
    EXPECTED,
    STATEMENTS,
    TRACKER,
    figures_2025,
    sample_table,
    write_csv,
    write_xlsx,
)

HEADER_ROW = 3  # write_xlsx: a title, a blank row, the headings


def _rows_of(result: Any) -> list[str]:
    return [str(issue) for issue in result.errors]


# ------------------------------------------------------------------ 1. merged cells


def _merge_runs(sheet: Any, first: int, last: int, columns: range) -> int:
    """Merge, in each of ``columns``, the runs of equal values of rows ``first``…``last``,
    as a facilitator merges a contract or a company over the rows of its employees."""
    merged = 0
    for column in columns:
        start = first
        for row in range(first + 1, last + 2):
            value = sheet.cell(row, column).value if row <= last else object()
            if value != sheet.cell(start, column).value:
                if row - 1 > start:
                    letter = get_column_letter(column)
                    sheet.merge_cells(f"{letter}{start}:{letter}{row - 1}")
                    merged += 1
                start = row
    return merged


def test_cells_merged_over_the_rows_of_their_employees_are_read_on_every_row(
    database: Database, tmp_path: Path
) -> None:
    headers, rows = sample_table(TRACKER)
    path = write_xlsx(tmp_path / "fusion.xlsx", headers, rows)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    # Authority, contract, object, lot, amount, hours owed, company, SIRET.
    assert _merge_runs(sheet, HEADER_ROW + 1, HEADER_ROW + len(rows), range(1, 9)) >= 10
    workbook.save(path)
    assert openpyxl.load_workbook(path).active.cell(HEADER_ROW + 2, 1).value is None

    result = import_sheet(database, path, "tracker")

    assert result.ok, _rows_of(result)
    assert result.count("employment").new == len(rows)
    assert figures_2025(database) == EXPECTED  # the same as the sample without merges


def _tracker_sheet(path: Path, heading_rows: list[list[Any]], rows: list[list[Any]]) -> Any:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Suivi"
    sheet.append(["Suivi des clauses 2025"])
    sheet.append([])
    for cells in heading_rows + rows:
        sheet.append(cells)
    return workbook, sheet


def test_a_heading_merged_over_two_columns_names_the_first_and_numbers_the_second(
    database: Database, tmp_path: Path
) -> None:
    """« Nom » merged over the columns of the last and first names: the first column is
    « Nom », the second « Nom (2) », said unread and offered to the mapping."""
    headers, rows = sample_table(TRACKER)
    first_name = headers.index("Prénom")
    headers[first_name] = None  # the heading « Nom » spans it
    path = tmp_path / "nom-fusionne.xlsx"
    workbook, sheet = _tracker_sheet(path, [headers], rows)
    letters = get_column_letter(first_name), get_column_letter(first_name + 1)
    sheet.merge_cells(f"{letters[0]}{HEADER_ROW}:{letters[1]}{HEADER_ROW}")
    workbook.save(path)
    before = fingerprint(database)

    guessed = import_sheet(database, path, "tracker")

    assert guessed.headers[first_name - 1 : first_name + 1] == ["Nom", "Nom (2)"]
    assert guessed.mapping["last_name"] == "Nom"
    assert any("« Nom (2) »" in w.message for w in guessed.warnings)
    assert not guessed.ok and "Prénom" in guessed.errors[0].message  # a required column
    assert fingerprint(database) == before
    mapping = dict(guessed.mapping, first_name="Nom (2)")
    result = import_sheet(database, path, "tracker", mapping=mapping)
    assert result.ok, _rows_of(result)
    assert figures_2025(database) == EXPECTED


def test_headings_merged_down_over_their_sub_headings_are_one_heading(
    database: Database, tmp_path: Path
) -> None:
    """Every heading merged over two rows, but « Heures » over « prescrites » and
    « réalisées »: the sub-headings complete it, and the second row is no data row."""
    headers, rows = sample_table(TRACKER)
    owed, done = headers.index("Heures d'insertion prescrites"), headers.index("Heures réalisées")
    assert done != owed + 1
    order = [i for i in range(len(headers)) if i != done]
    order.insert(owed + 1, done)  # the hours done just right of the hours owed
    top = [headers[i] for i in order]
    top[owed], top[owed + 1] = "Heures", None
    below = [None] * len(top)
    below[owed], below[owed + 1] = "prescrites", "réalisées"
    path = tmp_path / "deux-lignes.xlsx"
    workbook, sheet = _tracker_sheet(path, [top, below], [[r[i] for i in order] for r in rows])
    for column in range(1, len(top) + 1):
        if column - 1 not in (owed, owed + 1):
            letter = get_column_letter(column)
            sheet.merge_cells(f"{letter}{HEADER_ROW}:{letter}{HEADER_ROW + 1}")
    first, second = get_column_letter(owed + 1), get_column_letter(owed + 2)
    sheet.merge_cells(f"{first}{HEADER_ROW}:{second}{HEADER_ROW}")
    workbook.save(path)

    result = import_sheet(database, path, "tracker")

    assert result.ok, _rows_of(result)
    assert result.headers[owed : owed + 2] == ["Heures prescrites", "Heures réalisées"]
    assert result.count("employment").new == len(rows)
    assert figures_2025(database) == EXPECTED


def test_a_total_label_merged_over_several_columns_is_still_a_total_line(
    database: Database, tmp_path: Path
) -> None:
    headers, rows = sample_table(TRACKER)
    path = tmp_path / "total.xlsx"
    done = headers.index("Heures réalisées") + 1
    total = ["TOTAL", *[None] * (done - 2), sum(r[done - 1] for r in rows)]
    workbook, sheet = _tracker_sheet(path, [headers], [*rows, total])
    last = HEADER_ROW + len(rows) + 1
    sheet.merge_cells(f"A{last}:{get_column_letter(done - 1)}{last}")
    workbook.save(path)

    result = import_sheet(database, path, "tracker")

    assert result.ok, _rows_of(result)
    assert any("TOTAL" in w.message and w.row == last for w in result.warnings)
    assert figures_2025(database) == EXPECTED


def test_too_many_merged_ranges_are_refused_in_french(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merged ranges come after the rows in a sheet's XML: they are counted while read, and
    a sheet with more than the cap is refused, so memory stays bounded."""
    headers, rows = sample_table(TRACKER)
    path = write_xlsx(tmp_path / "fusions.xlsx", headers, rows)
    workbook = openpyxl.load_workbook(path)
    assert _merge_runs(workbook.active, HEADER_ROW + 1, HEADER_ROW + len(rows), range(1, 9)) > 5
    workbook.save(path)
    monkeypatch.setattr(sheet_xml, "MAX_MERGED_RANGES", 5)
    before = fingerprint(database)

    result = import_sheet(database, path, "tracker")

    assert not result.ok and not result.applied
    message = result.errors[0].message
    assert "cellules fusionnées" in message and "plus de 5" in message, message
    assert fingerprint(database) == before


def test_merged_ranges_that_overlap_cost_no_more_than_the_cells_cap(tmp_path: Path) -> None:
    """Ranges of a valid workbook never overlap; a made-up one repeating a big range is
    refused at the sheet's cells cap instead of being filled again and again."""
    path = tmp_path / "recouvrement.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in range(1, 101):
        sheet.append([f"v{row}"] + [None] * 9 + ["x"])
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    ranges = "".join('<mergeCell ref="A1:J100"/>' for _ in range(50))
    parts[name] = parts[name].replace(
        b"</sheetData>", f'</sheetData><mergeCells count="50">{ranges}</mergeCells>'.encode()
    )
    with zipfile.ZipFile(path, "w") as target:
        for part, data in parts.items():
            target.writestr(part, data)

    with pytest.raises(UnsafeFileError, match="fusionnées"):
        grid.read_sheets(path, ImportLimits(max_sheet_cells=20_000))


# ------------------------------------------------------------------ 2. profiles


def test_a_saved_profile_matches_headings_whatever_their_case_accents_and_spaces(
    database: Database, tmp_path: Path
) -> None:
    headers, rows = sample_table(TRACKER)
    guessed = preview_sheet(database, TRACKER, "tracker")
    with database.transaction() as s:
        save_profile(s, "tracker", "Ville", guessed.mapping)
    shouted = [
        "  " + normalise(h).upper().replace(" ", "  ") if i % 2 else h.upper()
        for i, h in enumerate(headers)
    ]  # « NOM », «   PRENOM », « HEURES  REALISEES »…
    path = write_xlsx(tmp_path / "majuscules.xlsx", shouted, rows)

    result = import_sheet(database, path, "tracker", profile="Ville")

    assert result.ok, _rows_of(result)
    assert result.mapping["first_name"] == shouted[headers.index("Prénom")].strip()
    assert figures_2025(database) == EXPECTED


# ------------------------------------------------------------------ 3. more than 24 h a day


def _statement(tmp_path: Path, edit: dict[int, float]) -> Path:
    headers, rows = sample_table(STATEMENTS[1])  # Jardins d'Estuaire's statement
    worked = headers.index("Heures travaillées")
    for index, hours in edit.items():
        rows[index][worked] = hours
    return write_xlsx(tmp_path / "releve.xlsx", headers, rows)


def test_a_statement_row_above_its_month_s_hours_is_refused(
    database: Database, tmp_path: Path
) -> None:
    """Row 1 is February 2025: 28 days × 24 h = 672 h."""
    assert import_sheet(database, TRACKER, "tracker").ok
    before = fingerprint(database)

    result = import_sheet(database, _statement(tmp_path, {1: 800}), "hours")

    assert not result.ok and not result.applied
    issue = result.errors[0]
    assert (issue.file, issue.row, issue.column) == ("releve.xlsx", HEADER_ROW + 2,
                                                     "Heures travaillées")  # fmt: skip
    assert "Heures travaillées : 800\xa0h, plus que les 672\xa0h de 28 jours" in issue.message, (
        issue.message
    )
    assert fingerprint(database) == before


def test_one_persons_rows_above_744_hours_in_a_month_are_refused(
    database: Database, tmp_path: Path
) -> None:
    """Chloé Pérez works on two lots in March 2025: 400 h on each is 800 h in a month."""
    assert import_sheet(database, TRACKER, "tracker").ok
    _headers, rows = sample_table(STATEMENTS[1])
    march = [i for i, r in enumerate(rows) if r[2] == "Pérez" and r[5] == "03/2025"]
    assert len(march) == 2
    before = fingerprint(database)

    result = import_sheet(database, _statement(tmp_path, dict.fromkeys(march, 400)), "hours")

    assert not result.ok and not result.applied
    assert "744\xa0h de 31 jours" in result.errors[0].message, result.errors[0].message
    assert fingerprint(database) == before


def test_unlikely_monthly_hours_below_744_are_still_a_warning(
    database: Database, tmp_path: Path
) -> None:
    assert import_sheet(database, TRACKER, "tracker").ok

    result = import_sheet(database, _statement(tmp_path, {1: 300}), "hours")

    assert result.ok and result.applied
    assert any("à vérifier" in w.message for w in result.warnings)


def test_a_tracker_row_above_24_hours_a_day_of_its_contract_is_refused(
    database: Database, tmp_path: Path
) -> None:
    """1,400 h in the 61 days of March and April fit (1,464 h); 800 h in March do not; 1,200 h
    since March 2025 on a contract still running fit."""
    headers, rows = sample_table(TRACKER)
    start, end = headers.index("Date de début"), headers.index("Date de fin")
    done = headers.index("Heures réalisées")
    rows[0][start], rows[0][end], rows[0][done] = datetime(2025, 3, 1), datetime(2025, 4, 30), 1400
    rows[1][start], rows[1][end], rows[1][done] = datetime(2025, 3, 1), datetime(2025, 3, 31), 800
    rows[2][start], rows[2][end], rows[2][done] = datetime(2025, 3, 1), None, 1200
    path = write_xlsx(tmp_path / "suivi.xlsx", headers, rows)
    before = fingerprint(database)

    result = import_sheet(database, path, "tracker")

    assert not result.ok and not result.applied
    assert [(e.row, e.column) for e in result.errors] == [(HEADER_ROW + 2, "Heures réalisées")]
    message = result.errors[0].message
    assert "800\xa0h, plus que les 744\xa0h de 31 jours" in message, message
    assert "du 01/03/2025 au 31/03/2025" in message
    assert fingerprint(database) == before


# ------------------------------------------------------------------ 4. damaged workbooks


def _rezip(path: Path, edit: Any) -> Path:
    with zipfile.ZipFile(TRACKER) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            changed = edit(name, data)
            if changed is not None:
                target.writestr(name, changed)
    return path


def _corrupted(path: Path) -> Path:
    data = bytearray(TRACKER.read_bytes())
    with zipfile.ZipFile(TRACKER) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle : middle + 64] = b"\x00" * 64
    path.write_bytes(bytes(data))
    return path


def _written(data: bytes) -> Any:
    def write(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return write


DAMAGED = {
    "tronque.xlsx": _written(TRACKER.read_bytes()[:3000]),
    "texte.xlsx": _written("Nom;Prénom\nMartin;Léa\n".encode()),
    "xml-coupe.xlsx": lambda p: _rezip(
        p, lambda n, d: d[: len(d) // 2] if n == "xl/worksheets/sheet1.xml" else d
    ),
    "sans-feuille.xlsx": lambda p: _rezip(
        p, lambda n, d: None if n == "xl/worksheets/sheet1.xml" else d
    ),
    "sans-classeur.xlsx": lambda p: _rezip(p, lambda n, d: None if n == "xl/workbook.xml" else d),
    "styles-abimes.xlsx": lambda p: _rezip(p, lambda n, d: b"<x" if n == "xl/styles.xml" else d),
    "corrompu.xlsx": _corrupted,
}


@pytest.mark.parametrize("name", list(DAMAGED))
def test_a_damaged_workbook_is_refused_in_french_naming_the_file(
    database: Database, tmp_path: Path, name: str
) -> None:
    path = DAMAGED[name](tmp_path / name)
    before = fingerprint(database)

    result = import_sheet(database, path, "tracker")

    assert not result.ok and not result.applied
    message = result.errors[0].message
    assert message.startswith(f"Le classeur « {name} » est illisible ou endommagé : "), message
    assert "Enregistrez-le de nouveau" in message
    for english in ("Error", "error", "line", "token", "no item", "the archive", "File "):
        assert english not in message, message
    assert fingerprint(database) == before


# ------------------------------------------------------------------ 5. UTF-16 CSV


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_excel_unicode_text_is_read(database: Database, tmp_path: Path, encoding: str) -> None:
    """Excel's « Texte Unicode »: UTF-16 with its byte order mark, tab-separated."""
    headers, rows = sample_table(TRACKER)
    path = write_csv(tmp_path / "suivi.txt.csv", headers, rows, encoding="utf-16", delimiter="\t")
    if encoding == "utf-16-be":
        text = path.read_bytes().decode("utf-16")
        path.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))

    result = import_sheet(database, path, "tracker")

    assert result.ok, _rows_of(result)
    assert figures_2025(database) == EXPECTED


def test_a_broken_utf16_csv_is_refused_in_french(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "casse.csv"
    path.write_bytes(b"\xff\xfe" + "Nom\tPrénom\n".encode("utf-16-le") + b"\x00\xd8A")
    before = fingerprint(database)

    result = import_sheet(database, path, "tracker")

    assert not result.ok
    assert "UTF-16" in result.errors[0].message and "CSV UTF-8" in result.errors[0].message
    assert fingerprint(database) == before


# ------------------------------------------------------------------ 6. the tracker's year


def _notification_years(database: Database) -> set[int]:
    with database.session() as s:
        return {d.year for d in s.scalars(select(PublicContract.notification_date))}


@pytest.mark.parametrize(
    "title",
    [
        ["Suivi clauses 2025 — mis à jour le 12/03/2026"],
        ["Mis à jour le 12/03/2026", "Suivi clauses 2025"],
        ["MAJ : 12 mars 2026 — Suivi des clauses au 31/12/2025"],
        ["Tableau de suivi, mise à jour du 1er mars 2026"],  # from the start dates: 2025
    ],
)
def test_the_trackers_year_is_never_its_update_date(
    database: Database, tmp_path: Path, title: list[str]
) -> None:
    headers, rows = sample_table(TRACKER)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for text in title:
        sheet.append([text])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "suivi.xlsx"
    workbook.save(path)

    assert import_sheet(database, path, "tracker").ok
    assert _notification_years(database) == {2025}

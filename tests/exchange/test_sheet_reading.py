"""Reading messy and hostile spreadsheets (issue 20): bounded time and memory, no row dropped
silently, one encoding per file, no DOCTYPE in any part of a workbook."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from clauses_app.exchange import import_sheet
from clauses_app.exchange.limits import ImportLimits
from clauses_app.exchange.safety import UnsafeFileError
from clauses_app.exchange.sheets.grid import read_sheets
from clauses_app.models import Company, ContractingAuthority, Participant
from clauses_app.storage import Database
from tests.exchange.helpers import fingerprint
from tests.exchange.sheet_makers import (
    TRACKER_HEADERS,
    write_far_cell_xlsx,
    write_mixed_encoding_csv,
    write_tracker_csv,
)
from tests.exchange.sheets_helpers import TRACKER, write_csv


def _timed_peak(call):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = call()
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, elapsed, peak / 2**20


# ------------------------------------------------------------------ bounded time and memory


def test_far_cell_under_a_huge_declared_dimension_is_read_quickly(tmp_path: Path) -> None:
    """The declared dimension says A1:XFD1048576; only the cells that exist are read."""
    path = write_far_cell_xlsx(tmp_path / "far.xlsx")
    assert path.stat().st_size < 15_000
    sheets, elapsed, peak_mb = _timed_peak(lambda: read_sheets(path, ImportLimits()))
    assert elapsed < 5 and peak_mb < 40, (elapsed, peak_mb)
    rows = sheets[0].rows
    assert [number for number, _cells in rows] == [1, 2, 3, 999990]
    assert rows[-1][1][199] == "x" and len(rows[-1][1]) == 200


def test_far_cell_row_is_reported_not_dropped(database: Database, tmp_path: Path) -> None:
    path = write_far_cell_xlsx(tmp_path / "far.xlsx")
    before = fingerprint(database)
    result = import_sheet(database, path, "tracker")
    assert not result.ok and not result.applied
    assert {e.row for e in result.errors} == {999990}
    assert fingerprint(database) == before


def test_cell_beyond_the_column_cap_refuses_the_file(tmp_path: Path) -> None:
    path = write_far_cell_xlsx(tmp_path / "wide.xlsx", far="ZZ7")
    with pytest.raises(UnsafeFileError, match=r"ligne 7.*colonne 702.*au plus 200"):
        read_sheets(path, ImportLimits())


def test_cells_per_sheet_and_per_file_are_capped(tmp_path: Path) -> None:
    path = write_tracker_csv(tmp_path / "t.csv", rows=200)
    with pytest.raises(UnsafeFileError, match=r"trop de cellules \(plus de 1\s000,"):
        read_sheets(path, ImportLimits(max_sheet_cells=1000))
    with pytest.raises(UnsafeFileError, match=r"plus de 2\s000 cellules en tout"):
        read_sheets(path, ImportLimits(max_file_cells=2000))
    kept = read_sheets(path, ImportLimits(max_sheet_cells=4000))[0].rows
    assert len(kept) == 202  # title, header, 200 rows


def test_the_default_caps_admit_a_national_tracker() -> None:
    limits = ImportLimits()
    assert limits.max_sheet_cells >= 62_000 * 30 and limits.max_file_cells >= 62_000 * 30
    assert limits.max_sheet_columns >= 30


def test_a_file_past_the_caps_is_refused_within_seconds(database: Database, tmp_path: Path) -> None:
    """Four million one-letter cells (8 MB): refused once the cap is reached, in seconds."""
    path = tmp_path / "huge.csv"
    line = ";".join(["x"] * 40) + "\n"
    path.write_text(line * 100_000)
    before = fingerprint(database)
    started = time.perf_counter()
    result = import_sheet(database, path, "tracker")
    assert time.perf_counter() - started < 10
    assert not result.ok and "cellules" in result.errors[0].message
    assert result.errors[0].file == "huge.csv"
    assert fingerprint(database) == before


def test_csv_is_read_as_a_stream(tmp_path: Path) -> None:
    """Peak memory of reading stays a small multiple of the cells kept, never the file twice
    over as text (2 MB file → well under 30 MB)."""
    path = write_tracker_csv(tmp_path / "t.csv", size_bytes=2 * 2**20)
    sheets, _elapsed, peak_mb = _timed_peak(lambda: read_sheets(path, ImportLimits()))
    assert len(sheets[0].rows) > 9000
    assert peak_mb < 30, peak_mb


# ------------------------------------------------------------------ no row dropped silently


def _tracker_rows(n: int = 3) -> list[list[str]]:
    import random

    from tests.exchange.sheet_makers import tracker_line

    rng = random.Random(2)
    return [tracker_line(i, rng) for i in range(n)]


def test_cells_starting_with_formula_signs_are_data(database: Database, tmp_path: Path) -> None:
    rows = _tracker_rows(4)
    rows[0][6] = "=Bâti Ouest"
    rows[1][8] = "-Kouassi"
    rows[2][6], rows[2][7] = "+Services", ""  # no SIRET: found by name, not as rows[0]'s
    rows[3][9] = "@Loïc"
    path = write_csv(tmp_path / "signs.csv", TRACKER_HEADERS, rows, total=False)
    result = import_sheet(database, path, "tracker")
    assert result.ok, [str(e) for e in result.errors]
    assert result.count("employment").new == 4
    with database.session() as s:
        companies = set(s.scalars(select(Company.name)))
        people = set(s.scalars(select(Participant.last_name)))
        first = set(s.scalars(select(Participant.first_name)))
    assert {"=Bâti Ouest", "+Services"} <= companies
    assert "-Kouassi" in people and "@Loïc" in first


def test_authority_named_total_is_data_and_sum_rows_are_listed(
    database: Database, tmp_path: Path
) -> None:
    rows = _tracker_rows(2)
    rows[0][0] = rows[1][0] = "Total Habitat"
    path = write_csv(tmp_path / "total.csv", TRACKER_HEADERS, rows, total=True)
    # write_csv's TOTAL row: title (2 lines), header, 2 rows, an empty line, then TOTAL
    result = import_sheet(database, path, "tracker")
    assert result.ok, [str(e) for e in result.errors]
    assert result.count("employment").new == 2
    with database.session() as s:
        assert list(s.scalars(select(ContractingAuthority.name))) == ["Total Habitat"]
    skipped = [w for w in result.warnings if "ignorée" in w.message]
    assert [(w.row, w.file) for w in skipped] == [(7, "total.csv")]
    assert "total" in skipped[0].message


def test_a_sums_row_without_label_is_listed(database: Database, tmp_path: Path) -> None:
    rows = _tracker_rows(2)
    rows.append([""] * 4 + ["74000", "210"] + [""] * 10 + ["1234,5"])
    path = write_csv(tmp_path / "sums.csv", TRACKER_HEADERS, rows, total=False)
    result = import_sheet(database, path, "tracker")
    assert result.ok and result.count("employment").new == 2
    assert [w.row for w in result.warnings if "ignorée" in w.message] == [6]


def test_the_sample_tracker_total_row_is_listed(database: Database) -> None:
    result = import_sheet(database, TRACKER, "tracker")
    assert result.ok
    assert [w.row for w in result.warnings if "ignorée" in w.message] == [21]


# ------------------------------------------------------------------ one encoding per file


def test_mixed_encodings_are_refused_with_the_rows_named(
    database: Database, tmp_path: Path
) -> None:
    path = write_mixed_encoding_csv(tmp_path / "mixed.csv")
    before = fingerprint(database)
    result = import_sheet(database, path, "tracker")
    assert not result.ok and not result.applied
    message = result.errors[0].message
    assert "mélange" in message and "ligne 3" in message, message
    assert fingerprint(database) == before


def test_one_encoding_throughout(tmp_path: Path) -> None:
    rows = _tracker_rows(3)
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        path = write_csv(tmp_path / f"{encoding}.csv", TRACKER_HEADERS, rows, encoding=encoding)
        cells = [c for _n, row in read_sheets(path, ImportLimits())[0].rows for c in row]
        assert "Prénom" in cells and "Loïc" in cells and not any("Ã" in c for c in cells)


# ------------------------------------------------------------------ XML parts


def _with_doctype(tmp_path: Path, member: str) -> Path:
    target = tmp_path / f"doctype-{member.replace('/', '_')}.xlsx"
    with zipfile.ZipFile(TRACKER) as inp, zipfile.ZipFile(target, "w") as out:
        for info in inp.infolist():
            data = inp.read(info.filename)
            if info.filename == member:
                doctype = b'<!DOCTYPE x [<!ENTITY e "e">]>'
                if data.startswith(b"<?xml"):
                    end = data.index(b"?>") + 2
                    data = data[:end] + doctype + data[end:]
                else:
                    data = doctype + data
            out.writestr(info.filename, data)
    return target


@pytest.mark.parametrize(
    "member",
    ["xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
     "xl/worksheets/sheet1.xml"],
)  # fmt: skip
def test_a_doctype_in_any_part_refuses_the_workbook(
    database: Database, tmp_path: Path, member: str
) -> None:
    path = _with_doctype(tmp_path, member)
    result = import_sheet(database, path, "tracker")
    assert not result.ok
    assert "DOCTYPE" in result.errors[0].message and member in result.errors[0].message

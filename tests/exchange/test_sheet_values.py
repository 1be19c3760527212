"""Cells as facilitators and employers type them: hours in hours and minutes, a month as a
bare number, two-digit birth years. Each read to the value meant, or refused in French."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from clauses_app.exchange import import_sheet
from clauses_app.exchange.sheets.values import (
    BadCell,
    parse_birth_date,
    parse_date,
    parse_decimal,
    parse_month,
)
from clauses_app.models import HoursKind, HoursRecord, Participant
from clauses_app.storage import Database
from tests.exchange.helpers import fingerprint
from tests.exchange.sheets_helpers import STATEMENTS, TRACKER, sample_table, write_xlsx

D = Decimal


@pytest.mark.parametrize(
    ("cell", "hours"),
    [
        ("7h30", D("7.50")), ("7 h 30", D("7.50")), ("7:30", D("7.50")), ("561h20", D("561.33")),
        ("7h20 min", D("7.33")), (time(7, 45), D("7.75")),
        (timedelta(days=6, hours=7, minutes=40), D("151.67")),  # a [h]:mm cell: 151:40
        ("151,67 h", D("151.67")), ("35 h", D("35")), (151.67, D("151.67")),
    ],
)  # fmt: skip
def test_hours_in_hours_and_minutes(cell: object, hours: Decimal) -> None:
    assert parse_decimal(cell) == hours


def test_minutes_past_59_are_refused_in_french() -> None:
    with pytest.raises(BadCell, match="« 7h75 » : 75 minutes, il en faut moins de 60"):
        parse_decimal("7h75")


def test_a_bare_number_is_no_month() -> None:
    """« 3 » beside a year column was read as Excel's day 3: January 1900."""
    with pytest.raises(BadCell, match="« 3 » n'est pas un mois"):
        parse_month(3)
    assert parse_month(45717) == (2025, 3)  # an Excel date cell's day number: 1 March 2025


@pytest.mark.parametrize(
    ("cell", "born"),
    [("07/07/69", date(1969, 7, 7)), ("12/01/66", date(1966, 1, 12)),
     ("01/01/30", date(1930, 1, 1)), ("01/01/05", date(2005, 1, 1)),
     ("03/09/2000", date(2000, 9, 3))],
)  # fmt: skip
def test_two_digit_birth_years_are_never_in_the_future(cell: str, born: date) -> None:
    assert parse_birth_date(cell, today=date(2026, 12, 6)) == born


@pytest.mark.parametrize(
    ("cell", "message"),
    [("01/01/2030", "dans le futur"), ("01/01/1850", "hors des années 1900 à 2200")],
)
def test_impossible_birth_dates_are_refused(cell: str, message: str) -> None:
    with pytest.raises(BadCell, match=message):
        parse_birth_date(cell, today=date(2026, 12, 6))


def test_a_statement_in_hours_and_minutes_and_one_with_bare_months(
    database: Database, tmp_path: Path
) -> None:
    assert import_sheet(database, TRACKER, "tracker").ok
    headers, rows = sample_table(STATEMENTS[0])
    worked = headers.index("Heures travaillées")
    month = headers.index("Mois")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        hours = Decimal(str(row[worked]))
        whole, minutes = int(hours), round((hours - int(hours)) * 60)
        sheet.append([*row[:worked], timedelta(hours=whole, minutes=minutes), *row[worked + 1 :]])
        sheet.cell(sheet.max_row, worked + 1).number_format = "[h]:mm"
    path = tmp_path / "heures-minutes.xlsx"
    workbook.save(path)
    result = import_sheet(database, path, "hours")
    assert result.ok, result.errors
    with database.session() as s:
        records = s.scalars(select(HoursRecord).where(HoursRecord.kind == HoursKind.MONTH)).all()
        minutes = [round(Decimal(str(r[worked])) * 60) for r in rows]  # as typed: h:mm
        assert sorted(r.worked_hours for r in records) == sorted(
            (Decimal(m) / 60).quantize(D("0.01")) for m in minutes
        )
    bare = [[*row[:month], 3, *row[month + 1 :]] for row in rows]
    before = fingerprint(database)
    refused = import_sheet(database, write_xlsx(tmp_path / "mois.xlsx", headers, bare), "hours")
    assert not refused.ok and fingerprint(database) == before
    assert {(e.column, e.message) for e in refused.errors} == {
        ("Mois", "« 3 » n'est pas un mois (MM/AAAA attendu, année comprise)")
    }


def test_a_tracker_with_two_digit_birth_years(database: Database, tmp_path: Path) -> None:
    headers, rows = sample_table(TRACKER)
    born = headers.index("Date de naissance")
    for row in rows:
        row[born] = row[born].strftime("%d/%m/%y")
    assert import_sheet(database, write_xlsx(tmp_path / "yy.xlsx", headers, rows), "tracker").ok
    with database.session() as s:
        assert all(p.birth_date.year < 2010 for p in s.scalars(select(Participant)))


def test_a_work_contract_on_two_tracker_rows(database: Database, tmp_path: Path) -> None:
    """A row copied with other hours replaced the first one's hours in silence (561,34 h
    became 100 h); a plain copy was merged without a word."""
    headers, rows = sample_table(TRACKER)
    done = headers.index("Heures réalisées")
    copy = list(rows[0])
    path = write_xlsx(tmp_path / "copie.xlsx", headers, [*rows, copy])
    same = import_sheet(database, path, "tracker")
    assert same.ok
    last = len(rows) + 4  # the title, a blank row, the headings, then the rows
    assert [(w.row, w.message) for w in same.warnings if "même contrat" in w.message] == [
        (last, "même contrat de travail qu'une ligne précédente (même personne, attribution et "
               "début) : compté une fois")
    ]  # fmt: skip
    copy[done] = 100
    before = fingerprint(database)
    path = write_xlsx(tmp_path / "autres.xlsx", headers, [*rows, copy])
    refused = import_sheet(database, path, "tracker")
    assert not refused.ok and fingerprint(database) == before
    assert [(e.row, e.column, e.message) for e in refused.errors] == [
        (last, "Heures réalisées",
         "même contrat de travail qu'une ligne précédente (même personne, attribution et "
         "début) avec d'autres heures réalisées "
         f"(100\u00a0h au lieu de {rows[0][done]}\u00a0h) : gardez une seule ligne, ou "
         "corrigez la date de début".replace(".", ","))
    ]  # fmt: skip


@pytest.mark.parametrize("cell", ["12/03/0000", "12/03/0025", "31/12/2201"])
def test_years_out_of_1900_to_2200_are_typing_mistakes(cell: str) -> None:
    """« 12/03/0000 » became 12 March 2000 (any year under 100 was taken for two digits)."""
    with pytest.raises(BadCell):
        parse_date(cell)


def test_lot_01_is_lot_1_and_an_empty_table_is_said(database: Database, tmp_path: Path) -> None:
    """« Lot 01 » in a statement matched no lot (« lot « 01 » introuvable », 22 errors); a
    file with headings and no row ended with « Import effectué » and nothing else."""
    assert import_sheet(database, TRACKER, "tracker").ok
    headers, rows = sample_table(STATEMENTS[0])
    lot = headers.index("Lot")
    zeros = [[*row[:lot], f"Lot 0{row[lot].split()[1]}", *row[lot + 1 :]] for row in rows]
    assert zeros[0][lot].startswith("Lot 0")
    result = import_sheet(database, write_xlsx(tmp_path / "lot01.xlsx", headers, zeros), "hours")
    assert result.ok, [str(e) for e in result.errors][:3]
    empty = import_sheet(database, write_xlsx(tmp_path / "vide.xlsx", headers, []), "hours")
    assert "aucune ligne sous l'en-tête : rien à importer dans ce fichier" in [
        w.message for w in empty.warnings
    ]

"""The statement writer (one openpyxl-built package per month, each employer's rows written
into it) gives, cell for cell, the workbook openpyxl builds for that employer: values, styles,
protection, validations, warnings, widths, frozen panes and the hidden sheet, re-read with
openpyxl from both files."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from clauses_app.exchange.sheets.statements import (
    EmployerStatement,
    StatementLine,
    StatementWriter,
    statement_workbook,
)
from clauses_app.services.database_identity import DatabaseIdentity

MARCH = (2025, 3)
WARNING = Decimal("180")
IDENTITY = DatabaseIdentity(uuid.UUID("12345678-1234-5678-1234-567812345678"), b"secret")


def line(last: str, first: str, previous: Decimal | None, lot: str = "Lot 1") -> StatementLine:
    return StatementLine(uuid.uuid4(), uuid.uuid4(), last, first, "CDDI (contrat d'insertion)",
                         "M-2025-01", lot, previous)  # fmt: skip


STATEMENTS = {
    "several rows, awkward text": EmployerStatement(
        uuid.uuid4(),
        "=Bâti & Fils <Ouest>",
        [
            line("Martin", "Léa", Decimal("120.5")),
            line("  N'Diaye ", "-Awa", None, lot="Lot 2 – Gros œuvre & VRD"),
            line("Durand", "@Paul", Decimal("0")),
        ],
    ),
    "one row": EmployerStatement(uuid.uuid4(), "ETTI Relais", [line("Petit", "Zoé", None)]),
    "no row": EmployerStatement(uuid.uuid4(), "Sans salarié", []),
}


def described(path: Path) -> dict[str, Any]:
    """Everything a person or the import sees of a workbook, as plain values."""
    workbook = openpyxl.load_workbook(path)
    sheets: dict[str, Any] = {}
    for sheet in workbook.worksheets:
        cells = {
            cell.coordinate: (
                cell.value, cell.number_format, cell.font.b, cell.font.sz,
                cell.fill.fgColor.rgb if cell.fill.fill_type else None,
                cell.protection.locked, cell.alignment.wrap_text, cell.alignment.vertical,
            )
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None or cell.has_style
        }  # fmt: skip
        sheets[sheet.title] = {
            "cells": cells,
            "dimensions": sheet.dimensions,
            "state": sheet.sheet_state,
            "protection": (
                sheet.protection.sheet,
                sheet.protection.formatColumns,
                sheet.protection.selectLockedCells,
            ),
            "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
            "frozen": sheet.freeze_panes,
            "validations": sorted(
                (
                    str(v.sqref),
                    v.type,
                    v.operator,
                    v.formula1,
                    v.formula2,
                    v.allow_blank,
                    v.errorStyle,
                    v.error,
                    v.prompt,
                )
                for v in sheet.data_validations.dataValidation
            ),
            "warnings": sorted(
                (str(cf.sqref), r.operator, tuple(r.formula), r.dxf.fill.fgColor.rgb)
                for cf in sheet.conditional_formatting
                for r in cf.rules
            ),
        }
    return {"sheets": sheets, "lock": workbook.security.lockStructure}


@pytest.mark.parametrize("case", STATEMENTS)
def test_written_workbook_is_the_openpyxl_one(case: str, tmp_path: Path) -> None:
    statement = STATEMENTS[case]
    reference = tmp_path / "reference.xlsx"
    statement_workbook(IDENTITY, MARCH, statement, WARNING).save(reference)
    written = tmp_path / "written.xlsx"
    StatementWriter(IDENTITY, MARCH, WARNING).write(written, statement)
    assert described(written) == described(reference)


def test_written_workbook_reads_as_expected(tmp_path: Path) -> None:
    """Beyond sameness: the rows, the stretched validation and the hidden identifiers."""
    statement = STATEMENTS["several rows, awkward text"]
    path = tmp_path / "written.xlsx"
    writer = StatementWriter(IDENTITY, MARCH, WARNING)
    writer.write(path, statement)
    writer.write(tmp_path / "second.xlsx", STATEMENTS["one row"])  # one writer, many workbooks
    workbook = openpyxl.load_workbook(path)
    table = workbook["Relevé"]
    assert table["A2"].value == "Employeur : =Bâti & Fils <Ouest>"
    assert [tuple(r) for r in table.iter_rows(min_row=6, max_col=7, values_only=True)] == [
        ("MARTIN", "Léa", "CDDI (contrat d'insertion)", "M-2025-01", "Lot 1", "03/2025", 120.5),
        ("  N'DIAYE ", "'-Awa", "CDDI (contrat d'insertion)", "M-2025-01",
         "Lot 2 – Gros œuvre & VRD", "03/2025", None),
        ("DURAND", "'@Paul", "CDDI (contrat d'insertion)", "M-2025-01", "Lot 1", "03/2025", 0),
    ]  # fmt: skip
    assert {str(v.sqref) for v in table.data_validations.dataValidation} == {"H6:H8", "I6:I8"}
    assert not table["H8"].protection.locked and table["G8"].protection.locked
    hidden = workbook["Identifiants"]
    assert hidden.sheet_state == "hidden"
    assert hidden["B5"].value == str(statement.employer_uuid)
    assert [c.value for c in hidden[12]] == [8, str(statement.lines[2].employment_uuid),
                                             str(statement.lines[2].participant_uuid)]  # fmt: skip
    other = openpyxl.load_workbook(tmp_path / "second.xlsx")
    assert other["Relevé"].max_row == 6 and other["Identifiants"].max_row == 10


def test_a_control_character_is_left_out_as_in_the_openpyxl_one(tmp_path: Path) -> None:
    """XML cannot hold it: both leave it out (exchange.sheets.safety), and still agree."""
    statement = EmployerStatement(uuid.uuid4(), "Bâ\x0bti\x00", [line("Mar\x01tin", "Léa", None)])
    reference = tmp_path / "reference.xlsx"
    statement_workbook(IDENTITY, MARCH, statement, WARNING).save(reference)
    written = tmp_path / "written.xlsx"
    StatementWriter(IDENTITY, MARCH, WARNING).write(written, statement)
    assert described(written) == described(reference)
    table = openpyxl.load_workbook(written)["Relevé"]
    assert (table["A2"].value, table["A6"].value) == ("Employeur : Bâ ti", "MARTIN")


def test_the_hours_cells_take_no_more_than_the_month_holds(tmp_path: Path) -> None:
    """The workbook's validation stops at the month's days × 24 h, as the import does."""
    for month, most in (((2025, 2), "672"), ((2024, 2), "696"), (MARCH, "744")):
        path = tmp_path / f"{month[0]}-{month[1]}.xlsx"
        StatementWriter(IDENTITY, month, WARNING).write(path, STATEMENTS["one row"])
        validations = openpyxl.load_workbook(path)["Relevé"].data_validations.dataValidation
        assert {v.formula2 for v in validations} == {most}
        assert all(f"au plus {most} h" in v.error for v in validations)

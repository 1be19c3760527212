"""Spreadsheet variants made from the shared samples, as facilitators' files really vary."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import select

from clauses_app.models import ContractingAuthority
from clauses_app.services.periods import Period
from clauses_app.services.stats import database_stats
from clauses_app.storage import Database

SAMPLES = Path(__file__).parent / "data" / "samples"
TRACKER = SAMPLES / "suivi-clauses-2025.xlsx"
STATEMENTS = sorted(SAMPLES.glob("releve-*.xlsx"))
EXPECTED: dict[str, dict[str, float]] = json.loads((SAMPLES / "expected.json").read_text())


def figures_2025(database: Database) -> dict[str, dict[str, float]]:
    """hours_required and hours_done of 2025 per authority name, from the stats service."""
    result = {}
    with database.session() as s:
        for authority in s.scalars(select(ContractingAuthority)):
            stats = database_stats(s, authority.uuid, Period.year(2025))
            result[authority.name] = {
                "hours_required": stats["hours_required"],
                "hours_done": stats["hours_done"],
            }
    return result


def sample_table(path: Path = TRACKER) -> tuple[list[str], list[list[Any]]]:
    """Header and data rows of a sample (title and TOTAL rows left out)."""
    sheet = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] in ("Donneur d'ordre", "N° marché"))
    data = [r for r in rows[start + 1 :] if r[0] not in (None, "TOTAL")]
    return [str(h) for h in rows[start]], data


def _french(value: Any, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | int) and decimal_comma:
        return str(value).replace(".", ",")
    return str(value)


def write_csv(
    path: Path,
    headers: list[str],
    rows: list[list[Any]],
    encoding: str = "utf-8",
    delimiter: str = ";",
    decimal_comma: bool = True,
    title: bool = True,
    total: bool = True,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if title:
        writer.writerow(["Suivi des clauses sociales — année 2025"])
        writer.writerow([])
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_french(v, decimal_comma) for v in row])
    if total:
        writer.writerow([])
        writer.writerow(["TOTAL", *[""] * (len(headers) - 2), "9999"])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, headers: list[str], rows: list[list[Any]], title: bool = True) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Suivi"
    if title:
        sheet.append(["Suivi 2025"])
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path

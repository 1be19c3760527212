"""Export of a list's rows (the current search, filters and order) to XLSX or CSV: the
lists' « Exporter… » and ``clauses export-list``.

Qt-free, so that it runs in a background task. The file is written whole or not at all and
owner-only (reports.atomic; a list of participants is personal data): a cancelled export
leaves no half file. A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return would be read as a formula by a spreadsheet (CSV/formula injection): such
text is written with a leading apostrophe; control characters, which an XLSX file cannot
hold, are left out (exchange.sheets.safety).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from clauses_app.exchange.sheets.safety import neutralise_cell
from clauses_app.formatting import display_text
from clauses_app.reports.atomic import write_atomically
from clauses_app.services.list_progress import (
    figure_columns,
    list_year,
    load_list_figures,
    rows_with_figures,
)
from clauses_app.services.progress import Progress, report
from clauses_app.services.records import Column, ListQuery, ListRow, count_rows, list_columns
from clauses_app.services.records.lists import all_rows
from clauses_app.storage import Database

PAGE = 1000
NUMBER_FORMATS = {"money": "#,##0.00 €", "hours": "#,##0.00", "percent": "0.0", "int": "0"}


def neutralise(text: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula, and that XML can hold."""
    return str(neutralise_cell(text))


def _cell(column: Column, value: Any) -> Any:
    """A typed cell for XLSX: numbers and dates stay numbers and dates; text is neutralised."""
    if value is None:
        return None
    if column.kind == "bool":
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | date):
        return value
    return neutralise(str(value))


def _csv_text(column: Column, value: Any) -> str:
    text = display_text(column.kind, value)
    # Only typed-in text can carry a formula; numbers and dates come from typed columns.
    return neutralise(text) if column.kind == "text" else text


def query_rows(
    database: Database, kind: str, query: ListQuery, progress: Progress | None = None
) -> Iterator[ListRow]:
    """Every row matching ``query``, batch after batch, reporting progress between them;
    with the list's figures (services.list_progress), and in their order when it is sorted
    on one."""
    figures = None
    if figure_columns(kind):
        figures = load_list_figures(database, list_year(query))[kind]
    with database.session() as session:
        total = count_rows(session, kind, query)
        done = 0
        report(progress, done, total, f"Export : 0 ligne sur {total}")
        batches: Iterator[list[ListRow]]
        if figures is not None:
            batches = rows_with_figures(session, kind, query, figures, PAGE)
        else:
            batches = all_rows(session, kind, query, PAGE)
        for batch in batches:
            yield from batch
            done += len(batch)
            report(progress, done, total, f"Export : {done} lignes sur {total}")
        report(progress, total, total, "Export terminé")


def write_rows(path: Path, title: str, columns: Sequence[Column], rows: Iterator[ListRow]) -> int:
    """Write ``rows`` to ``path`` (``.csv``, else ``.xlsx``), whole or not at all; the number
    of rows written."""
    written = 0

    def write(temporary: Path) -> None:
        nonlocal written
        if path.suffix.lower() == ".csv":
            written = _write_csv(temporary, columns, rows)
        else:
            written = _write_xlsx(temporary, title, columns, rows)

    write_atomically(path, write)
    return written


def _write_csv(path: Path, columns: Sequence[Column], rows: Iterator[ListRow]) -> int:
    # Semicolons and a BOM: what a French spreadsheet opens correctly by double-click.
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([neutralise(c.label) for c in columns])
        for row in rows:
            writer.writerow([_csv_text(c, row.values.get(c.key)) for c in columns])
            count += 1
    return count


def _write_xlsx(path: Path, title: str, columns: Sequence[Column], rows: Iterator[ListRow]) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([c.label for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in rows:
        sheet.append([_cell(c, row.values.get(c.key)) for c in columns])
        count += 1
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        if column.kind in NUMBER_FORMATS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = NUMBER_FORMATS[column.kind]
        elif column.kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "DD/MM/YYYY"
        sheet.column_dimensions[letter].width = max(12, min(40, len(column.label) + 4))
    sheet.freeze_panes = "A2"
    workbook.save(path)
    return count


def list_export_columns(kind: str) -> tuple[Column, ...]:
    """The columns of the list of ``kind`` as the window shows them: its own, then its
    figures (services.list_progress)."""
    return list_columns(kind) + figure_columns(kind)


def export_list(
    database: Database,
    kind: str,
    query: ListQuery,
    columns: Sequence[Column],
    path: Path,
    title: str,
    progress: Progress | None = None,
) -> int:
    """Export every row of a list matching ``query`` to ``path``; the number of rows."""
    return write_rows(path, title, columns, query_rows(database, kind, query, progress))

"""Monthly statements at the bench: preparing every workbook of one month, and importing 50
filled workbooks at once (issue 16: < 5 s at facilitator size, < 2 min national; < 10 s).

The import's baseline is reading the same 50 files alone (exchange.sheets.grid.read_sheets):
what any import of them costs before a row is checked.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bench.common import stopwatch
from clauses_app.exchange.limits import DEFAULT_LIMITS
from clauses_app.services.bootstrap import open_app_database

FILLED = 50


def statements(ctx: Any) -> None:
    from clauses_app.exchange.sheets.grid import read_sheets
    from clauses_app.exchange.sheets.service import import_sheets
    from clauses_app.exchange.sheets.statements import prepare_statements

    copy = ctx.workdir / f"{ctx.size}-statements.sqlite3"
    shutil.copy(ctx.source_db, copy)
    folder = ctx.workdir / "statements"
    shutil.rmtree(folder, ignore_errors=True)
    database = open_app_database(str(copy))
    month = (ctx.year, 3)
    try:
        with stopwatch() as elapsed:
            prepared = prepare_statements(database, month, folder)
        target = "< 120 s" if ctx.size == "national" else "< 5 s"
        ctx.results.add("statements_prepare_s", elapsed(), target, "s")
        ctx.results.add("statements_workbooks", len(prepared.files))
        ctx.results.add("statements_rows", prepared.rows)
        chosen = sorted(prepared.files, key=lambda f: -f.rows)[:FILLED]
        filled = folder / "filled"
        filled.mkdir()
        paths = [_fill(f.path, filled) for f in chosen]
        with stopwatch() as elapsed:
            for path in paths:
                read_sheets(path, DEFAULT_LIMITS)
        reading = elapsed()
        with stopwatch() as elapsed:
            batch = import_sheets(database, paths, "hours", month=month)
        assert batch.ok and batch.applied, [str(e) for f in batch.files for e in f.errors][:5]
        ctx.results.add("statements_import_50_s", elapsed(), "< 10 s", "s")
        ctx.results.add("statements_import_rows", sum(c.rows for c in batch.companies))
        ctx.results.add("statements_read_50_s", reading, "baseline", "s")
        ctx.results.add("statements_import_vs_read", elapsed() / max(reading, 1e-9), "", "×")
    finally:
        database.dispose()
        copy.unlink(missing_ok=True)


def _fill(path: Path, folder: Path) -> Path:
    """The employer's answer: 151.67 h worked on each row (35 h a week), 7 h of training."""
    import openpyxl

    from clauses_app.exchange.sheets.statements import HEADER_ROW

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        if sheet.cell(row, 1).value:
            sheet.cell(row, 8, 151.67)
            sheet.cell(row, 9, 7)
    target = folder / path.name
    workbook.save(target)
    return target

"""Cells of spreadsheets made for people: neutralise what a spreadsheet would run as a formula.

Every spreadsheet the application writes for a person (exported lists, hour-statement
templates, reports' annexes) passes its text cells through :func:`neutralise_cell`, which
also drops the control characters an XLSX file cannot hold (formatting.xml_text). The
``.clause`` members are data and are written verbatim (docs/clause-format.md warns readers).
"""

from __future__ import annotations

from typing import Any

from clauses_app.formatting import xml_text

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Text loses the control characters XML forbids, then gets a leading apostrophe if it
    starts with = + - @ tab or CR; other values pass.

    Numbers stay numbers (a negative number is not text), so sums still work.
    """
    if not isinstance(value, str):
        return value
    value = xml_text(value)
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value

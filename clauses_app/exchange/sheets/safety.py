"""Cells of spreadsheets made for people: neutralise what a spreadsheet would run as a formula.

Every spreadsheet the application writes for a person (exported lists, hour-statement
templates, reports' annexes) passes its text cells through :func:`neutralise_cell`. The
``.clause`` members are data and are written verbatim (docs/clause-format.md warns readers).
"""

from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Text starting with = + - @ tab or CR gets a leading apostrophe; other values pass.

    Numbers stay numbers (a negative number is not text), so sums still work.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value

"""Spreadsheet imports (XLSX and CSV): facilitators' trackers and monthly hour statements.

See docs/clause-format.md, section "Spreadsheet imports".
"""

from clauses_app.exchange.sheets.mapping import (
    FIELDS,
    HOURS,
    KINDS,
    REQUIRED,
    TRACKER,
    delete_profile,
    field_labels,
    guess_mapping,
    list_profiles,
    load_profile,
    save_profile,
)
from clauses_app.exchange.sheets.safety import neutralise_cell
from clauses_app.exchange.sheets.service import SheetReport, import_sheet, preview_sheet

__all__ = [
    "FIELDS",
    "HOURS",
    "KINDS",
    "REQUIRED",
    "TRACKER",
    "SheetReport",
    "delete_profile",
    "field_labels",
    "guess_mapping",
    "import_sheet",
    "list_profiles",
    "load_profile",
    "neutralise_cell",
    "preview_sheet",
    "save_profile",
]

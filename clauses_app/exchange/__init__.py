"""The "Clause" exchange format (docs/clause-format.md) and spreadsheet imports. Qt-free.

Services for the window and the command line:

- :func:`export_clause_file`, :func:`preview_clause_file`, :func:`import_clause_file`;
- :func:`preview_sheet`, :func:`import_sheet`, :func:`guess_mapping` (XLSX/CSV trackers and
  monthly hour statements), with named mapping profiles;
- :func:`neutralise_cell` for every spreadsheet made for people.
"""

from clauses_app.exchange.clause_import import import_clause_file, preview_clause_file
from clauses_app.exchange.limits import DEFAULT_LIMITS, ImportLimits
from clauses_app.exchange.manifest import Scope
from clauses_app.exchange.report import EntityCounts, ImportReport, Issue
from clauses_app.exchange.safety import UnsafeFileError
from clauses_app.exchange.sheets import (
    SheetReport,
    guess_mapping,
    import_sheet,
    list_profiles,
    load_profile,
    neutralise_cell,
    preview_sheet,
    save_profile,
)
from clauses_app.exchange.writer import ExportResult, export_clause_file

__all__ = [
    "DEFAULT_LIMITS",
    "EntityCounts",
    "ExportResult",
    "ImportLimits",
    "ImportReport",
    "Issue",
    "Scope",
    "SheetReport",
    "UnsafeFileError",
    "export_clause_file",
    "guess_mapping",
    "import_clause_file",
    "import_sheet",
    "list_profiles",
    "load_profile",
    "neutralise_cell",
    "preview_clause_file",
    "preview_sheet",
    "save_profile",
]

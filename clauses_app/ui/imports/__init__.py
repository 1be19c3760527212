"""Import and export dialogs: Clause files (preview, then import), spreadsheets (column
mapping, preview, import) and export to a Clause file; the File menu actions that open them
and the handling of a file given on the command line (``clauses-app FILE``).

The dialogs (and the exchange package behind them, long to import) are imported when one
is first opened, not when the window adds its menu actions at start-up.
"""

from __future__ import annotations

import importlib
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from clauses_app.ui.context import AppContext
from clauses_app.ui.widgets.dialogs import warn

if TYPE_CHECKING:
    from clauses_app.ui.imports.clause_dialog import ClauseImportDialog
    from clauses_app.ui.imports.export_dialog import ExportDialog
    from clauses_app.ui.imports.sheet_dialog import SheetImportDialog

_DIALOG_MODULES = {
    "ClauseImportDialog": "clause_dialog",
    "ExportDialog": "export_dialog",
    "SheetImportDialog": "sheet_dialog",
}


def __getattr__(name: str) -> Any:
    """The dialog classes, imported on first use."""
    if name in _DIALOG_MODULES:
        module = importlib.import_module(f"{__name__}.{_DIALOG_MODULES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ClauseImportDialog",
    "ExportDialog",
    "SheetImportDialog",
    "add_exchange_actions",
    "open_clause_import",
    "open_export",
    "open_file_argument",
    "open_month_grid",
    "open_prepare_statements",
    "open_sheet_import",
]

SHEET_SUFFIXES = (".xlsx", ".csv")


def _show(dialog: QDialog) -> QDialog:
    """Show a dialog modal to its window without blocking (tasks and tests keep running)."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog


def open_clause_import(
    context: AppContext, parent: QWidget | None, path: Path | None = None
) -> ClauseImportDialog:
    from clauses_app.ui.imports.clause_dialog import ClauseImportDialog

    dialog = ClauseImportDialog(context, path, parent)
    _show(dialog)
    if path is None:
        dialog.file_row.choose()
    return dialog


def open_sheet_import(
    context: AppContext, parent: QWidget | None, path: Path | None = None
) -> SheetImportDialog:
    from clauses_app.ui.imports.sheet_dialog import SheetImportDialog

    dialog = SheetImportDialog(context, path, parent=parent)
    _show(dialog)
    return dialog


def open_export(context: AppContext, parent: QWidget | None) -> ExportDialog:
    from clauses_app.ui.imports.export_dialog import ExportDialog

    dialog = ExportDialog(context, parent)
    _show(dialog)
    return dialog


def open_prepare_statements(context: AppContext, parent: QWidget | None) -> QDialog:
    from clauses_app.ui.imports.statements_dialog import PrepareStatementsDialog

    return _show(PrepareStatementsDialog(context, parent))


def open_month_grid(
    context: AppContext,
    parent: QWidget | None,
    employer: uuid.UUID | None = None,
    month: tuple[int, int] | None = None,
) -> QDialog:
    """« Saisie du mois », on an employer and a month when given."""
    from clauses_app.ui.pages.month_grid import MonthGridDialog

    return _show(MonthGridDialog(context, employer, month, parent))


def add_exchange_actions(window: QWidget, context: AppContext, menu: QMenu) -> list[QAction]:
    """Add the import and export actions to the File menu (before its last entries)."""
    specs = (
        ("Importer un fichier Clause…", lambda: open_clause_import(context, window)),
        ("Importer un tableur…", lambda: open_sheet_import(context, window)),
        ("Préparer les relevés du mois…", lambda: open_prepare_statements(context, window)),
        ("Saisie du mois…", lambda: open_month_grid(context, window)),
        ("Exporter au format Clause…", lambda: open_export(context, window)),
    )
    actions = []
    for text, slot in specs:
        action = QAction(text, window)
        action.triggered.connect(lambda _checked=False, s=slot: s())
        menu.addAction(action)
        actions.append(action)
    menu.addSeparator()
    return actions


def open_file_argument(
    context: AppContext, window: QWidget, path: Path, quiet: bool = False
) -> QDialog | None:
    """Open the import dialog fitting a file given on the command line (a ``.clause`` file,
    as Windows passes it when the user opens one; or a spreadsheet). ``quiet`` (no one to
    answer, e.g. ``--screenshot``) writes a refusal to stderr instead of a message box."""
    suffix = path.suffix.lower()
    if not path.is_file():
        problem = ("Fichier introuvable", f"Le fichier n'existe pas :\n{path}")
    elif suffix == ".clause":
        return open_clause_import(context, window, path)
    elif suffix in SHEET_SUFFIXES:
        return open_sheet_import(context, window, path)
    else:
        problem = (
            "Fichier non reconnu",
            f"Clauses ouvre les fichiers .clause, .xlsx et .csv :\n{path}",
        )
    if quiet:
        sys.stderr.write(f"{problem[0]} : {problem[1]}\n")
    else:
        warn(window, *problem)
    return None

"""« Préparer les relevés du mois » from the window: chosen month, one employer or all, the
workbooks written in the background; and the entries that open it and the month grid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from clauses_app.ui.context import AppContext
from clauses_app.ui.imports.statements_dialog import PrepareStatementsDialog
from tests.exchange.test_statements import build_case


def test_prepares_the_workbooks_in_the_background(
    qtbot: Any, app_context: AppContext, database: Any, tmp_path: Path
) -> None:
    case = build_case(database)
    dialog = PrepareStatementsDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.month_combo.setCurrentIndex(dialog.month_combo.findData("2025-3"))
    assert [dialog.employer_combo.itemText(i) for i in range(dialog.employer_combo.count())] == [
        "Tous les employeurs", "Bâti Ouest (2)", "ETTI Relais (1)",
    ]  # fmt: skip
    assert not dialog.prepare_button.isEnabled()
    dialog.folder_edit.setText(str(tmp_path / "releves"))
    dialog.employer_combo.setCurrentIndex(dialog.employer_combo.findData(str(case.etti)))
    qtbot.mouseClick(dialog.prepare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.prepared is not None, timeout=20000)
    assert [p.name for p in (tmp_path / "releves").iterdir()] == [
        "releve-2025-03-etti-relais.xlsx"
    ]
    assert dialog.status.text() == (
        f"Relevés de mars 2025 : 1 classeur(s), 1 ligne(s), dans {tmp_path / 'releves'}."
    )
    assert dialog.written.isVisible()


def test_the_documents_page_opens_both(qtbot: Any, app_context: AppContext) -> None:
    from clauses_app.ui.pages.documents import DocumentsPage
    from clauses_app.ui.pages.month_grid import MonthGridDialog

    page = DocumentsPage(app_context)
    qtbot.addWidget(page)
    prepare = page.open_prepare_statements()
    grid = page.open_month_grid()
    assert isinstance(prepare, PrepareStatementsDialog) and isinstance(grid, MonthGridDialog)
    prepare.close()
    grid.close()

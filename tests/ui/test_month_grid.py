"""Saisie du mois: an employer's month across awards, typed and pasted with the keyboard,
saved in one transaction (hand-made case of tests/exchange/test_statements.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.month_grid import (
    TRAINING,
    WARNING_BACKGROUND,
    WORKED,
    MonthGridDialog,
)
from tests.exchange.test_statements import MARCH, Case, build_case, month_records

D = Decimal
NBSP = "\u00a0"


@pytest.fixture
def case(database: Any) -> Case:
    return build_case(database)


@pytest.fixture
def dialog(qtbot: Any, app_context: AppContext, case: Case) -> MonthGridDialog:
    widget = MonthGridDialog(app_context, case.awardee, MARCH)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.table.setFocus()
    return widget


def _type_into(qtbot: Any, dialog: MonthGridDialog, row: int, column: int, text: str) -> None:
    view = dialog.table
    view.setCurrentIndex(dialog.model.index(row, column))
    qtbot.keyClick(view, text[0])
    editor = QApplication.focusWidget()
    assert editor is not view, "typing did not open an editor"
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _text(dialog: MonthGridDialog, row: int, column: int) -> str:
    return str(dialog.model.data(dialog.model.index(row, column)))


def test_the_grid_shows_the_employers_month(dialog: MonthGridDialog, tmp_path: Path) -> None:
    model = dialog.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["Participant", "Marché et lot", "Type de contrat",
                       "Heures de février 2025", "Heures travaillées",
                       "Heures de formation"]  # fmt: skip
    assert dialog.month_combo.currentText() == "Mars 2025"
    header = dialog.table.horizontalHeader()
    for month in ("février", "septembre"):  # the heading is not cut, whatever the month
        text = f"Heures de {month} 2025"
        assert dialog.table.columnWidth(3) > header.fontMetrics().horizontalAdvance(text)
    assert dialog.employer_combo.currentText() == "Bâti Ouest (2 contrats)"
    assert [_text(dialog, r, 0) for r in range(3)] == ["MARTIN Léa", "ROUX Max", "Total"]
    assert _text(dialog, 0, 3) == "120" and _text(dialog, 1, 3) == ""
    assert not model.flags(model.index(0, 3)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, WORKED)) & Qt.ItemFlag.ItemIsEditable
    assert not dialog.save_button.isEnabled()
    dialog.grab().save(str(tmp_path / "month-grid.png"))


def test_typing_pasting_and_saving(
    qtbot: Any, dialog: MonthGridDialog, case: Case, database: Any
) -> None:
    _type_into(qtbot, dialog, 0, WORKED, "151,67")
    assert dialog.table.currentIndex().row() == 1  # Enter went down
    dialog.table.setCurrentIndex(dialog.model.index(0, TRAINING))
    QGuiApplication.clipboard().setText("7\n3,5\n")
    qtbot.keyClick(dialog.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert _text(dialog, 1, TRAINING) == "3,5"
    assert _text(dialog, 2, WORKED) == "151,67"  # the total row
    assert dialog.totals_label.text() == (
        f"2 contrat(s)   ·   Heures travaillées : 151,67{NBSP}h   ·   Heures de formation : "
        f"10,5{NBSP}h   ·   modifications non enregistrées"
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    records = month_records(database)
    assert records[(case.martin, date(2025, 3, 1))] == (D("151.67"), D("7.00"))
    assert "2 ajout(s)" in dialog.message_label.text() and not dialog.grid.is_dirty


def test_refusals_and_warnings_are_shown_in_full(qtbot: Any, dialog: MonthGridDialog) -> None:
    _type_into(qtbot, dialog, 0, WORKED, "-5")
    assert dialog.message_label.text() == (
        "Valeur refusée : Les heures ne peuvent pas être négatives."
    )
    _type_into(qtbot, dialog, 0, WORKED, "210")
    index = dialog.model.index(0, WORKED)
    assert dialog.model.data(index, Qt.ItemDataRole.BackgroundRole) == WARNING_BACKGROUND
    assert dialog.message_label.text() == (
        "À vérifier (l'enregistrement reste possible) :\n"
        f"MARTIN Léa : 210{NBSP}h dans le mois (tous contrats), plus de 208{NBSP}h : "
        "vérifiez le relevé."
    )
    assert dialog.save_button.isEnabled()


def test_choosing_another_employer_and_month(
    qtbot: Any, dialog: MonthGridDialog, case: Case
) -> None:
    dialog.select(case.etti, MARCH)
    assert [_text(dialog, r, 0) for r in range(2)] == ["DURAND Paul", "Total"]
    dialog.select(case.etti, (2025, 7))  # Paul Durand's mission ended in June
    assert dialog.model.rowCount() == 0 and "Aucun contrat" in dialog.empty_label.text()


def test_the_missing_statement_alert_opens_the_month_grid(
    qtbot: Any, app_context: AppContext, database: Any
) -> None:
    from PySide6.QtWidgets import QApplication as App

    from clauses_app.services.alerts import AlertKind
    from clauses_app.ui.pages.dashboard import DashboardPage
    from tests import builders as b

    with database.transaction() as s:
        con = b.contract(s, b.authority(s), "A-1", start_date=date(2025, 1, 1),
                         end_date=date(2025, 12, 31))  # fmt: skip
        award = b.award(s, b.lot(s, con), b.company(s, "SARL A"), 1000)
        lea = b.employment(s, award, b.participant(s, "Martin", "Léa"), date(2025, 1, 1),
                           date(2025, 12, 31))  # fmt: skip
        for month in (1, 2, 3, 4):  # May is missing (June is not over on 30/06)
            b.month_hours(s, lea, 2025, month, 100)
    page = DashboardPage(app_context)
    page.today = lambda: date(2025, 6, 30)  # type: ignore[method-assign]
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show()
    qtbot.waitUntil(lambda: page.alert_model.rowCount() > 0, timeout=10_000)
    model = page.alert_model
    kinds = [model.alert(r).kind for r in range(model.rowCount())]
    rows = [r for r, kind in enumerate(kinds) if kind == AlertKind.MISSING_STATEMENT]
    assert len(rows) == 1
    page.alert_view.activated.emit(model.index(rows[0], 1))
    dialogs = [w for w in App.topLevelWidgets()
               if isinstance(w, MonthGridDialog) and w.isVisible()]  # fmt: skip
    assert len(dialogs) == 1
    grid = dialogs[0]
    assert grid.month_combo.currentText() == "Mai 2025"
    assert grid.employer_combo.currentText() == "SARL A (1 contrat)"
    assert [_text(grid, r, 0) for r in range(2)] == ["MARTIN Léa", "Total"]
    grid.close()
    qtbot.waitUntil(lambda: not page.is_loading, timeout=10_000)

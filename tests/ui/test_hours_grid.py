"""The hours grid dialog: typing, pasting from a spreadsheet, refusals, warnings and saving."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from clauses_app.models import HoursKind, HoursRecord
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.hours_grid import WARNING_BACKGROUND, HoursGridDialog, HoursGridModel
from tests import builders as b

D = Decimal
NNBSP, NBSP = "\u202f", "\u00a0"
MARTIN, BERNARD, TOTAL_ROW = 1, 0, 2
MARCH, APRIL, MAY, JUNE = 1, 2, 3, 4


@pytest.fixture
def case(database):  # type: ignore[no-untyped-def]
    """600 h over Mar–Aug 2025. Martin (CDD Mar–May) has 100 h in March; Bernard (CDI from
    June) has an undivided total of 90 h over Jun–Aug."""
    with database.transaction() as s:
        con = b.contract(s, b.authority(s), "M-7", start_date=date(2025, 3, 1),
                         end_date=date(2025, 8, 31))  # fmt: skip
        aw = b.award(s, b.lot(s, con, title="Peinture"), b.company(s, "SAS Couleur"), 600)
        martin = b.employment(s, aw, b.participant(s, "Martin", "Léa"), date(2025, 3, 3),
                              date(2025, 5, 31))  # fmt: skip
        bernard = b.employment(s, aw, b.participant(s, "Bernard", "Paul"), date(2025, 6, 1),
                               contract_type_code="CDI")  # fmt: skip
        b.month_hours(s, martin, 2025, 3, 100)
        b.total_hours(s, bernard, date(2025, 6, 1), date(2025, 8, 31), 90)
    return aw.uuid, martin.uuid, bernard.uuid


@pytest.fixture
def dialog(qtbot, database, case, monkeypatch):  # type: ignore[no-untyped-def]
    # closing a grid with unsaved hours asks: answer "Discard" unless a test says otherwise
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Discard)
    widget = HoursGridDialog(AppContext(database), case[0])
    widget.today = date(2025, 6, 15)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.table.setFocus()
    return widget


def _text(dialog, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    return dialog.model.data(dialog.model.index(row, column))


def _type_into(qtbot, dialog, row: int, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    view = dialog.table
    view.setCurrentIndex(dialog.model.index(row, column))
    qtbot.keyClick(view, text[0])  # any key starts editing, as in a spreadsheet
    editor = QApplication.focusWidget()
    assert editor is not view, "typing did not open an editor"
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _month_records(database, employment_uuid):  # type: ignore[no-untyped-def]
    with database.session() as s:
        rows = s.scalars(
            select(HoursRecord)
            .where(HoursRecord.employment_uuid == employment_uuid)
            .order_by(HoursRecord.period_start)
        )
        return [(r.kind, r.period_start, r.worked_hours, r.training_hours) for r in rows]


def test_layout_of_the_grid(dialog) -> None:  # type: ignore[no-untyped-def]
    model = dialog.model
    assert dialog.title_label.text() == "SAS Couleur — marché M-7, lot 1 (Peinture)"
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Total", "mars 2025", "avr. 2025", "mai 2025", "juin 2025",
                       "juil. 2025", "août 2025"]  # fmt: skip
    rows = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    assert rows == [f"BERNARD Paul — CDI · 0{NBSP}h", f"MARTIN Léa — CDD · 100{NBSP}h",
                    "Total du mois"]  # fmt: skip
    assert "Total non ventilé : 90\u00a0h" in model.headerData(
        BERNARD, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole
    )
    assert _text(dialog, MARTIN, MARCH) == "100"
    assert not model.flags(model.index(MARTIN, JUNE)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(MARTIN, APRIL)) & Qt.ItemFlag.ItemIsEditable
    assert dialog.totals_label.text() == (
        f"Heures exigées : 600{NBSP}h   ·   Comptabilisées (enregistrées) : 190{NBSP}h "
        f"(31,7{NBSP}%)   ·   Saisies dans la grille : 100{NBSP}h (dont formation : 0{NBSP}h)"
    )
    assert not dialog.save_button.isEnabled()


def test_typing_enter_goes_down_and_totals_follow(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    _type_into(qtbot, dialog, MARTIN, APRIL, "120,5")
    assert _text(dialog, MARTIN, APRIL) == "120,5"
    assert dialog.table.currentIndex().row() == TOTAL_ROW  # Enter went down
    assert _text(dialog, MARTIN, 0) == "220,5"  # row total
    header = dialog.model.headerData(MARTIN, Qt.Orientation.Vertical)
    assert header == f"MARTIN Léa — CDD · 220,5{NBSP}h"  # in sight when months scroll
    assert _text(dialog, TOTAL_ROW, APRIL) == "120,5"  # month total
    assert _text(dialog, TOTAL_ROW, 0) == "220,5"  # grand total
    assert f"Saisies dans la grille : 220,5{NBSP}h" in dialog.totals_label.text()
    assert "modifications non enregistrées" in dialog.totals_label.text()
    assert dialog.save_button.isEnabled()


def test_enter_in_a_cell_goes_down_one_row(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """From the first row (the test above starts on the last but one, where going down twice
    cannot be told from once): the editor's Enter reaches the view once."""
    column = next(c for c in range(1, 7) if dialog.model.editable(BERNARD, c))
    _type_into(qtbot, dialog, BERNARD, column, "10")
    assert _text(dialog, BERNARD, column) == "10"
    assert dialog.table.currentIndex().row() == MARTIN


def test_negative_and_non_numeric_are_refused(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    _type_into(qtbot, dialog, MARTIN, APRIL, "-5")
    assert _text(dialog, MARTIN, APRIL) == ""
    assert dialog.message_label.text() == (
        "Valeur refusée : Les heures ne peuvent pas être négatives."
    )
    _type_into(qtbot, dialog, MARTIN, MAY, "dix")
    assert _text(dialog, MARTIN, MAY) == ""
    assert dialog.message_label.text() == "Valeur refusée : « dix » n'est pas un nombre d'heures."
    assert not dialog.grid.is_dirty


def test_more_than_208_hours_is_flagged_not_refused(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    _type_into(qtbot, dialog, MARTIN, APRIL, "230")
    index = dialog.model.index(MARTIN, APRIL)
    assert _text(dialog, MARTIN, APRIL) == "230"
    assert dialog.model.data(index, Qt.ItemDataRole.BackgroundRole) == WARNING_BACKGROUND
    assert dialog.message_label.text().startswith(
        f"À vérifier : 230{NBSP}h dans le mois pour cette personne (tous contrats)"
    )
    assert dialog.save_button.isEnabled()


def test_paste_a_block_from_a_spreadsheet_and_save(qtbot, database, dialog, case) -> None:  # type: ignore[no-untyped-def]
    _aw, martin, bernard = case
    view = dialog.table
    # Excel copies rows with tabs, French decimals and a final newline
    QGuiApplication.clipboard().setText("151,67\t140\r\n")
    view.setCurrentIndex(dialog.model.index(MARTIN, APRIL))
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    QGuiApplication.clipboard().setText("35\n")
    view.setCurrentIndex(dialog.model.index(BERNARD, JUNE))
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert (_text(dialog, MARTIN, APRIL), _text(dialog, MARTIN, MAY)) == ("151,67", "140")
    assert _text(dialog, TOTAL_ROW, 0) == "426,67"  # 100 + 151.67 + 140 + 35
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert _month_records(database, martin) == [
        (HoursKind.MONTH, date(2025, 3, 1), D("100"), D("0")),
        (HoursKind.MONTH, date(2025, 4, 1), D("151.67"), D("0")),
        (HoursKind.MONTH, date(2025, 5, 1), D("140"), D("0")),
    ]
    # Bernard's undivided total gave way to his month
    assert _month_records(database, bernard) == [
        (HoursKind.MONTH, date(2025, 6, 1), D("35"), D("0")),
    ]
    assert f"Comptabilisées (enregistrées) : 426,67{NBSP}h (71,1{NBSP}%)" in (
        dialog.totals_label.text()
    )
    assert not dialog.save_button.isEnabled()


def test_a_block_with_a_bad_cell_is_refused_whole(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    QGuiApplication.clipboard().setText("10\tabc\n")
    dialog.table.setCurrentIndex(dialog.model.index(MARTIN, APRIL))
    qtbot.keyClick(dialog.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert _text(dialog, MARTIN, APRIL) == ""
    assert dialog.message_label.text() == (
        "Valeur refusée : Collage refusé (ligne 1, colonne 2) : « abc » n'est pas un nombre "
        "d'heures."
    )


def test_a_pasted_block_holds_no_more_hours_than_each_month(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    # 730 h fit in March (744) but not in April (720): the whole block is refused.
    QGuiApplication.clipboard().setText("730\t730\n")
    dialog.table.setCurrentIndex(dialog.model.index(MARTIN, MARCH))
    qtbot.keyClick(dialog.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert (_text(dialog, MARTIN, MARCH), _text(dialog, MARTIN, APRIL)) == ("100", "")
    assert dialog.message_label.text() == (
        "Valeur refusée : Collage refusé (ligne 1, colonne 2) : Avril 2025 ne compte pas plus "
        "de 720 heures."
    )
    assert not dialog.grid.is_dirty


def test_training_hours_mode_and_delete_key(qtbot, database, dialog, case) -> None:  # type: ignore[no-untyped-def]
    dialog.kind_combo.setCurrentIndex(1)  # Heures de formation
    _type_into(qtbot, dialog, MARTIN, MARCH, "7")
    assert _text(dialog, MARTIN, MARCH) == "7"
    assert f"(dont formation : 7{NBSP}h)" in dialog.totals_label.text()
    dialog.kind_combo.setCurrentIndex(0)
    assert _text(dialog, MARTIN, MARCH) == "100"
    assert _text(dialog, MARTIN, 0) == "100"  # the Total column follows the shown kind
    dialog.table.setCurrentIndex(dialog.model.index(MARTIN, MARCH))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert _text(dialog, MARTIN, MARCH) == ""
    assert dialog.save()
    # the worked hours are gone, the training hours remain on the March statement
    assert _month_records(database, case[1]) == [
        (HoursKind.MONTH, date(2025, 3, 1), D("0"), D("7")),
    ]


def test_closing_with_unsaved_hours_asks(qtbot, dialog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _type_into(qtbot, dialog, MARTIN, APRIL, "12")
    answers = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", lambda *args: answers[0])
    dialog.close()
    assert dialog.isVisible()  # Cancel keeps the grid open
    answers[0] = QMessageBox.StandardButton.Discard
    dialog.close()
    assert not dialog.isVisible()


def test_grid_model(qtmodeltester, dialog) -> None:  # type: ignore[no-untyped-def]
    model: HoursGridModel = dialog.model
    model.grid.set_value(MARTIN, (2025, 4), D("12"))
    qtmodeltester.check(model)


def test_hours_saved_by_someone_else_meanwhile_are_not_overwritten(  # type: ignore[no-untyped-def]
    qtbot, database, dialog, case, monkeypatch
) -> None:
    from clauses_app.services.hours_entry import load_grid, save_grid

    _aw, martin, _bernard = case
    with database.session() as s:  # a colleague's grid, opened and saved meanwhile
        theirs = load_grid(s, case[0], date(2025, 6, 15))
    theirs.set_value(1, (2025, 3), D("120"))
    with database.transaction() as s:
        save_grid(s, theirs)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: shown.append((title, text)))
    _type_into(qtbot, dialog, MARTIN, MARCH, "95")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    ((title, text),) = shown
    assert title == "Enregistrement impossible"
    assert "depuis son ouverture : rien n'a été enregistré. Rouvrez la grille" in text
    assert _month_records(database, martin) == [
        (HoursKind.MONTH, date(2025, 3, 1), D("120"), D("0")),
    ]
    assert dialog.save_button.isEnabled()  # the typed hours are still there, unsaved

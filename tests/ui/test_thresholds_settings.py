"""Paramètres ▸ Seuils européens and the wording defaults: edited, refused, saved, read back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem

from clauses_app.services.settings import load_settings
from clauses_app.services.thresholds import SHIPPED_PERIODS, ThresholdTable, load_thresholds
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages import thresholds_tab
from clauses_app.ui.pages.settings_page import SettingsPage

D = Decimal


@pytest.fixture
def page(qtbot, database):  # type: ignore[no-untyped-def]
    widget = SettingsPage(AppContext(database))
    qtbot.addWidget(widget)
    widget.resize(1166, 700)
    widget.show()
    return widget


def cell(page: SettingsPage, row: int, column: int) -> str:
    item = page.thresholds_tab.table.item(row, column)
    return item.text() if item is not None else ""


def type_cell(page: SettingsPage, row: int, column: int, text: str) -> None:
    page.thresholds_tab.table.setItem(row, column, QTableWidgetItem(text))


def test_the_shipped_thresholds_are_shown_with_their_sources(page) -> None:  # type: ignore[no-untyped-def]
    tab = page.thresholds_tab
    assert tab.table.rowCount() == 2
    assert [cell(page, 1, c) for c in range(6)] == [
        "01/01/2026", "31/12/2027", "5\u202f404\u202f000", "140\u202f000", "216\u202f000",
        "432\u202f000",
    ]  # fmt: skip
    assert "JO du 26 décembre 2025" in cell(page, 1, 6)
    assert tab.obligation_start.text() == "22/08/2026"
    assert not page.has_unsaved_changes()


def test_notice_shown_once_the_next_revision_is_reached(qtbot, database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(thresholds_tab, "today", lambda: date(2027, 12, 31))
    before = SettingsPage(AppContext(database))
    qtbot.addWidget(before)
    assert before.thresholds_tab.notice.isHidden()
    monkeypatch.setattr(thresholds_tab, "today", lambda: date(2028, 1, 1))
    after = SettingsPage(AppContext(database))
    qtbot.addWidget(after)
    assert not after.thresholds_tab.notice.isHidden()
    assert after.thresholds_tab.notice.text().startswith("<b>Seuils à mettre à jour.</b>")
    assert "révisés au 01/01/2028" in after.thresholds_tab.notice.text()


def test_a_new_period_is_saved_and_clears_the_notice(qtbot, page, database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(thresholds_tab, "today", lambda: date(2028, 3, 1))
    page.refresh()
    assert not page.thresholds_tab.notice.isHidden()
    qtbot.mouseClick(page.thresholds_tab.add_button, Qt.MouseButton.LeftButton)
    assert (cell(page, 2, 0), cell(page, 2, 1)) == ("01/01/2028", "31/12/2029")
    for column, text in zip((2, 3, 4, 5), ("5 500 000", "145 000", "220 000", "440 000"),
                            strict=True):  # fmt: skip
        type_cell(page, 2, column, text)
    type_cell(page, 2, 6, "Avis du JO, décembre 2027")
    page.thresholds_tab.obligation_start.setText("21/08/2026")
    assert page.has_unsaved_changes()
    assert page.save(), page.status_label.text()
    with database.session() as s:
        table = load_thresholds(s)
    assert table.obligation_start == date(2026, 8, 21)
    assert table.periods[2].start == date(2028, 1, 1)
    assert (table.periods[2].works, table.periods[2].local_supplies) == (D(5500000), D(220000))
    assert table.periods[2].source == "Avis du JO, décembre 2027"
    assert page.thresholds_tab.notice.isHidden()  # the page re-read the saved table
    assert not page.has_unsaved_changes()


def test_unreadable_or_overlapping_periods_save_nothing(page, database) -> None:  # type: ignore[no-untyped-def]
    type_cell(page, 1, 3, "cent quarante mille")
    assert not page.save()
    assert page.status_label.text() == (
        "Seuils, période 2, colonne « Fournitures et services : État » : montant attendu en "
        "euros HT."
    )
    type_cell(page, 1, 3, "140 000")
    type_cell(page, 1, 0, "01/12/2025")  # starts before the first period ends
    assert not page.save()
    assert page.status_label.text() == (
        "Les périodes du 01/01/2024 et du 01/12/2025 se chevauchent."
    )
    with database.session() as s:
        assert load_thresholds(s) == ThresholdTable()
    page.refresh()
    assert page.thresholds_tab.periods() == SHIPPED_PERIODS


def test_wording_defaults_are_editable(page, database) -> None:  # type: ignore[no-untyped-def]
    assert page.statement_penalty.value() == 50
    assert page.criterion_weight.value() == 10
    page.statement_penalty.setValue(80)
    page.criterion_weight.setValue(20)
    assert page.save(), page.status_label.text()
    with database.session() as s:
        settings = load_settings(s)
        assert (settings.default_statement_penalty_per_day,
                settings.default_award_criterion_weight) == (D("80"), 20)  # fmt: skip
        assert load_thresholds(s) == ThresholdTable()  # untouched: the shipped table

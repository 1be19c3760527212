"""Progress on the list pages, driven as a user would: the list shows first and fills its
figure columns when their background computation ends; a click on a figure's header sorts
the whole list, page after page; the lots follow the contracts list's year."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.lists import figures as figures_module
from clauses_app.ui.lists.base import ListPanel
from clauses_app.ui.lists.pages import ContractsPage
from tests import builders as b
from tests.ui.test_lists import shown_panel


def cell(panel: ListPanel, row: int, key: str) -> str:
    return str(panel.model.data(panel.model.index(row, panel.model.column_index(key))))


def figures_shown(panel: ListPanel) -> bool:
    return panel.model.rowCount() > 0 and panel.model.row(0).values.get("hours_done") is not None


def test_employments_fill_their_hours_when_computed(qtbot: Any, app_context: AppContext) -> None:
    with app_context.database.transaction() as s:
        aw = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), 100)
        martin = b.employment(s, aw, b.participant(s, "Martin"), date(2025, 1, 1))
        for month, hours in ((1, 30), (2, "20.5"), (3, 0)):
            b.month_hours(s, martin, 2025, month, hours)
    panel = shown_panel(qtbot, app_context, Kind.EMPLOYMENT)
    qtbot.waitUntil(lambda: figures_shown(panel))
    assert cell(panel, 0, "hours_done") == "50,5\u00a0h"
    assert cell(panel, 0, "last_month") == "02/2025"
    assert panel.figures_label.text() == "Heures : toutes années"
    combo = panel.filters["year"]
    combo.setCurrentIndex(combo.findData(2025))
    qtbot.waitUntil(lambda: panel.figures_label.text() == "Heures : année 2025")
    assert cell(panel, 0, "hours_done") == "50,5\u00a0h"


def test_a_click_on_hours_sorts_the_whole_list(qtbot: Any, app_context: AppContext) -> None:
    with app_context.database.transaction() as s:
        aw = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), 100)
        for n in range(1, 451):
            person = b.participant(s, f"Nom{n:03d}", "Léa")
            b.month_hours(s, b.employment(s, aw, person, date(2025, 1, 1)), 2025, 1, n)
    panel = shown_panel(qtbot, app_context, Kind.EMPLOYMENT)
    qtbot.waitUntil(lambda: figures_shown(panel))
    column = panel.model.column_index("hours_done")
    panel.view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    assert cell(panel, 0, "hours_done") == "450\u00a0h"  # not among the first page before
    assert panel.model.total == 450
    panel.view.scrollToBottom()  # the next page goes on in the same order
    qtbot.waitUntil(lambda: panel.model.rowCount() == 400)
    assert cell(panel, 399, "hours_done") == "51\u00a0h"
    panel.view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert cell(panel, 0, "hours_done") == "1\u00a0h"


def test_contracts_and_their_lots_show_progress_for_the_year(
    qtbot: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        con = b.contract(
            s, b.authority(s), "C1", start_date=date(2024, 1, 1), end_date=date(2025, 12, 31)
        )
        aw = b.award(s, b.lot(s, con, "1"), b.company(s, "Xavier BTP"), 240)
        person = b.participant(s)
        emp = b.employment(s, aw, person, date(2024, 1, 1))
        b.month_hours(s, emp, 2024, 6, 30)
        b.month_hours(s, emp, 2025, 6, 90)
    page = ContractsPage(app_context)
    qtbot.addWidget(page)
    page.resize(1360, 700)
    page.show()
    contracts, lots = page.contracts, page.lots
    qtbot.waitUntil(lambda: figures_shown(contracts) and figures_shown(lots))
    assert cell(contracts, 0, "hours_required") == "240\u00a0h"
    assert cell(contracts, 0, "hours_done") == "120\u00a0h"
    assert cell(contracts, 0, "completion_rate") == "50\u00a0%"
    assert cell(lots, 0, "completion_rate") == "50\u00a0%"
    combo = contracts.filters["year"]
    combo.setCurrentIndex(combo.findData(2025))
    # A year's share of the required hours: half of 240 h; 90 h done in 2025.
    qtbot.waitUntil(lambda: lots.figures_label.text() == "Heures : année 2025")
    qtbot.waitUntil(lambda: cell(lots, 0, "hours_done") == "90\u00a0h")
    assert cell(lots, 0, "hours_required") == "120\u00a0h"
    assert cell(contracts, 0, "completion_rate") == "75\u00a0%"


def test_a_list_whose_figures_fail_still_shows_its_rows(
    qtbot: Any, app_context: AppContext, monkeypatch: Any
) -> None:
    with app_context.database.transaction() as s:
        aw = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), 100)
        b.employment(s, aw, b.participant(s), date(2025, 1, 1))

    def broken(*args: Any) -> Any:
        raise RuntimeError("disque plein")

    monkeypatch.setattr("clauses_app.ui.lists.figures.load_list_figures", broken)
    panel = shown_panel(qtbot, app_context, Kind.EMPLOYMENT)
    assert panel.model.total == 1
    assert panel.figures_label.text().startswith("Calcul des heures en cours")
    qtbot.waitUntil(lambda: panel.figures_label.text() == "Heures indisponibles (voir le journal)")
    assert cell(panel, 0, "hours_done") == ""


def test_a_sort_asked_before_the_hours_are_computed_follows_them(
    qtbot: Any, app_context: AppContext, monkeypatch: Any
) -> None:
    with app_context.database.transaction() as s:
        aw = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), 100)
        for name, hours in (("Alain", 10), ("Bruno", 30), ("Chloé", 20)):
            emp = b.employment(s, aw, b.participant(s, name), date(2025, 1, 1))
            b.month_hours(s, emp, 2025, 1, hours)
    gate = threading.Event()
    real = figures_module.load_list_figures

    def held(database: Any, year: Any, progress: Any = None) -> Any:
        gate.wait(30)  # the computation takes its time
        return real(database, year, progress)

    monkeypatch.setattr(figures_module, "load_list_figures", held)
    panel = shown_panel(qtbot, app_context, Kind.EMPLOYMENT)
    panel.view.sortByColumn(panel.model.column_index("hours_done"), Qt.SortOrder.DescendingOrder)
    assert panel.model.total == 3  # shown meanwhile, in the default order
    assert panel.figures_label.text() == "Calcul des heures en cours… ; le tri suivra"
    gate.set()
    qtbot.waitUntil(lambda: cell(panel, 0, "hours_done") == "30\u00a0h")
    assert [cell(panel, row, "participant") for row in range(3)] == [
        "BRUNO Léa", "CHLOÉ Léa", "ALAIN Léa"
    ]  # fmt: skip


def test_the_window_keeps_the_figures_of_a_few_periods(
    qtbot: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        aw = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), 100)
        b.month_hours(s, b.employment(s, aw, b.participant(s), date(2025, 1, 1)), 2025, 1, 7)
    store = app_context.list_figures()
    for year in (None, 2023, 2024, 2025):
        assert store.figures(Kind.EMPLOYMENT, year) is None  # computed in the background
        qtbot.waitUntil(lambda year=year: year in store.kept_years())
    assert store.kept_years() == {2023, 2024, 2025}  # all time put aside: the oldest used
    again = store.figures(Kind.EMPLOYMENT, None)
    assert again is None
    qtbot.waitUntil(lambda: None in store.kept_years())  # read back
    assert store.kept_years() == {2024, 2025, None}

"""List pages: table models under qtmodeltester, page-by-page loading, searches that query
the database, delete confirmations and export of the rows shown."""

from __future__ import annotations

import csv
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from clauses_app.models import Employment, HoursRecord
from clauses_app.services import records
from clauses_app.services.records import Column, Kind, ListRow
from clauses_app.storage import Database
from clauses_app.ui.context import AppContext
from clauses_app.ui.lists.base import ListPanel, fit_widths
from clauses_app.ui.lists.pages import ContractsPage
from clauses_app.ui.table_models import ROW_ROLE, SORT_ROLE, UUID_ROLE, RecordTableModel
from tests import builders as b
from tests.ui.bulk_data import bulk_employments
from tests.ui.conftest import MessageBoxes


def shown_panel(qtbot: Any, context: AppContext, kind: str) -> ListPanel:
    panel = ListPanel(context, kind, "Liste")
    qtbot.addWidget(panel)
    panel.resize(1200, 600)
    panel.show()
    qtbot.waitUntil(lambda: panel.loaded)
    return panel


def test_static_model_under_qtmodeltester(qtmodeltester: Any) -> None:
    columns = (Column("name", "Nom"), Column("amount", "Montant", "money"),
               Column("start", "Début", "date"), Column("hours", "Heures", "hours"))  # fmt: skip
    rows = [
        ListRow(uuid.uuid4(), {"name": "Ville de Lyon", "amount": Decimal("1234567.5"),
                               "start": date(2025, 2, 14), "hours": Decimal("1607")}),
        ListRow(uuid.uuid4(), {"name": "Bron", "amount": None, "start": None, "hours": None}),
    ]  # fmt: skip
    model = RecordTableModel(columns)
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "1\u202f234\u202f567,50\u00a0€"
    assert model.data(model.index(0, 2)) == "14/02/2025"
    assert model.data(model.index(0, 3)) == "1\u202f607\u00a0h"
    assert model.data(model.index(1, 1)) == ""
    assert model.data(model.index(0, 0), ROW_ROLE) is rows[0]
    assert model.data(model.index(1, 0), UUID_ROLE) == rows[1].uuid
    assert model.data(model.index(0, 1), SORT_ROLE) == 1234567.5
    model.sort(model.column_index("name"), Qt.SortOrder.AscendingOrder)  # static: in memory
    assert model.data(model.index(0, 0)) == "Bron"


def test_paged_model_under_qtmodeltester(qtmodeltester: Any, database: Database) -> None:
    bulk_employments(database, 450, contracts=5)
    model = RecordTableModel(records.list_columns(Kind.EMPLOYMENT), page_size=200)

    def load(offset: int, limit: int) -> list[ListRow]:
        with database.session() as s:
            return records.fetch_rows(s, Kind.EMPLOYMENT, records.ListQuery(), offset, limit)

    model.set_loader(load, 450)
    qtmodeltester.check(model)  # also fetches more: the tester exercises fetchMore
    assert model.rowCount() <= 450


def test_every_list_model_under_qtmodeltester(
    qtbot: Any, qtmodeltester: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        auth = b.authority(s, "Ville de Lyon")
        con = b.contract(s, auth, amount_ht=Decimal("1000000"), start_date=date(2025, 1, 1))
        aw = b.award(s, b.lot(s, con, required_hours=Decimal("833")), b.company(s), 833)
        person = b.participant(s)
        b.criterion(s, person, "BRSA")
        b.employment(s, aw, person, date(2025, 2, 1))
        b.operation(s, auth)
    for kind in (Kind.AUTHORITY, Kind.OPERATION, Kind.CONTRACT, Kind.LOT, Kind.COMPANY,
                 Kind.PARTICIPANT, Kind.EMPLOYMENT):  # fmt: skip
        panel = shown_panel(qtbot, app_context, kind)
        assert panel.model.rowCount() == 1, kind
        qtmodeltester.check(panel.model)


def test_long_list_loads_page_by_page_and_search_queries_the_database(
    qtbot: Any, app_context: AppContext
) -> None:
    bulk_employments(app_context.database, 3000, contracts=20)
    panel = shown_panel(qtbot, app_context, Kind.EMPLOYMENT)
    assert panel.model.total == 3000
    assert panel.model.rowCount() == 200
    assert panel.count_label.text() == "3\u202f000 lignes"
    assert panel.model.canFetchMore()
    panel.view.scrollToBottom()  # the view asks for the next page
    qtbot.waitUntil(lambda: panel.model.rowCount() == 400)
    # Participant 2 999 is not loaded: a search finds it anyway, in the database.
    loaded = panel.model.loaded_rows()
    assert not any(r.values["participant"].startswith("NOM02999") for r in loaded)
    qtbot.keyClicks(panel.search, "Nom02999")
    qtbot.waitUntil(lambda: panel.model.total == 1)
    assert panel.model.row(0).values["participant"] == "NOM02999 Prénom2999"
    panel.search.clear()
    qtbot.waitUntil(lambda: panel.model.total == 3000)
    # Sorting asks the database for a new first page in the new order.
    column = panel.model.column_index("participant")
    panel.view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    assert panel.model.row(0).values["participant"] == "ZÉBULON Prénom994"
    assert panel.model.rowCount() == 200


def test_filter_by_status_queries_the_database(qtbot: Any, app_context: AppContext) -> None:
    with app_context.database.transaction() as s:
        auth = b.authority(s)
        aw = b.award(s, b.lot(s, b.contract(s, auth)), b.company(s), 100)
        person = b.participant(s)
        b.employment(s, aw, person, date(2020, 1, 1), date(2020, 6, 30))
        b.employment(s, aw, person, date(2099, 1, 1))
    panel = shown_panel(qtbot, app_context, Kind.EMPLOYMENT)
    assert panel.model.total == 2
    combo = panel.filters["status"]
    combo.setCurrentIndex(combo.findText("Terminés"))
    assert panel.model.total == 1
    assert panel.model.row(0).values["start_date"] == date(2020, 1, 1)


def test_delete_names_what_goes_with_it(
    qtbot: Any, app_context: AppContext, message_boxes: MessageBoxes
) -> None:
    with app_context.database.transaction() as s:
        auth = b.authority(s, "Ville de Nantes")
        con = b.contract(s, auth, "2025-007", object="Écoles")
        aw = b.award(s, b.lot(s, con), b.company(s, "BTP Ouest"), 100)
        job = b.employment(s, aw, b.participant(s), date(2025, 1, 1))
        b.month_hours(s, job, 2025, 1, 35)
    page = ContractsPage(app_context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.contracts.model.rowCount() == 1)
    assert page.lots.model.rowCount() == 1  # first contract selected: its lots shown
    message_boxes.answers.append(QMessageBox.StandardButton.No)
    assert not page.contracts.delete_current()
    assert message_boxes.texts()[-1] == (
        "Supprimer le marché « 2025-007 — Écoles » ?\n\nSeront aussi supprimés :\n"
        "• 1 lot\n• 1 attribution\n• 1 contrat de travail\n• 1 relevé d'heures"
        "\n\nCette suppression est définitive."
    )
    with app_context.database.session() as s:
        assert s.scalar(select(func.count()).select_from(Employment)) == 1
    message_boxes.answers.append(QMessageBox.StandardButton.Yes)
    page.contracts.view.setFocus()
    qtbot.keyClick(page.contracts.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.contracts.model.rowCount() == 0)
    with app_context.database.session() as s:
        assert s.scalar(select(func.count()).select_from(HoursRecord)) == 0


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_of_visible_rows_neutralises_formulas(
    qtbot: Any, app_context: AppContext, tmp_path: Path, suffix: str
) -> None:
    with app_context.database.transaction() as s:
        b.company(s, '=HYPERLINK("http://x")', city="Lyon")
        b.company(s, "+33 Services", city="Lyon", contact_name="@Paul")
        b.company(s, "Ordinaire", city="Lyon")
        b.company(s, "Hors recherche", city="Bron")
    panel = shown_panel(qtbot, app_context, Kind.COMPANY)
    panel.search.setText("lyon")  # the rows shown: the three companies of Lyon
    panel.refresh()
    expected = {row.values["name"] for row in panel.model.loaded_rows()}
    path = tmp_path / f"entreprises{suffix}"
    task = panel.export_to(path)
    qtbot.waitUntil(lambda: not task.is_running and task.result is not None)
    if suffix == ".xlsx":
        sheet = load_workbook(path).active
        table = [[c.value for c in row] for row in sheet.iter_rows()]
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle, delimiter=";"))
    header, body = table[0], table[1:]
    assert header[:3] == ["Raison sociale", "SIRET", "Type"]
    names = [row[0] for row in body]
    assert task.result == len(body) == len(expected)
    assert '\'=HYPERLINK("http://x")' in names
    assert "'+33 Services" in names
    assert "Hors recherche" not in names
    contacts = [row[header.index("Contact")] for row in body]
    assert "'@Paul" in contacts
    kinds = {row[header.index("Type")] for row in body}
    assert kinds == {"Entreprise classique"}


def test_fit_widths_shrinks_text_columns_only_and_fits() -> None:
    natural = [200, 230, 100, 70, 100, 230]
    text = [True, True, True, False, False, True]
    widths = fit_widths(natural, text, 800)
    assert sum(widths) <= 800
    assert widths[3:5] == [70, 100]  # dates and numbers keep their width
    assert widths[2] == 100  # a text column under the floor is left alone
    assert widths[0] > 110 and widths[1] > widths[0]  # the widest gives up most
    assert fit_widths(natural, text, 2000) == natural  # room enough
    assert fit_widths(natural, text, 0) == natural  # not shown yet: as they are
    assert fit_widths(natural, text, 300) == [110, 110, 100, 70, 100, 110]  # floors


def test_a_list_wider_than_its_window_shrinks_its_text_columns(
    qtbot: Any, app_context: AppContext
) -> None:
    bulk_employments(app_context.database, 50, contracts=5)
    panel = ListPanel(app_context, Kind.EMPLOYMENT, "Contrats et heures")
    qtbot.addWidget(panel)
    panel.resize(1150, 600)  # narrower than the natural widths, wider than the floors
    panel.show()
    qtbot.waitUntil(lambda: panel.loaded and panel.model.rowCount() == 50)
    header = panel.view.horizontalHeader()
    used = sum(header.sectionSize(i) for i in range(panel.model.columnCount()))
    assert used <= panel.view.viewport().width()
    assert not panel.view.horizontalScrollBar().isVisible()
    # A shrunk column's heading may be cut: hovering it shows it whole.
    tips = [
        panel.model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for i in range(panel.model.columnCount())
    ]
    assert tips == [column.label for column in panel.model.columns]
    assert "Participant" in tips

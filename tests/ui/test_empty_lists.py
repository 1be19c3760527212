"""An empty list page says what it holds and shows its main action; a search that finds
nothing says so and offers to clear it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms.base import RecordForm
from clauses_app.ui.lists.base import ListPanel
from clauses_app.ui.lists.pages import (
    AuthoritiesPage,
    CompaniesPage,
    ContractsPage,
    EmploymentsPage,
    ParticipantsPage,
)
from tests import builders as b

PAGES = [
    (AuthoritiesPage, "Aucun donneur d'ordre pour l'instant", "acheteurs publics",
     "Nouveau donneur d'ordre…", Kind.AUTHORITY),
    (CompaniesPage, "Aucune entreprise pour l'instant", "structures d'insertion",
     "Nouvelle entreprise…", Kind.COMPANY),
    (ParticipantsPage, "Aucun participant pour l'instant", "parcours d'insertion",
     "Nouveau participant…", Kind.PARTICIPANT),
    (EmploymentsPage, "Aucun contrat de travail pour l'instant", "heures",
     "Nouveau contrat…", Kind.EMPLOYMENT),
]  # fmt: skip


def show(qtbot: Any, page: QWidget) -> QWidget:
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    for panel in page.findChildren(ListPanel):
        if panel.isVisible():
            qtbot.waitUntil(lambda panel=panel: panel.loaded)
    return page


def visible_forms(page: QWidget) -> list[RecordForm]:
    return [form for form in page.findChildren(RecordForm) if form.isVisible()]


@pytest.mark.parametrize(("page_class", "heading", "words", "action", "kind"), PAGES)
def test_an_empty_list_page_says_what_it_holds_and_offers_its_main_action(
    qtbot: Any, app_context: AppContext, page_class: Any, heading: str, words: str,
    action: str, kind: str,
) -> None:  # fmt: skip
    page = show(qtbot, page_class(app_context))
    panel, empty = page.panel, page.panel.empty_state
    assert empty.isVisible() and not panel.view.isVisible()
    assert empty.heading.text() == heading and words in empty.text.text()
    assert empty.button.text() == action and empty.button.isVisible()
    empty.button.click()
    qtbot.waitUntil(lambda: len(visible_forms(page)) == 1)
    assert visible_forms(page)[0].kind == kind
    visible_forms(page)[0].reject()


def test_the_table_comes_back_with_the_first_record(qtbot: Any, app_context: AppContext) -> None:
    page = show(qtbot, AuthoritiesPage(app_context))
    assert page.panel.empty_state.isVisible()
    with app_context.database.transaction() as s:
        b.authority(s, "Ville de Lyon")
    page.panel.refresh()
    assert page.panel.view.isVisible() and not page.panel.empty_state.isVisible()
    assert page.panel.model.rowCount() == 1


def test_a_search_that_finds_nothing_offers_to_clear_it(
    qtbot: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        b.company(s, "Bâtir Ensemble", city="Lyon")
    page = show(qtbot, CompaniesPage(app_context))
    panel = page.panel
    panel.search.setText("introuvable")
    panel.refresh()
    empty = panel.empty_state
    assert empty.isVisible() and empty.heading.text() == "Aucun résultat"
    assert empty.button.text() == "Effacer la recherche et les filtres"
    empty.button.click()
    assert panel.search.text() == "" and panel.view.isVisible()
    assert panel.model.rowCount() == 1


def test_the_contracts_page_empty_and_its_lots(qtbot: Any, app_context: AppContext) -> None:
    page = show(qtbot, ContractsPage(app_context))
    empty = page.contracts.empty_state
    assert empty.isVisible() and empty.heading.text() == "Aucun marché pour l'instant"
    assert empty.button.text() == "Nouveau marché…"
    assert page.lots.empty_state.isVisible()
    assert page.lots.empty_state.heading.text() == "Aucun marché choisi"
    assert not page.lots.empty_state.button.isVisible()
    with app_context.database.transaction() as s:
        b.contract(s, b.authority(s, "Ville de Lyon"), "M-1")
    page.contracts.refresh()
    qtbot.waitUntil(lambda: page.lots.contract_uuid is not None)
    lots_empty = page.lots.empty_state
    assert lots_empty.isVisible() and lots_empty.heading.text() == "Ce marché n'a pas encore de lot"
    assert lots_empty.button.text() == "Nouveau lot…"
    page.tabs.setCurrentIndex(1)
    operations = page.operations
    qtbot.waitUntil(lambda: operations.loaded)
    assert operations.empty_state.heading.text() == "Aucune opération pour l'instant"
    assert operations.empty_state.button.text() == "Nouvelle opération…"

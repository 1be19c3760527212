"""Keyboard comforts: a form opens with its first field focused; on a list page Ctrl+N
creates a record and Ctrl+F goes to the search box."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms import open_form
from clauses_app.ui.forms.base import RecordForm
from clauses_app.ui.lists.pages import AuthoritiesPage, ContractsPage, ParticipantsPage
from tests import builders as b


def first_input(form: RecordForm) -> QWidget:
    return next(iter(form.fields.values())).field.input_widget()


@pytest.mark.parametrize("kind", Kind.ALL)
def test_a_new_form_opens_in_its_first_field(qtbot: Any, app_context: AppContext,
                                             kind: str) -> None:  # fmt: skip
    form = open_form(app_context, kind)
    qtbot.addWidget(form)
    qtbot.waitExposed(form)
    assert form.focusWidget() is first_input(form)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first_input(form))


def test_an_existing_record_opens_in_its_first_field(qtbot: Any, app_context: AppContext) -> None:
    with app_context.database.transaction() as s:
        authority = b.authority(s, "Ville de Lyon")
    form = open_form(app_context, Kind.AUTHORITY, authority.uuid)
    qtbot.addWidget(form)
    qtbot.waitExposed(form)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first_input(form))


def shown(qtbot: Any, page: QWidget) -> QWidget:
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitActive(page)
    return page


def forms_of(page: QWidget) -> list[RecordForm]:
    return [form for form in page.findChildren(RecordForm) if form.isVisible()]


def test_ctrl_n_creates_a_record_and_ctrl_f_searches(qtbot: Any, app_context: AppContext) -> None:
    page = shown(qtbot, ParticipantsPage(app_context))
    qtbot.waitUntil(lambda: page.panel.loaded)
    page.panel.view.setFocus()
    qtbot.keyClick(page.panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.panel.search
    page.panel.search.setText("Mar")
    qtbot.keyClick(page.panel.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(forms_of(page)) == 1)
    form = forms_of(page)[0]
    assert form.kind == Kind.PARTICIPANT and form.record_uuid is None
    form.reject()


def test_ctrl_n_on_the_contracts_page_follows_the_tab_shown(
    qtbot: Any, app_context: AppContext
) -> None:
    with app_context.database.transaction() as s:
        b.contract(s, b.authority(s, "Ville de Lyon"), "M-1")
    page = shown(qtbot, ContractsPage(app_context))
    qtbot.waitUntil(lambda: page.contracts.loaded)
    page.lots.view.setFocus()  # in the lots below: Ctrl+N is still the page's main action
    qtbot.keyClick(page.lots.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(forms_of(page)) == 1)
    assert forms_of(page)[0].kind == Kind.CONTRACT
    forms_of(page)[0].reject()
    page.tabs.setCurrentIndex(1)
    page.operations.view.setFocus()
    qtbot.keyClick(page.operations.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(forms_of(page)) == 1)
    assert forms_of(page)[0].kind == Kind.OPERATION
    forms_of(page)[0].reject()


def test_ctrl_n_of_a_hidden_page_does_nothing(qtbot: Any, app_context: AppContext) -> None:
    visible = shown(qtbot, AuthoritiesPage(app_context))
    hidden = AuthoritiesPage(app_context, parent=visible)  # a page of the stack not shown
    hidden.hide()
    qtbot.waitUntil(lambda: visible.panel.loaded)
    visible.panel.view.setFocus()
    qtbot.keyClick(visible.panel.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(forms_of(visible)) == 1)
    assert forms_of(hidden) == []


def test_in_the_main_window_ctrl_n_and_ctrl_f_act_on_the_page_shown(
    qtbot: Any, app_context: AppContext
) -> None:
    from clauses_app.ui.main_window import MainWindow

    window = MainWindow(app_context, remember=False)
    shown(qtbot, window)
    window.switch_page("companies")
    page = window.page("companies")
    qtbot.waitUntil(lambda: page.panel.loaded)
    window.sidebar.setFocus()  # the focus in the sidebar, not in the page
    qtbot.keyClick(window.sidebar, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.panel.search
    qtbot.keyClick(window.sidebar, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(forms_of(window)) == 1)
    assert forms_of(window)[0].kind == Kind.COMPANY
    forms_of(window)[0].reject()


def test_ctrl_s_saves_a_form(qtbot: Any, app_context: AppContext) -> None:
    form = open_form(app_context, Kind.AUTHORITY)
    qtbot.addWidget(form)
    qtbot.waitExposed(form)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first_input(form))
    qtbot.keyClicks(first_input(form), "Ville de Lyon")
    assert form.current_errors() == {}
    saved: list[Any] = []
    form.saved.connect(saved.append)
    qtbot.keyClick(first_input(form), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(saved) == 1 and form.result() == form.DialogCode.Accepted

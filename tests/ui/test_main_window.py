"""The main window: sidebar, pages, remembered state, record navigation, screenshots."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms.base import RecordForm
from clauses_app.ui.main_window import KIND_PAGES, LOADING_TEXT, OPENING_TEXT, MainWindow
from tests import builders as b
from tests.ui.conftest import MessageBoxes


def make_window(qtbot: Any, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    return window


def test_sidebar_order_and_status_bar(qtbot: Any, app_context: AppContext) -> None:
    window = make_window(qtbot, app_context)
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == [
        "Tableau de bord", "Alertes", "Donneurs d'ordre", "Opérations et marchés", "Entreprises",
        "Participants", "Contrats et heures", "Documents", "Données personnelles", "Paramètres",
    ]  # fmt: skip
    db_path = str(app_context.database.file_path)
    assert window.database_label.text() == f"Base de données : {db_path}"
    assert window.current_name == "dashboard"
    window.sidebar.setCurrentRow(4)
    assert window.current_name == "companies"
    assert window.stack.currentWidget() is window.page("companies")


def test_frame_first_then_attach_builds_the_page_in_view(
    qtbot: Any, app_context: AppContext
) -> None:
    window = MainWindow(remember=False)  # the frame, before the database is open
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.painted)
    assert window.stack.currentWidget() is window.loading_page
    assert window.loading_page.heading.text() == "Tableau de bord"
    assert window.loading_page.message.text() == LOADING_TEXT
    assert window.database_label.text() == OPENING_TEXT
    assert window.switch_page("employments")  # the user may choose while it loads
    assert window.loading_page.heading.text() == "Contrats et heures"
    assert window.sidebar.currentRow() == 6 and window.pages == {}
    with pytest.raises(RuntimeError):
        window.page("companies")
    window.attach(app_context)
    assert list(window.pages) == ["employments"]
    assert window.stack.currentWidget() is window.pages["employments"]
    assert window.current_name == "employments"
    with pytest.raises(RuntimeError):
        window.attach(app_context)


def test_every_record_kind_has_its_page() -> None:
    assert set(KIND_PAGES) == set(Kind.ALL)


def test_geometry_and_last_page_remembered(
    qtbot: Any, app_context: AppContext, clauses_home: Path
) -> None:
    window = make_window(qtbot, app_context)
    window.switch_page("participants")
    window.close()
    ini = clauses_home / "config" / "clauses-app.ini"
    text = ini.read_text(encoding="utf-8")
    assert "last_page=participants" in text
    assert "geometry=@ByteArray(" in text
    again = make_window(qtbot, app_context)
    assert again.current_name == "participants"


def test_open_record_switches_page_and_opens_the_form(qtbot: Any, app_context: AppContext) -> None:
    with app_context.database.transaction() as s:
        company_uuid = b.company(s, "Bâtir Ensemble").uuid
    window = make_window(qtbot, app_context)
    app_context.open_record(Kind.COMPANY, company_uuid)
    assert window.current_name == "companies"
    forms = [f for f in window.findChildren(RecordForm) if f.isVisible()]
    assert len(forms) == 1
    assert forms[0].fields["name"].field.value() == "Bâtir Ensemble"


def test_page_switch_confirms_unsaved_form(
    qtbot: Any, app_context: AppContext, message_boxes: MessageBoxes
) -> None:
    window = make_window(qtbot, app_context)
    window.switch_page("authorities")
    form = window.page("authorities").panel.new_record()
    form.fields["name"].field.set_value("Ville de Bron")
    message_boxes.answers.append(QMessageBox.StandardButton.Cancel)
    assert not window.switch_page("companies")
    assert window.current_name == "authorities"
    assert window.sidebar.currentRow() == 2
    message_boxes.answers.append(QMessageBox.StandardButton.Discard)
    assert window.switch_page("companies")


def test_screenshot_command_writes_a_png_of_the_size_asked(tmp_path: Path, database: Any) -> None:
    with database.transaction() as s:
        auth = b.authority(s, "Ville de Lyon")
        b.employment(s, b.award(s, b.lot(s, b.contract(s, auth)), b.company(s), 10),
                     b.participant(s), date(2025, 1, 1))  # fmt: skip
    target = tmp_path / "shots" / "employments.png"
    result = subprocess.run(
        [sys.executable, "-m", "clauses_app.ui.app", "--screenshot", str(target),
         "--page", "employments", "--size", "1024x700", "--db", str(database.file_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1024, 700)

"""The first run: an empty database starts on three ways in (import, demonstration,
organisation) instead of an empty dashboard, and gives way to the dashboard once it holds
records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.profile import FacilitatorProfile, load_profile
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database
from clauses_app.ui import tasks
from clauses_app.ui.context import AppContext
from clauses_app.ui.main_window import DEMO_LABEL, MainWindow
from clauses_app.ui.organisation_dialog import OrganisationDialog
from tests import builders as b


@pytest.fixture
def window(qtbot: Any, app_context: AppContext) -> Iterator[MainWindow]:
    """The window on the test's database. Not given to qtbot.addWidget: pytest-qt deletes
    those before fixtures end, under the dashboard's running tasks; closed here instead."""
    main = MainWindow(app_context, remember=False)
    main.show()
    yield main
    main.close()
    main.detach()  # stops the running tasks first
    main.deleteLater()


def top_dialogs(kind: type) -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_an_empty_database_starts_on_three_ways_in(window: MainWindow) -> None:
    welcome = window.welcome
    assert welcome is not None and window.stack.currentWidget() is welcome
    assert window.current_name == "dashboard" and window.sidebar.currentRow() == 0
    assert window.pages == {}  # the dashboard is not built for an empty database
    assert [button.text() for button in welcome.buttons.values()] == [
        "Importer mon tableau de suivi",
        "Découvrir avec des données de démonstration",
        "Commencer : mon organisation",
    ]
    window.switch_page("companies")  # the sidebar still leads everywhere
    window.switch_page("dashboard")
    assert window.stack.currentWidget() is welcome


def test_a_database_with_records_starts_on_the_dashboard(
    qtbot: Any, database: Database
) -> None:
    with database.transaction() as s:
        b.authority(s)
    main = MainWindow(AppContext(database), remember=False)
    assert main.welcome is None
    assert main.stack.currentWidget() is main.pages["dashboard"]
    main.detach()
    main.deleteLater()


def test_the_welcome_page_gives_way_once_records_arrive(
    window: MainWindow, database: Database
) -> None:
    with database.transaction() as s:
        b.company(s)
    tasks.notify_data_changed()  # what an import or a saved form emits
    assert window.welcome is None
    assert window.stack.currentWidget() is window.pages["dashboard"]


def test_import_opens_the_spreadsheet_import(qtbot: Any, window: MainWindow) -> None:
    from clauses_app.ui.imports.sheet_dialog import SheetImportDialog

    assert window.welcome is not None
    qtbot.mouseClick(window.welcome.buttons["import"], Qt.MouseButton.LeftButton)
    [dialog] = top_dialogs(SheetImportDialog)
    dialog.close()


def test_organisation_saved_in_the_database_and_contact_in_the_users_profile(
    qtbot: Any, window: MainWindow, database: Database
) -> None:
    assert window.welcome is not None
    qtbot.mouseClick(window.welcome.buttons["organisation"], Qt.MouseButton.LeftButton)
    [dialog] = top_dialogs(OrganisationDialog)
    assert dialog.name.text() == ""  # the default name is not offered as the user's
    qtbot.keyClicks(dialog.name, "PLIE du Pays d'Albi")
    dialog.address.setPlainText("1 rue Croix-Verte\n81000 Albi")
    dialog.facilitator_name.setText("Camille Durand")
    dialog.facilitator_email.setText("pas-une-adresse")
    assert not dialog.save()
    assert dialog.error_label.text() == "Le courriel du facilitateur n'est pas une adresse valide."
    with database.session() as s:
        assert load_settings(s).organisation.name == "Structure d'accompagnement"
    assert load_profile() == FacilitatorProfile()  # nothing written
    dialog.facilitator_email.setText("camille.durand@plie-albi.fr")
    dialog.facilitator_phone.setText("05 63 00 00 00")
    assert dialog.save() and dialog.result() == QDialog.DialogCode.Accepted
    with database.session() as s:
        organisation = load_settings(s).organisation
    assert (organisation.name, organisation.address) == (
        "PLIE du Pays d'Albi", "1 rue Croix-Verte\n81000 Albi",
    )  # fmt: skip
    assert organisation.facilitator_email == ""  # the contact is not the database's
    assert load_profile() == FacilitatorProfile(
        "Camille Durand", "camille.durand@plie-albi.fr", "05 63 00 00 00"
    )
    assert window.welcome is not None  # still no record: the next step is said
    assert window.welcome.state_label.text().startswith(
        "✓ Organisation enregistrée : PLIE du Pays d'Albi."
    )
    reopened = OrganisationDialog(window.context, window)  # type: ignore[arg-type]
    assert reopened.name.text() == "PLIE du Pays d'Albi"
    assert reopened.facilitator_phone.text() == "05 63 00 00 00"
    reopened.deleteLater()


def test_demonstration_switches_to_a_throw_away_database_labelled_as_such(
    qtbot: Any, window: MainWindow, database: Database, db_path: Path
) -> None:
    assert window.welcome is not None
    before = db_path.read_bytes()
    qtbot.mouseClick(window.welcome.buttons["demo"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.context is not None and window.context.demo, timeout=30_000)
    context = window.context
    assert context is not None
    demo_path = context.database.file_path
    assert demo_path is not None and demo_path.parent.name.startswith("clauses-demo-")
    assert window.windowTitle() == f"Clauses — {DEMO_LABEL}"
    assert window.database_label.text().startswith("DÉMONSTRATION (base jetable) : ")
    assert window.welcome is None
    assert window.stack.currentWidget() is window.pages["dashboard"]
    with context.database.session() as s:
        assert load_settings(s).organisation.name != "Structure d'accompagnement"
    assert db_path.read_bytes() == before  # the user's database was not touched
    assert str(demo_path) not in window.recent_databases()  # a throw-away is not "recent"
    # Leaving the demonstration deletes it.
    window.switch_database(AppContext(open_app_database(str(db_path))))
    assert not demo_path.parent.exists()


def test_the_demo_start_option_labels_the_title_bar(qtbot: Any, tmp_path: Path) -> None:
    from clauses_app.ui.app import _open_and_attach, parse_args

    args = parse_args(["--demo", "--screenshot", str(tmp_path / "x.png")])
    main = MainWindow(remember=False)
    started = _open_and_attach(args, QApplication.instance(), main, interactive=False)
    assert not isinstance(started, int)
    assert main.windowTitle() == f"Clauses — {DEMO_LABEL}"
    demo_path = main.context.database.file_path if main.context else None
    assert demo_path is not None and demo_path.is_file()
    main.close_database()
    main.deleteLater()
    assert not demo_path.parent.exists()  # a throw-away: deleted once closed

"""The Fichier and Aide menus: new, open, recent, copy (the window switches to the database
chosen); bad input explained in one French sentence with the current database still open
and the file unchanged; the about box; the user guide."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog

from clauses_app.services import databases
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database, migrate
from clauses_app.ui import database_menu
from clauses_app.ui.main_window import MainWindow, fitted_geometry
from tests import builders as b
from tests.ui.conftest import MessageBoxes, settle


def answer_open(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(path), ""))
    )


def answer_save(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(path), ""))
    )


def trigger(window: MainWindow, name: str) -> None:
    [action] = [a for a in window.findChildren(type(window.quit_action)) if a.objectName() == name]
    action.trigger()
    settle()  # opening, creating and copying run on a worker thread


def database_with_data(path: Path, authority: str = "Ville d'Albi") -> Path:
    """A database file holding one authority with a contract: 700 h required, 70 h done."""
    database = open_app_database(str(path))
    with database.transaction() as s:
        contract = b.contract(s, b.authority(s, name=authority), start_date=date(2025, 1, 1))
        award = b.award(s, b.lot(s, contract), b.company(s), 700)
        b.month_hours(s, b.employment(s, award, b.participant(s), date(2025, 1, 1)), 2025, 2, 70)
    database.dispose()
    return path


def authority_names(database: Database) -> list[str]:
    from sqlalchemy import select

    from clauses_app.models import ContractingAuthority

    with database.session() as s:
        return sorted(s.scalars(select(ContractingAuthority.name)))


def current_path(window: MainWindow) -> Path | None:
    return window.context.database.file_path if window.context is not None else None


# --- the menus -------------------------------------------------------------------------------


def test_the_menus_a_desktop_user_expects(window: MainWindow) -> None:
    texts = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert texts == [
        "&Nouvelle base…", "&Ouvrir une base…", "Se connecter à la base d'é&quipe…",
        "Bases &récentes", "&Enregistrer une copie…", "Restaurer une &sauvegarde…", "&Importer",
        "E&xporter", "Saisie du mois…", "&Quitter",
    ]  # fmt: skip
    help_menu = window.menuBar().actions()[-1].menu()
    assert [a.text() for a in help_menu.actions()] == [
        "&Guide d'utilisation", "À &propos de Clauses", "Emplacement du journal",
    ]  # fmt: skip
    assert window.copy_action.isEnabled() and window.restore_action.isEnabled()


def test_copy_and_restore_wait_for_an_open_sqlite_file(qtbot: Any) -> None:
    frame = MainWindow(remember=False)
    qtbot.addWidget(frame)
    assert not frame.copy_action.isEnabled() and not frame.restore_action.isEnabled()
    assert not frame.import_menu.isEnabled() and not frame.export_menu.isEnabled()


def test_new_database_switches_the_window_to_it(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path
) -> None:
    target = tmp_path / "nouvelle"  # no suffix: .sqlite3 is added
    answer_save(monkeypatch, target)
    trigger(window, "new_database")
    new = tmp_path / "nouvelle.sqlite3"
    assert current_path(window) == new and new.is_file()
    assert window.windowTitle() == f"Clauses — {new}"
    assert window.database_label.text() == f"Base de données : {new}"
    assert window.welcome is not None  # a new database is empty
    assert window.recent_databases()[:2] == [str(new), str(db_path)]


def test_new_database_never_replaces_a_file(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    message_boxes: MessageBoxes, db_path: Path,
) -> None:  # fmt: skip
    existing = database_with_data(tmp_path / "suivi.sqlite3")
    before = existing.read_bytes()
    answer_save(monkeypatch, existing)
    trigger(window, "new_database")
    assert message_boxes.texts() == [
        f"Le fichier « {existing} » existe déjà : choisissez un autre nom, ou ouvrez-le avec "
        "« Ouvrir une base… »."
    ]
    assert existing.read_bytes() == before and current_path(window) == db_path


def test_open_database_switches_the_whole_window(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path
) -> None:
    other = database_with_data(tmp_path / "albi.sqlite3")
    window.switch_page("companies")
    first_pages = dict(window.pages)
    answer_open(monkeypatch, other)
    trigger(window, "open_database")
    assert current_path(window) == other
    assert window.windowTitle() == f"Clauses — {other}"
    assert window.current_name == "companies" and window.welcome is None
    assert window.pages["companies"] is not first_pages["companies"]  # built for the new one
    assert authority_names(window.context.database) == ["Ville d'Albi"]  # type: ignore[union-attr]
    # Bases récentes: the one left is offered, not the one open; choosing it goes back.
    window.recent_menu.aboutToShow.emit()
    entries = [a.text() for a in window.recent_menu.actions()]
    assert entries == [str(db_path)]
    window.recent_menu.actions()[0].trigger()
    settle()
    assert current_path(window) == db_path and window.current_name == "companies"


def test_opening_and_copying_run_off_the_window_thread(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A schema upgrade (and its backup) or a copy of a large file must not freeze the
    window: both run through the background-task helper, and the window switches after."""
    import threading

    other = database_with_data(tmp_path / "albi.sqlite3")
    threads: list[str] = []
    real_open, real_copy = databases.open_existing_database, databases.save_copy

    def opening(path: Path) -> Database:
        threads.append(threading.current_thread().name)
        return real_open(path)

    def copying(database: Database, target: Path) -> Path:
        threads.append(threading.current_thread().name)
        return real_copy(database, target)

    monkeypatch.setattr(databases, "open_existing_database", opening)
    monkeypatch.setattr(databases, "save_copy", copying)
    task = database_menu.open_database(window, other)
    assert task is not None and current_path(window) != other  # not switched yet
    settle()
    assert current_path(window) == other
    assert database_menu.save_copy(window, tmp_path / "copie.sqlite3") is not None
    settle()
    assert (tmp_path / "copie.sqlite3").is_file()
    assert len(threads) == 2 and threading.main_thread().name not in threads


def test_import_and_export_actions_follow_the_database(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = database_with_data(tmp_path / "albi.sqlite3")
    answer_open(monkeypatch, other)
    trigger(window, "open_database")
    assert [a.text() for a in window.import_menu.actions()] == [
        "Importer un fichier Clause…", "Importer un tableur…",
    ]  # fmt: skip
    from clauses_app.ui.imports.export_dialog import ExportDialog

    window.export_menu.actions()[-1].trigger()
    [dialog] = [w for w in window.findChildren(ExportDialog) if w.isVisible()]
    assert dialog.context is window.context
    dialog.close()


def test_save_copy_writes_a_database_equal_to_the_open_one(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    message_boxes: MessageBoxes,
) -> None:  # fmt: skip
    other = database_with_data(tmp_path / "albi.sqlite3")
    answer_open(monkeypatch, other)
    trigger(window, "open_database")
    copy = tmp_path / "copies" / "albi-copie.sqlite3"
    copy.parent.mkdir()
    answer_save(monkeypatch, copy)
    trigger(window, "save_copy")
    assert message_boxes.shown[-1][1] == "Copie enregistrée"
    assert current_path(window) == other  # the copy is not opened
    assert [p.name for p in copy.parent.iterdir()] == ["albi-copie.sqlite3"]  # no leftovers
    if os.name == "posix":
        assert copy.stat().st_mode & 0o777 == 0o600  # personal data: the owner's only
    reopened = open_app_database(str(copy))
    try:
        assert authority_names(reopened) == ["Ville d'Albi"]
    finally:
        reopened.dispose()


# --- bad input -------------------------------------------------------------------------------


def newer_database(path: Path) -> Path:
    database_with_data(path)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    return path


def other_sqlite(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (texte TEXT)")
    connection.commit()
    connection.close()
    return path


def text_file(path: Path) -> Path:
    path.write_text("nom;heures\nDupont;35\n", encoding="utf-8")
    return path


BAD_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "text": (text_file, "Le fichier « {path} » n'est pas une base de données Clauses."),
    "other_sqlite": (other_sqlite, "Le fichier « {path} » n'est pas une base de données Clauses."),
    "newer": (
        newer_database,
        "Cette base de données a été créée par une version plus récente de Clauses "
        "(schéma 9999) : mettez l'application à jour. La base n'a pas été modifiée.",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_file_that_cannot_be_opened_is_explained_and_changes_nothing(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    message_boxes: MessageBoxes, db_path: Path, kind: str,
) -> None:  # fmt: skip
    make, sentence = BAD_FILES[kind]
    bad = make(tmp_path / "autre.sqlite3")
    before = bad.read_bytes()
    context = window.context
    answer_open(monkeypatch, bad)
    trigger(window, "open_database")
    assert [text for _kind, _title, text in message_boxes.shown] == [sentence.format(path=bad)]
    assert message_boxes.shown[0][0] == "warning"
    assert bad.read_bytes() == before  # nothing changed, no backup beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autre.sqlite3", "test.sqlite3"]
    assert window.context is context and current_path(window) == db_path  # still open
    assert window.stack.currentWidget() is window.welcome
    with context.database.session() as s:  # type: ignore[union-attr]
        assert migrate.current_revision(s.get_bind()) == migrate.head_revision()


def test_a_read_only_folder_is_explained_and_changes_nothing(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    message_boxes: MessageBoxes, db_path: Path,
) -> None:  # fmt: skip
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    stored = database_with_data(folder / "suivi.sqlite3")
    before = stored.read_bytes()
    # The tests may run as root, whom permissions do not stop: the folder is made read-only
    # for the check itself.
    real_access = os.access
    monkeypatch.setattr(
        databases.os, "access", lambda p, mode: Path(p) != folder and real_access(p, mode)
    )
    answer_open(monkeypatch, stored)
    trigger(window, "open_database")
    answer_save(monkeypatch, folder / "nouvelle.sqlite3")
    trigger(window, "new_database")
    sentence = (
        f"Le dossier « {folder} » est en lecture seule : Clauses ne peut pas y enregistrer "
        "de base de données. Choisissez un dossier où vous pouvez écrire."
    )
    assert message_boxes.texts() == [sentence, sentence]
    assert sorted(p.name for p in folder.iterdir()) == ["suivi.sqlite3"]
    assert stored.read_bytes() == before and current_path(window) == db_path


# --- Aide ------------------------------------------------------------------------------------


def test_about_names_the_version_the_database_and_its_schema(window: MainWindow, db_path: Path):
    from clauses_app import __version__

    trigger(window, "show_about")
    [box] = [w for w in window.findChildren(database_menu.QMessageBox) if w.isVisible()]
    assert box.windowTitle() == "À propos de Clauses"
    head = migrate.head_revision()
    assert box.text() == "\n".join([
        f"Clauses {__version__}", "Suivi des clauses sociales d'insertion.", "",
        "Base de données :", str(db_path), f"Schéma : {head}",
        f"Schéma de l'application : {head}", "",
        "Licence : MIT — logiciel libre, fourni sans garantie.",
    ])  # fmt: skip
    box.close()


def test_the_guide_opens_in_the_default_browser(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    trigger(window, "open_guide")
    [url] = opened
    page = Path(url.toLocalFile())
    assert page.name == "index.html" and page.parent.name == "guide" and page.is_file()
    text = page.read_text(encoding="utf-8")
    assert '<html lang="fr">' in text
    for chapter in ("premiers-pas", "fiches", "heures", "documents", "echanges"):
        linked = page.parent / f"{chapter}.html"
        assert f'href="{chapter}.html"' in text and linked.is_file(), chapter


# --- window geometry -------------------------------------------------------------------------


def test_the_first_geometry_fits_a_laptop_screen_with_its_task_bar() -> None:
    laptop = QRect(0, 0, 1366, 728)  # 1366×768 less a 40-pixel task bar
    inside = fitted_geometry(laptop)
    assert (inside.width(), inside.height()) == (1350, 688)
    # with a 32-pixel title bar above it and 8-pixel borders, the whole window (status bar
    # included) is on the screen
    assert inside.top() - 32 >= laptop.top() and inside.bottom() + 8 <= laptop.bottom()
    assert inside.left() - 8 >= laptop.left() and inside.right() + 8 <= laptop.right()
    large = fitted_geometry(QRect(0, 0, 1920, 1040))
    assert (large.width(), large.height()) == (1366, 768)
    assert large.center().x() in (959, 960)


def test_a_first_start_fits_the_screens_available_geometry(qtbot: Any) -> None:
    frame = MainWindow(remember=True)  # no geometry saved yet (a fresh config folder)
    qtbot.addWidget(frame)
    frame.show()
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert screen.contains(frame.geometry())
    assert frame.statusBar().isVisible()
    assert screen.contains(frame.statusBar().mapToGlobal(frame.statusBar().rect().bottomRight()))

"""File dialogs remember the last folder per kind of file; a written document offers
« Ouvrir » and « Ouvrir le dossier »."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

import clauses_app.ui
from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.imports.common import SHEET_FILTER, FileRow
from clauses_app.ui.imports.export_dialog import ExportDialog
from clauses_app.ui.lists.base import ListPanel
from clauses_app.ui.widgets import files
from clauses_app.ui.widgets.files import FileKind, WrittenFileLinks, ask_open_path, ask_save_path
from tests import builders as b


class Dialogs:
    """Stands for the user in Qt's static file dialogs: notes where each one starts and
    answers with the next path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.starts: list[str] = []
        self.answers: list[Path] = []

        def answer(parent: Any, caption: str, start: str, *rest: Any) -> tuple[str, str]:
            self.starts.append(start)
            return (str(self.answers.pop(0)) if self.answers else "", "")

        def folder(parent: Any, caption: str, start: str, *rest: Any) -> str:
            return answer(parent, caption, start)[0]

        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(answer))
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(folder))


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    return Dialogs(monkeypatch)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """What the system was asked to open (nothing is really launched)."""
    urls: list[Path] = []

    def open_url(url: QUrl) -> bool:
        urls.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(files.QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


def test_each_kind_of_file_starts_where_its_last_file_was_chosen(
    qapp: Any, dialogs: Dialogs, tmp_path: Path
) -> None:
    sheets, reports = tmp_path / "tableurs", tmp_path / "bilans"
    sheets.mkdir()
    reports.mkdir()
    dialogs.answers = [sheets / "suivi.xlsx", reports / "bilan.pdf"]
    assert ask_open_path(None, FileKind.SHEET, "Tableur", SHEET_FILTER) == sheets / "suivi.xlsx"
    assert ask_save_path(None, FileKind.DOCUMENT, "Bilan", "PDF (*.pdf)", "a.pdf") == (
        reports / "bilan.pdf"
    )
    first_sheet, first_report = dialogs.starts
    assert Path(first_sheet) == files.default_folder()
    assert Path(first_report) == files.default_folder() / "a.pdf"
    dialogs.starts.clear()
    ask_open_path(None, FileKind.SHEET, "Tableur", SHEET_FILTER)  # cancelled: nothing noted
    ask_save_path(None, FileKind.DOCUMENT, "Bilan", "PDF (*.pdf)", "b.pdf")
    ask_open_path(None, FileKind.CLAUSE, "Clause", "*.clause")
    assert [Path(s) for s in dialogs.starts] == [sheets, reports / "b.pdf", files.default_folder()]
    # Kept in the config folder, for the next run; a folder since removed is forgotten.
    assert (files.paths.config_dir() / files.SETTINGS_FILE).read_text().count("tableurs") == 1
    sheets.rmdir()
    assert files.last_folder(FileKind.SHEET) == files.default_folder()


def test_an_import_dialogs_file_row_starts_in_the_last_sheet_folder(
    qtbot: Any, dialogs: Dialogs, tmp_path: Path
) -> None:
    files.remember_folder(FileKind.SHEET, tmp_path / "suivi.xlsx")
    row = FileRow("Choisir un tableur", SHEET_FILTER, FileKind.SHEET)
    qtbot.addWidget(row)
    dialogs.answers = [tmp_path / "autre.csv"]
    row.button.click()
    assert dialogs.starts == [str(tmp_path)] and row.path() == tmp_path / "autre.csv"


def test_every_file_dialog_of_the_window_goes_through_the_helper() -> None:
    root = Path(clauses_app.ui.__file__).parent
    direct = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "files.py"
        and re.search(r"QFileDialog\.get", path.read_text(encoding="utf-8"))
    ]
    assert direct == []


def test_written_links_open_the_file_and_its_folder(
    qtbot: Any, opened: list[Path], tmp_path: Path
) -> None:
    page = QWidget()
    links = WrittenFileLinks(page)
    qtbot.addWidget(page)
    page.show()
    assert links.isHidden()
    report = tmp_path / "bilan.pdf"
    report.write_bytes(b"%PDF")
    links.show_for(report)
    assert links.isVisible() and links.open_button.isVisible()
    links.open_button.click()
    links.folder_button.click()
    assert opened == [report, tmp_path]
    links.show_for(tmp_path)  # a folder of reports: nothing to open but the folder
    assert links.folder_button.isVisible() and not links.open_button.isVisible()
    links.show_for(None)
    assert links.isHidden()


def test_a_list_export_offers_to_open_the_file(
    qtbot: Any, app_context: AppContext, dialogs: Dialogs, opened: list[Path], tmp_path: Path
) -> None:
    with app_context.database.transaction() as s:
        b.company(s, "Bâtir Ensemble", city="Lyon")
    panel = ListPanel(app_context, Kind.COMPANY, "Entreprises")
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.loaded)
    target = tmp_path / "entreprises.xlsx"
    dialogs.answers = [target]
    panel.export_button.click()
    qtbot.waitUntil(lambda: panel.findChild(QMessageBox) is not None, timeout=10_000)
    box = panel.findChild(QMessageBox)
    assert box.isVisible() and "1 lignes exportées" in box.text() and target.is_file()
    buttons = {button.text(): button for button in box.findChildren(QPushButton)}
    assert {"Ouvrir", "Ouvrir le dossier", "Fermer"} <= set(buttons)
    buttons["Ouvrir le dossier"].click()
    assert opened == [tmp_path]


def test_a_clause_export_offers_its_folder(
    qtbot: Any, app_context: AppContext, opened: list[Path], tmp_path: Path
) -> None:
    dialog = ExportDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.written.isVisible()
    dialog.file_row.set_path(tmp_path / "échange.clause")
    dialog.start_export()
    qtbot.waitUntil(lambda: dialog.exported is not None, timeout=10_000)
    assert dialog.written.isVisible() and not dialog.written.open_button.isVisible()
    dialog.written.folder_button.click()
    assert opened == [tmp_path]

"""The « Données personnelles » page: right of access as a PDF, holds, archive, the purge
assistant (preview who and why, confirm, erase in the background), a screenshot."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from clauses_app.services import privacy
from clauses_app.storage import Database
from clauses_app.storage import backup as bk
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages.privacy_page import PrivacyPage, qdate
from tests.core.test_privacy import Dataset, build

SCREENSHOT = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "donnees-personnelles.png"
)


@pytest.fixture
def data(database: Database) -> Dataset:
    return build(database)


@pytest.fixture
def page(qtbot: Any, app_context: AppContext, data: Dataset, tmp_path: Path) -> Any:
    widget = PrivacyPage(app_context)
    qtbot.addWidget(widget)
    widget.resize(1166, 700)
    widget.show()
    widget.ask_save_path = lambda title, suggested, fmt: tmp_path / suggested  # type: ignore[method-assign]
    yield widget
    if widget.task is not None:
        qtbot.waitUntil(lambda: widget.task is None, timeout=30_000)


def _choose(page: Any, uuid_: Any) -> None:
    index = page.person_combo.findData(str(uuid_))
    assert index >= 0
    page.person_combo.setCurrentIndex(index)


def test_right_of_access_pdf_from_the_window(qtbot: Any, page: Any, data: Dataset,
                                             tmp_path: Path) -> None:  # fmt: skip
    page.search_edit.setText("dupont")
    page.find_people()
    assert page.person_combo.count() == 1
    assert page.person_combo.currentText() == "DUPONT Jeanne (20/06/1997)"
    assert "conservé jusqu'au 30/06/2025 inclus" in page.person_state.text()
    page.write_access("pdf")
    qtbot.waitUntil(lambda: page.task is None, timeout=30_000)
    path = tmp_path / "droit-acces-Dupont-Jeanne.pdf"
    assert page.status_label.text().startswith(f"Données de la personne enregistrées : {path}")
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Vos données personnelles" in text and "3 rue des Lilas" in text
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert page.written.isVisible()


def test_a_hold_without_a_reason_is_refused_on_the_page(
    page: Any, database: Database, data: Dataset
) -> None:
    _choose(page, data.durand)
    page.hold_until.setDate(qdate(date(2031, 12, 31)))
    page.hold_reason.setText("  ")
    page.hold_button.click()
    assert "Indiquez le motif de la conservation prolongée" in page.status_label.text()
    with database.session() as s:
        assert data.durand not in privacy.retention_holds(s)


def test_hold_and_archive(page: Any, database: Database, data: Dataset) -> None:
    _choose(page, data.durand)
    page.hold_until.setDate(qdate(date(2031, 12, 31)))
    page.hold_reason.setText("Contrôle FSE 2021-2027")
    page.hold_button.click()
    assert "Conservation prolongée jusqu'au 31/12/2031 (Contrôle FSE 2021-2027)" in (
        page.person_state.text()
    )
    with database.session() as s:
        assert privacy.retention_holds(s)[data.durand]["until"] == "2031-12-31"
    page.unhold_button.click()
    with database.session() as s:
        assert data.durand not in privacy.retention_holds(s)
    assert page.archive_button.text() == "Archiver"
    page.archive_button.click()
    assert page.archive_button.text() == "Réactiver" and "archivé" in page.person_state.text()


def test_purge_assistant_previews_then_erases(qtbot: Any, page: Any, database: Database,
                                              data: Dataset, db_path: Path) -> None:  # fmt: skip
    page.purge_date.setDate(qdate(date(2025, 7, 1)))
    page.preview_purge()
    rows = [
        [page.purge_table.item(r, c).text() for c in range(page.purge_table.columnCount())]
        for r in range(page.purge_table.rowCount())
    ]
    assert [r[0] for r in rows] == ["MARTIN Paul (01/02/1973)", "DUPONT Jeanne (20/06/1997)"]
    assert rows[0][2] == "archivé" and rows[1][1] == "30/06/2023"
    assert rows[1][3] == "plus de 2 ans sans activité"
    assert page.purge_summary.text() == (
        "À anonymiser au 01/07/2025 : 2 dossier(s), sans activité depuis avant le 01/07/2023 ;"
        " déjà anonymisés : 0 ; conservés au-delà par une prolongation : 0."
    )
    assert page.purge_button.isEnabled() and page.purge_button.text() == (
        "Anonymiser ces 2 dossier(s)…"
    )
    asked: list[str] = []
    page.confirm = lambda title, text: asked.append(text) is None and False  # type: ignore[method-assign]
    page.run_purge()  # refused: nothing happens
    assert page.task is None and len(asked) == 1
    with database.session() as s:
        assert not privacy.is_anonymised(s, data.dupont)
    page.confirm = lambda title, text: True  # type: ignore[method-assign]
    page.run_purge()
    qtbot.waitUntil(lambda: page.task is None, timeout=30_000)
    assert page.status_label.text().startswith("Dossier(s) anonymisé(s) : 2.")
    assert page.purge_table.rowCount() == 0 and not page.purge_button.isEnabled()
    with database.session() as s:
        assert privacy.is_anonymised(s, data.dupont) and privacy.is_anonymised(s, data.martin)
    assert [b.reason for b in bk.list_backups(db_path)] == ["purge"]
    assert b"3 rue des Lilas" not in bk.list_backups(db_path)[0].path.read_bytes()
    assert "1 purge(s)" in page.log_label.text()


def test_screenshot(qtbot: Any, page: Any, tmp_path: Path) -> None:
    page.resize(1366 - 200, 768 - 60)  # the window's page area at 1366×768
    page.purge_date.setDate(qdate(date(2025, 7, 1)))
    page.preview_purge()
    page.search_edit.setText("dupont")
    page.find_people()
    qtbot.wait(50)
    target = SCREENSHOT if os.environ.get("CLAUSES_WRITE_SCREENSHOTS") else tmp_path / "p.png"
    assert page.grab().save(str(target))
    assert target.stat().st_size > 10_000


def test_anonymize_one_person_on_request(qtbot: Any, page: Any, database: Database,
                                         data: Dataset) -> None:  # fmt: skip
    _choose(page, data.durand)
    questions: list[str] = []
    page.confirm = lambda title, text: questions.append(text) is None and False  # type: ignore[method-assign]
    assert page.anonymize_person() is None
    assert "DURAND Léa" in questions[0] and "définitif" in questions[0]
    page.confirm = lambda title, text: True  # type: ignore[method-assign]
    page.anonymize_person()
    qtbot.waitUntil(lambda: page.task is None, timeout=30_000)
    assert page.status_label.text().startswith("Dossier(s) anonymisé(s) : 1.")
    with database.session() as s:
        assert privacy.is_anonymised(s, data.durand)
        entry = privacy.purge_log(s)[-1]
    assert entry["reason"] == "REQUEST"

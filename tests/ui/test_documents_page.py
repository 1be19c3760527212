"""The documents page: narratives, a balance report, the yearly batch (and its cancel), clause
wording; buttons disabled when the reports module is missing."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from clauses_app.reports import balance
from clauses_app.services.narratives import get_narrative
from clauses_app.services.periods import Period
from clauses_app.ui.context import AppContext
from clauses_app.ui.pages import documents
from clauses_app.ui.pages.combos import find_data
from clauses_app.ui.pages.documents import MISSING_REPORTS, DocumentsPage
from tests import builders as b


@pytest.fixture
def seeded(database):  # type: ignore[no-untyped-def]
    ids = {}
    with database.transaction() as s:
        for name in ("Bourg B", "Ville A", "Ville C"):
            auth = b.authority(s, name)
            con = b.contract(s, auth, f"{name[-1]}-2025", start_date=date(2025, 1, 1),
                             end_date=date(2025, 12, 31), object="Réhabilitation")  # fmt: skip
            lot = b.lot(s, con, title="Peinture", required_hours=350)
            aw = b.award(s, lot, b.company(s, f"SARL {name}"), 350)
            emp = b.employment(s, aw, b.participant(s, "Martin"), date(2025, 1, 1))
            b.month_hours(s, emp, 2025, 2, 140)
            ids[name] = (auth.uuid, con.uuid, lot.uuid)
    return ids


@pytest.fixture
def page(qtbot, database, seeded, tmp_path):  # type: ignore[no-untyped-def]
    widget = DocumentsPage(AppContext(database))
    qtbot.addWidget(widget)
    widget.resize(1166, 700)
    widget.show()
    widget.refresh()
    widget.year_spin.setValue(2025)
    widget.batch_year.setValue(2025)
    widget.ask_save_path = lambda title, suggested, fmt: tmp_path / suggested  # type: ignore[method-assign]
    widget.ask_folder = lambda title: tmp_path / "bilans"  # type: ignore[method-assign]
    yield widget
    if widget.task is not None:
        qtbot.waitUntil(lambda: widget.task is None, timeout=30_000)


def _wait(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.task is None, timeout=30_000)


def test_narrative_saved_per_authority_and_period(page, database, seeded) -> None:  # type: ignore[no-untyped-def]
    assert page.authority_combo.currentText() == "Bourg B"
    page.narrative.setPlainText("Une année de chantier dense.")
    assert page.narrative_state.text() == "Texte modifié, non enregistré."
    assert page.save_narrative()
    assert page.narrative_state.text() == "Texte enregistré pour année 2025."
    with database.session() as s:
        assert get_narrative(s, seeded["Bourg B"][0], Period.year(2025)) == (
            "Une année de chantier dense."
        )
    page.year_spin.setValue(2024)  # another period: its own (empty) text
    assert page.narrative.toPlainText() == ""
    page.year_spin.setValue(2025)
    assert page.narrative.toPlainText() == "Une année de chantier dense."
    page.authority_combo.setCurrentIndex(page.authority_combo.findText("Ville A"))
    assert page.narrative.toPlainText() == ""


def test_balance_report_pdf(qtbot, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.authority_combo.setCurrentIndex(page.authority_combo.findText("Ville A"))
    page.narrative.setPlainText("Texte du bilan de Ville A.")
    page.generate_balance("pdf")
    _wait(qtbot, page)
    path = tmp_path / "bilan-2025-ville-a.pdf"
    assert page.status_label.text() == f"Bilan enregistré : {path}"
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Ville A" in text and "Texte du bilan de Ville A." in text
    assert page.narrative_state.text() == "Texte enregistré pour année 2025."  # before writing


def test_batch_of_every_authority(qtbot, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.batch_format.setCurrentIndex(page.batch_format.findData("docx"))
    page.generate_all()
    _wait(qtbot, page)
    folder = tmp_path / "bilans"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["bilan-2025-bourg-b.docx", "bilan-2025-ville-a.docx",
                     "bilan-2025-ville-c.docx"]  # fmt: skip
    assert page.status_label.text() == f"3 bilan(s) enregistré(s) dans {folder}."
    body = "\n".join(p.text for p in DocxDocument(str(folder / names[1])).paragraphs)
    assert "Ville A" in body


def test_cancelling_the_batch_keeps_whole_reports_only(qtbot, page, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    started, go = threading.Event(), threading.Event()
    real = balance.write_balance_report

    def first_waits(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        assert go.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(balance, "write_balance_report", first_waits)
    task = page.generate_all()
    assert task is not None
    qtbot.waitUntil(started.is_set, timeout=10_000)
    task.cancel()  # pressed while the first report is being written
    go.set()
    _wait(qtbot, page)
    assert task.was_cancelled
    folder = tmp_path / "bilans"
    assert [p.name for p in folder.iterdir()] == ["bilan-2025-bourg-b.pdf"]
    assert page.status_label.text() == (
        f"Génération annulée : les bilans déjà écrits restent dans {folder}."
    )


def test_clause_wording_for_a_lot(qtbot, page, tmp_path, seeded) -> None:  # type: ignore[no-untyped-def]
    page.authority_combo.setCurrentIndex(page.authority_combo.findText("Ville C"))
    assert page.contract_combo.currentText() == "C-2025 — Réhabilitation"
    page.lot_combo.setCurrentIndex(find_data(page.lot_combo, seeded["Ville C"][2]))
    page.basis_combo.setCurrentIndex(page.basis_combo.findData("L2152-7"))
    page.generate_wording()
    _wait(qtbot, page)
    result = page.last_result
    assert result.path == tmp_path / "clause-L2152-7-c-2025-lot-1-peinture.docx"
    assert page.status_label.text().startswith(f"Clause enregistrée : {result.path}")
    body = "\n".join(p.text for p in DocxDocument(str(result.path)).paragraphs)
    assert "L2152-7" in body


def test_buttons_disabled_without_the_reports_module(page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert page.pdf_button.isEnabled() and page.wording_button.isEnabled()
    monkeypatch.setattr(documents, "reports_module", lambda name: None)
    page.refresh()
    for button in (page.pdf_button, page.docx_button, page.batch_button, page.wording_button):
        assert not button.isEnabled()
        assert button.toolTip() == MISSING_REPORTS


def test_no_authority_yet(qtbot, database) -> None:  # type: ignore[no-untyped-def]
    page = DocumentsPage(AppContext(database))
    qtbot.addWidget(page)
    page.refresh()
    assert page.authority_combo.count() == 0
    assert not page.pdf_button.isEnabled()
    assert page.generate_balance("pdf") is None


def test_leaving_with_an_unsaved_narrative_asks(page, database, seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    assert page.confirm_leave()  # nothing typed: no question
    page.narrative.setPlainText("À garder.")
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Save)
    assert page.confirm_leave()
    with database.session() as s:
        assert get_narrative(s, seeded["Bourg B"][0], Period.year(2025)) == "À garder."


def test_a_written_document_offers_open_and_its_folder(qtbot, page, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from clauses_app.ui.widgets import files

    opened = []
    monkeypatch.setattr(files, "open_with_system", lambda path: opened.append(path) or True)
    assert not page.written.isVisible()
    page.generate_balance("docx")
    _wait(qtbot, page)
    path = tmp_path / "bilan-2025-bourg-b.docx"
    assert path.is_file() and page.written.isVisible()
    page.written.open_button.click()
    page.written.folder_button.click()
    assert opened == [path, tmp_path]
    page.generate_all()  # a folder of reports: « Ouvrir le dossier » only
    _wait(qtbot, page)
    assert page.written.isVisible() and not page.written.open_button.isVisible()
    page.written.folder_button.click()
    assert opened[-1] == tmp_path / "bilans"


def test_the_nominative_annex_asks_first_and_says_so_in_its_name(qtbot, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.authority_combo.setCurrentIndex(page.authority_combo.findText("Ville A"))
    page.nominative.setChecked(True)
    asked: list[bool] = []
    suggested: list[str] = []
    page.confirm_nominative = lambda: asked.append(True) is None and False  # type: ignore[method-assign]
    assert page.generate_balance("pdf") is None  # refused: nothing written, nothing asked
    assert asked == [True] and list(tmp_path.glob("*.pdf")) == []
    page.confirm_nominative = lambda: True  # type: ignore[method-assign]

    def chosen(title, name, fmt):  # type: ignore[no-untyped-def]
        suggested.append(name)
        return tmp_path / "bilan-ville-a.pdf"  # a name typed without the word

    page.ask_save_path = chosen  # type: ignore[method-assign]
    page.generate_balance("pdf")
    _wait(qtbot, page)
    assert suggested == ["bilan-2025-ville-a-NOMINATIF.pdf"]
    written = tmp_path / "bilan-ville-a-NOMINATIF.pdf"
    assert written.is_file() and not (tmp_path / "bilan-ville-a.pdf").exists()
    assert page.status_label.text() == f"Bilan enregistré : {written}"
    page.nominative.setChecked(False)  # the anonymous report: no question, its usual name
    page.ask_save_path = lambda title, name, fmt: tmp_path / name  # type: ignore[method-assign]
    page.confirm_nominative = lambda: pytest.fail("asked for an anonymous report")  # type: ignore[method-assign]
    page.generate_balance("pdf")
    _wait(qtbot, page)
    assert (tmp_path / "bilan-2025-ville-a.pdf").is_file()


def test_the_nominative_question_is_french_and_defaults_to_no(page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    seen = {}

    def question(parent, title, text, buttons, default):  # type: ignore[no-untyped-def]
        seen.update(title=title, text=text, default=default)
        return default

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    assert page.confirm_nominative() is False
    assert seen["title"] == "Annexe nominative" and "NOMINATIF" in seen["text"]
    assert seen["default"] == QMessageBox.StandardButton.No

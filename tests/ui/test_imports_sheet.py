"""Spreadsheet import dialog, driven like a user on the shared samples: the tracker, then the
monthly statements whose hours column the guesser does not know (corrected by hand once,
saved as a profile, reloaded for the next statements); the 2025 figures then equal
expected.json. Also: uncertain participant matches to confirm, unreadable files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtCore import Qt
from sqlalchemy import select

from clauses_app.exchange import import_sheet, preview_sheet
from clauses_app.exchange.sheets import list_profiles, load_profile
from clauses_app.models import HoursKind, HoursRecord
from clauses_app.ui.context import AppContext
from clauses_app.ui.imports import SheetImportDialog
from clauses_app.ui.imports.mapping_editor import NOT_USED
from clauses_app.ui.imports.report_models import ReportTableModel
from clauses_app.ui.imports.sheet_dialog import FILE_STEP, MAPPING_STEP, PREVIEW_STEP
from tests.exchange.sheets_helpers import EXPECTED, STATEMENTS, TRACKER, figures_2025
from tests.ui.test_imports import row_of, wait_idle

UNKNOWN_HOURS_HEADER = "Volume mensuel"
PROFILE = "Relevé mensuel des entreprises"


def open_dialog(qtbot: Any, context: AppContext, path: Path, kind: str) -> SheetImportDialog:
    dialog = SheetImportDialog(context, path, kind=kind)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def next_step(qtbot: Any, dialog: SheetImportDialog) -> None:
    assert dialog.next_button.isEnabled(), dialog.status.text()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)


def renamed_statement(source: Path, folder: Path) -> Path:
    """A copy of a statement whose hours column has a heading the guesser does not know."""
    workbook = openpyxl.load_workbook(source)
    sheet = workbook.worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "Heures travaillées"]
    assert len(cells) == 1
    cells[0].value = UNKNOWN_HOURS_HEADER
    target = folder / source.name
    workbook.save(target)
    return target


def import_tracker(qtbot: Any, context: AppContext) -> None:
    dialog = open_dialog(qtbot, context, TRACKER, "tracker")
    assert dialog.step == FILE_STEP and dialog.kind_radios["tracker"].isChecked()
    next_step(qtbot, dialog)
    assert dialog.step == MAPPING_STEP
    assert "feuille « Suivi clauses 2025 », ligne d'en-tête 4" in dialog.mapping_editor.where.text()
    combos = dialog.mapping_editor.combos
    assert combos["authority"].currentText() == "Donneur d'ordre"
    assert combos["required_hours"].currentText() == "Heures d'insertion prescrites"
    assert combos["company"].currentText() == "Entreprise attributaire"
    assert combos["qualification"].currentText() == NOT_USED  # no such column in the file
    next_step(qtbot, dialog)
    assert dialog.step == PREVIEW_STEP and dialog.next_button.text() == "Importer"
    counts = dialog.report_view.counts
    assert row_of(counts, "Marchés")["Nouveaux"] == "4"
    assert row_of(counts, "Lots")["Nouveaux"] == "10"
    assert row_of(counts, "Participants")["Nouveaux"] == "7"
    assert row_of(counts, "Contrats et missions")["Nouveaux"] == "15"
    assert not dialog.confirm_matches.isVisible()
    next_step(qtbot, dialog)
    assert dialog.status.text() == "Import terminé."
    assert not dialog.back_button.isEnabled() and not dialog.next_button.isEnabled()
    dialog.close()


def import_statement(
    qtbot: Any, context: AppContext, path: Path, first: bool, expected_months: int
) -> None:
    dialog = open_dialog(qtbot, context, path, "hours")
    next_step(qtbot, dialog)
    editor = dialog.mapping_editor
    assert editor.combos["worked_hours"].currentText() == NOT_USED  # the guess missed it
    assert editor.missing.text() == "Colonnes obligatoires à choisir : Heures travaillées."
    assert not dialog.next_button.isEnabled()
    if first:
        hours = editor.combos["worked_hours"]
        hours.setCurrentIndex(hours.findText(UNKNOWN_HOURS_HEADER))  # corrected by hand
        editor.profile_name.setText(PROFILE)
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
        assert editor.profile_status.text() == f"Profil « {PROFILE} » enregistré."
    else:
        assert editor.profiles.currentText() == PROFILE
        qtbot.mouseClick(editor.load_button, Qt.MouseButton.LeftButton)
        assert editor.profile_status.text() == f"Profil « {PROFILE} » chargé."
        assert editor.combos["worked_hours"].currentText() == UNKNOWN_HOURS_HEADER
    assert editor.missing.isHidden()
    next_step(qtbot, dialog)
    assert dialog.step == PREVIEW_STEP
    assert row_of(dialog.report_view.counts, "Relevés d'heures")["Nouveaux"] == str(expected_months)
    assert "remplacés par des relevés mensuels" in dialog.report_view.summary.text()
    next_step(qtbot, dialog)
    assert dialog.status.text() == "Import terminé.", dialog.report_view.summary.text()
    dialog.close()


def test_tracker_then_statements_through_the_dialog(
    qtbot: Any, app_context: AppContext, tmp_path: Path
) -> None:
    import_tracker(qtbot, app_context)
    assert figures_2025(app_context.database) == EXPECTED  # the tracker alone
    months = {"AtlantiquePeintureSA": 22, "JardinsdEstuaire": 26, "SARLBatiOuest": 17}
    for number, statement in enumerate(STATEMENTS):
        company = statement.stem.split("-")[1]
        renamed = renamed_statement(statement, tmp_path)
        import_statement(qtbot, app_context, renamed, number == 0, months[company])
    with app_context.database.session() as s:
        assert list_profiles(s, "hours") == [PROFILE]
        assert load_profile(s, "hours", PROFILE) == {
            "contract_reference": "N° marché", "lot": "Lot", "last_name": "Nom",
            "first_name": "Prénom", "birth_date": "Date de naissance", "month": "Mois",
            "worked_hours": UNKNOWN_HOURS_HEADER,
        }  # fmt: skip
        assert set(s.scalars(select(HoursRecord.kind))) == {HoursKind.MONTH}
        assert len(s.scalars(select(HoursRecord)).all()) == 22 + 26 + 17
    assert figures_2025(app_context.database) == EXPECTED  # months replaced the totals


def test_uncertain_matches_must_be_confirmed(
    qtbot: Any, app_context: AppContext, tmp_path: Path
) -> None:
    assert import_sheet(app_context.database, TRACKER, "tracker").applied
    statement = tmp_path / "relevé-sans-naissance.csv"
    statement.write_text(  # Loïc Kouassi's birth date left out: same names only
        "Relevé d'heures — novembre 2025\n\n"
        "N° marché;Lot;Nom;Prénom;Date de naissance;Mois;Heures travaillées\n"
        "2025-4200;Lot 1 – Charpente métallique;KOUASSI;Loïc;;11/2025;35,5\n"
        "TOTAL;;;;;;35,5\n",
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, app_context, statement, "hours")
    next_step(qtbot, dialog)
    next_step(qtbot, dialog)
    view = dialog.report_view
    assert view.tab_title("matches") == "Correspondances incertaines (1)"
    match = dict(zip(view.matches.headers, view.matches.rows()[0], strict=True))
    assert match["Ligne"] == "4" and match["Personne du fichier"].startswith("KOUASSI Loïc")
    assert match["Participant retenu"] == "KOUASSI Loïc, né(e) le 12/03/1982"
    assert "date de naissance absente" in match["Raison"]
    assert dialog.confirm_matches.isVisible() and not dialog.next_button.isEnabled()
    assert "Correspondances incertaines" in dialog.status.text()
    dialog.confirm_matches.setChecked(True)
    assert dialog.next_button.isEnabled()
    next_step(qtbot, dialog)
    assert dialog.imported is not None and dialog.imported.applied
    assert row_of(view.counts, "Relevés d'heures")["Nouveaux"] == "1"


def test_a_profile_naming_absent_columns_says_which(
    qtbot: Any, app_context: AppContext, tmp_path: Path
) -> None:
    renamed = renamed_statement(STATEMENTS[0], tmp_path)
    dialog = open_dialog(qtbot, app_context, STATEMENTS[0], "hours")
    next_step(qtbot, dialog)
    editor = dialog.mapping_editor
    editor.profile_name.setText("Avec « Heures travaillées »")
    assert editor.save_current_profile()
    dialog.close()
    dialog = open_dialog(qtbot, app_context, renamed, "hours")
    next_step(qtbot, dialog)
    dialog.mapping_editor.load_selected_profile()
    assert dialog.mapping_editor.profile_status.text() == (
        "Profil « Avec « Heures travaillées » » chargé, mais ces colonnes manquent dans le "
        "fichier : Heures travaillées (« Heures travaillées »)."
    )
    assert not dialog.next_button.isEnabled()


def test_an_unreadable_sheet_stays_on_the_first_step(
    qtbot: Any, app_context: AppContext, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("Liste de courses\npain;lait\n", encoding="utf-8")
    dialog = open_dialog(qtbot, app_context, notes, "hours")
    next_step(qtbot, dialog)
    assert dialog.step == FILE_STEP
    assert dialog.status.text().startswith("Fichier illisible : ")
    assert "aucune ligne d'en-tête reconnue" in dialog.status.text()


def test_report_models_pass_the_model_tester(qtmodeltester: Any, app_context: AppContext) -> None:
    import_sheet(app_context.database, TRACKER, "tracker")
    source = Path(shutil.copy(STATEMENTS[0], app_context.database.file_path.parent))
    report = preview_sheet(app_context.database, source, "hours")
    from clauses_app.ui.imports.report_view import ReportView

    view = ReportView()
    view.show_report(report)
    assert view.warnings.rowCount() == 6  # the six tracker totals replaced by months
    for model in (view.counts, view.errors, view.warnings, view.conflicts, view.matches):
        assert isinstance(model, ReportTableModel)
        qtmodeltester.check(model)
    view.deleteLater()

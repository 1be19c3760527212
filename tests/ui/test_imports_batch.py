"""The spreadsheet import dialog with several files: prepared statements skip the mapping
step, one summary per file and per company, all or nothing; the mapping step shows the first
data rows and lets the user pick the code of a value not understood."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from clauses_app.exchange.sheets.statements import prepare_statements
from clauses_app.ui.context import AppContext
from clauses_app.ui.imports import SheetImportDialog
from clauses_app.ui.imports.sheet_dialog import MAPPING_STEP, PREVIEW_STEP
from tests.exchange.test_statements import MARCH, build_case, fill, month_records
from tests.exchange.test_unknown_values import tracker
from tests.ui.test_imports_sheet import next_step

NBSP = "\u00a0"


def test_several_prepared_statements_at_once(
    qtbot: Any, app_context: AppContext, database: Any, tmp_path: Path
) -> None:
    case = build_case(database)
    files = {f.employer_name: f.path for f in prepare_statements(database, MARCH, tmp_path).files}
    fill(files["Bâti Ouest"], {6: (151.67, 7)})
    fill(files["ETTI Relais"], {6: (-2,)})
    dialog = SheetImportDialog(app_context, paths=list(files.values()))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "aucun n'est importé" in dialog.batch_hint.text()
    next_step(qtbot, dialog)
    assert dialog.step == PREVIEW_STEP  # no mapping for prepared statements
    assert dialog.file_combo.isVisible() and dialog.file_combo.count() == 2
    assert dialog.file_combo.currentText() == (
        "releve-2025-03-etti-relais.xlsx (relevé préparé, mars 2025) — 1 erreur(s)"
    )
    assert "aucun fichier ne sera importé" in dialog.status.text()
    assert not dialog.next_button.isEnabled()
    fill(files["ETTI Relais"], {6: (35,)})
    dialog.go_back()
    next_step(qtbot, dialog)
    assert dialog.companies_label.text() == (
        f"Par entreprise (mars 2025) :\nBâti Ouest : 1 ligne(s), 151,67{NBSP}h travaillées, "
        f"7{NBSP}h de formation\nETTI Relais : 1 ligne(s), 35{NBSP}h travaillées"
    )
    next_step(qtbot, dialog)
    assert dialog.status.text() == "Import terminé : 2 fichiers."
    assert month_records(database)[(case.durand, date(2025, 3, 1))] == (
        Decimal("35.00"), Decimal("0.00"),
    )  # fmt: skip


def test_the_mapping_step_shows_rows_and_asks_for_unknown_codes(
    qtbot: Any, app_context: AppContext, tmp_path: Path
) -> None:
    dialog = SheetImportDialog(app_context, tracker(tmp_path), kind="tracker")
    qtbot.addWidget(dialog)
    dialog.show()
    next_step(qtbot, dialog)
    assert dialog.step == MAPPING_STEP
    sample = dialog.sample_table
    assert sample.rowCount() == 5 and sample.item(0, 0).text() == "Ville de Pornichet"
    unknown = dialog.unknown_values
    assert unknown.isVisibleTo(dialog) and set(unknown.combos) == {
        ("contract_type", "Contrat aidé"), ("criterion", "Réfugié"),
    }  # fmt: skip
    unknown.choose("contract_type", "Contrat aidé", "CDDI")
    unknown.choose("criterion", "Réfugié", "AVIS_SPE")
    dialog.mapping_editor.profile_name.setText("Suivi ville")
    assert dialog.mapping_editor.save_current_profile()
    next_step(qtbot, dialog)
    assert dialog.step == PREVIEW_STEP and dialog.batch_preview is not None
    assert dialog.batch_preview.ok, dialog.status.text()
    next_step(qtbot, dialog)
    assert dialog.status.text() == "Import terminé."
    from clauses_app.exchange.sheets.mapping import load_profile_values

    with app_context.database.session() as s:
        _mapping, values = load_profile_values(s, "tracker", "Suivi ville")  # type: ignore[misc]
    assert values == {"contract_type": {"contrat aide": "CDDI"},
                      "criterion": {"refugie": "AVIS_SPE"}}  # fmt: skip

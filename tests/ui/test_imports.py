"""Export and Clause-file import dialogs, driven like a user: export a hand-made dataset,
import it into an empty database, read the preview as shown, refuse a file with errors
(unless only the valid rows are asked for), cancel mid-import, and ``clauses-app FILE``."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from sqlalchemy import func, select

from clauses_app.exchange import export_clause_file, import_clause_file
from clauses_app.models import ContractingAuthority, HoursRecord, Participant
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database
from clauses_app.ui.app import parse_args
from clauses_app.ui.context import AppContext
from clauses_app.ui.imports import (
    ClauseImportDialog,
    ExportDialog,
    SheetImportDialog,
    open_file_argument,
)
from clauses_app.ui.imports import clause_dialog as clause_dialog_module
from clauses_app.ui.imports.common import TaskDialog
from clauses_app.ui.imports.export_dialog import AUTHORITY
from clauses_app.ui.imports.report_models import ReportTableModel
from clauses_app.ui.main_window import MainWindow
from clauses_app.ui.tasks import data_bus
from tests.exchange.helpers import build_dataset, edit_csv, fingerprint, rewrite, stats
from tests.ui.conftest import MessageBoxes

TIMEOUT_MS = 15_000


def wait_idle(qtbot: Any, dialog: TaskDialog) -> None:
    """Until the dialog's background task has finished and its result is shown."""
    qtbot.waitUntil(lambda: not dialog.busy, timeout=TIMEOUT_MS)


def row_of(model: ReportTableModel, label: str) -> dict[str, str]:
    """The texts of the row whose first cell is ``label``, by header."""
    for row in model.rows():
        if row[0] == label:
            return dict(zip(model.headers, row, strict=True))
    raise KeyError(label)


@pytest.fixture
def empty_context(qapp: Any, tmp_path: Path) -> Iterator[AppContext]:
    """A second, empty database (the facilitator receiving the file)."""
    database = open_app_database(str(tmp_path / "receiver.sqlite3"))
    context = AppContext(database)
    yield context
    context.deleteLater()
    database.dispose()


def export_through_dialog(qtbot: Any, context: AppContext, target: Path, **choices: Any) -> Any:
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.file_row.set_path(target)
    if choices.get("authority"):
        dialog.set_scope_choice(AUTHORITY)
        dialog.authority.setCurrentIndex(dialog.authority.findText(choices["authority"]))
    dialog.anonymize.setChecked(choices.get("anonymize", False))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    return dialog


def open_import(qtbot: Any, context: AppContext, path: Path) -> ClauseImportDialog:
    dialog = ClauseImportDialog(context, path)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, dialog)
    return dialog


def test_export_then_import_into_an_empty_database(
    qtbot: Any, app_context: AppContext, empty_context: AppContext, tmp_path: Path
) -> None:
    build_dataset(app_context.database)
    target = tmp_path / "échange.clause"
    export = export_through_dialog(qtbot, app_context, target)
    assert export.status.text().startswith("Export terminé : ")
    # 62 default reference rows and the 25 hand-made records
    assert export.status.text() == "Export terminé : 87 lignes écrites dans échange.clause."
    shown = dict(export.rows_model.rows())
    assert (shown["Donneurs d'ordre"], shown["Participants"], shown["Relevés d'heures"]) == (
        "2", "2", "4",
    )  # fmt: skip
    with zipfile.ZipFile(target) as archive:  # the file itself, read back
        manifest = json.loads(archive.read("manifest.json"))
        lots = archive.read("lot.csv").decode().splitlines()
    rows = {m["entity"]: m["rows"] for m in manifest["members"]}
    assert (rows["public_contract"], rows["lot"], rows["employment"]) == (2, 3, 3)
    assert len(lots) == 1 + 3 and manifest["anonymized"] is False

    dialog = open_import(qtbot, empty_context, target)
    counts = dialog.report_view.counts
    assert row_of(counts, "Donneurs d'ordre")["Nouveaux"] == "2"
    assert row_of(counts, "Lots")["Nouveaux"] == "3"
    assert row_of(counts, "Relevés d'heures") == {
        "Entité": "Relevés d'heures", "Nouveaux": "4", "Modifiés": "0", "Inchangés": "0",
        "Conflits": "0",
    }  # fmt: skip
    total_new = 2 + 1 + 2 + 1 + 2 + 3 + 3 + 2 + 2 + 3 + 4  # every hand-made record is new
    assert row_of(counts, "Total")["Nouveaux"] == str(total_new)
    assert dialog.report_view.tab_title("errors") == "Erreurs (0)"
    assert dialog.import_button.isEnabled() and not dialog.only_valid.isEnabled()
    with empty_context.database.session() as s:  # the preview wrote nothing
        assert s.scalar(select(func.count()).select_from(Participant)) == 0

    with qtbot.waitSignal(data_bus().data_changed, timeout=TIMEOUT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    assert dialog.status.text() == "Import terminé."
    assert dialog.report_view.summary.text().startswith(f"Import effectué : {total_new} nouvelles")
    assert not dialog.import_button.isEnabled()
    with empty_context.database.session() as s:
        names = sorted(s.scalars(select(Participant.last_name)))
        assert names == ["Diallo", "Martin"]
        assert s.scalar(select(func.count()).select_from(HoursRecord)) == 4
    assert stats(empty_context.database) == stats(app_context.database)


def test_export_of_one_authority_anonymised(
    qtbot: Any, app_context: AppContext, tmp_path: Path
) -> None:
    build_dataset(app_context.database)
    target = tmp_path / "reze"  # no suffix: the dialog adds .clause
    dialog = export_through_dialog(
        qtbot, app_context, target, authority="Agglomération de Rezé", anonymize=True
    )
    written = tmp_path / "reze.clause"
    assert dialog.file_row.path() == written
    assert "(participants anonymisés)" in dialog.status.text()
    with zipfile.ZipFile(written) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        participants = archive.read("participant.csv").decode()
    assert manifest["scope"]["authority"] is not None and manifest["anonymized"] is True
    rows = {m["entity"]: m["rows"] for m in manifest["members"]}
    # Rezé has one contract, one lot, one award (the ETTI) and Omar's mission on it.
    assert (rows["contracting_authority"], rows["public_contract"], rows["lot"]) == (1, 1, 1)
    assert (rows["employment"], rows["participant"]) == (1, 1)
    assert "Diallo" not in participants and "Omar" not in participants


def test_export_refuses_an_inverted_period(
    qtbot: Any, app_context: AppContext, tmp_path: Path
) -> None:
    dialog = ExportDialog(app_context)
    qtbot.addWidget(dialog)
    dialog.file_row.set_path(tmp_path / "x.clause")
    dialog.limit_dates.setChecked(True)
    dialog.date_from.setDate(dialog.date_to.date().addDays(1))
    dialog.start_export()
    assert dialog.status.text() == "La fin de la période doit suivre son début."
    assert dialog.task is None and not (tmp_path / "x.clause").exists()


def test_a_conflict_names_the_record_and_keeps_the_local_version(
    qtbot: Any, app_context: AppContext, empty_context: AppContext, tmp_path: Path
) -> None:
    ids = build_dataset(app_context.database)
    first = export_clause_file(app_context.database, tmp_path / "janvier.clause").path
    assert import_clause_file(empty_context.database, first).applied
    with app_context.database.transaction() as s:  # changed there first …
        s.get(ContractingAuthority, ids["nantes"]).city = "Nantes"
        s.get(ContractingAuthority, ids["reze"]).city = "Rezé"
    with empty_context.database.transaction() as s:  # … then here, later
        s.get(ContractingAuthority, ids["nantes"]).city = "Nantes Cedex 1"
    second = export_clause_file(app_context.database, tmp_path / "février.clause").path
    dialog = open_import(qtbot, empty_context, second)
    assert row_of(dialog.report_view.counts, "Donneurs d'ordre") == {
        "Entité": "Donneurs d'ordre", "Nouveaux": "0", "Modifiés": "1", "Inchangés": "0",
        "Conflits": "1",
    }  # fmt: skip
    conflicts = dialog.report_view.conflicts
    assert conflicts.column("Entité") == ["Donneurs d'ordre"]
    assert conflicts.column("Enregistrement") == ["Ville de Nantes"]
    assert dialog.report_view.tab_title("conflicts") == "Conflits (1)"
    assert dialog.status.text().startswith("1 enregistrement en conflit : modifié(s) ici")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    with empty_context.database.session() as s:
        assert s.get(ContractingAuthority, ids["nantes"]).city == "Nantes Cedex 1"  # kept
        assert s.get(ContractingAuthority, ids["reze"]).city == "Rezé"  # updated


def broken_copy(source: Path, target: Path) -> Path:
    """``source`` with negative hours on the first hours row (record 2 of its member)."""

    def negative_hours(lines: list[str]) -> list[str]:
        header = lines[0].split(",")
        cells = lines[1].split(",")
        cells[header.index("worked_hours")] = "-5.00"
        return [lines[0], ",".join(cells), *lines[2:]]

    return rewrite(source, target, lambda c: edit_csv(c, "hours_record.csv", negative_hours))


def test_a_file_with_errors_is_refused_unless_only_valid_rows(
    qtbot: Any, app_context: AppContext, empty_context: AppContext, tmp_path: Path
) -> None:
    build_dataset(app_context.database)
    export_through_dialog(qtbot, app_context, tmp_path / "good.clause")
    bad = broken_copy(tmp_path / "good.clause", tmp_path / "bad.clause")
    dialog = open_import(qtbot, empty_context, bad)
    errors = dialog.report_view.errors
    assert dialog.report_view.tab_title("errors") == "Erreurs (1)"
    assert dialog.report_view.tabs.currentWidget() is dialog.report_view.views["errors"]
    error = dict(zip(errors.headers, errors.rows()[0], strict=True))
    assert (error["Fichier ou membre"], error["Ligne"], error["Colonne"]) == (
        "hours_record.csv", "2", "worked_hours",
    )  # fmt: skip
    assert "négati" in error["Message"]
    assert not dialog.import_button.isEnabled()
    assert "erreurs" in dialog.status.text()

    dialog.only_valid.setChecked(True)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, dialog)
    assert dialog.status.text() == "Import terminé."
    assert dialog.report_view.summary.text().startswith("Lignes valides importées")
    with empty_context.database.session() as s:
        assert s.scalar(select(func.count()).select_from(HoursRecord)) == 3  # 4 less the bad one
        assert s.scalar(select(func.count()).select_from(Participant)) == 2


def test_cancel_during_the_import_leaves_the_database_unchanged(
    qtbot: Any,
    app_context: AppContext,
    empty_context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    build_dataset(app_context.database)
    export_through_dialog(qtbot, app_context, tmp_path / "x.clause")
    before = fingerprint(empty_context.database)
    writing, go_on = threading.Event(), threading.Event()

    def import_held_midway(db: Database, path: Path, only_valid: bool, progress: Any) -> Any:
        def held(done: int, total: int, message: str = "") -> None:
            if message == "Import : employment":  # authorities … participants already written
                writing.set()
                go_on.wait(10)  # the user presses Annuler here
            progress(done, total, message)

        return import_clause_file(db, path, only_valid, held)

    monkeypatch.setattr(clause_dialog_module, "import_clause_file", import_held_midway)
    dialog = open_import(qtbot, empty_context, tmp_path / "x.clause")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(writing.is_set, timeout=TIMEOUT_MS)
    assert dialog.progress_row.isVisible() and dialog.busy
    # the last step shown, in French: the one before the held step
    qtbot.waitUntil(lambda: dialog.progress_label.text() == "Import : Critères d'éligibilité")
    dialog.reject()  # closing while busy cancels instead of closing
    assert dialog.isVisible()
    go_on.set()
    wait_idle(qtbot, dialog)
    assert dialog.task is not None and dialog.task.was_cancelled
    assert dialog.status.text() == "Import annulé : la base n'a pas été modifiée."
    assert fingerprint(empty_context.database) == before
    assert not dialog.progress_row.isVisible()


def test_file_menu_opens_the_three_dialogs(qtbot: Any, app_context: AppContext) -> None:
    window = MainWindow(app_context, remember=False)
    qtbot.addWidget(window)
    # Fichier ▸ Importer ▸ and Fichier ▸ Exporter ▸ (tests/ui/test_file_menu.py: the rest)
    assert [a.text() for a in window.import_menu.actions()] == [
        "Importer un fichier Clause…", "Importer un tableur…",
    ]  # fmt: skip
    assert [a.text() for a in window.export_menu.actions()] == [
        "Préparer les relevés du mois…", "Exporter au format Clause…",
    ]  # fmt: skip
    window.import_menu.actions()[1].trigger()
    window.export_menu.actions()[-1].trigger()
    dialogs = window.findChildren(TaskDialog)
    assert {type(d) for d in dialogs} == {SheetImportDialog, ExportDialog}
    assert all(d.isVisible() and d.width() <= 1366 and d.height() <= 700 for d in dialogs)
    for dialog in dialogs:
        dialog.close()


def test_file_argument_opens_the_matching_dialog(
    qtbot: Any, app_context: AppContext, tmp_path: Path, message_boxes: MessageBoxes
) -> None:
    assert parse_args(["C:/Users/Camille/Téléchargements/relevé.clause"]).file == Path(
        "C:/Users/Camille/Téléchargements/relevé.clause"
    )
    assert parse_args(["--page", "settings"]).file is None
    window = MainWindow(app_context, remember=False)
    qtbot.addWidget(window)
    sheet = tmp_path / "relevé.csv"
    sheet.write_text("N° marché;Nom\n", encoding="utf-8")
    dialog = open_file_argument(app_context, window, sheet)
    assert isinstance(dialog, SheetImportDialog) and dialog.file_row.path() == sheet
    dialog.close()
    assert open_file_argument(app_context, window, tmp_path / "absent.clause") is None
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    assert open_file_argument(app_context, window, other) is None
    assert [title for _kind, title, _text in message_boxes.shown] == [
        "Fichier introuvable", "Fichier non reconnu",
    ]  # fmt: skip


def test_clauses_app_with_a_clause_file_shows_its_import_preview(
    app_context: AppContext, tmp_path: Path
) -> None:
    build_dataset(app_context.database)
    source = export_clause_file(app_context.database, tmp_path / "reçu.clause").path
    receiver = tmp_path / "receiver.sqlite3"
    open_app_database(str(receiver)).dispose()
    shot = tmp_path / "import.png"
    result = subprocess.run(
        [sys.executable, "-m", "clauses_app.ui.app", str(source), "--db", str(receiver),
         "--screenshot", str(shot)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (980, 640)  # the dialog, not the 1366×768 window
    database = open_app_database(str(receiver))
    try:
        with database.session() as s:  # a preview only: nothing imported
            assert s.scalar(select(func.count()).select_from(ContractingAuthority)) == 0
    finally:
        database.dispose()

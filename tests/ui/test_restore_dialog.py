"""Fichier ▸ Restaurer une sauvegarde… : the backups listed with date, size and reason; one
restored after a confirmation, the current database kept first, the window on the restored
data; a backup failing its integrity check refused with nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.figures import compute_figures
from clauses_app.services.periods import Period
from clauses_app.storage import Database
from clauses_app.storage.backup import list_backups, take_backup
from clauses_app.ui.context import AppContext
from clauses_app.ui.main_window import MainWindow
from clauses_app.ui.restore_dialog import RestoreDialog
from tests import builders as b
from tests.ui.conftest import MessageBoxes, settle

YEAR = Period.year(2025)


def hours_done(database: Database) -> Decimal:
    with database.session() as s:
        return compute_figures(s, YEAR).total().hours_done


@pytest.fixture
def followed(tmp_path: Path) -> Path:
    """A database with one award: 70 h done in February 2025, backed up by hand, then 30 h
    more in March (100 h in the database, 70 h in its backup)."""
    path = tmp_path / "suivi.sqlite3"
    database = open_app_database(str(path))
    with database.transaction() as s:
        contract = b.contract(s, b.authority(s), start_date=date(2025, 1, 1))
        award = b.award(s, b.lot(s, contract), b.company(s), 700)
        employment = b.employment(s, award, b.participant(s), date(2025, 1, 1))
        b.month_hours(s, employment, 2025, 2, 70)
    database.dispose()
    take_backup(path, "manuelle")
    database = open_app_database(str(path))
    with database.transaction() as s:
        b.month_hours(s, s.merge(employment), 2025, 3, 30)
    assert hours_done(database) == Decimal("100")
    database.dispose()
    return path


@pytest.fixture
def window(qtbot: Any, followed: Path) -> Iterator[MainWindow]:
    main = MainWindow(AppContext(open_app_database(str(followed))), remember=False)
    main.switch_page("companies")  # the dashboard's tasks are not the subject here
    main.show()
    yield main
    main.close()
    main.close_database()
    main.deleteLater()


def open_dialog(window: MainWindow) -> RestoreDialog:
    window.restore_action.trigger()
    [dialog] = [w for w in window.findChildren(RestoreDialog) if w.isVisible()]
    return dialog


def test_backups_are_listed_with_date_size_and_reason(window: MainWindow, followed: Path):
    dialog = open_dialog(window)
    [backup] = list_backups(followed)
    assert dialog.table.rowCount() == 1
    row = [dialog.table.item(0, column).text() for column in range(3)]
    taken = backup.taken_at
    assert row[0] == f"{taken:%d/%m/%Y} à {taken:%H:%M:%S}"
    assert row[1].endswith("\u00a0ko") and row[2] == "sauvegarde manuelle"
    assert dialog.restore_button.isEnabled()
    dialog.close()


def test_restore_reopens_the_window_on_the_backups_figures(
    window: MainWindow, followed: Path, message_boxes: MessageBoxes
) -> None:
    [backup] = list_backups(followed)
    copy = open_app_database(str(backup.path))  # what the backup holds, read on its own
    expected = hours_done(copy)
    copy.dispose()
    assert expected == Decimal("70")  # hand-computed: February only
    old_context = window.context
    dialog = open_dialog(window)
    message_boxes.answers = [QMessageBox.StandardButton.No]
    assert dialog.restore_selected() is None  # the user said no: nothing happens
    assert window.context is old_context
    message_boxes.answers = [QMessageBox.StandardButton.Yes]
    assert dialog.restore_selected() is not None
    assert window.context is None  # the file is closed while the restore runs
    settle()
    assert not dialog.isVisible()
    kinds = [kind for kind, _title, _text in message_boxes.shown]
    assert kinds == ["question", "question", "information"]
    assert message_boxes.shown[-1][1] == "Sauvegarde restaurée"
    context = window.context
    assert context is not None and context is not old_context
    assert context.database.file_path == followed
    assert window.current_name == "companies" and "companies" in window.pages
    assert hours_done(context.database) == expected
    # The database replaced is kept among the backups, with its 100 hours.
    reasons = [b.reason for b in list_backups(followed)]
    assert sorted(reasons) == ["manuelle", "restauration"]
    [kept] = [b for b in list_backups(followed) if b.reason == "restauration"]
    assert str(kept.path) in message_boxes.shown[-1][2]
    kept_copy = open_app_database(str(kept.path))
    try:
        assert hours_done(kept_copy) == Decimal("100")
    finally:
        kept_copy.dispose()


def test_a_backup_failing_its_integrity_check_changes_nothing(
    window: MainWindow, followed: Path, message_boxes: MessageBoxes
) -> None:
    [backup] = list_backups(followed)
    damaged = bytearray(backup.path.read_bytes())
    page_size = int.from_bytes(damaged[16:18], "big")
    for page in range(1, len(damaged) // page_size):  # every page but the first, overwritten
        damaged[page * page_size : page * page_size + 64] = b"\xff" * 64
    backup.path.write_bytes(bytes(damaged))
    before = followed.read_bytes()
    dialog = open_dialog(window)
    message_boxes.answers = [QMessageBox.StandardButton.Yes]
    assert dialog.restore_selected() is not None
    settle()
    assert dialog.isVisible()  # still there, its list read again
    assert message_boxes.shown[-1][:2] == ("warning", "Restauration impossible")
    assert message_boxes.shown[-1][2] == (
        f"La sauvegarde « {backup.path.name} » ne peut pas être restaurée : la vérification "
        "d'intégrité a échoué ; la base actuelle n'a pas été modifiée."
    )
    assert followed.read_bytes() == before
    assert [b.reason for b in list_backups(followed)] == ["manuelle"]  # no copy was needed
    assert window.context is not None and hours_done(window.context.database) == Decimal("100")
    dialog.close()


def test_no_backup_yet_says_when_they_are_taken(qtbot: Any, tmp_path: Path) -> None:
    database = open_app_database(str(tmp_path / "neuve.sqlite3"))
    main = MainWindow(AppContext(database), remember=False)
    main.switch_page("companies")
    dialog = open_dialog(main)
    assert dialog.table.isHidden() and not dialog.restore_button.isEnabled()
    assert dialog.empty_label.text().startswith("Aucune sauvegarde de cette base")
    dialog.close()
    main.close_database()
    main.deleteLater()

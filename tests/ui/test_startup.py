"""Start-up: the window's frame paints before SQLAlchemy, the services and the pages are
imported and before the database is opened; then the database (same checks, same French
errors) and the start page. ``clauses_app.ui.app.start`` is what ``clauses-app`` runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from clauses_app.services import bootstrap
from clauses_app.ui import app as app_module
from clauses_app.ui import errors, tasks
from clauses_app.ui.main_window import LOADING_TEXT, OPENING_TEXT, PAGES, MainWindow


@pytest.fixture
def started_windows(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Calls of ``start`` in this process: Qt's French catalogue and the process-wide hooks
    are left as the test suite has them; started windows are closed at the end."""
    monkeypatch.setattr(app_module, "install_french", lambda app: None)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(errors, "install_exception_hook", lambda: None)
    started: list[Any] = []
    yield started
    for item in started:
        qtbot.waitUntil(lambda: not tasks.running_tasks(), timeout=10_000)  # the dashboard's
        item.window.close()
        item.context.database.dispose()


def main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def frame_state(window: MainWindow) -> dict[str, Any]:
    return {
        "painted": window.painted,
        "visible": window.isVisible(),
        "sidebar": window.sidebar.count(),
        "heading": window.loading_page.heading.text(),
        "message": window.loading_page.message.text(),
        "in_view": window.stack.currentWidget() is window.loading_page,
        "status": window.database_label.text(),
        "pages": sorted(window.pages),
    }


def test_frame_painted_before_the_database_is_opened(
    started_windows: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "nouvelle.sqlite3"
    seen: list[dict[str, Any]] = []
    real_open = bootstrap.open_app_database

    def open_app_database(db: str | None = None) -> Any:
        [window] = [w for w in main_windows() if w.isVisible()]
        seen.append(dict(frame_state(window), file_exists=path.exists()))
        return real_open(db)

    monkeypatch.setattr(bootstrap, "open_app_database", open_app_database)
    started = app_module.start(["--db", str(path), "--page", "companies"])
    assert not isinstance(started, int)
    started_windows.append(started)
    assert seen == [
        {
            "painted": True, "visible": True, "sidebar": len(PAGES), "heading": "Entreprises",
            "message": LOADING_TEXT, "in_view": True, "status": OPENING_TEXT, "pages": [],
            "file_exists": False,
        }
    ]  # fmt: skip
    window = started.window
    assert path.exists()
    assert window.database_label.text() == f"Base de données : {path}"
    assert window.windowTitle() == f"Clauses — {path}"
    assert sorted(window.pages) == ["companies"]  # the other pages wait until shown
    assert window.stack.currentWidget() is window.pages["companies"]
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions() if not a.isSeparator()]
    assert texts == [
        "&Nouvelle base…", "&Ouvrir une base…", "Se connecter à la base d'é&quipe…",
        "Bases &récentes", "&Enregistrer une copie…", "Restaurer une &sauvegarde…", "&Importer",
        "E&xporter", "Saisie du mois…", "&Quitter",
    ]  # fmt: skip
    assert [a.text() for a in window.import_menu.actions()] == [
        "Importer un fichier Clause…", "Importer un tableur…",
    ]  # fmt: skip
    assert [a.text() for a in window.export_menu.actions()] == [
        "Préparer les relevés du mois…", "Exporter au format Clause…",
    ]  # fmt: skip
    assert [a.shortcut().toString() for a in window.go_actions[:2]] == ["Ctrl+1", "Ctrl+2"]
    window.switch_page("participants")
    assert sorted(window.pages) == ["companies", "participants"]


def test_a_database_refused_after_the_paint_is_explained_in_french(
    started_windows: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("ceci n'est pas une base", encoding="utf-8")
    boxes: list[tuple[str, str, bool]] = []

    def quit_when_asked(box: QMessageBox) -> int:
        parent = box.parent()
        boxes.append((box.windowTitle(), box.text(), isinstance(parent, MainWindow)))
        assert isinstance(parent, MainWindow) and parent.painted and parent.isVisible()
        next(b for b in box.buttons() if b.text() == "Quitter").click()
        return 0

    monkeypatch.setattr(errors, "present_dialog", quit_when_asked)
    assert app_module.start(["--db", str(notes)]) == 3
    assert boxes == [
        (
            "Base de données inutilisable",
            f"Le fichier « {notes} » n'est pas une base de données Clauses (SQLite).",
            True,
        )
    ]
    assert notes.read_text(encoding="utf-8") == "ceci n'est pas une base"  # not written
    assert not any(w.isVisible() for w in main_windows())


def test_another_file_chosen_after_a_refusal_is_opened(
    started_windows: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("ceci n'est pas une base", encoding="utf-8")
    other = tmp_path / "autre.sqlite3"

    def choose_another(box: QMessageBox) -> int:
        next(b for b in box.buttons() if b.text() == "Choisir un autre fichier…").click()
        return 0

    monkeypatch.setattr(errors, "present_dialog", choose_another)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(other), ""))
    )
    started = app_module.start(["--db", str(notes)])
    assert not isinstance(started, int)
    started_windows.append(started)
    assert started.window.database_label.text() == f"Base de données : {other}"
    # a new, empty database: the welcome page stands in for the dashboard
    assert started.window.pages == {}
    assert started.window.stack.currentWidget() is started.window.welcome


CHILD = r"""
import json, os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

app = QApplication(["clauses-app"])
at_paint = {}

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if (event.type() == QEvent.Type.Paint and not at_paint
                and type(obj).__name__ == "MainWindow"):
            at_paint["modules"] = sorted(sys.modules)
            at_paint["db_exists"] = os.path.exists(sys.argv[1])
        return False

watcher = FirstPaint()
app.installEventFilter(watcher)
from clauses_app.ui.app import start

started = start(["--db", sys.argv[1]])
app.removeEventFilter(watcher)
from clauses_app.ui import tasks
while tasks.running_tasks():
    app.processEvents()
after = sorted(sys.modules)
started.window.close()
started.context.database.dispose()
print(json.dumps({"at_paint": at_paint, "after": after, "db_exists": os.path.exists(sys.argv[1])}))
"""
LOADED_AFTER_THE_PAINT = (
    "sqlalchemy",
    "alembic",
    "babel",
    "clauses_app.models",
    "clauses_app.storage",
    "clauses_app.services",
    "clauses_app.exchange",
    "clauses_app.reports",
    "clauses_app.formatting",
    "clauses_app.ui.context",
    "clauses_app.ui.errors",
    "clauses_app.ui.tasks",
    "clauses_app.ui.lists",
    "clauses_app.ui.pages",
    "clauses_app.ui.forms",
    "clauses_app.ui.imports",
)


def heavy(modules: list[str]) -> list[str]:
    """The modules among ``modules`` that must wait until after the first paint."""
    return [
        m for m in modules if any(m == p or m.startswith(p + ".") for p in LOADED_AFTER_THE_PAINT)
    ]


def test_only_pyside6_and_the_frame_are_imported_before_the_first_paint(tmp_path: Path) -> None:
    path = tmp_path / "premiere.sqlite3"
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True, text=True, timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["at_paint"]["db_exists"] is False and report["db_exists"] is True
    assert heavy(report["at_paint"]["modules"]) == []
    assert "clauses_app.ui.main_window" in report["at_paint"]["modules"]
    # The same check on the modules loaded once the window is ready finds them (it can fail).
    assert {"sqlalchemy", "clauses_app.storage", "clauses_app.ui.pages.welcome"} <= set(
        heavy(report["after"])
    )


def test_a_window_that_never_paints_does_not_hold_start_up(qtbot: Any) -> None:
    hidden = MainWindow(remember=False)  # e.g. started minimised: no paint comes
    qtbot.addWidget(hidden)
    assert app_module.wait_for_first_paint(QApplication.instance(), hidden, 50) is False
    shown = MainWindow(remember=False)
    qtbot.addWidget(shown)
    shown.show()
    assert app_module.wait_for_first_paint(QApplication.instance(), shown) is True


def test_an_error_before_the_paint_installs_the_full_hook_and_is_shown(
    qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(errors, "present_dialog", lambda box: shown.append(box.text()) or 0)
    monkeypatch.setattr(sys, "excepthook", app_module.early_exception_hook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    try:
        raise RuntimeError("police introuvable")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert sys.excepthook is errors.exception_hook  # the full hook from now on
    assert "RuntimeError: police introuvable" in errors.log_file().read_text(encoding="utf-8")
    assert len(shown) == 1 and "police introuvable" in shown[0]


def test_a_second_start_on_the_same_data_shows_the_kept_dashboard(
    started_windows: list[Any], qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting, showing the dashboard and its alerts write nothing: the database keeps its
    stamp, and the next start shows the same figures without computing them."""
    from datetime import date

    from clauses_app.services import dashboard
    from clauses_app.storage.fingerprint import database_fingerprint
    from tests import builders as b

    path = tmp_path / "suivi.sqlite3"
    database = bootstrap.open_app_database(str(path))
    with database.transaction() as s:
        contract = b.contract(s, b.authority(s), start_date=date(2025, 1, 1))
        award = b.award(s, b.lot(s, contract), b.company(s), 700)
        b.month_hours(s, b.employment(s, award, b.participant(s), date(2025, 1, 1)), 2025, 2, 70)
    stamp = database_fingerprint(database.engine)
    database.dispose()
    computed: list[int] = []
    compute = dashboard.compute_figures
    monkeypatch.setattr(
        dashboard, "compute_figures", lambda *a, **k: computed.append(1) or compute(*a, **k)
    )
    shown = []
    for _ in range(2):
        started = app_module.start(["--db", str(path), "--page", "dashboard"])
        assert not isinstance(started, int)
        started_windows.append(started)
        page = started.window.pages["dashboard"]
        qtbot.waitUntil(
            lambda page=page: page.figures_filled and page.alerts_filled, timeout=20_000
        )
        shown.append(page.cards["hours_done"].value_label.text())
    assert computed == [1]
    assert shown[0] == shown[1] and "70" in shown[0]
    assert database_fingerprint(started.context.database.engine) == stamp

"""Application timings, each in a fresh process started by the bench.

``painted_s`` runs from just before the process is spawned to the first paint of the main
window's frame (its sidebar), through the function the ``clauses-app`` entry point calls
(:func:`clauses_app.ui.app.start`), so it includes interpreter start and every import made
before that paint; the database is opened (and checked) after it. ``ready_s``,
``dashboard_figures_s`` and ``dashboard_alerts_s`` run from that paint to the database open
with the start page built, to the dashboard's figures shown, and to its alerts shown (a
second background task started after the figures). The baseline is a bare PySide6 window
started the same way in the same run.
"""

from __future__ import annotations

import compileall
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import run_child

PROBE = r"""
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
T0 = float(os.environ["BENCH_T0"])
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class FirstPaint(QObject):
    at = None
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and FirstPaint.at is None:
            FirstPaint.at = time.time()
        return False

def wait(app, condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    return condition()

def figures_filled_at(app, page):
    # When the dashboard showed its figures: its figures_loaded signal, which it emits once
    # the values are in its widgets and painted (then it lets go of the computation behind
    # them and starts its alerts).
    at = [time.time()] if page.figures_filled else []
    page.figures_loaded.connect(lambda: at.append(time.time()))
    wait(app, lambda: at)
    return at[0]

app = QApplication.instance() or QApplication(["bench"])
watcher = FirstPaint()
MODE = os.environ["BENCH_MODE"]
if MODE == "bare":
    window = QMainWindow()
    window.setCentralWidget(QLabel("Clauses"))
    window.resize(1366, 768)
else:
    # The real start path: what ``clauses-app --db FILE`` runs before its event loop. The
    # paint counted is the first one of the main window's sidebar (its frame).
    class SidebarPainted(QObject):
        def eventFilter(self, obj, event):
            if (event.type() == QEvent.Type.Paint and FirstPaint.at is None
                    and obj.parent() is not None and obj.parent().objectName() == "sidebar"
                    and type(obj.window()).__name__ == "MainWindow"):
                FirstPaint.at = time.time()
            return False

    sidebar_watcher = SidebarPainted()
    app.installEventFilter(sidebar_watcher)
    from clauses_app.ui.app import start
    launched = start(["--db", os.environ["BENCH_DB"]])
    ready_at = time.time()
    app.removeEventFilter(sidebar_watcher)
    assert not isinstance(launched, int), f"start-up failed: {launched}"
    window, database = launched.window, launched.context.database
    assert FirstPaint.at is not None, "the main window never painted"
if MODE == "bare":
    window.centralWidget().installEventFilter(watcher)
    window.show()
    wait(app, lambda: FirstPaint.at is not None)
__result["painted_s"] = FirstPaint.at - T0
if MODE != "bare":
    # From the first paint to the database opened and the start page built.
    __result["ready_s"] = ready_at - FirstPaint.at
if MODE == "paint":
    # The dashboard's figures, then leave without waiting for its alerts (a QThread still
    # running at a normal exit aborts the process).
    page = window.pages["dashboard"]
    __result["dashboard_figures_s"] = figures_filled_at(app, page) - FirstPaint.at
    import json, resource
    __result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(__result), flush=True)
    os._exit(0)
if MODE == "app":
    from clauses_app.ui import tasks
    page = window.pages["dashboard"]
    __result["dashboard_figures_s"] = figures_filled_at(app, page) - FirstPaint.at
    wait(app, lambda: page.alerts_filled)
    __result["dashboard_alerts_s"] = time.time() - FirstPaint.at
    wait(app, lambda: not tasks.running_tasks())
    started = time.perf_counter()
    window.switch_page("employments")
    page = window.pages["employments"]
    wait(app, lambda: page.panel.model.rowCount() > 0)
    shown = time.perf_counter()
    __result["employments_list_s"] = shown - started
    __result["employments_rows"] = page.panel.model.total

    def timed_refresh(words):
        page.panel.search.blockSignals(True)
        page.panel.search.setText(words)
        page.panel.search.blockSignals(False)
        started = time.perf_counter()
        page.panel.refresh()
        app.processEvents()
        return time.perf_counter() - started

    # A search while the list's hours are computed in the background (services.list_progress,
    # sharing the interpreter), then the list and the search once they are there.
    __result["search_computing_s"] = timed_refresh("Martin")
    wait(app, lambda: page.panel.figures_label.text().startswith("Heures :"))
    __result["employments_figures_s"] = time.perf_counter() - shown
    __result["employments_list_figures_s"] = timed_refresh("")
    __result["search_s"] = timed_refresh("Martin")
    __result["search_rows"] = page.panel.model.total
    tasks.stop_running_tasks()  # the lists' figures may still be counting: a QThread
    window.close()  # destroyed while running aborts the process
    database.dispose()
"""


def compile_application(package: Path | None = None) -> None:
    """Compile the application's modules to bytecode, as installing it does (pip installs and
    PyInstaller bundles compiled modules; an editable install writes them at the first start).
    Without this, a run under ``PYTHONDONTWRITEBYTECODE=1`` (``./test`` and this machine's
    shells set it) compiles every module of the package from source at each start, about
    0.1 s of the window's start and of the dashboard's figures, which no installed copy pays.
    A module already compiled and unchanged is left as it is."""
    if package is None:
        import clauses_app

        package = Path(clauses_app.__file__).parent
    compileall.compile_dir(package, quiet=1)


def measure(
    mode: str, db_path: Path | str, env: dict[str, str], home: Path | None = None
) -> dict[str, Any]:
    """Run the probe in a fresh interpreter. ``mode``: "bare" (the baseline window), "paint"
    (the application until its start page is built and the dashboard's figures are shown) or
    "app" (then the dashboard's alerts, the employments list and a search). ``db_path``: an
    SQLite file or a database URL.

    By default in a fresh home: the window starts as on a first run (default size,
    dashboard, no figures kept from an earlier run: they are computed) and never reads or
    writes the user's own window state and log. ``home``: that folder instead, kept from
    one start to the next as a user's is."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="clauses-probe-") as fresh:
        child_env = dict(
            env, BENCH_MODE=mode, BENCH_DB=str(db_path), CLAUSES_HOME=str(home or fresh)
        )
        child_env["BENCH_T0"] = repr(time.time())
        return run_child(PROBE, env=child_env)

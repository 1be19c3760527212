"""Application timings, each in a fresh process started by the bench.

``painted_s`` runs from just before the process is spawned to the first paint of the main
window, so it includes interpreter start, imports, opening (and checking) the database. The
baseline is a bare PySide6 window started the same way in the same run.
"""

from __future__ import annotations

import os
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

app = QApplication.instance() or QApplication(["bench"])
watcher = FirstPaint()
MODE = os.environ["BENCH_MODE"]
if MODE == "bare":
    window = QMainWindow()
    window.setCentralWidget(QLabel("Clauses"))
    window.resize(1366, 768)
else:
    import clauses_app.ui  # applies the PySide6 work-around
    from clauses_app.storage import open_database
    from clauses_app.ui.context import AppContext
    from clauses_app.ui.main_window import MainWindow
    database = open_database(os.environ["BENCH_DB"])
    context = AppContext(database)
    window = MainWindow(context, remember=False)
window.centralWidget().installEventFilter(watcher)
window.show()
wait(app, lambda: FirstPaint.at is not None)
__result["painted_s"] = FirstPaint.at - T0
if MODE == "app":
    from clauses_app.ui import tasks
    started = time.perf_counter()
    app.processEvents()
    wait(app, lambda: not tasks.running_tasks())
    __result["dashboard_s"] = time.perf_counter() - started
    started = time.perf_counter()
    window.switch_page("employments")
    page = window.pages["employments"]
    wait(app, lambda: page.panel.model.rowCount() > 0)
    __result["employments_list_s"] = time.perf_counter() - started
    __result["employments_rows"] = page.panel.model.total
    page.panel.search.blockSignals(True)
    page.panel.search.setText("Martin")
    page.panel.search.blockSignals(False)
    started = time.perf_counter()
    page.panel.refresh()
    app.processEvents()
    __result["search_s"] = time.perf_counter() - started
    __result["search_rows"] = page.panel.model.total
    window.close()
    database.dispose()
"""


def measure(mode: str, db_path: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run the probe in a fresh interpreter (``mode``: "bare" or "app")."""
    child_env = dict(env, BENCH_MODE=mode, BENCH_DB=str(db_path))
    child_env["BENCH_T0"] = repr(time.time())
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return run_child(PROBE, env=child_env)

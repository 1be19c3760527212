"""Screenshot of the « Alertes » page on the demonstration data, for docs/screenshots and
the user guide.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/alerts-screenshot.py [FOLDER]

Writes alerts.png: the window at 1366×768 on the page, one authority chosen, alerts grouped
by contract, the first one marked « traitée » with a note (shown with « Toutes »).
Everything happens in a throw-away CLAUSES_HOME.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this tree's clauses_app
os.environ["CLAUSES_HOME"] = tempfile.mkdtemp(prefix="clauses-shots-")

from PySide6.QtWidgets import QApplication

SIZE = (1366, 768)


def main(folder: Path) -> int:
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.ui.app import fill_demo, install_french, wait_until_settled
    from clauses_app.ui.context import AppContext
    from clauses_app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["clauses-app"])
    install_french(app)
    path = Path(tempfile.mkdtemp(prefix="clauses-shots-db-")) / "demo.sqlite3"
    demo = open_app_database(str(path))
    fill_demo(demo)
    window = MainWindow(AppContext(demo), remember=False)
    window.resize(*SIZE)
    window.show()
    wait_until_settled(app, timeout=120)
    window.switch_page("alerts")
    page = window.page("alerts")
    wait_until_settled(app, timeout=120)
    page.authority_combo.setCurrentIndex(1)  # the first authority, by name
    wait_until_settled(app, timeout=120)
    first = page.alerts_shown()[0]
    page.select_alert(first.kind, first.record_uuid)
    page.note_edit.setText("Relancé par courriel le 02/12")
    page.mark_done()
    wait_until_settled(app, timeout=120)
    page.show_combo.setCurrentIndex(page.show_combo.findData("all"))
    wait_until_settled(app, timeout=120)
    second = page.alerts_shown()[1]
    page.select_alert(second.kind, second.record_uuid)  # its « À faire » under the tree
    target = folder / "alerts.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(target), "PNG"):
        raise SystemExit(f"cannot write {target}")
    print(target)
    window.close()
    window.close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))

"""Screenshot of the « Alertes » page on the demonstration data, for docs/screenshots and
the user guide.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/alerts-screenshot.py [FOLDER]

Writes alerts.png: the window at 1366×768 on the page, one authority chosen, alerts grouped
by contract, the first one marked « traitée » with a note (shown with « Toutes »).
Everything happens in a throw-away CLAUSES_HOME.
"""

from __future__ import annotations

from pathlib import Path

from screenshot_helpers import demo_window, run  # sets up the display and CLAUSES_HOME


def main(folder: Path) -> int:
    from clauses_app.ui.app import wait_until_settled

    app, window = demo_window()
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
    run(main)

"""Screenshots of the first run and the menus, for docs/screenshots and the user guide.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/first-run-screenshots.py [FOLDER]

Writes, at a 1366×768 window: first-run.png (the welcome page of an empty database),
organisation.png (« Commencer : mon organisation »), menu-fichier.png and menu-aide.png (the
window with the menu open), restore.png (Restaurer une sauvegarde… on the demonstration
data). Everything happens in a throw-away CLAUSES_HOME.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from screenshot_helpers import (  # sets up the display and CLAUSES_HOME
    SIZE,
    save,
    settle,
    with_dialog,
)


def with_menu(window: QWidget, menu: QMenu, title_index: int) -> QPixmap:
    """The window with one of its menus open below its title, as a user sees it."""
    bar = window.menuBar()  # type: ignore[attr-defined]
    action = bar.actions()[title_index]
    corner = bar.actionGeometry(action).bottomLeft()
    menu.popup(bar.mapToGlobal(corner))
    QApplication.processEvents()
    shot = window.grab()
    painter = QPainter(shot)
    where = window.mapFromGlobal(menu.mapToGlobal(QPoint(0, 0)))
    painter.drawPixmap(where, menu.grab())
    painter.end()
    menu.hide()
    return shot


def main(folder: Path) -> int:
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.storage.backup import take_backup
    from clauses_app.ui.app import fill_demo, install_french
    from clauses_app.ui.context import AppContext
    from clauses_app.ui.main_window import MainWindow
    from clauses_app.ui.organisation_dialog import OrganisationDialog
    from clauses_app.ui.restore_dialog import RestoreDialog

    app = QApplication.instance() or QApplication(["clauses-app"])
    install_french(app)
    work = Path(tempfile.mkdtemp(prefix="clauses-shots-db-"))
    empty = open_app_database(str(work / "clauses.sqlite3"))
    window = MainWindow(AppContext(empty), remember=False)
    window.resize(*SIZE)
    window.show()
    settle(app)
    save(window.grab(), folder / "first-run.png")

    dialog = OrganisationDialog(window.context, window)  # type: ignore[arg-type]
    dialog.name.setText("PLIE du Pays d'Albi")
    dialog.address.setPlainText("12 rue de la Croix-Verte\n81000 Albi")
    dialog.facilitator_name.setText("Camille Durand")
    dialog.facilitator_email.setText("camille.durand@plie-albi.fr")
    dialog.facilitator_phone.setText("05 63 00 00 00")
    dialog.show()
    settle(app)
    save(dialog.grab(), folder / "organisation.png")
    dialog.close()

    demo_path = work / "demo.sqlite3"
    demo = open_app_database(str(demo_path))
    fill_demo(demo)
    demo.dispose()
    take_backup(demo_path, "manuelle")
    window.switch_database(AppContext(open_app_database(str(demo_path))))
    settle(app)
    save(with_menu(window, window.file_menu, 0), folder / "menu-fichier.png")
    help_menu = window.menuBar().actions()[-1].menu()
    save(with_menu(window, help_menu, len(window.menuBar().actions()) - 1),
         folder / "menu-aide.png")  # fmt: skip
    restore = RestoreDialog(window, demo_path)
    restore.show()
    settle(app)
    save(with_dialog(window, restore), folder / "restore.png")
    restore.close()
    window.close()
    window.close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))

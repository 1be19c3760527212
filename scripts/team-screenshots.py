"""Screenshot of « Fichier ▸ Se connecter à la base d'équipe… », for docs/screenshots and the
user guide.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/team-screenshots.py [FOLDER]

Writes team-connect.png: the 1366×768 window with the dialog over it, two recent connections,
a verified TLS connection filled in and the French sentence of a refused certificate. No
server is needed: the refusal is the one storage/team_connection.py words for it. Everything
happens in a throw-away CLAUSES_HOME.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication
from screenshot_helpers import (  # sets up the display and CLAUSES_HOME
    SIZE,
    save,
    settle,
    with_dialog,
)


def main(folder: Path) -> int:
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.storage import team_connection as tc
    from clauses_app.ui.app import install_french
    from clauses_app.ui.context import AppContext
    from clauses_app.ui.main_window import MainWindow
    from clauses_app.ui.team_connect_dialog import TeamConnectDialog

    app = QApplication.instance() or QApplication(["clauses-app"])
    install_french(app)
    work = Path(tempfile.mkdtemp(prefix="clauses-shots-db-"))
    certificate = r"C:\Users\camille\Documents\Clauses\autorite-territoire.crt"
    for connection in (
        tc.TeamConnection("Coordination 44", "clauses.mde-nantes.fr", "clauses_coordination",
                          "camille", sslmode="verify-full", sslrootcert=certificate),
        tc.TeamConnection("Territoire de Nantes", "clauses.mde-nantes.fr", "clauses_nantes",
                          "camille", sslmode="verify-full", sslrootcert=certificate),
    ):  # fmt: skip
        tc.remember(connection)
    window = MainWindow(AppContext(open_app_database(str(work / "clauses.sqlite3"))),
                        remember=False)  # fmt: skip
    window.resize(*SIZE)
    window.show()
    settle(app)
    chosen = tc.saved_connections()[0]
    message = tc.describe_failure(Exception("SSL error: certificate verify failed"), chosen)
    dialog = TeamConnectDialog(window, chosen, message)
    dialog.recent.setCurrentRow(0)
    dialog.error_label.setText(message)
    dialog.password.setText("mot de passe")
    dialog.show()
    settle(app)
    save(with_dialog(window, dialog), folder / "team-connect.png")
    dialog.close()
    window.close()
    window.close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))

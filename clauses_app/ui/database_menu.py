"""What the Fichier and Aide menus and the welcome page do: new, open, connect to a team
database, recent, copy,
restore, a demonstration database, the organisation, the user guide and the about box.

Imported when a menu action is first used (the window's frame must not load the services).
Each job is a service call (services/databases.py, services/profile.py, storage/backup.py);
this module only asks, shows and switches the window. A database that cannot be opened is
explained in one French sentence and the current one stays open, unchanged.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.exc import OperationalError

from clauses_app.services import databases
from clauses_app.storage import Database, DatabaseError
from clauses_app.storage.team_connection import TEAM_PREFIX
from clauses_app.ui.context import DEMO_PREFIX, AppContext
from clauses_app.ui.errors import explain_database_error
from clauses_app.ui.widgets.dialogs import inform, warn
from clauses_app.ui.widgets.files import FileKind, ask_open_path, ask_save_path

if TYPE_CHECKING:
    from clauses_app.services.databases import TeamOpening
    from clauses_app.ui.main_window import MainWindow
    from clauses_app.ui.tasks import Task
    from clauses_app.ui.team_connect_dialog import TeamConnectDialog

log = logging.getLogger(__name__)

DATABASE_FILTER = "Base Clauses (*.sqlite3 *.sqlite *.db);;Tous les fichiers (*)"
DEMO_TITLE = "Création des données de démonstration"


def _switch_to(
    window: MainWindow, title: str, opener: Callable[[], Database], *, demo: bool = False
) -> Task:
    """Open a database with ``opener`` on a worker thread (a schema upgrade and its backup
    may take a while), then show it; on a refusal, say why in French and keep the current
    database open."""
    from clauses_app.ui.tasks import run_job

    def refused(exc: BaseException) -> None:
        if not isinstance(exc, (DatabaseError, OperationalError)):
            from clauses_app.ui.errors import show_error

            show_error(window, exc)
            return
        log.warning("Database refused: %s", exc)
        warn(window, *explain_database_error(exc))

    return run_job(
        window, title, lambda _progress: opener(),
        on_done=lambda database: window.switch_database(AppContext(database, demo=demo)),
        on_error=refused, can_cancel=False,
    )  # fmt: skip


def _is_current(window: MainWindow, path: Path) -> bool:
    current = window.context.database.file_path if window.context is not None else None
    return current is not None and path.exists() and current.resolve() == path.resolve()


# --- Fichier ---------------------------------------------------------------------------------


def new_database(window: MainWindow, path: Path | None = None) -> Task | None:
    """Fichier ▸ Nouvelle base… : an empty database in a new file, shown once created (the
    task, or None when the user gave up)."""
    if not window.pages_let_go():
        return None
    if path is None:
        path = ask_save_path(
            window, FileKind.DATABASE, "Nouvelle base Clauses", DATABASE_FILTER, "clauses.sqlite3"
        )
        if path is None:
            return None
        if not path.suffix:
            path = path.with_suffix(".sqlite3")
    return _switch_to(window, "Création de la base", lambda: databases.create_database(path))


def open_database(window: MainWindow, path: Path | None = None) -> Task | None:
    """Fichier ▸ Ouvrir une base… (and Bases récentes): switch the window to another file
    (the task, or None when nothing was started)."""
    if path is None:
        path = ask_open_path(window, FileKind.DATABASE, "Ouvrir une base Clauses", DATABASE_FILTER)
        if path is None:
            return None
    if _is_current(window, path):
        inform(window, "Base déjà ouverte", f"La base « {path} » est celle qui est ouverte.")
        return None
    if not path.exists():
        window.forget_database(str(path))
    if not window.pages_let_go():
        return None
    return _switch_to(
        window, "Ouverture de la base", lambda: databases.open_existing_database(path)
    )


def connect_team_database(
    window: MainWindow, name: str | None = None, message: str = ""
) -> TeamConnectDialog | None:
    """Fichier ▸ Se connecter à la base d'équipe… : the dialog (a saved connection ``name``
    shown, and why it needs the person, when given); the window switches to the database
    once the dialog has opened it."""
    from clauses_app.storage.team_connection import find_saved
    from clauses_app.ui.team_connect_dialog import TeamConnectDialog

    if not window.pages_let_go():
        return None
    chosen = find_saved(name) if name else None
    dialog = TeamConnectDialog(window, chosen, message)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.opened.connect(lambda opening: _show_team_database(window, opening))
    dialog.open()
    return dialog


def open_team_connection(window: MainWindow, name: str) -> Task | None:
    """Bases récentes ▸ a team connection: connected at once with the stored password; the
    dialog when it fails (no password stored, refused, server away), saying why."""
    from clauses_app.storage.team_connection import find_saved, read_password
    from clauses_app.ui.tasks import run_job

    connection = find_saved(name)
    if connection is None:
        window.forget_database(f"{TEAM_PREFIX}{name}")
        warn(window, "Connexion inconnue", f"La connexion d'équipe « {name} » a été oubliée.")
        return None
    if not window.pages_let_go():
        return None

    def refused(exc: BaseException) -> None:
        if not isinstance(exc, DatabaseError):
            from clauses_app.ui.errors import show_error

            show_error(window, exc)
            return
        connect_team_database(window, name, str(exc))

    return run_job(
        window, "Connexion à la base d'équipe",
        lambda _progress: databases.connect_team_database(
            connection, read_password(connection), keep_password=False
        ),
        on_done=lambda opening: _show_team_database(window, opening),
        on_error=refused, can_cancel=False,
    )  # fmt: skip


def _show_team_database(window: MainWindow, opening: TeamOpening) -> None:
    window.switch_database(AppContext(opening.database))
    window.remember_database(f"{TEAM_PREFIX}{opening.connection.name}")
    if opening.password_note:
        inform(window, "Mot de passe non mémorisé", opening.password_note)


def save_copy(window: MainWindow, target: Path | None = None) -> Task | None:
    """Fichier ▸ Enregistrer une copie… : a consistent copy of the open SQLite file, written
    on a worker thread (the task, or None when nothing was started)."""
    from clauses_app.ui.tasks import run_job

    context = window.context
    if context is None or context.database.file_path is None:
        return None
    if target is None:
        source = context.database.file_path
        target = ask_save_path(
            window, FileKind.DATABASE, "Enregistrer une copie de la base", DATABASE_FILTER,
            f"{source.stem}-copie{source.suffix}",
        )  # fmt: skip
        if target is None:
            return None
    database, chosen = context.database, target

    def written(path: Path) -> None:
        inform(
            window, "Copie enregistrée",
            f"Une copie de la base a été enregistrée :\n{path}\n\n"
            "La base ouverte reste celle-ci ; ouvrez la copie avec « Ouvrir une base… ».",
        )  # fmt: skip

    def refused(exc: BaseException) -> None:
        if isinstance(exc, DatabaseError):
            warn(window, "Copie impossible", str(exc))
        else:
            from clauses_app.ui.errors import show_error

            show_error(window, exc)

    return run_job(
        window, "Copie de la base", lambda _progress: databases.save_copy(database, chosen),
        on_done=written, on_error=refused, can_cancel=False,
    )  # fmt: skip


def restore_backup(window: MainWindow) -> None:
    """Fichier ▸ Restaurer une sauvegarde… : the backups of the open file, one restored."""
    from clauses_app.ui.restore_dialog import open_restore_dialog

    open_restore_dialog(window)


def start_demo(window: MainWindow) -> None:
    """A throw-away database filled with demonstration data, shown once filled (the current
    database is left as it is, and closed)."""
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.ui.app import fill_demo
    from clauses_app.ui.tasks import run_task

    if not window.pages_let_go():
        return
    folder = Path(tempfile.mkdtemp(prefix=DEMO_PREFIX))
    database = open_app_database(str(folder / "demo.sqlite3"))
    throw_away = AppContext(database, demo=True)

    def give_up(_error: object = None) -> None:
        throw_away.close_database()

    def show(_result: object) -> None:
        window.switch_database(throw_away)

    def failed(error: BaseException) -> None:
        give_up()
        _demo_failed(window, error)

    run_task(
        window, DEMO_TITLE, database, lambda db, progress: fill_demo(db, progress),
        on_done=show, on_cancel=give_up, changes_data=False,
        on_error=failed,
    )  # fmt: skip


def _demo_failed(window: QWidget, error: BaseException) -> None:
    from clauses_app.ui.errors import show_error

    show_error(window, error)


def edit_organisation(window: MainWindow) -> None:
    """« Commencer : mon organisation »: the structure (database) and the user's contact."""
    from clauses_app.ui.organisation_dialog import OrganisationDialog

    if window.context is None:
        return
    dialog = OrganisationDialog(window.context, window)
    dialog.open()


# --- Aide ------------------------------------------------------------------------------------


def guide_path() -> Path:
    """The user guide's first page, shipped in the package (resources/guide)."""
    from clauses_app.reports.resources import resource_path

    return resource_path("guide", "index.html")


def open_guide(window: MainWindow) -> bool:
    """Aide ▸ Guide d'utilisation : the HTML guide in the default browser."""
    path = guide_path()
    if not path.is_file():
        warn(window, "Guide introuvable", f"Le guide d'utilisation est introuvable :\n{path}")
        return False
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        warn(
            window, "Guide d'utilisation",
            f"Aucun navigateur n'a pu ouvrir le guide. Ouvrez ce fichier vous-même :\n{path}",
        )  # fmt: skip
        return False
    return True


def about_text(context: AppContext | None) -> str:
    """Version, database (path and schema version) and licence, in French."""
    from clauses_app import __version__
    from clauses_app.storage import migrate

    lines = [f"Clauses {__version__}", "Suivi des clauses sociales d'insertion."]
    if context is not None:
        database = context.database
        try:
            schema = migrate.current_revision(database.engine) or "inconnu"
        except Exception:  # an unreachable server: the about box still opens
            log.exception("Schema version unreadable")
            schema = "illisible"
        kind = " (démonstration, base jetable)" if context.demo else ""
        lines += ["", f"Base de données{kind} :", database.display_name, f"Schéma : {schema}"]
        lines.append(f"Schéma de l'application : {migrate.head_revision()}")
    lines += ["", "Licence : MIT — logiciel libre, fourni sans garantie."]
    return "\n".join(lines)


def show_about(window: MainWindow) -> QMessageBox:
    """Aide ▸ À propos de Clauses."""
    box = QMessageBox(
        QMessageBox.Icon.Information, "À propos de Clauses", about_text(window.context),
        QMessageBox.StandardButton.Ok, window,
    )  # fmt: skip
    box.setObjectName("about_box")
    box.open()
    return box

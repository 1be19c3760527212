"""Errors in the window: a global exception hook that logs and explains, and French
explanations of database problems with a way out (choose another file, retry, quit).

Every dialog goes through :func:`present_dialog`, the one place tests replace.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from clauses_app import paths
from clauses_app.storage import DatabaseError, DatabaseNewerError, DatabaseUnreachableError

log = logging.getLogger("clauses_app")
LOG_FILENAME = "clauses.log"


def log_file() -> Path:
    """The application's log file (in the user log folder, or CLAUSES_HOME/logs)."""
    return paths.log_dir() / LOG_FILENAME


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files are the owner's only (0600): errors may quote data."""

    def _open(self):  # type: ignore[no-untyped-def]
        paths.private_file(Path(self.baseFilename))
        return super()._open()


def setup_logging() -> Path:
    """Send the application's log to :func:`log_file` (rotating, 1 MB × 3)."""
    path = log_file()
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = _PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return path


def present_dialog(box: QMessageBox) -> int:
    """Show a message box and wait for the answer (tests replace this function)."""
    return box.exec()


def is_locked(error: BaseException) -> bool:
    """Another program holds the database (SQLite "database is locked", a PostgreSQL lock)."""
    from clauses_app.storage.errors import is_busy

    return is_busy(error)


def explain_database_error(
    error: BaseException, database_file: Path | None = None
) -> tuple[str, str]:
    """A French title and explanation for a database problem (never the driver's text).
    ``database_file``: the SQLite file, to name who has it open when it is busy."""
    from clauses_app.storage.errors import describe_database_error

    if is_locked(error):
        return ("Base de données occupée", describe_database_error(error, database_file) or "")
    if isinstance(error, DatabaseNewerError):
        return ("Base de données plus récente que l'application", str(error))
    if isinstance(error, DatabaseUnreachableError):
        return (
            "Base de données inaccessible",
            f"{error}\n\nVérifiez que le fichier ou le serveur est disponible (clé USB, "
            "dossier réseau, connexion), ou ouvrez un autre fichier.",
        )
    described = describe_database_error(error, database_file)
    if described is not None and not isinstance(error, DatabaseError):
        return ("Base de données", described)
    return ("Base de données inutilisable", str(error))


class WayOut:
    OTHER_FILE = "other"
    RETRY = "retry"
    QUIT = "quit"


def ask_database_way_out(error: BaseException, parent: QWidget | None = None) -> str:
    """Explain a database problem and ask what to do: another file, retry (when locked), quit."""
    title, text = explain_database_error(error)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                      parent)  # fmt: skip
    other = box.addButton("Choisir un autre fichier…", QMessageBox.ButtonRole.AcceptRole)
    retry = (
        box.addButton("Réessayer", QMessageBox.ButtonRole.ActionRole) if is_locked(error) else None
    )
    quit_button = box.addButton("Quitter", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(other)
    box.setEscapeButton(quit_button)
    present_dialog(box)
    clicked = box.clickedButton()
    if clicked is other:
        return WayOut.OTHER_FILE
    if retry is not None and clicked is retry:
        return WayOut.RETRY
    return WayOut.QUIT


def show_error(parent: QWidget | None, error: BaseException, details: str = "") -> None:
    """Tell the user something failed, where the log is, and keep the window alive."""
    from clauses_app.storage.errors import describe_database_error

    if isinstance(error, DatabaseError) or describe_database_error(error) is not None:
        title, text = explain_database_error(error, _database_file(parent))
    else:
        title = "Une erreur est survenue"
        text = f"L'opération n'a pas pu aboutir : {error or type(error).__name__}"
    text += f"\n\nLe détail est enregistré dans le journal :\n{log_file()}"
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok,
                      parent)  # fmt: skip
    if details:
        box.setDetailedText(details)
    present_dialog(box)


def _database_file(widget: QWidget | None) -> Path | None:
    """The SQLite file of the window ``widget`` belongs to, to name who has it open."""
    window = widget.window() if widget is not None else None
    context = getattr(window, "context", None)
    database = getattr(context, "database", None)
    path = getattr(database, "file_path", None)
    return path if isinstance(path, Path) else None


_showing = threading.local()


def exception_hook(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """Log an uncaught exception with its traceback, then show it (never crash silently)."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    details = "".join(traceback.format_exception(kind, error, tb))
    log.critical("Uncaught exception\n%s", details)
    for handler in logging.getLogger().handlers:
        handler.flush()
    if QApplication.instance() is None or getattr(_showing, "active", False):
        sys.stderr.write(details)
        return
    _showing.active = True  # an error inside the dialog must not loop
    try:
        show_error(QApplication.activeWindow(), error, details)
    finally:
        _showing.active = False


def install_exception_hook() -> None:
    """Route uncaught exceptions (main thread and other threads) to :func:`exception_hook`."""
    setup_logging()
    sys.excepthook = exception_hook

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        details = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        log.critical("Uncaught exception in thread %s\n%s", args.thread, details)

    threading.excepthook = thread_hook

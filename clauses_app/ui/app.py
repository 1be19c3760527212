"""Entry point of the ``clauses-app`` window.

    clauses-app [FILE] [--db FILE_OR_URL] [--demo]
    clauses-app --screenshot PATH [--page NAME] [--size 1366x768] [--db ...] [--demo]

``--screenshot`` renders the main window offscreen on one page, waits for its data, writes a
PNG and exits (for the documentation and for checks). ``--demo`` opens a throw-away database
filled with demonstration data. ``FILE`` (a ``.clause`` file, as the Windows file association
passes it, or a spreadsheet) opens its import dialog; with ``--screenshot`` the dialog is shot.

Start-up paints the window's frame before anything slow is imported or opened (see
:func:`start`); the bench (``bench/app_probe.py``) times that same function.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when needed, after the first paint
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QWidget

    from clauses_app.services.progress import Progress
    from clauses_app.storage import Database
    from clauses_app.ui.context import AppContext

log = logging.getLogger(__name__)
SCREENSHOT_TIMEOUT_S = 60.0
FIRST_PAINT_TIMEOUT_MS = 1500


def parse_size(text: str) -> tuple[int, int]:
    """``1366x768`` → (1366, 768)."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"taille invalide « {text} » (ex. 1366x768)") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"taille hors limites : {text}")
    return width, height


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    from clauses_app.ui.main_window import PAGE_NAMES

    parser = argparse.ArgumentParser(
        prog="clauses-app", description="Clauses — suivi des clauses sociales d'insertion"
    )
    parser.add_argument("file", nargs="?", type=Path, help="fichier .clause ou tableur à importer")
    parser.add_argument("--db", help="fichier de base de données ou adresse (URL)")
    parser.add_argument(
        "--demo", action="store_true", help="base jetable remplie de données de démonstration"
    )
    parser.add_argument("--screenshot", type=Path, metavar="PATH", help="image PNG à écrire")
    parser.add_argument("--page", choices=PAGE_NAMES, help="page à afficher")
    parser.add_argument("--size", type=parse_size, default=(1366, 768), help="LxH de la fenêtre")
    return parser.parse_args(argv)


def fill_demo(database: Database, progress: Progress | None = None) -> bool:
    """Fill a database with demo data when the demo generator is installed."""
    try:
        from clauses_app.services.demo import generate_demo
    except ImportError:
        log.warning("Demo data generator not available")
        return False
    generate_demo(database, size="small", seed=1, progress=progress)
    return True


def open_database_interactively(
    db: str | None, interactive: bool, parent: QWidget | None = None
) -> Database | None:
    """Open the database; on failure explain why and offer another file or quit."""
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.storage import DatabaseError
    from clauses_app.ui.errors import WayOut, ask_database_way_out, explain_database_error
    from clauses_app.ui.widgets.files import FileKind, ask_open_path

    while True:
        try:
            return open_app_database(db)
        except Exception as exc:
            from sqlalchemy.exc import OperationalError

            if not isinstance(exc, DatabaseError | OperationalError):
                raise
            log.warning("Cannot open database %s: %s", db, exc)
            if not interactive:
                title, text = explain_database_error(exc)
                sys.stderr.write(f"{title} : {text}\n")
                return None
            choice = ask_database_way_out(exc, parent)
            if choice == WayOut.QUIT:
                return None
            if choice == WayOut.OTHER_FILE:
                path = ask_open_path(
                    parent, FileKind.DATABASE, "Ouvrir une base Clauses",
                    "Base Clauses (*.sqlite3 *.sqlite *.db);;Tous les fichiers (*)",
                )  # fmt: skip
                if path is None:
                    return None
                db = str(path)


def install_french(app: QCoreApplication) -> None:
    """Qt's own texts (Yes/No, Cancel, context menus, the file dialog) in French."""
    from clauses_app.ui.i18n import install_french as install_catalogues

    install_catalogues(app)


def wait_until_settled(app: QCoreApplication, timeout: float = SCREENSHOT_TIMEOUT_S) -> None:
    """Let pages load (they start after the first paint) and background tasks finish."""
    from clauses_app.ui import tasks

    deadline = time.monotonic() + timeout
    quiet_rounds = 0
    while time.monotonic() < deadline and quiet_rounds < 5:
        app.processEvents()
        quiet_rounds = quiet_rounds + 1 if not tasks.running_tasks() else 0
        time.sleep(0.02)


def take_screenshot(window: QWidget, path: Path, app: QCoreApplication) -> int:
    wait_until_settled(app)
    pixmap = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path), "PNG"):
        sys.stderr.write(f"Impossible d'écrire {path}\n")
        return 1
    print(f"Capture écrite : {path} ({pixmap.width()}×{pixmap.height()})")
    return 0


class Started:
    """The application after :func:`start`: its window attached to the open database, and
    the import dialog of a FILE argument. (A plain class: importing dataclasses would delay
    the first paint.)"""

    def __init__(self, app: Any, args: argparse.Namespace, window: Any, context: Any) -> None:
        self.app = app  # QApplication
        self.args = args
        self.window = window  # MainWindow
        self.context = context  # AppContext
        self.dialog: Any = None


def prepare_application(args: argparse.Namespace) -> Any:
    """The QApplication, named, in French, with an exception hook that loads the full one
    (logging and the error dialog) only when an error happens before it is installed."""
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "clauses-app"])
    app.setApplicationName("Clauses")
    QApplication.setApplicationDisplayName("Clauses")  # static, for the whole application
    install_french(app)
    sys.excepthook = early_exception_hook
    return app


def early_exception_hook(kind: type[BaseException], error: BaseException, tb: Any) -> None:
    """Until the window painted, errors.py (which imports the storage) is not loaded yet."""
    from clauses_app.ui import errors

    errors.install_exception_hook()
    errors.exception_hook(kind, error, tb)


def wait_for_first_paint(app: Any, window: Any, timeout_ms: int = FIRST_PAINT_TIMEOUT_MS) -> bool:
    """Run the event loop until the window's frame is on screen (or the time is up: a window
    started minimised never paints, and must not wait for it)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if not window.painted:
        loop = QEventLoop()
        window.first_painted.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        window.first_painted.disconnect(loop.quit)
    return bool(window.painted)


def start(argv: Sequence[str] | None = None) -> Started | int:
    """Everything the application does before its event loop, in the order the user sees it:
    the window frame painted first (only PySide6 is imported by then), then the exception
    hook, the database (checked, backed up and migrated as needed), and the page in view.
    Returns the exit status instead when the database is not opened."""
    args = parse_args(argv)
    app = prepare_application(args)
    from clauses_app.ui.main_window import MainWindow

    interactive = args.screenshot is None
    window = MainWindow(remember=interactive)
    if args.screenshot is not None:
        window.resize(*args.size)
    if args.page:
        window.switch_page(args.page)
    window.show()
    wait_for_first_paint(app, window)
    # From here on, the slow part: SQLAlchemy, the services, the pages. Imports make many
    # objects and no cycles: the collector waits (clauses_app.runtime); the start page's
    # figures, a background task, keep it paused until they are done.
    from clauses_app.runtime import collector_paused

    with collector_paused():
        return _open_and_attach(args, app, window, interactive)


def _open_and_attach(
    args: argparse.Namespace, app: Any, window: Any, interactive: bool
) -> Started | int:
    """The database opened (checked, backed up and migrated as needed) and the window's
    pages attached to it."""
    from clauses_app.ui.errors import install_exception_hook

    install_exception_hook()
    from clauses_app import paths

    paths.tighten_existing()  # files an earlier version made readable by all (docs/privacy.md)
    db = args.db
    if args.demo and db is None:
        import tempfile

        db = str(Path(tempfile.mkdtemp(prefix="clauses-demo-")) / "demo.sqlite3")
    database = open_database_interactively(db, interactive, window)
    from clauses_app.ui.presence import announce_presence  # who else has it open (lock file)

    if database is not None and not announce_presence(database, window, interactive):
        database.dispose()
        database = None
    if database is None:
        window.remember = False  # the window never got its data: keep its saved state
        window.close()
        return 3
    if args.demo and not interactive:
        fill_demo(database)
    from clauses_app.ui.context import AppContext

    context = AppContext(database, demo=bool(args.demo and args.db is None))
    window.attach(context)
    started = Started(app, args, window, context)
    if args.file is not None:
        from clauses_app.ui.imports import open_file_argument

        started.dialog = open_file_argument(context, window, args.file, quiet=not interactive)
    return started


def main(argv: Sequence[str] | None = None) -> int:
    """The ``clauses-app`` entry point."""
    started = start(argv)
    if isinstance(started, int):
        return started
    args, window, database = started.args, started.window, started.context.database
    if args.screenshot is not None:
        try:
            shot = window if started.dialog is None else started.dialog
            return take_screenshot(shot, args.screenshot, started.app)
        finally:
            window.close()
            database.dispose()
    if args.demo:
        _fill_demo_in_background(window, started.context)
    status = started.app.exec()
    # The database in view may not be the one opened at start (Fichier ▸ Ouvrir une base):
    # the window stops its tasks (e.g. the dashboard's alerts, still computing when it
    # closed) and closes it.
    window.close_database()
    return int(status)


def _fill_demo_in_background(window: QWidget, context: AppContext) -> None:
    """Generate demo data after the window painted, with a progress dialog."""
    from clauses_app.ui.tasks import run_task

    run_task(
        window,
        "Création des données de démonstration",
        context.database,
        lambda db, progress: fill_demo(db, progress),
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""What the screenshot scripts share: an offscreen display, a throw-away CLAUSES_HOME, this
tree's clauses_app first on the path, the 1366×768 size, waiting for the window to settle and
saving a PNG. Import it before PySide6 (the scripts' folder is on the path when they run)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this tree's clauses_app
os.environ["CLAUSES_HOME"] = tempfile.mkdtemp(prefix="clauses-shots-")

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

SIZE = (1366, 768)


def settle(app: QApplication) -> None:
    from clauses_app.ui.app import wait_until_settled

    wait_until_settled(app, timeout=60)


def save(pixmap: QPixmap, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path), "PNG"):
        raise SystemExit(f"cannot write {path}")
    print(f"{path} ({pixmap.width()}×{pixmap.height()})")


def with_dialog(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window with a dialog centred over it, as a window manager places it (offscreen,
    windows have no frame: a thin line marks the dialog's edge)."""
    shot = window.grab()
    corner = QPoint((shot.width() - dialog.width()) // 2, (shot.height() - dialog.height()) // 2)
    painter = QPainter(shot)
    painter.drawPixmap(corner, dialog.grab())
    painter.setPen(QColor("#5a6b80"))
    painter.drawRect(corner.x() - 1, corner.y() - 1, dialog.width() + 1, dialog.height() + 1)
    painter.end()
    return shot


def pdf_page(pdf: Path, text: str, out: Path, resolution: int = 80) -> None:
    """The first page of ``pdf`` that holds ``text``, as ``out``.png (pdftoppm)."""
    import subprocess

    from pypdf import PdfReader

    page = 1 + next(i for i, p in enumerate(PdfReader(pdf).pages)
                    if text in (p.extract_text() or ""))  # fmt: skip
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(out)], check=True)  # fmt: skip
    print(f"{out}.png")


def demo_window() -> tuple[QApplication, Any]:
    """The application in French and its main window at 1366×768 on a throw-away
    demonstration database, shown and settled."""
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.ui.app import fill_demo, install_french
    from clauses_app.ui.context import AppContext
    from clauses_app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["clauses-app"])
    install_french(app)  # type: ignore[arg-type]
    path = Path(tempfile.mkdtemp(prefix="clauses-shots-db-")) / "demo.sqlite3"
    demo = open_app_database(str(path))
    fill_demo(demo)
    window = MainWindow(AppContext(demo), remember=False)
    window.resize(*SIZE)
    window.show()
    settle(app)  # type: ignore[arg-type]
    return app, window  # type: ignore[return-value]


def run(main: Callable[[Path], int]) -> None:
    """Run a script's ``main`` on the folder given on the command line (docs/screenshots)."""
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))

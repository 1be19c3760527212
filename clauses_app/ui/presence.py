"""At window start-up: tell the user who else has the database open (storage/presence.py),
offer to open it read-only, and warn when it lives on a network share."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from clauses_app.storage import Database
from clauses_app.storage.presence import (
    Presence,
    PresenceLock,
    is_network_path,
    network_warning,
    other_presence,
)
from clauses_app.ui.errors import present_dialog


class Choice:
    READ_ONLY = "read_only"
    OPEN_ANYWAY = "open_anyway"
    QUIT = "quit"


def ask_how_to_open(holder: Presence, name: str, parent: QWidget | None) -> str:
    """Read-only (the default), open anyway, or quit."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Base déjà ouverte",
        f"La base « {name} » est déjà ouverte par {holder.describe()}.\n\n"
        "L'ouvrir en lecture seule vous laisse tout consulter sans risque ; l'ouvrir quand "
        "même permet d'enregistrer, mais chacun attendra que l'autre ait fini d'écrire, et "
        "une fiche modifiée des deux côtés vous sera signalée à l'enregistrement.",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    read_only = box.addButton("Ouvrir en lecture seule", QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton("Ouvrir quand même", QMessageBox.ButtonRole.DestructiveRole)
    quit_button = box.addButton("Quitter", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(read_only)
    box.setEscapeButton(quit_button)
    present_dialog(box)
    clicked = box.clickedButton()
    if clicked is anyway:
        return Choice.OPEN_ANYWAY
    if clicked is read_only:
        return Choice.READ_ONLY
    return Choice.QUIT


def announce_presence(database: Database, parent: QWidget | None, interactive: bool) -> bool:
    """Settle who else has ``database`` open before the window uses it; False to quit.

    Writes this window's lock file (removed when the application quits) unless the user
    chose read-only; warns about a network share."""
    path = database.file_path
    if path is None:
        return True
    if is_network_path(path) and interactive:
        box = QMessageBox(QMessageBox.Icon.Warning, "Base sur un partage réseau",
                          network_warning(path), QMessageBox.StandardButton.Ok, parent)  # fmt: skip
        present_dialog(box)
    holder = other_presence(path)
    if holder is not None and interactive:
        choice = ask_how_to_open(holder, path.name, parent)
        if choice == Choice.QUIT:
            return False
        if choice == Choice.READ_ONLY:
            database.set_read_only()
            if parent is not None:
                parent.setWindowTitle(f"{parent.windowTitle()} (lecture seule)")
            return True
    lock = PresenceLock(path)
    lock.claim()
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(lock.release)
    return True

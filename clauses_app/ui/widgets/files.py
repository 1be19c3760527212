"""Every file dialog of the window, and what follows a written file.

The dialogs remember the last folder per kind of file (a spreadsheet to import is not looked
for where reports are written), in an INI file of the config folder. They are Qt's static
dialogs, so the platform's own dialog is used where there is one (Windows), and Qt's, in
French (ui/i18n.py), elsewhere.

After a document is written, :class:`WrittenFileLinks` offers « Ouvrir » and « Ouvrir le
dossier » (the system's default application, through QDesktopServices).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMessageBox, QPushButton, QWidget

from clauses_app import paths

SETTINGS_FILE = "folders.ini"


class FileKind(StrEnum):
    """The kinds of file that each have their own last folder."""

    SHEET = "sheet"  # spreadsheets to import
    CLAUSE = "clause"  # Clause exchange files, read or written
    DOCUMENT = "document"  # balance reports, clause wording
    LIST_EXPORT = "list_export"  # a list's rows as XLSX or CSV
    DATABASE = "database"  # database files, copies and backups
    IMAGE = "image"  # the organisation's logo
    CERTIFICATE = "certificate"  # a team server's certificate authority (TLS)


def _settings() -> QSettings:
    return QSettings(str(paths.config_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)


def default_folder() -> Path:
    """The user's Documents folder (the home folder when there is none)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(documents) if documents else Path.home()
    return folder if folder.is_dir() else Path.home()


def last_folder(kind: FileKind) -> Path:
    """Where the last file of this kind was chosen, while that folder exists."""
    value = _settings().value(f"last_folder/{kind.value}")
    if isinstance(value, str) and value and Path(value).is_dir():
        return Path(value)
    return default_folder()


def remember_folder(kind: FileKind, chosen: Path) -> None:
    """Note the folder of a chosen file (or a chosen folder) for the next dialog of its kind."""
    folder = chosen if chosen.is_dir() else chosen.parent
    settings = _settings()
    settings.setValue(f"last_folder/{kind.value}", str(folder))
    settings.sync()


def _start(kind: FileKind, suggested: str | Path | None) -> str:
    """A suggested name goes in the kind's last folder; a full path is kept as it is."""
    if suggested is None or str(suggested) == "":
        return str(last_folder(kind))
    suggested = Path(suggested)
    if suggested.is_absolute():
        return str(suggested)
    return str(last_folder(kind) / suggested)


def ask_open_path(
    parent: QWidget | None, kind: FileKind, caption: str, file_filter: str,
    start: str | Path | None = None,
) -> Path | None:  # fmt: skip
    """A file to read, or None when the user cancelled."""
    name, _filter = QFileDialog.getOpenFileName(parent, caption, _start(kind, start), file_filter)
    return _chosen(kind, name)


def ask_open_paths(
    parent: QWidget | None, kind: FileKind, caption: str, file_filter: str,
    start: str | Path | None = None,
) -> list[Path]:  # fmt: skip
    """Files to read (several may be chosen), or [] when the user cancelled."""
    names, _filter = QFileDialog.getOpenFileNames(parent, caption, _start(kind, start), file_filter)
    if names:
        remember_folder(kind, Path(names[0]))
    return [Path(name) for name in names]


def ask_save_path(
    parent: QWidget | None, kind: FileKind, caption: str, file_filter: str,
    suggested: str | Path | None = None,
) -> Path | None:  # fmt: skip
    """A file to write (``suggested``: a name, put in the last folder, or a full path)."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, caption, _start(kind, suggested), file_filter
    )
    return _chosen(kind, name)


def ask_folder_path(parent: QWidget | None, kind: FileKind, caption: str) -> Path | None:
    """A folder to write into, or None when the user cancelled."""
    name = QFileDialog.getExistingDirectory(parent, caption, str(last_folder(kind)))
    return _chosen(kind, name)


def _chosen(kind: FileKind, name: str) -> Path | None:
    if not name:
        return None
    path = Path(name)
    remember_folder(kind, path)
    return path


# --- after a file is written -------------------------------------------------------------------


def open_with_system(path: Path) -> bool:
    """Open a file or a folder with the system's default application."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def folder_of(path: Path) -> Path:
    return path if path.is_dir() else path.parent


class WrittenFileLinks(QWidget):
    """« Ouvrir » and « Ouvrir le dossier » for the last file written; hidden until then."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.open_button = QPushButton("Ouvrir")
        self.open_button.setObjectName("open_written")
        self.folder_button = QPushButton("Ouvrir le dossier")
        self.folder_button.setObjectName("open_written_folder")
        self.open_button.clicked.connect(self.open_file)
        self.folder_button.clicked.connect(self.open_folder)
        layout.addWidget(self.open_button)
        layout.addWidget(self.folder_button)
        layout.addStretch(1)
        self.hide()

    def show_for(self, path: Path | None, folder_only: bool = False) -> None:
        """Offer the file (a folder, or ``folder_only``: « Ouvrir le dossier » only); None
        hides the buttons."""
        self.path = path
        self.setVisible(path is not None)
        self.open_button.setVisible(path is not None and not folder_only and not path.is_dir())

    def open_file(self) -> bool:
        return self.path is not None and open_with_system(self.path)

    def open_folder(self) -> bool:
        return self.path is not None and open_with_system(folder_of(self.path))


def announce_written(parent: QWidget | None, title: str, text: str, path: Path) -> QMessageBox:
    """A window-modal message (it does not block) saying a file was written, with
    « Ouvrir », « Ouvrir le dossier » and « Fermer »."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    open_button = box.addButton("Ouvrir", QMessageBox.ButtonRole.ActionRole)
    folder_button = box.addButton("Ouvrir le dossier", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Fermer", QMessageBox.ButtonRole.RejectRole)
    open_button.clicked.connect(lambda: open_with_system(path))
    folder_button.clicked.connect(lambda: open_with_system(folder_of(path)))
    box.open()
    return box

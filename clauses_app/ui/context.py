"""What every page of the window shares: the open database, settings and navigation."""

from __future__ import annotations

import shutil
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from clauses_app.services.records.kinds import Kind
from clauses_app.services.settings import AppSettings, load_settings
from clauses_app.storage import Database

if TYPE_CHECKING:
    from clauses_app.ui.lists.figures import ListFiguresStore

# Kinds of record a page can ask the main window to open (alerts, double-clicks): the same
# strings as the record services use.
RecordKind = Kind
DEMO_PREFIX = "clauses-demo-"  # the temporary folder of a demonstration database


class AppContext(QObject):
    """Shared by the main window and its pages. Pages never hold ORM objects across calls:
    they ask services with a fresh session (``context.database.session()``)."""

    # (RecordKind, uuid): the main window switches to the right page and opens the record.
    open_record_requested = Signal(str, object)
    # Emitted after settings are saved, so that pages re-read them.
    settings_changed = Signal()

    def __init__(
        self, database: Database, parent: QObject | None = None, *, demo: bool = False
    ) -> None:
        super().__init__(parent)
        self.database = database
        # A throw-away database of demonstration data: the title bar says so, and its
        # folder is deleted when the window lets it go (close_database).
        self.demo = demo
        self._list_figures: ListFiguresStore | None = None

    def list_figures(self) -> ListFiguresStore:
        """The lists' figures of this database (made when a list first asks for them)."""
        if self._list_figures is None:
            from clauses_app.ui.lists.figures import ListFiguresStore

            self._list_figures = ListFiguresStore(self.database, self)
        return self._list_figures

    def close_database(self) -> None:
        """Let the database go: its connections closed; a demonstration database deleted."""
        self.database.dispose()
        path = self.database.file_path
        if self.demo and path is not None and path.parent.name.startswith(DEMO_PREFIX):
            shutil.rmtree(path.parent, ignore_errors=True)

    def settings(self) -> AppSettings:
        with self.database.session() as session:
            return load_settings(session)

    def open_record(self, kind: str, record_uuid: uuid.UUID) -> None:
        self.open_record_requested.emit(kind, record_uuid)

"""What every page of the window shares: the open database, settings and navigation."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal

from clauses_app.services.records.kinds import Kind
from clauses_app.services.settings import AppSettings, load_settings
from clauses_app.storage import Database

# Kinds of record a page can ask the main window to open (alerts, double-clicks): the same
# strings as the record services use.
RecordKind = Kind


class AppContext(QObject):
    """Shared by the main window and its pages. Pages never hold ORM objects across calls:
    they ask services with a fresh session (``context.database.session()``)."""

    # (RecordKind, uuid): the main window switches to the right page and opens the record.
    open_record_requested = Signal(str, object)
    # Emitted after settings are saved, so that pages re-read them.
    settings_changed = Signal()

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database

    def settings(self) -> AppSettings:
        with self.database.session() as session:
            return load_settings(session)

    def open_record(self, kind: str, record_uuid: uuid.UUID) -> None:
        self.open_record_requested.emit(kind, record_uuid)

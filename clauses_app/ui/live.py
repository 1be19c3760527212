"""Open screens follow other facilitators' changes: the Qt side of storage/changes.py.

On a PostgreSQL database the window starts a :class:`~clauses_app.storage.changes.
ChangeListener` (a plain thread) and this bridge turns its calls into the application's "data
changed" signal on the GUI thread (a signal emitted from another thread is queued), so that
the pages reload as they do after an import. SQLite has one user: nothing is started.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from clauses_app.storage.changes import ChangeListener
from clauses_app.ui.context import AppContext
from clauses_app.ui.tasks import notify_data_changed


class LiveChanges(QObject):
    """Listens while the window shows a PostgreSQL database; :meth:`stop` when it goes."""

    changed = Signal(object)  # frozenset of table names, delivered on the GUI thread

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        database = context.database
        self.listener = ChangeListener(database.engine, database.backend_pids, self.changed.emit)
        self.changed.connect(self._on_changed)

    def _on_changed(self, _tables: frozenset[str]) -> None:
        notify_data_changed()

    def start(self) -> None:
        self.listener.start()

    def stop(self) -> None:
        self.listener.stop()


def follow_changes(context: AppContext, parent: QObject | None = None) -> LiveChanges | None:
    """Start following other facilitators' changes (PostgreSQL only)."""
    if context.database.engine.dialect.name != "postgresql":
        return None
    live = LiveChanges(context, parent)
    live.start()
    return live

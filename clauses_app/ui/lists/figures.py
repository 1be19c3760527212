"""The lists' figures (services.list_progress) while the window runs: computed once per period
in the background for the four lists that show them, kept until the data change."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from clauses_app.services.list_progress import ListFigures, load_list_figures
from clauses_app.storage import Database
from clauses_app.ui.tasks import Task, data_bus, run_task

log = logging.getLogger(__name__)

# Periods whose figures are kept in memory (a national period's take tens of MB); one put
# aside is read back from the result cache (storage.result_cache) when asked for again.
KEPT_PERIODS = 3


class ListFiguresStore(QObject):
    """Figures of the lists per period (a year, None for all time). :meth:`figures` gives
    them when ready, else starts their one background computation and returns None;
    ``ready`` is emitted with the period once they are (``failed`` if they cannot be)."""

    ready = Signal(object)
    failed = Signal(object)

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._kept: dict[int | None, dict[str, ListFigures]] = {}
        self._tasks: dict[int | None, Task] = {}
        self._failed: set[int | None] = set()  # periods whose computation failed
        self._generation = 0  # moves when the data change: older results are dropped
        data_bus().data_changed.connect(self.forget)

    def figures(self, kind: str, year: int | None) -> ListFigures | None:
        """The figures of the list of ``kind`` for ``year``, or None while computed."""
        kept = self._kept.pop(year, None)
        if kept is not None:
            self._kept[year] = kept  # the most recently used last
            return kept[kind]
        if year not in self._tasks:
            self._failed.discard(year)
            self._start(year)
        return None

    def computing(self, year: int | None) -> bool:
        return year in self._tasks

    def has_failed(self, year: int | None) -> bool:
        """Whether the last computation for ``year`` failed (asked again on the next
        :meth:`figures`)."""
        return year in self._failed

    def kept_years(self) -> frozenset[int | None]:
        """The periods whose figures are ready."""
        return frozenset(self._kept)

    def forget(self) -> None:
        """The data changed: what is kept or being computed is out of date."""
        self._generation += 1
        self._kept.clear()
        self._failed.clear()
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()

    def _start(self, year: int | None) -> None:
        generation = self._generation

        def done(result: dict[str, ListFigures]) -> None:
            if generation != self._generation:
                return
            self._tasks.pop(year, None)
            self._kept[year] = result
            while len(self._kept) > KEPT_PERIODS:
                del self._kept[next(iter(self._kept))]
            self.ready.emit(year)

        def error(exc: BaseException) -> None:
            log.error("The lists' figures could not be computed: %s", exc)
            if generation == self._generation:
                self._tasks.pop(year, None)
                self._failed.add(year)
                self.failed.emit(year)

        def cancelled() -> None:
            if generation == self._generation:
                self._tasks.pop(year, None)

        self._tasks[year] = run_task(
            None, "Calcul des heures des listes", self.database,
            lambda database, progress: load_list_figures(database, year, progress),
            on_done=done, on_error=error, on_cancel=cancelled, show_progress=False,
            changes_data=False,
        )  # fmt: skip


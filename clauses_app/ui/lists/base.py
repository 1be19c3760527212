"""A list of records: search box, filters, sortable columns loaded page by page, and the
actions every list has (new, open, delete with confirmation, export)."""

from __future__ import annotations

import math
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clauses_app.exchange.list_export import export_list
from clauses_app.formatting import format_number
from clauses_app.services import records
from clauses_app.services.list_progress import (
    FigureOrder,
    ListFigures,
    figure_columns,
    is_figure,
    list_year,
)
from clauses_app.services.records import Kind, ListQuery, ListRow
from clauses_app.services.records.lists import first_page
from clauses_app.ui.context import AppContext
from clauses_app.ui.forms import open_form
from clauses_app.ui.forms.base import RecordForm
from clauses_app.ui.table_models import RecordTableModel
from clauses_app.ui.tasks import data_bus, notify_data_changed, run_task
from clauses_app.ui.widgets.dialogs import confirm, warn
from clauses_app.ui.widgets.empty_state import EmptyState
from clauses_app.ui.widgets.files import FileKind, announce_written, ask_save_path

SEARCH_DELAY_MS = 250
MAX_COLUMN_WIDTH = 230
FIT_ROWS = 50
TEXT_COLUMN_FLOOR = 110  # px: what a shrunk text column keeps when the list is too wide
# ... and when it is still too wide (a list with figure columns on a 1366 px screen).
NARROW_TEXT_FLOOR = 72

# What an empty list says above its main action: (heading, what the list holds).
EMPTY_TEXTS: dict[str, tuple[str, str]] = {
    Kind.AUTHORITY: (
        "Aucun donneur d'ordre pour l'instant",
        "Les donneurs d'ordre sont les acheteurs publics (communes, bailleurs, départements…) "
        "qui inscrivent une clause sociale dans leurs marchés.",
    ),
    Kind.OPERATION: (
        "Aucune opération pour l'instant",
        "Une opération regroupe les marchés d'un même projet (un programme de rénovation, un "
        "projet ANRU) ; les heures peuvent y être mutualisées.",
    ),
    Kind.CONTRACT: (
        "Aucun marché pour l'instant",
        "Les marchés publics qui comportent une clause sociale d'insertion, avec leurs lots et "
        "les entreprises qui les ont remportés.",
    ),
    Kind.LOT: (
        "Ce marché n'a pas encore de lot",
        "Chaque lot fixe ses heures d'insertion et reçoit l'entreprise qui l'a remporté.",
    ),
    Kind.COMPANY: (
        "Aucune entreprise pour l'instant",
        "Les entreprises attributaires des marchés, les structures d'insertion (SIAE) et les "
        "autres employeurs des participants.",
    ),
    Kind.PARTICIPANT: (
        "Aucun participant pour l'instant",
        "Les personnes en parcours d'insertion employées au titre des clauses, avec leurs "
        "critères d'éligibilité.",
    ),
    Kind.EMPLOYMENT: (
        "Aucun contrat de travail pour l'instant",
        "Les contrats et missions des participants sur les marchés attribués, et leurs heures "
        "réalisées mois par mois.",
    ),
}
NO_MATCH = ("Aucun résultat", "Aucune ligne ne correspond à la recherche ou aux filtres choisis.")
CLEAR_SEARCH = "Effacer la recherche et les filtres"


def fit_widths(
    natural: list[int], shrinkable: list[bool], available: int, floor: int = TEXT_COLUMN_FLOOR
) -> list[int]:
    """Column widths that fit ``available`` pixels when they can: text columns wider than
    ``floor`` give up width in proportion to their excess (their text is elided, a column can
    still be widened by hand); dates and numbers keep theirs. ``available`` 0: as they are."""
    excess = sum(natural) - available
    spare = [w - floor if s and w > floor else 0 for w, s in zip(natural, shrinkable, strict=True)]
    if available <= 0 or excess <= 0 or not sum(spare):
        return list(natural)
    share = min(1.0, excess / sum(spare))
    return [w - math.ceil(x * share) for w, x in zip(natural, spare, strict=True)]


class ListPanel(QWidget):
    """The list of one kind of record, with its toolbar.

    The page's main list (``main_list``) answers Ctrl+N (a new record) and Ctrl+F (the
    search box) anywhere in the window while it is shown; a page shows one main list at a
    time (the contracts' lots are not one)."""

    selection_changed = Signal()

    def __init__(
        self,
        context: AppContext,
        kind: str,
        title: str,
        new_label: str = "Nouveau…",
        parent: QWidget | None = None,
        main_list: bool = True,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.kind = kind
        self.title = title
        self.main_list = main_list
        self.new_label = new_label
        self.loaded = False
        self.stale = False
        self.sort_key: str | None = None
        self.descending = False
        self.filters: dict[str, QComboBox] = {}
        self.figure_columns = figure_columns(kind)
        self.model = RecordTableModel(
            records.list_columns(kind) + self.figure_columns, parent=self
        )
        self._figures_year: int | None = None  # the period of the figures shown
        self._waiting_sort = False  # sorted on a figure not computed yet
        self.model.sort_requested.connect(self._on_sort_requested)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self._build(new_label)
        if main_list:
            self._add_window_shortcuts()
        if self.figure_columns:  # the store forgets its figures before the list refreshes
            store = context.list_figures()
            store.ready.connect(self._on_figures_ready)
            store.failed.connect(self._on_figures_failed)
        data_bus().data_changed.connect(self._on_data_changed)

    # --- layout --------------------------------------------------------------------------
    def _build(self, new_label: str) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # First row: the actions; second row: search and filters (both fit at 1366 px).
        self.action_bar = QHBoxLayout()
        self.new_button = QPushButton(new_label)
        self.open_button = QPushButton("Ouvrir")
        self.delete_button = QPushButton("Supprimer")
        self.export_button = QPushButton("Exporter…")
        self.export_button.setToolTip("Exporter les lignes affichées (XLSX ou CSV)")
        for button in (self.new_button, self.open_button, self.delete_button):
            self.action_bar.addWidget(button)
        self.action_bar.addStretch(1)
        self.action_bar.addWidget(self.export_button)
        self.new_button.clicked.connect(self.new_record)
        self.open_button.clicked.connect(self.open_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.export_button.clicked.connect(self.ask_export)
        layout.addLayout(self.action_bar)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.search.setMaximumWidth(360)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.refresh)
        bar.addWidget(self.search, 1)
        self.filter_bar = QHBoxLayout()
        self.filter_bar.setSpacing(6)
        bar.addLayout(self.filter_bar)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.view = QTableView()
        self.view.setObjectName(f"list_{self.kind}")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)  # a stretched last column hides its numbers
        header.setSortIndicatorShown(True)
        # Columns fit the rows on screen and a few more, not the whole page (slow to measure).
        header.setResizeContentsPrecision(FIT_ROWS)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.doubleClicked.connect(lambda _index: self.open_current())
        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.selection_changed.emit()
        )
        for keys, slot in (
            (Qt.Key.Key_Return, self.open_current),
            (Qt.Key.Key_Enter, self.open_current),
            (QKeySequence.StandardKey.Delete, self.delete_current),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.empty_state = EmptyState()
        self.empty_state.setObjectName(f"empty_{self.kind}")
        self.table_or_empty = QStackedWidget()
        self.table_or_empty.addWidget(self.view)
        self.table_or_empty.addWidget(self.empty_state)
        layout.addWidget(self.table_or_empty, 1)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #555;")
        # The period of the figure columns, or that they are being computed.
        self.figures_label = QLabel()
        self.figures_label.setObjectName(f"figures_{self.kind}")
        self.figures_label.setStyleSheet("color: #555;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addSpacing(16)
        bottom.addWidget(self.figures_label)
        bottom.addStretch(1)
        layout.addLayout(bottom)

    def _add_window_shortcuts(self) -> None:
        """Ctrl+N and Ctrl+F in the whole window, while this list is shown (Qt ignores the
        shortcuts of hidden widgets: the other pages' lists)."""
        for keys, slot in (
            (QKeySequence.StandardKey.New, self.new_record),
            (QKeySequence.StandardKey.Find, self.focus_search),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def focus_search(self) -> None:
        """Put the cursor in the search box, its words selected (typing replaces them)."""
        if self.search.isVisible():
            self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.search.selectAll()

    def add_filters(self) -> None:
        """Fill the filter combos from the service (authorities, years… change with data)."""
        with self.context.database.session() as session:
            specs = records.filter_specs(session, self.kind)
        for spec in specs:
            combo = self.filters.get(spec.key)
            if combo is None:
                combo = QComboBox()
                combo.setObjectName(f"filter_{spec.key}")
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
                combo.setMaximumWidth(240)
                label = QLabel(spec.label)
                label.setBuddy(combo)
                label.setContentsMargins(10, 0, 0, 0)
                self.filter_bar.addWidget(label)
                self.filter_bar.addWidget(combo)
                self.filters[spec.key] = combo
                combo.currentIndexChanged.connect(lambda _i: self.refresh())
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for value, text in spec.options:
                combo.addItem(text, value)
            # Python equality: Qt's findData compares wrapped UUIDs by identity.
            found = next((i for i in range(combo.count()) if combo.itemData(i) == current), 0)
            combo.setCurrentIndex(found)
            combo.blockSignals(False)

    # --- data ----------------------------------------------------------------------------
    def query(self) -> ListQuery:
        """What the user asked for: search words, filter values, sort."""
        filters = {key: combo.currentData() for key, combo in self.filters.items()}
        filters.update(self.fixed_filters())
        return ListQuery(self.search.text(), filters, self.sort_key, self.descending)

    def fixed_filters(self) -> dict[str, Any]:
        """Filters the page sets itself (e.g. the selected contract)."""
        return {}

    def refresh(self) -> None:
        """Query the database again for the first page of the current search and filters."""
        if not self.loaded:
            self.add_filters()
        self.loaded = True
        self.stale = False
        selected = self.current_uuid()
        query = self.query()
        database = self.context.database

        # Kept figures only: their computation starts once this page is shown (below), so
        # that it does not slow the page down (it shares the interpreter).
        figures = self.figures(start=False)
        self._waiting_sort = is_figure(self.kind, query.sort_key) and figures is None
        if is_figure(self.kind, query.sort_key) and figures is not None:
            with database.session() as session:
                order = FigureOrder(session, self.kind, query, figures)

            def load_sorted(offset: int, limit: int) -> list[ListRow]:
                with database.session() as session:
                    return order.page(session, offset, limit)

            self.model.set_loader(load_sorted, order.total)
        else:
            if self._waiting_sort:  # in the default order until the figures are there
                query = ListQuery(query.search, query.filters)
            self._set_sql_loader(query)
        self._fit_columns()
        self._show_count()
        self.show_empty_state()
        kept = selected is not None and self.select_uuid(selected)
        if not kept and self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))
        self.selection_changed.emit()
        if self.figure_columns and figures is None:
            QTimer.singleShot(0, self, self._start_figures)

    def _start_figures(self) -> None:
        if self.figures() is not None:  # ready meanwhile (another list asked first)
            self._on_figures_ready(self._figures_year)

    def _set_sql_loader(self, query: ListQuery) -> None:
        """Pages searched, filtered and sorted in SQL, with the figures once they are ready."""
        database = self.context.database
        first: list[list[ListRow]] = []

        def load_page(offset: int, limit: int) -> list[ListRow]:
            if offset == 0 and first:  # read with the count, in the same pass
                rows = first.pop()
            else:
                with database.session() as session:
                    rows = records.fetch_rows(session, self.kind, query, offset, limit)
            figures = self.figures(start=False)
            if figures is None and self.figure_columns:  # put aside meanwhile: asked again
                QTimer.singleShot(0, self, self._start_figures)
            return figures.fill(rows) if figures is not None else rows

        with database.session() as session:
            total, rows = first_page(session, self.kind, query, self.model.page_size)
        first.append(rows)
        self.model.set_loader(load_page, total)

    # --- figures (services.list_progress) ------------------------------------------------
    def figures_year(self) -> int | None:
        """The period of the list's figures: its year filter's (None: all time)."""
        return list_year(self.query())

    def figures(self, start: bool = True) -> ListFigures | None:
        """The list's figures for its period when computed; else None, their computation
        started in the background (unless not ``start``)."""
        if not self.figure_columns:
            return None
        self._figures_year = self.figures_year()
        store = self.context.list_figures()
        if not start and self._figures_year not in store.kept_years():
            return None
        return store.figures(self.kind, self._figures_year)  # starts them when not kept

    def _on_figures_ready(self, year: int | None) -> None:
        if not self.loaded or year != self._figures_year:
            return
        if self._waiting_sort:
            self.refresh()
            return
        figures = self.figures()
        if figures is not None:
            self.model.update_rows(figures.fill)
            self._show_count()

    def _on_figures_failed(self, year: int | None) -> None:
        if self.loaded and year == self._figures_year:
            self._waiting_sort = False
            self._show_count()

    def _fit_columns(self) -> None:
        """Size the columns to the first page once; the user's widths are kept after that."""
        if getattr(self, "_fitted", False) or not self.model.rowCount():
            return
        self._fitted = True
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        natural = [
            min(max(header.sectionSize(section) + 12, 70), MAX_COLUMN_WIDTH)
            for section in range(self.model.columnCount())
        ]
        available = 0
        if self.view.isVisible():  # less the vertical scroll bar, which long lists will show
            scroll_bar = self.view.verticalScrollBar()
            reserved = 0 if scroll_bar.isVisible() else scroll_bar.sizeHint().width()
            available = self.view.viewport().width() - reserved
        shrinkable = [column.kind == "text" for column in self.model.columns]
        widths = fit_widths(natural, shrinkable, available)
        if available and sum(widths) > available:
            widths = fit_widths(natural, shrinkable, available, NARROW_TEXT_FLOOR)
        for section, width in enumerate(widths):
            header.resizeSection(section, width)

    def _show_count(self) -> None:
        total = self.model.total
        self.count_label.setText(
            "Aucune ligne" if not total else
            f"{format_number(total, 0)} ligne{'s' if total > 1 else ''}"
        )  # fmt: skip
        self.figures_label.setText(self._figures_text() if total else "")

    def _figures_text(self) -> str:
        """What the figure columns stand for, or why they are still empty."""
        if not self.figure_columns:
            return ""
        store = self.context.list_figures()
        if store.has_failed(self._figures_year):
            return "Heures indisponibles (voir le journal)"
        if self._figures_year not in store.kept_years():  # being computed, or about to be
            later = " ; le tri suivra" if self._waiting_sort else ""
            return f"Calcul des heures en cours…{later}"
        if self._figures_year is None:
            return "Heures : toutes années"
        return f"Heures : année {self._figures_year}"

    def is_filtered(self) -> bool:
        """True when search words or a filter narrow the list."""
        return bool(self.search.text().strip()) or any(
            combo.currentData() is not None for combo in self.filters.values()
        )

    def show_empty_state(self) -> None:
        """The table when it has rows; otherwise what the list holds and its main action
        (or, when a search or filter found nothing, a way to clear them)."""
        empty = not self.model.total
        if empty and self.is_filtered():
            self.empty_state.set_content(*NO_MATCH, CLEAR_SEARCH, self.clear_search)
        elif empty:
            heading, text = EMPTY_TEXTS.get(self.kind, ("Aucune ligne", ""))
            self.empty_state.set_content(heading, text, self.new_label, self.new_record)
        self.table_or_empty.setCurrentWidget(self.empty_state if empty else self.view)
        self.count_label.setVisible(not empty)

    def clear_search(self) -> None:
        """Every row again: no search words, every filter on « Tous »."""
        self._search_timer.stop()
        for combo in self.filters.values():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh()

    def _on_sort_requested(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        if self.loaded:
            self.refresh()

    def _on_data_changed(self) -> None:
        if self.isVisible():
            self.add_filters()
            self.refresh()
        else:
            self.stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded or self.stale:
            # After the window painted: a page never delays the first paint.
            QTimer.singleShot(0, self._refresh_if_needed)

    def _refresh_if_needed(self) -> None:
        if not self.loaded or self.stale:
            if self.loaded:
                self.add_filters()
            self.refresh()

    # --- selection -----------------------------------------------------------------------
    def current_row(self) -> ListRow | None:
        index = self.view.currentIndex()
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if rows:
            index = rows[0]
        if not index.isValid():
            return None
        return self.model.row(index.row())

    def current_uuid(self) -> uuid.UUID | None:
        row = self.current_row()
        return row.uuid if row is not None else None

    def select_uuid(self, record_uuid: uuid.UUID) -> bool:
        """Select the row of a record when it is among the loaded rows."""
        for number, row in enumerate(self.model.loaded_rows()):
            if row.uuid == record_uuid:
                index = self.model.index(number, 0)
                self.view.setCurrentIndex(index)
                self.view.scrollTo(index)
                return True
        return False

    # --- actions -------------------------------------------------------------------------
    def form_defaults(self) -> dict[str, Any]:
        return {}

    def new_record(self) -> RecordForm:
        return self.open_form(None, self.form_defaults())

    def open_current(self) -> RecordForm | None:
        record_uuid = self.current_uuid()
        return self.open_form(record_uuid) if record_uuid is not None else None

    def open_form(
        self, record_uuid: uuid.UUID | None, defaults: dict[str, Any] | None = None
    ) -> RecordForm:
        form = open_form(self.context, self.kind, record_uuid, self, defaults)
        form.saved.connect(self._after_save)
        return form

    def _after_save(self, record_uuid: uuid.UUID) -> None:
        self.refresh()
        self.select_uuid(record_uuid)

    def delete_current(self) -> bool:
        """Delete the selected record after a confirmation naming what goes with it."""
        record_uuid = self.current_uuid()
        if record_uuid is None:
            return False
        return delete_with_confirmation(self, self.context, self.kind, record_uuid)

    def ask_export(self) -> None:
        path = ask_save_path(
            self, FileKind.LIST_EXPORT, "Exporter les lignes affichées",
            "Classeur Excel (*.xlsx);;CSV (*.csv)", f"{self.title}.xlsx",
        )  # fmt: skip
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> Any:
        """Export every row of the current search and filters, in a background task."""
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".xlsx")
        query, columns, kind, title = self.query(), self.model.columns, self.kind, self.title
        return run_task(
            self, "Export de la liste", self.context.database,
            lambda db, progress: export_list(db, kind, query, columns, path, title, progress),
            on_done=lambda n: announce_written(
                self, "Export terminé", f"{format_number(n, 0)} lignes exportées dans {path}.",
                path,
            ),
            changes_data=False,
        )  # fmt: skip


def delete_with_confirmation(
    parent: QWidget, context: AppContext, kind: str, record_uuid: uuid.UUID
) -> bool:
    """Ask, naming everything that will be removed; delete in one transaction when confirmed."""
    with context.database.session() as session:
        impact = records.delete_impact(session, kind, record_uuid)
    if impact.blocked_by:
        warn(parent, "Suppression impossible", impact.message())
        return False
    if not confirm(parent, "Confirmer la suppression", impact.message()):
        return False
    try:
        records.delete_record(context.database, kind, record_uuid)
    except ValueError as exc:
        warn(parent, "Suppression impossible", str(exc))
        return False
    notify_data_changed()
    return True

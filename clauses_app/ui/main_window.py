"""The main window: a sidebar of pages, the pages themselves, and a status bar naming the
open database. Remembers its geometry and last page (QSettings, in the config folder)."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from clauses_app import paths
from clauses_app.services.records import Kind
from clauses_app.ui.context import AppContext
from clauses_app.ui.errors import log_file
from clauses_app.ui.imports import add_exchange_actions
from clauses_app.ui.lists import pages as list_pages
from clauses_app.ui.widgets.dialogs import inform

# Sidebar order, page names (``--page``) and French titles: shared with the dashboard work.
PAGES: tuple[tuple[str, str], ...] = (
    ("dashboard", "Tableau de bord"),
    ("authorities", "Donneurs d'ordre"),
    ("contracts", "Opérations et marchés"),
    ("companies", "Entreprises"),
    ("participants", "Participants"),
    ("employments", "Contrats et heures"),
    ("documents", "Documents"),
    ("settings", "Paramètres"),
)
PAGE_NAMES = tuple(name for name, _title in PAGES)
TITLES = dict(PAGES)

# Pages built elsewhere, imported lazily: (module, class). A placeholder stands in until then.
EXTERNAL_PAGES = {
    "dashboard": ("clauses_app.ui.pages.dashboard", "DashboardPage"),
    "documents": ("clauses_app.ui.pages.documents", "DocumentsPage"),
    "settings": ("clauses_app.ui.pages.settings_page", "SettingsPage"),
}
LIST_PAGES: dict[str, Callable[[AppContext], QWidget]] = {
    "authorities": list_pages.AuthoritiesPage,
    "contracts": list_pages.ContractsPage,
    "companies": list_pages.CompaniesPage,
    "participants": list_pages.ParticipantsPage,
    "employments": list_pages.EmploymentsPage,
}
KIND_PAGES = {
    Kind.AUTHORITY: "authorities",
    Kind.OPERATION: "contracts",
    Kind.CONTRACT: "contracts",
    Kind.LOT: "contracts",
    Kind.AWARD: "contracts",
    Kind.COMPANY: "companies",
    Kind.PARTICIPANT: "participants",
    Kind.EMPLOYMENT: "employments",
}
SIDEBAR_STYLE = """
QListWidget#sidebar { background: #1f3a5f; color: #f2f5f9; border: none; font-size: 11pt; }
QListWidget#sidebar::item { padding: 9px 14px; }
QListWidget#sidebar::item:selected { background: #3d6aa3; color: white; }
"""


def window_settings() -> QSettings:
    """Window state storage: an INI file in the config folder (never the real home in tests)."""
    return QSettings(str(paths.config_dir() / "clauses-app.ini"), QSettings.Format.IniFormat)


def build_page(name: str, context: AppContext) -> QWidget:
    """The page called ``name``; a placeholder for a page not built yet."""
    if name in LIST_PAGES:
        return LIST_PAGES[name](context)
    module_name, class_name = EXTERNAL_PAGES[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return list_pages.PlaceholderPage(TITLES[name])
    return getattr(module, class_name)(context)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, remember: bool = True) -> None:
        super().__init__()
        self.context = context
        self.remember = remember
        self.settings = window_settings()
        self.pages: dict[str, QWidget] = {}
        self.current_name: str | None = None
        self.setWindowTitle(f"Clauses — {context.database.display_name}")
        self.setMinimumSize(1000, 600)
        self._build()
        context.open_record_requested.connect(self.open_record)
        if remember:
            self._restore()
        else:
            self.resize(1366, 768)
            self.switch_page("dashboard")

    def _build(self) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setStyleSheet(SIDEBAR_STYLE)
        self.sidebar.setFixedWidth(215)
        self.sidebar.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for name, title in PAGES:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row)
        layout.addWidget(self.sidebar)
        self.stack = QStackedWidget()
        self.stack.setContentsMargins(12, 8, 12, 4)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.database_label = QLabel(f"Base de données : {self.context.database.display_name}")
        self.statusBar().addWidget(self.database_label, 1)
        self._build_menus()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Fichier")
        add_exchange_actions(self, self.context, file_menu)
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        go_menu = self.menuBar().addMenu("&Aller à")
        for number, (name, title) in enumerate(PAGES, start=1):
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, n=name: self.switch_page(n))
            go_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Aide")
        logs = QAction("Emplacement du journal", self)
        logs.triggered.connect(
            lambda: inform(self, "Journal", f"Le journal de l'application est :\n{log_file()}")
        )
        help_menu.addAction(logs)

    # --- pages ---------------------------------------------------------------------------
    def page(self, name: str) -> QWidget:
        """The page called ``name``, built on first use."""
        if name not in self.pages:
            page = build_page(name, self.context)
            page.setObjectName(f"page_{name}")
            self.pages[name] = page
            self.stack.addWidget(page)
        return self.pages[name]

    def switch_page(self, name: str) -> bool:
        """Show the page ``name``; False when the current page keeps the user (unsaved form)."""
        if name not in PAGE_NAMES:
            raise KeyError(name)
        if name == self.current_name:
            return True
        current = self.pages.get(self.current_name or "")
        confirm_leave = getattr(current, "confirm_leave", None)
        if confirm_leave is not None and not confirm_leave():
            self._select_sidebar(self.current_name)
            return False
        self.stack.setCurrentWidget(self.page(name))
        self.current_name = name
        self._select_sidebar(name)
        if self.remember:
            self.settings.setValue("last_page", name)
        return True

    def _select_sidebar(self, name: str | None) -> None:
        if name is None:
            return
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(PAGE_NAMES.index(name))
        self.sidebar.blockSignals(False)

    def _on_sidebar_row(self, row: int) -> None:
        if 0 <= row < len(PAGE_NAMES):
            self.switch_page(PAGE_NAMES[row])

    def open_record(self, kind: str, record_uuid: uuid.UUID) -> QWidget | None:
        """Go to the page of a record's kind and open its form (alerts, links)."""
        name = KIND_PAGES[kind]
        if not self.switch_page(name):
            return None
        page = self.page(name)
        return page.open_record(kind, record_uuid)  # type: ignore[attr-defined]

    # --- state ---------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1366, 768)
        last = self.settings.value("last_page", "dashboard")
        self.switch_page(last if last in PAGE_NAMES else "dashboard")

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in self.pages.values():
            confirm_leave = getattr(page, "confirm_leave", None)
            if confirm_leave is not None and not confirm_leave():
                event.ignore()
                return
        if self.remember:
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.sync()
        event.accept()

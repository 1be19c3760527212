"""The main window: a sidebar of pages, the pages themselves, and a status bar naming the
open database. Remembers its geometry and last page (QSettings, in the config folder).

The window is built in two steps so that it paints before the slow part of start-up: the
*frame* (sidebar, menus, status bar and a "Chargement…" page) needs only PySide6, and
:meth:`MainWindow.attach` then gives it the open database and builds the page in view.
This module must therefore not import SQLAlchemy, the services or the pages at load time:
``tests/ui/test_startup.py`` checks what is imported before the first paint.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clauses_app import paths

if TYPE_CHECKING:
    import uuid

    from clauses_app.ui.context import AppContext

# Sidebar order, page names (``--page``) and French titles: shared with the dashboard work.
PAGES: tuple[tuple[str, str], ...] = (
    ("dashboard", "Tableau de bord"),
    ("authorities", "Donneurs d'ordre"),
    ("contracts", "Opérations et marchés"),
    ("companies", "Entreprises"),
    ("participants", "Participants"),
    ("employments", "Contrats et heures"),
    ("documents", "Documents"),
    ("privacy", "Données personnelles"),
    ("settings", "Paramètres"),
)
PAGE_NAMES = tuple(name for name, _title in PAGES)
TITLES = dict(PAGES)
START_PAGE = "dashboard"

# Page classes, imported when a page is first shown: (module, class). A page whose module is
# missing gets a placeholder.
LIST_PAGES_MODULE = "clauses_app.ui.lists.pages"
PAGE_CLASSES: dict[str, tuple[str, str]] = {
    "dashboard": ("clauses_app.ui.pages.dashboard", "DashboardPage"),
    "authorities": (LIST_PAGES_MODULE, "AuthoritiesPage"),
    "contracts": (LIST_PAGES_MODULE, "ContractsPage"),
    "companies": (LIST_PAGES_MODULE, "CompaniesPage"),
    "participants": (LIST_PAGES_MODULE, "ParticipantsPage"),
    "employments": (LIST_PAGES_MODULE, "EmploymentsPage"),
    "documents": ("clauses_app.ui.pages.documents", "DocumentsPage"),
    "privacy": ("clauses_app.ui.pages.privacy_page", "PrivacyPage"),
    "settings": ("clauses_app.ui.pages.settings_page", "SettingsPage"),
}
# Record kinds (the strings of ``services.records.Kind``, written out so that the frame does
# not import the services) → the page that edits them.
KIND_PAGES = {
    "authority": "authorities",
    "operation": "contracts",
    "contract": "contracts",
    "lot": "contracts",
    "award": "contracts",
    "company": "companies",
    "participant": "participants",
    "employment": "employments",
}
SIDEBAR_STYLE = """
QListWidget#sidebar { background: #1f3a5f; color: #f2f5f9; border: none; font-size: 11pt; }
QListWidget#sidebar::item { padding: 9px 14px; }
QListWidget#sidebar::item:selected { background: #3d6aa3; color: white; }
"""
LOADING_TEXT = "Chargement…"
OPENING_TEXT = "Ouverture de la base de données…"


def window_settings() -> QSettings:
    """Window state storage: an INI file in the config folder (never the real home in tests)."""
    return QSettings(str(paths.config_dir() / "clauses-app.ini"), QSettings.Format.IniFormat)


def build_page(name: str, context: AppContext) -> QWidget:
    """The page called ``name`` (its module is imported now); a placeholder if it is missing."""
    module_name, class_name = PAGE_CLASSES[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        from clauses_app.ui.lists.pages import PlaceholderPage

        return PlaceholderPage(TITLES[name])
    page: QWidget = getattr(module, class_name)(context)
    return page


class LoadingPage(QWidget):
    """Stands in for the page in view until the database is open and the page built."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)  # margins and heading as the list pages have them
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 17pt; font-weight: 600;")
        layout.addWidget(self.heading)
        self.message = QLabel(LOADING_TEXT)
        # Centred by style: loading the Qt namespace (Qt.AlignmentFlag) would delay the
        # first paint.
        self.message.setStyleSheet(
            "color: #777; font-size: 14pt; qproperty-alignment: AlignCenter;"
        )
        layout.addWidget(self.message, 1)

    def show_title(self, title: str) -> None:
        self.heading.setText(title)


class MainWindow(QMainWindow):
    """The application window. ``MainWindow(context)`` builds it ready to use;
    ``MainWindow()`` builds only the frame, which can paint before the database is opened,
    and :meth:`attach` completes it."""

    first_painted = Signal()

    def __init__(self, context: AppContext | None = None, remember: bool = True) -> None:
        super().__init__()
        self.context: AppContext | None = None
        self.remember = remember
        self.settings = window_settings()
        self.pages: dict[str, QWidget] = {}
        self.current_name: str | None = None
        self.painted = False
        self.setWindowTitle("Clauses")
        self.setMinimumSize(1000, 600)
        self._build()
        if remember:
            self._restore()
        else:
            self.resize(1366, 768)
            self.switch_page(START_PAGE)
        if context is not None:
            self.attach(context)

    def _build(self) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setStyleSheet(SIDEBAR_STYLE)
        self.sidebar.setFixedWidth(215)
        for _name, title in PAGES:  # row i is PAGE_NAMES[i]
            self.sidebar.addItem(QListWidgetItem(title))
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row)
        layout.addWidget(self.sidebar)
        self.stack = QStackedWidget()
        self.stack.setContentsMargins(12, 8, 12, 4)
        self.loading_page = LoadingPage()
        self.stack.addWidget(self.loading_page)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.database_label = QLabel(OPENING_TEXT)
        self.statusBar().addWidget(self.database_label, 1)
        self._build_menus()

    def _build_menus(self) -> None:
        self.file_menu: QMenu = self.menuBar().addMenu("&Fichier")
        self.quit_action = QAction("&Quitter", self)
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)
        go_menu = self.menuBar().addMenu("&Aller à")
        self.go_actions: list[QAction] = []
        for name, title in PAGES:
            action = QAction(title, self)
            action.triggered.connect(lambda _checked=False, n=name: self.switch_page(n))
            go_menu.addAction(action)
            self.go_actions.append(action)
        help_menu = self.menuBar().addMenu("&Aide")
        logs = QAction("Emplacement du journal", self)
        logs.triggered.connect(self._show_log_location)
        help_menu.addAction(logs)

    def _set_shortcuts(self) -> None:
        """Keyboard shortcuts, set once the database is open: setting the first one loads the
        Qt namespace, which would delay the first paint, and no key is read
        while the database opens anyway."""
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        for number, action in enumerate(self.go_actions, start=1):
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))

    def _show_log_location(self) -> None:
        from clauses_app.ui.errors import log_file
        from clauses_app.ui.widgets.dialogs import inform

        inform(self, "Journal", f"Le journal de l'application est :\n{log_file()}")

    def paintEvent(self, event: QPaintEvent) -> None:
        """Note the first paint: start-up waits for it before opening the database. The
        window paints before its children in the same pass, and the pass is on screen when
        control is back in the event loop."""
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            self.first_painted.emit()

    # --- the open database -----------------------------------------------------------------
    def attach(self, context: AppContext) -> None:
        """Give the frame its database: title, status bar, import and export actions, and the
        page in view, built now (the other pages are built when first shown)."""
        from clauses_app.ui.imports import add_exchange_actions

        if self.context is not None:
            raise RuntimeError("the window already has a database")
        self.context = context
        name = context.database.display_name
        self.setWindowTitle(f"Clauses — {name}")
        self.database_label.setText(f"Base de données : {name}")
        # The actions come before "Quitter": built on a scratch menu, then moved (they belong
        # to the window, the scratch menu's separator goes with it).
        scratch = QMenu(self)
        self.file_menu.insertActions(self.quit_action, add_exchange_actions(self, context, scratch))
        self.file_menu.insertSeparator(self.quit_action)
        scratch.deleteLater()
        self._set_shortcuts()
        context.open_record_requested.connect(self.open_record)
        wanted, self.current_name = self.current_name or START_PAGE, None
        self.switch_page(wanted)

    # --- pages ---------------------------------------------------------------------------
    def page(self, name: str) -> QWidget:
        """The page called ``name``, built on first use."""
        if name not in self.pages:
            if self.context is None:
                raise RuntimeError("pages are built once the database is open (attach)")
            page = build_page(name, self.context)
            page.setObjectName(f"page_{name}")
            self.pages[name] = page
            self.stack.addWidget(page)
        return self.pages[name]

    def switch_page(self, name: str) -> bool:
        """Show the page ``name``; False when the current page keeps the user (unsaved form).
        Before :meth:`attach`, the choice is kept and the loading page shows its title."""
        if name not in PAGE_NAMES:
            raise KeyError(name)
        if name == self.current_name:
            return True
        current = self.pages.get(self.current_name or "")
        confirm_leave = getattr(current, "confirm_leave", None)
        if confirm_leave is not None and not confirm_leave():
            self._select_sidebar(self.current_name)
            return False
        if self.context is None:
            self.loading_page.show_title(TITLES[name])
            self.stack.setCurrentWidget(self.loading_page)
        else:
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
        from clauses_app.ui.lists.pages import Page  # already loaded with the page

        page = self.page(name)
        return page.open_record(kind, record_uuid) if isinstance(page, Page) else None

    # --- state ---------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1366, 768)
        last = self.settings.value("last_page", START_PAGE)
        self.switch_page(last if last in PAGE_NAMES else START_PAGE)

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

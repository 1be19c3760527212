"""The main window: a sidebar of pages, the pages themselves, and a status bar naming the
open database. Remembers its geometry, last page and recent databases (QSettings, in the
config folder); the first time, it fits the screen's available geometry.

The window shows one database at a time and can switch to another (Fichier: Nouvelle base,
Ouvrir une base, Bases récentes, a demonstration, a restored backup): :meth:`MainWindow.
switch_database` lets the pages of the current one go and attaches the new one. On a
database without records, the start page is the welcome page (ui/pages/welcome.py).

The window is built in two steps so that it paints before the slow part of start-up: the
*frame* (sidebar, menus, status bar and a "Chargement…" page) needs only PySide6, and
:meth:`MainWindow.attach` then gives it the open database and builds the page in view.
This module must therefore not import SQLAlchemy, the services or the pages at load time:
``tests/ui/test_startup.py`` checks what is imported before the first paint.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPaintEvent
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
    from clauses_app.ui.live import LiveChanges
    from clauses_app.ui.pages.welcome import WelcomePage

# Sidebar order, page names (``--page``) and French titles: shared with the dashboard work.
PAGES: tuple[tuple[str, str], ...] = (
    ("dashboard", "Tableau de bord"),
    ("alerts", "Alertes"),
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
    "alerts": ("clauses_app.ui.pages.alerts_page", "AlertsPage"),
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
DEMO_LABEL = "DÉMONSTRATION (base jetable)"
RECENT_KEY = "recent_databases"
# A team connection among the recent databases: « team:NOM » (storage/team_connection.py,
# written out so that the frame does not import the storage).
TEAM_PREFIX = "team:"
RECENT_COUNT = 8
PREFERRED_SIZE = (1366, 768)
MINIMUM_SIZE = (1000, 600)
# Room for the title bar and borders the window manager adds around the window, before the
# window is shown and its real frame is known.
FRAME_ALLOWANCE = (16, 40)


def fitted_geometry(available: QRect, preferred: tuple[int, int] = PREFERRED_SIZE) -> QRect:
    """The window's first geometry (its inside, without the frame): the preferred size, made
    smaller to fit ``available`` (the screen less its task bars) with its frame, centred.
    A 1366×768 laptop with a 40-pixel task bar gets 1350×688, status bar in view."""
    width = min(preferred[0], available.width() - FRAME_ALLOWANCE[0])
    height = min(preferred[1], available.height() - FRAME_ALLOWANCE[1])
    left = available.x() + (available.width() - width) // 2
    top = available.y() + max(FRAME_ALLOWANCE[1] - 8, (available.height() - height) // 2)
    return QRect(left, top, width, height)


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
        self.welcome: WelcomePage | None = None  # the start page while the database is empty
        self.live: LiveChanges | None = None  # follows other facilitators' commits
        self._shortcuts_set = False
        self.setWindowTitle("Clauses")
        self._build()
        if remember:
            self._restore()
        else:
            self.setMinimumSize(*MINIMUM_SIZE)
            self.resize(*PREFERRED_SIZE)
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
        menu = self.file_menu
        self.new_action = self._action(menu, "&Nouvelle base…", "new_database")
        self.open_action = self._action(menu, "&Ouvrir une base…", "open_database")
        self.team_action = self._action(
            menu, "Se connecter à la base d'é&quipe…", "connect_team_database"
        )
        self.recent_menu: QMenu = menu.addMenu("Bases &récentes")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.copy_action = self._action(menu, "&Enregistrer une copie…", "save_copy")
        self.restore_action = self._action(menu, "Restaurer une &sauvegarde…", "restore_backup")
        menu.addSeparator()
        self.import_menu: QMenu = menu.addMenu("&Importer")
        self.export_menu: QMenu = menu.addMenu("E&xporter")
        self.before_quit = menu.addSeparator()
        self.other_exchange_actions: list[QAction] = []  # e.g. « Saisie du mois… »
        self.quit_action = QAction("&Quitter", self)
        self.quit_action.triggered.connect(self.close)
        menu.addAction(self.quit_action)
        self.database_actions = (self.copy_action, self.restore_action)
        self._enable_database_actions()
        go_menu = self.menuBar().addMenu("&Aller à")
        self.go_actions: list[QAction] = []
        for name, title in PAGES:
            action = QAction(title, self)
            action.triggered.connect(lambda _checked=False, n=name: self.switch_page(n))
            go_menu.addAction(action)
            self.go_actions.append(action)
        help_menu = self.menuBar().addMenu("&Aide")
        self.guide_action = self._action(help_menu, "&Guide d'utilisation", "open_guide")
        self.about_action = self._action(help_menu, "À &propos de Clauses", "show_about")
        logs = QAction("Emplacement du journal", self)
        logs.triggered.connect(self._show_log_location)
        help_menu.addAction(logs)

    def _action(self, menu: QMenu, text: str, handler: str) -> QAction:
        """A menu action whose work is in ui/database_menu.py, imported when first used
        (it needs the services, which the frame must not load)."""
        action = QAction(text, self)
        action.setObjectName(handler)
        action.triggered.connect(lambda _checked=False: self._run_menu_handler(handler))
        menu.addAction(action)
        return action

    def _run_menu_handler(self, handler: str) -> None:
        from clauses_app.ui import database_menu

        getattr(database_menu, handler)(self)

    def _enable_database_actions(self) -> None:
        """Copy and restore need an open SQLite file; import and export an open database."""
        is_file = self.context is not None and self.context.database.file_path is not None
        for action in self.database_actions:
            action.setEnabled(is_file)
        self.import_menu.setEnabled(self.context is not None)
        self.export_menu.setEnabled(self.context is not None)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        current = self.context.database.file_path if self.context is not None else None
        recent = [path for path in self.recent_databases() if path != str(current)]
        for path in recent:
            team = path.removeprefix(TEAM_PREFIX) if path.startswith(TEAM_PREFIX) else None
            action = self.recent_menu.addAction(f"Base d'équipe : {team}" if team else path)
            action.triggered.connect(
                lambda _checked=False, p=path: self._run_recent(p)
            )
        if not recent:
            empty = self.recent_menu.addAction("Aucune base récente")
            empty.setEnabled(False)

    def _run_recent(self, path: str) -> None:
        from pathlib import Path

        from clauses_app.ui import database_menu

        if path.startswith(TEAM_PREFIX):
            database_menu.open_team_connection(self, path.removeprefix(TEAM_PREFIX))
            return
        database_menu.open_database(self, Path(path))

    def recent_databases(self) -> list[str]:
        """The database files opened lately, and team connections (« team:NOM »), the latest
        first (no password: it is in the system's credential store)."""
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings gives one string for a one-item list
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(v) for v in value if v][:RECENT_COUNT]

    def remember_database(self, path: str) -> None:
        recent = [path, *(p for p in self.recent_databases() if p != path)][:RECENT_COUNT]
        self.settings.setValue(RECENT_KEY, recent)

    def forget_database(self, path: str) -> None:
        self.settings.setValue(RECENT_KEY, [p for p in self.recent_databases() if p != path])

    def _set_shortcuts(self) -> None:
        """Keyboard shortcuts, set once the database is open: setting the first one loads the
        Qt namespace, which would delay the first paint, and no key is read
        while the database opens anyway."""
        if self._shortcuts_set:
            return
        self._shortcuts_set = True
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.new_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)
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
        page in view, built now (the other pages are built when first shown). On a database
        without records, the start page is the welcome page."""
        from clauses_app.ui.imports import add_exchange_actions
        from clauses_app.ui.tasks import data_bus

        if self.context is not None:
            raise RuntimeError("the window already has a database")
        self.context = context
        name = context.database.display_name
        if context.demo:
            self.setWindowTitle(f"Clauses — {DEMO_LABEL}")
            self.database_label.setText(f"{DEMO_LABEL} : {name}")
        else:
            self.setWindowTitle(f"Clauses — {name}")
            self.database_label.setText(f"Base de données : {name}")
            if context.database.file_path is not None and self.remember:
                self.remember_database(str(context.database.file_path))
        scratch = QMenu(self)
        for action in add_exchange_actions(self, context, scratch):
            # Importer ▸ the imports; Exporter ▸ what writes files for others (exports, the
            # month's statements to send out); anything else straight in Fichier.
            text = action.text()
            if text.startswith("Import"):
                self.import_menu.addAction(action)
            elif text.startswith(("Export", "Préparer")):
                self.export_menu.addAction(action)
            else:
                self.file_menu.insertAction(self.before_quit, action)
                self.other_exchange_actions.append(action)
        scratch.deleteLater()
        self._enable_database_actions()
        self._set_shortcuts()
        context.open_record_requested.connect(self.open_record)
        data_bus().data_changed.connect(self._on_data_changed)
        context.settings_changed.connect(self._on_data_changed)
        from clauses_app.ui.live import follow_changes

        self.live = follow_changes(context, self)  # other facilitators' commits (PostgreSQL)
        self._check_first_run()
        wanted, self.current_name = self.current_name or START_PAGE, None
        self.switch_page(wanted)

    def pages_let_go(self) -> bool:
        """Whether every page may be left (each with unsaved edits asks the user)."""
        for page in list(self.pages.values()):
            confirm_leave = getattr(page, "confirm_leave", None)
            if confirm_leave is not None and not confirm_leave():
                return False
        return True

    def detach(self) -> AppContext | None:
        """Let the database's pages go (running tasks are cancelled and waited for first);
        the window is back to its frame. The database itself is not closed: the caller
        decides (:meth:`switch_database` closes it). Unsaved edits are not asked about:
        call :meth:`pages_let_go` first."""
        from clauses_app.ui.tasks import data_bus, stop_running_tasks

        context = self.context
        if context is None:
            return None
        stop_running_tasks()
        if self.live is not None:
            self.live.stop()
            self.live.deleteLater()
            self.live = None
        data_bus().data_changed.disconnect(self._on_data_changed)
        context.settings_changed.disconnect(self._on_data_changed)
        context.open_record_requested.disconnect(self.open_record)
        self.loading_page.show_title(TITLES[self.current_name or START_PAGE])
        self.stack.setCurrentWidget(self.loading_page)
        for page in [*self.pages.values(), *([self.welcome] if self.welcome else [])]:
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self.welcome = None
        for menu in (self.import_menu, self.export_menu):
            for action in menu.actions():
                menu.removeAction(action)
                action.deleteLater()
        for action in self.other_exchange_actions:
            self.file_menu.removeAction(action)
            action.deleteLater()
        self.other_exchange_actions = []
        self.context = None
        self.setWindowTitle("Clauses")
        self.database_label.setText(OPENING_TEXT)
        self._enable_database_actions()
        return context

    def switch_database(self, context: AppContext) -> None:
        """Show another database: the current one's pages go, its database is closed (a
        demonstration one deleted), the new one is attached on the same page."""
        old = self.detach()
        self.attach(context)  # on the page in view (current_name is kept)
        if old is not None:
            old.close_database()  # the context itself goes with its last Python reference

    def close_database(self) -> None:
        """At exit: tasks stopped, pages gone, the database closed."""
        old = self.detach()
        if old is not None:
            old.close_database()

    # --- the welcome page ------------------------------------------------------------------
    def _check_first_run(self) -> None:
        """Show the welcome page in the dashboard's place while the database has no record."""
        from clauses_app.services.databases import first_run_state

        assert self.context is not None
        with self.context.database.session() as session:
            state = first_run_state(session)
        if state.is_empty and self.welcome is None:
            from clauses_app.ui.pages.welcome import WelcomePage

            self.welcome = WelcomePage(self.context, state)
            self.welcome.setObjectName("page_welcome")
            self.welcome.import_requested.connect(self._import_tracker)
            self.welcome.demo_requested.connect(lambda: self._run_menu_handler("start_demo"))
            self.welcome.organisation_requested.connect(
                lambda: self._run_menu_handler("edit_organisation")
            )
            self.stack.addWidget(self.welcome)
        elif self.welcome is not None:
            if state.is_empty:
                self.welcome.show_state(state)
            else:
                showing = self.stack.currentWidget() is self.welcome
                self.stack.removeWidget(self.welcome)
                self.welcome.deleteLater()
                self.welcome = None
                if showing:
                    self.stack.setCurrentWidget(self.page(START_PAGE))

    def _on_data_changed(self) -> None:
        if self.context is not None and self.welcome is not None:
            self._check_first_run()

    def _import_tracker(self) -> None:
        from clauses_app.ui.imports import open_sheet_import

        assert self.context is not None
        open_sheet_import(self.context, self)

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
        elif name == START_PAGE and self.welcome is not None:
            self.stack.setCurrentWidget(self.welcome)
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
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else None
        if available is not None:
            self.setMinimumSize(
                min(MINIMUM_SIZE[0], available.width() - FRAME_ALLOWANCE[0]),
                min(MINIMUM_SIZE[1], available.height() - FRAME_ALLOWANCE[1]),
            )
        else:
            self.setMinimumSize(*MINIMUM_SIZE)
        geometry = self.settings.value("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            if available is not None:
                self.setGeometry(fitted_geometry(available))
            else:
                self.resize(*PREFERRED_SIZE)
        last = self.settings.value("last_page", START_PAGE)
        self.switch_page(last if last in PAGE_NAMES else START_PAGE)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.pages_let_go():
            event.ignore()
            return
        if self.remember:
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.sync()
        event.accept()

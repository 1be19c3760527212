"""What goes into the frozen one-folder program, and what stays out.

Read by ``clauses.spec`` (PyInstaller) and by ``tests/installer``: every data file the frozen
program opens at run time is listed here, with the folder it must land in so that code finding
it relative to its package (``Path(__file__).parent``, ``importlib.resources``) still finds it.
Frozen programs most often break on a missing migrations folder or resource: keep this list
explicit and let the build's smoke test prove it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "clauses_app" / "storage" / "migrations"
RESOURCES = ROOT / "resources"
ICON_ICO = RESOURCES / "icons" / "clauses.ico"

# Where resources/ lands: it is installed as the package ``clauses_app.resources``.
RESOURCES_DEST = "clauses_app/resources"
MIGRATIONS_DEST = "clauses_app/storage/migrations"

# Qt modules the application never uses: kept out so they cannot be pulled in by accident
# (QtQml/QtQuick alone bring ~40 MB). QtWidgets, QtGui, QtSvg, QtPrintSupport stay available.
EXCLUDED_QT_MODULES = (
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtBluetooth",
    "QtCharts",
    "QtDataVisualization",
    "QtDesigner",
    "QtGraphs",
    "QtHelp",
    "QtHttpServer",
    "QtLabsStyleKit",
    "QtLocation",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtNfc",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtQml",
    "QtQmlFeatures",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickTest",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtTest",
    "QtTextToSpeech",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
    "QtXml",
)

# Development and test tools that may sit in the build venv but never belong in the program.
EXCLUDED_MODULES = (
    *(f"PySide6.{name}" for name in EXCLUDED_QT_MODULES),
    "tkinter",
    "_tkinter",
    "IPython",
    "numpy",
    "pytest",
    "_pytest",
    "pytestqt",
    "pytest_alembic",
    "hypothesis",
    "mypy",
    "ruff",
    "pypdf",
    "PyInstaller",
    # Database drivers other than SQLite and psycopg (a team's PostgreSQL database).
    "psycopg2",
    "pysqlite2",
    "MySQLdb",
)

# Locales kept from the libraries that ship hundreds: the application formats in fr_FR; Babel
# also needs ``root`` (parent of every locale) and English stays as the usual fallback. Faker
# falls back to en_US, and its bank/lorem providers to en_GB/la.
BABEL_LOCALES = frozenset({"root", "fr", "fr_FR", "en", "en_US"})
FAKER_LOCALES = frozenset({"fr_FR", "en_US", "en_GB", "la"})
QT_TRANSLATIONS = ("_fr.qm",)

# Qt plugin folders with nothing for this application (SQL drivers, QML tooling, designer).
EXCLUDED_QT_PLUGIN_DIRS = ("designer", "qmltooling", "sqldrivers", "networkinformation", "tls")

# Modules imported at run time by file path or by name where PyInstaller cannot see them:
# Alembic runs env.py and the migration scripts from files, and they import these.
HIDDEN_IMPORTS = (
    "_rl_accel",  # imported by reportlab.lib.rl_accel inside a try
    "alembic.op",
    "alembic.context",
    "alembic.runtime.migration",
    "alembic.ddl.sqlite",
    "alembic.ddl.postgresql",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.sql.default_comparator",
    "clauses_app.models",
    "babel.numbers",
    "babel.dates",
    "faker.providers",
    # A team's PostgreSQL database: the dialect and the driver's compiled part are imported
    # by name; keyring finds its backends through entry points (their metadata is listed in
    # library_datas), and the Windows Credential Manager one must be there.
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg",
    "psycopg_binary",
    "psycopg_binary.pq",
    "psycopg_binary._psycopg",
    "keyring",
    "keyring.backends",
    "keyring.backends.Windows",
    "keyring.backends.fail",
    "keyring.backends.null",
)


# Packages whose code opens files through its own modules' folders: python-docx reads
# ``docx/parts/../templates/default-footer.xml``, which needs a real ``docx/parts`` folder, so
# its modules are also laid out as files (they are imported from the archive all the same).
MODULE_COLLECTION_MODE = {"docx": "pyz+py"}


def _files(folder: Path, patterns: Iterable[str]) -> list[Path]:
    found: set[Path] = set()
    for pattern in patterns:
        found.update(
            p for p in folder.glob(pattern) if p.is_file() and "__pycache__" not in p.parts
        )
    return sorted(found)


def migration_datas() -> list[tuple[str, str]]:
    """Alembic's env.py, template and every version script: Alembic reads them as files."""
    datas = []
    for path in _files(MIGRATIONS, ("*.py", "script.py.mako", "versions/*.py")):
        dest = PurePosixPath(MIGRATIONS_DEST) / path.parent.relative_to(MIGRATIONS).as_posix()
        datas.append((str(path), str(dest)))
    return datas


def resource_datas() -> list[tuple[str, str]]:
    """Every file of resources/ (fonts, templates, icons, images, and its ``__init__.py``,
    which makes it a regular package) as ``clauses_app.resources``."""
    datas = []
    for path in _files(RESOURCES, ("**/*",)):
        dest = PurePosixPath(RESOURCES_DEST) / path.parent.relative_to(RESOURCES).as_posix()
        datas.append((str(path), str(dest)))
    return datas


def library_datas() -> list[tuple[str, str]]:
    """Data files of the libraries, listed even where a PyInstaller hook already collects them."""
    from PyInstaller.utils.hooks import collect_data_files, copy_metadata

    datas: list[tuple[str, str]] = []
    datas += collect_data_files("babel")  # CLDR locale data; trimmed by keep_data()
    datas += collect_data_files("reportlab", subdir="fonts")  # standard font metrics, Vera
    datas += collect_data_files("docx")  # python-docx default template and parts
    datas += collect_data_files("jsonschema")
    datas += collect_data_files("jsonschema_specifications")  # meta-schemas (JSON files)
    datas += collect_data_files("faker.providers", include_py_files=True)  # trimmed below
    datas += collect_data_files("stdnum")
    datas += copy_metadata("clauses")  # clauses_app.__version__ reads it
    datas += copy_metadata("keyring")  # its backends are entry points of its metadata
    return datas


def all_datas() -> list[tuple[str, str]]:
    """Everything the spec adds to the bundle as data."""
    return [*migration_datas(), *resource_datas(), *library_datas()]


def keep_data(dest_name: str) -> bool:
    """False for data files of locales and Qt parts the application never loads."""
    parts = PurePosixPath(dest_name.replace("\\", "/")).parts
    if parts[:2] == ("babel", "locale-data") and len(parts) == 3 and parts[2].endswith(".dat"):
        return parts[2].removesuffix(".dat") in BABEL_LOCALES
    if parts[:2] == ("faker", "providers") and len(parts) >= 4:
        return not _is_locale(parts[3]) or parts[3].removesuffix(".py") in FAKER_LOCALES
    if parts[:3] == ("PySide6", "Qt", "translations"):
        return parts[-1].endswith(QT_TRANSLATIONS)
    if parts[:3] == ("PySide6", "Qt", "plugins") and len(parts) > 3:
        return parts[3] not in EXCLUDED_QT_PLUGIN_DIRS
    return True


def keep_module(module_name: str) -> bool:
    """False for Faker's provider modules of locales never used (hundreds of modules)."""
    parts = module_name.split(".")
    if parts[:2] == ["faker", "providers"] and len(parts) >= 4 and _is_locale(parts[3]):
        return parts[3] in FAKER_LOCALES
    return True


def _is_locale(name: str) -> bool:
    """``fr_FR``, ``la``…: one of Faker's locale sub-packages (not ``sbn``, ``isbn``, ``rules``)."""
    return name.removesuffix(".py") in _faker_locales()


@cache
def _faker_locales() -> frozenset[str]:
    from faker.config import AVAILABLE_LOCALES  # Faker lists them by scanning its providers

    return frozenset(AVAILABLE_LOCALES)


def keep_binary(dest_name: str) -> bool:
    """Binaries of excluded Qt plugin folders are dropped like their data."""
    return keep_data(dest_name)

"""Where the application keeps its files.

One place decides every folder: data (the SQLite database), backups, logs, settings and
the cache (figures kept between runs).
By default they follow the platform's conventions (platformdirs); the ``CLAUSES_HOME``
environment variable moves all of them into one folder, for tests and portable use.
Nothing here is ever relative to the working directory: frozen builds start anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

from clauses_app import APP_AUTHOR, APP_NAME

HOME_ENV = "CLAUSES_HOME"
DB_ENV = "CLAUSES_DB"
DATABASE_FILENAME = "clauses.sqlite3"


def _dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, APP_AUTHOR, roaming=False)


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Folder of the embedded database."""
    home = _home()
    return _ensure(home / "data" if home else Path(_dirs().user_data_dir))


def backup_dir() -> Path:
    """Folder of the automatic backups taken before a migration."""
    return _ensure(data_dir() / "backups")


def log_dir() -> Path:
    """Folder of the log files (the crash dialog names it)."""
    home = _home()
    return _ensure(home / "logs" if home else Path(_dirs().user_log_dir))


def config_dir() -> Path:
    """Folder of per-user configuration (window state, import mapping profiles)."""
    home = _home()
    return _ensure(home / "config" if home else Path(_dirs().user_config_dir))


def cache_dir() -> Path:
    """Folder of what can be thrown away and made again (the dashboard's kept figures)."""
    home = _home()
    return _ensure(home / "cache" if home else Path(_dirs().user_cache_dir))


def default_database_path() -> Path:
    return data_dir() / DATABASE_FILENAME

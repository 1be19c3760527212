"""Where the application keeps its files.

One place decides every folder: data (the SQLite database), backups, logs, settings and
the cache (figures kept between runs).
By default they follow the platform's conventions (platformdirs); the ``CLAUSES_HOME``
environment variable moves all of them into one folder, for tests and portable use.
Nothing here is ever relative to the working directory: frozen builds start anywhere.

Everything the application creates holds or may hold personal data, so it is the owner's
only: folders 0700 and files 0600 on POSIX (:func:`private_folder`, :func:`create_private_file`,
:func:`make_private`); :func:`tighten_existing` brings files made by earlier versions (0644 in
0755 folders) to the same modes at start. On Windows the folders are in the user's profile,
which other accounts cannot read (docs/install.md); modes are not changed there.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
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


POSIX = os.name == "posix"
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def _ensure(path: Path) -> Path:
    return private_folder(path)


def private_folder(path: Path, *, own: bool = True) -> Path:
    """Make ``path`` (and any missing parent) a folder only its owner can enter (0700).

    The folders this creates are 0700; ``path`` itself, when it already exists, is tightened
    only if ``own`` (a folder of the application's, not the one a user chose for a file);
    parents that exist are left alone (the user's home, /tmp…).
    """
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if POSIX:
        for folder in [path, *missing] if own else missing:
            _chmod(folder, FOLDER_MODE)
    return path


def create_private_file(path: Path) -> Path:
    """Create ``path`` empty and owner-only (0600); fails if it exists (O_EXCL)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    make_private(path)  # the umask may have removed bits, never added any: set exactly
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` if missing and make it 0600, before anything is written into it (the
    writer then opens it with truncation: the mode stays)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    make_private(path)
    return path


def make_private(path: Path) -> None:
    """Set a file 0600 (a folder 0700) on POSIX; a missing file is ignored."""
    if POSIX:
        _chmod(path, FOLDER_MODE if Path(path).is_dir() else FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(FileNotFoundError, PermissionError):
        status = os.stat(path)
        if not (stat.S_ISREG(status.st_mode) or stat.S_ISDIR(status.st_mode)):
            return  # a device or a pipe (``--db /dev/null``): never the system's to change
        if stat.S_IMODE(status.st_mode) != mode:
            os.chmod(path, mode)


SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite_database(path: Path) -> bool:
    """Whether ``path`` is an existing SQLite database file (by its first bytes): a document
    or an export written in its place would destroy it (« clauses export base.sqlite3 »)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False  # a pipe would wait for a writer: only a regular file is read
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def is_special_file(path: Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a folder (a device such as
    /dev/null, a pipe, a socket): a writer must not rename a file over it."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def tighten(folders: Iterable[Path]) -> int:
    """Make every file under ``folders`` 0600 and every folder 0700; how many were changed."""
    if not POSIX:
        return 0
    changed = 0
    for top in folders:
        if not Path(top).is_dir():
            continue
        for root, dirs, files in os.walk(top):
            for name, mode in [(root, FOLDER_MODE)] + [
                (os.path.join(root, f), FILE_MODE) for f in files
            ]:
                with contextlib.suppress(OSError):
                    info = os.lstat(name)
                    if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) == mode:
                        continue
                    os.chmod(name, mode)
                    changed += 1
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
    return changed


def tighten_existing() -> int:
    """At start: bring the application's folders and files that exist to owner-only modes
    (creates nothing); how many were changed."""
    home = _home()
    if home:
        folders = [home / "data", home / "logs", home / "config", home / "cache"]
    else:
        dirs = _dirs()
        folders = [
            Path(dirs.user_data_dir), Path(dirs.user_log_dir),
            Path(dirs.user_config_dir), Path(dirs.user_cache_dir),
        ]  # fmt: skip
    return tighten(folders)


def data_dir() -> Path:
    """Folder of the embedded database."""
    home = _home()
    return _ensure(home / "data" if home else Path(_dirs().user_data_dir))


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

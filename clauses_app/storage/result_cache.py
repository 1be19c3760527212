"""Results kept between runs under the stamp of the data they came from. Qt-free.

On a national database the dashboard's figures take the better part of two seconds to
compute, and most starts find the data as the last run left it. A result is kept in the
cache folder (``paths.cache_dir``) with the database's *content stamp* read before its data
were (``storage.fingerprint``); it is handed back only while the database still has that stamp,
for the same request, by the same version of the application (in a source tree, with the
same modules). Any write changes the stamp
(whatever wrote it: the application, the command line, another tool), so a kept result is
never older than the data. A database without a stamp (PostgreSQL, in memory) keeps nothing.

The file is JSON (no code runs when it is read), written whole and renamed into place; a
file that cannot be read or written is ignored: the result is then computed, as without it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from clauses_app import paths
from clauses_app.storage import Database
from clauses_app.storage.fingerprint import database_fingerprint

log = logging.getLogger(__name__)

FORMAT = 1  # of the file; a file of another format is ignored
ENTRIES = 16  # per kind of result, the most recently used first


def cache_fingerprint(database: Database) -> str | None:
    """The stamp to keep a result under, or None when the database gives none. Read it
    before reading the data the result is computed from."""
    stamp = database_fingerprint(database.engine)
    if stamp is None:
        return None
    return f"{code_version()}|{stamp}"


@functools.cache
def code_version() -> str:
    """The application's version and, in a source tree, the newest change to the modules
    that compute results (a developer's edit is not a new version). A frozen build has no
    module files to look at: its version says it all."""
    from clauses_app import __version__

    changed = 0
    for package in ("models", "services", "storage"):
        folder = Path(__file__).parent.parent / package
        for module in folder.rglob("*.py"):
            with contextlib.suppress(OSError):
                changed = max(changed, module.stat().st_mtime_ns)
    return f"{__version__}:{changed}"


def read_cached(kind: str, database: Database, request: str, stamp: str | None) -> Any:
    """The result of ``kind`` kept for ``request`` on ``database`` under ``stamp``, or None."""
    file = _file(kind)
    if stamp is None or file is None:
        return None
    entry = _read(file).get(_entry_key(database, request))
    if not isinstance(entry, dict) or entry.get("stamp") != stamp:
        return None
    return entry.get("value")


def store_cached(
    kind: str, database: Database, request: str, stamp: str | None, value: Any
) -> None:
    """Keep ``value`` (JSON data) as the result of ``kind`` for ``request`` under ``stamp``
    (nothing when None). Older entries beyond :data:`ENTRIES` are dropped."""
    file = _file(kind)
    if stamp is None or file is None:
        return
    entries = _read(file)
    entries[_entry_key(database, request)] = {"stamp": stamp, "used": time.time(), "value": value}
    newest = sorted(entries.items(), key=lambda item: item[1].get("used", 0), reverse=True)
    content = json.dumps({"format": FORMAT, "entries": dict(newest[:ENTRIES])})
    temporary = file.with_name(f"{file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        paths.private_file(temporary)  # the figures name authorities and counts: owner only
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, file)
    except OSError as error:
        log.warning("Cannot keep the %s results in %s: %s", kind, file, error)
        with contextlib.suppress(OSError):
            temporary.unlink()


def _file(kind: str) -> Path | None:
    try:
        return paths.cache_dir() / f"{kind}.json"
    except OSError as error:  # the folder cannot be made
        log.warning("No cache folder: %s", error)
        return None


def _entry_key(database: Database, request: str) -> str:
    return f"{database.display_name}|{request}"


def _read(file: Path) -> dict[str, Any]:
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        log.warning("Ignoring the kept results in %s: %s", file, error)
        return {}
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        return {}
    entries = content.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {key: entry for key, entry in entries.items() if isinstance(entry, dict)}

"""Backups of the embedded database, taken before any schema change."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path


def backup_sqlite(db_path: Path, folder: Path, label: str) -> Path:
    """Copy a live SQLite database with the online backup API (consistent even if in use).

    The copy goes into ``folder`` (created when missing) as
    ``<stem>-<YYYYmmdd-HHMMSS>-<label>.sqlite3`` and its path is returned.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_path.stem}-{stamp}-{label}.sqlite3"
    counter = 1
    while target.exists():
        target = folder / f"{db_path.stem}-{stamp}-{label}-{counter}.sqlite3"
        counter += 1
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target

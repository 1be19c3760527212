"""A stamp of what a database holds: two equal stamps, the same data.

The dashboard keeps its figures between runs under the stamp of the data they were computed
from (services/kept.py). Only an SQLite file in its default journal mode gives one
for free: its header holds a *file change counter* that every transaction that writes
increments when it commits, whatever wrote (this application, the command line, another
tool). The stamp adds the file's size and modification time, so that a file put back from a
copy does not pass for a later state that happens to have the same counter. PostgreSQL, an
in-memory database and a write-ahead log (whose commits do not touch the counter) give no
stamp: their figures are always computed.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine

from clauses_app.storage.connections import in_memory

HEADER_SIZE = 100
MAGIC = b"SQLite format 3\x00"
ROLLBACK_JOURNAL = 1  # header bytes 18 and 19 (file format write and read versions); WAL is 2


def database_fingerprint(engine: Engine) -> str | None:
    """The stamp of the data in ``engine``'s database, or None when it has none (see the
    module). Read it *before* reading the data it stands for: a write that commits in
    between then gives the data a newer stamp than the one kept with them."""
    if engine.dialect.name != "sqlite" or in_memory(engine) or not engine.url.database:
        return None
    try:
        with Path(engine.url.database).open("rb") as file:
            header = file.read(HEADER_SIZE)
            status = os.fstat(file.fileno())
    except OSError:
        return None
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        return None
    if header[18] != ROLLBACK_JOURNAL or header[19] != ROLLBACK_JOURNAL:
        return None
    counter = int.from_bytes(header[24:28], "big")
    return f"sqlite:{counter}:{status.st_size}:{status.st_mtime_ns}"

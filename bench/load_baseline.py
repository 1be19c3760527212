"""The load baseline: the rows of a .clause file inserted with raw sqlite3.executemany into
the same (migrated) schema, with only the conversions SQLite storage needs. No validation,
no checksums, no merge: the floor an import cannot beat."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

from clauses_app.exchange.format import ClauseDialect
from clauses_app.models import ENTITIES


def _converter(sql_type: str, name: str) -> Any:
    sql_type = sql_type.upper()
    if name == "uuid" or name.endswith("_uuid"):
        return lambda v: v.replace("-", "") if v else None
    if sql_type.startswith("BOOLEAN"):
        return lambda v: (1 if v == "true" else 0) if v else None
    if sql_type.startswith(("NUMERIC", "INTEGER")):
        return lambda v: float(v) if v else None
    if sql_type.startswith("DATETIME"):
        return lambda v: v.replace("T", " ").rstrip("Z") if v else None
    return lambda v: v if v != "" else None


def insert_rows(clause_file: Path, db_path: Path) -> int:
    """Insert every member's rows into ``db_path``; returns the number of rows."""
    connection = sqlite3.connect(db_path)
    connection.isolation_level = None
    total = 0
    try:
        connection.execute("BEGIN")
        with zipfile.ZipFile(clause_file) as archive:
            for model in ENTITIES:
                table = model.__table__.name  # type: ignore[attr-defined]
                member = f"{table}.csv"
                if member not in archive.namelist():
                    continue
                text = io.TextIOWrapper(archive.open(member), encoding="utf-8", newline="")
                reader = csv.reader(text, ClauseDialect())
                header = next(reader)
                types = {
                    row[1]: row[2] for row in connection.execute(f"PRAGMA table_info({table})")
                }
                convert = [_converter(types.get(h, "TEXT"), h) for h in header]
                rows = ([c(v) for c, v in zip(convert, row, strict=True)] for row in reader)
                columns = ", ".join(header)
                marks = ", ".join("?" for _ in header)
                cursor = connection.executemany(
                    f"INSERT OR REPLACE INTO {table} ({columns}) VALUES ({marks})", rows
                )
                total += cursor.rowcount
        connection.execute("COMMIT")
    finally:
        connection.close()
    return total

"""Writing an import's checked rows: batched inserts and updates inside its one transaction.

Portable path: Core inserts and updates. SQLite fast path (chosen here and nowhere else): the
inserts go straight to the driver's executemany with the values already in the storage format
SQLAlchemy uses on SQLite, because per-value bind processing was most of the time of the
national file's 730,000 rows. (Its caller gives the connection a large page cache:
storage/connections.py.) Tests run both paths on SQLite (same stored values)
and the portable one on PostgreSQL.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from clauses_app.exchange.format import EntitySpec
from clauses_app.exchange.reader import MemberData, Row

BATCH = 5000

Write = Callable[[list[Row]], None]
Digest = Callable[[int], str]
# Written with every row besides the format's columns (last in each written row).
DIGEST_COLUMN = "import_digest"


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


class BulkWriter:
    """Writes members' rows in batches; ``tick(rows, message)`` reports progress."""

    def __init__(self, session: Session, tick: Callable[[int, str], None]) -> None:
        self.session = session
        self.tick = tick
        self.fast = is_sqlite(session)

    def insert(self, member: MemberData, indexes: list[int], digest: Digest) -> None:
        """Insert rows; ``digest(index)`` is each one's content digest (``import_digest``)."""
        spec = member.spec
        write = (
            _driver_insert(self.session, spec) if self.fast else _core_insert(self.session, spec)
        )
        full, rows = _full_row(member), member.rows
        for start in range(0, len(indexes), BATCH):
            batch = indexes[start : start + BATCH]
            write([(*full(rows[i]), digest(i)) for i in batch])
            self.tick(len(batch), f"Import : {spec.name}")

    def update(self, member: MemberData, indexes: list[int], digest: Digest) -> None:
        """Update rows to the file's values; their version moves, their import digest is
        the file's content."""
        if not indexes:
            return
        names = [c.name for c in member.columns]
        key = names.index("uuid")
        present = [(f"v_{n}", i) for i, n in enumerate(names) if n not in ("uuid", "created_at")]
        changes = []
        for i in indexes:
            row = member.rows[i]
            change = {bind: row[at] for bind, at in present}
            change["_uuid"] = row[key]
            change["v_import_digest"] = digest(i)
            changes.append(change)
        _update(self.session, member.spec, changes)
        self.tick(len(indexes), f"Mise à jour : {member.spec.name}")


def _full_row(member: MemberData) -> Callable[[Row], Row]:
    """Row in spec column order; a column the file lacks takes its default."""
    present = {c.name: i for i, c in enumerate(member.columns)}
    picks = [(present.get(c.name), c.default) for c in member.spec.columns]
    if [p for p, _d in picks] == list(range(len(member.columns))):
        return lambda row: row  # the usual case: the file's own column order
    return lambda row: tuple(row[p] if p is not None else default for p, default in picks)


def _as_uuid(value: Any) -> Any:
    return uuid.UUID(value) if isinstance(value, str) else value


def _core_insert(session: Session, spec: EntitySpec) -> Write:
    names = [c.name for c in spec.columns] + [DIGEST_COLUMN]
    uuids = [i for i, c in enumerate(spec.columns) if c.kind == "uuid"]

    def write(batch: list[Row]) -> None:
        rows = []
        for row in batch:
            values = dict(zip(names, row, strict=True))
            for i in uuids:
                values[names[i]] = _as_uuid(row[i])
            rows.append(values)
        session.execute(insert(spec.table), rows)

    return write


def _sqlite_value(kind: str) -> Callable[[Any], Any] | None:
    """The value SQLAlchemy's SQLite bind processors would store, for one column type."""
    if kind == "uuid":
        return lambda v: None if v is None else v.replace("-", "")
    if kind == "timestamp":
        # = SQLAlchemy's "%(year)04d-%(month)02d-%(day)02d %(hour)02d:…%(microsecond)06d"
        return lambda v: (
            None if v is None else v.astimezone(UTC).isoformat(" ", "microseconds")[:-6]
        )
    if kind == "date":
        return lambda v: None if v is None else v.isoformat()
    if kind == "decimal":
        return lambda v: None if v is None else float(v)
    if kind == "boolean":
        return lambda v: None if v is None else int(v)
    if kind == "json":
        return lambda v: None if v is None else json.dumps(v)
    return None


# Kinds whose equal values are stored alike (not decimals: -0 equals 0 but is stored -0.0).
_SHARED_KINDS = ("timestamp", "date", "boolean")


def _sqlite_column(kind: str) -> Callable[[tuple[Any, ...]], list[Any]] | None:
    """Converts a column of a batch to the stored values; repeated values (a file's dates and
    timestamps) once each."""
    convert = _sqlite_value(kind)
    if convert is None:
        return None
    if kind in _SHARED_KINDS:

        def shared(column: tuple[Any, ...]) -> list[Any]:
            stored = {value: convert(value) for value in set(column)}
            return list(map(stored.__getitem__, column))

        return shared
    if kind == "uuid":
        return lambda column: [None if v is None else v.replace("-", "") for v in column]
    return lambda column: list(map(convert, column))


def _driver_insert(session: Session, spec: EntitySpec) -> Write:
    names = [c.name for c in spec.columns] + [DIGEST_COLUMN]
    statement = (
        f"INSERT INTO {spec.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    )
    converters = [(i, f) for i, c in enumerate(spec.columns) if (f := _sqlite_column(c.kind))]
    connection = session.connection()

    def write(batch: list[Row]) -> None:
        columns: list[Any] = list(zip(*batch, strict=True))
        for i, convert in converters:
            columns[i] = convert(columns[i])
        connection.exec_driver_sql(statement, list(zip(*columns, strict=True)))

    return write


def _update(session: Session, spec: EntitySpec, updates: list[dict[str, Any]]) -> None:
    table = spec.table
    kinds = {c.name: c.kind for c in spec.columns} | {DIGEST_COLUMN: "string"}
    # Bind names differ from column names: SQLAlchemy reserves those for SET.
    columns = [k[2:] for k in updates[0] if k != "_uuid"]
    statement = (
        update(table)
        .where(table.c.uuid == bindparam("_uuid"))
        .values({c: bindparam(f"v_{c}") for c in columns})
        .values(version=table.c.version + 1)  # an open form's save of it is now stale
    )
    for change in updates:
        change["_uuid"] = _as_uuid(change["_uuid"])
        for c in columns:
            if kinds[c] == "uuid":
                change[f"v_{c}"] = _as_uuid(change[f"v_{c}"])
    for start in range(0, len(updates), BATCH):
        session.execute(statement, updates[start : start + BATCH])

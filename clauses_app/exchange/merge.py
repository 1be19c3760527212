"""Merging checked rows into the database by UUID (guide: "re-import merges").

Per entity, in parents-before-children order: references are checked against the database
and the file's valid rows; each valid row is then new, unchanged (same content), updated
(the file's ``updated_at`` is newer) or a conflict (the local copy is as new or newer: kept).
Unique keys (a company's SIRET, a lot's number in its contract, …) are checked on the state
the import would leave. Existing rows are read once per entity, never row by row.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from clauses_app.exchange.format import SPECS, EntitySpec, encoder
from clauses_app.exchange.reader import ClauseContent, MemberData
from clauses_app.exchange.report import Conflict, ErrorSink, ImportReport
from clauses_app.services.progress import Progress, report

BATCH = 5000
CHUNK = 500  # uuids per IN (...) when reading existing rows
WHOLE_TABLE_AFTER = 20 * CHUNK
SQLITE_CACHE_KIB = 64 * 1024
SKIPPED_IN_COMPARISON = ("created_at", "updated_at")


@dataclass
class EntityPlan:
    """Rows to write for one entity. Inserts are tuples in spec column order; updates are
    bind dictionaries. Uuids are canonical text until written."""

    spec: EntitySpec
    inserts: list[tuple[Any, ...]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class MergePlan:
    entities: list[EntityPlan]

    @property
    def size(self) -> int:
        return sum(len(e.inserts) + len(e.updates) for e in self.entities)


def _existing_stamps(session: Session, table: Table) -> dict[str, Any]:
    """uuid (as text) → updated_at of every record of a table: one query per entity."""
    return {str(u): stamp for u, stamp in session.execute(select(table.c.uuid, table.c.updated_at))}


def _check_references(member: MemberData, valid: dict[str, set[str]], sink: ErrorSink) -> None:
    for position, column in enumerate(member.columns):
        if column.reference is None:
            continue
        targets = valid[column.reference]
        for i, row in enumerate(member.rows):
            value = row[position]
            if i in member.invalid or value is None or value in targets:
                continue
            sink.error(
                f"référence à {column.reference} {value} introuvable (ni dans le fichier parmi "
                "les lignes valides, ni dans la base)",
                file=member.spec.member,
                row=member.lines[i],
                column=column.name,
            )
            member.invalid.add(i)


def _local_rows(
    session: Session, table: Table, columns: list[str], uuids: list[str]
) -> dict[str, tuple[Any, ...]]:
    rows: dict[str, tuple[Any, ...]] = {}
    statement = select(table.c.uuid, *[table.c[c] for c in columns])
    if len(uuids) > WHOLE_TABLE_AFTER:  # a re-import: one pass beats thousands of IN (...)
        wanted = set(uuids)
        for row in session.execute(statement):
            key = str(row[0])
            if key in wanted:
                rows[key] = tuple(row[1:])
        return rows
    for start in range(0, len(uuids), CHUNK):
        chunk = [uuid.UUID(u) for u in uuids[start : start + CHUNK]]
        for row in session.execute(statement.where(table.c.uuid.in_(chunk))):
            rows[str(row[0])] = tuple(row[1:])
    return rows


def _classify(
    session: Session,
    member: MemberData,
    stamps: dict[str, Any],
    result: ImportReport,
) -> tuple[list[int], list[int]]:
    """Indexes of the rows to insert and to update; counts and conflicts go in the report."""
    spec = member.spec
    counts = result.count(spec.name)
    key, stamp = member.index("uuid"), member.index("updated_at")
    assert key is not None and stamp is not None
    compared = [
        (i, c.name, encoder(c))
        for i, c in enumerate(member.columns)
        if c.name not in SKIPPED_IN_COMPARISON and c.name != "uuid"
    ]
    valid = [i for i in range(len(member.rows)) if i not in member.invalid]
    existing = [member.rows[i][key] for i in valid if member.rows[i][key] in stamps]
    local = _local_rows(session, spec.table, [name for _i, name, _e in compared], existing)
    inserts, updates = [], []
    for i in valid:
        row = member.rows[i]
        uid = row[key]
        if uid not in stamps:
            inserts.append(i)
            counts.new += 1
            continue
        mine = local[uid]
        same = all(enc(row[pos]) == enc(mine[n]) for n, (pos, _name, enc) in enumerate(compared))
        if same:
            counts.unchanged += 1
        elif row[stamp] > stamps[uid]:
            updates.append(i)
            counts.updated += 1
        else:
            counts.conflicts += 1
            result.conflicts.append(Conflict(spec.name, uuid.UUID(uid), stamps[uid], row[stamp]))
    return inserts, updates


def _check_uniques(
    session: Session,
    member: MemberData,
    written: list[int],
    sink: ErrorSink,
) -> set[int]:
    """Rows whose unique key would collide with another record: reported, returned."""
    spec, table = member.spec, member.spec.table
    key = member.index("uuid")
    assert key is not None
    bad: set[int] = set()
    for columns in spec.uniques:
        positions = [member.index(c) for c in columns]
        if any(p is None for p in positions):
            continue
        final: dict[tuple[Any, ...], str] = {}
        mine = {member.rows[i][key]: i for i in written}
        statement = select(table.c.uuid, *[table.c[c] for c in columns])
        for uid, *stored in session.execute(statement):
            values = tuple(str(v) if isinstance(v, uuid.UUID) else v for v in stored)
            if str(uid) not in mine and None not in values:
                final[values] = str(uid)
        for i in written:
            row = member.rows[i]
            key_values = tuple(row[p] for p in positions if p is not None)
            if None in key_values:
                continue
            other = final.get(key_values)
            if other is not None and other != row[key]:
                sink.error(
                    f"valeur déjà utilisée par un autre enregistrement ({other}) : "
                    f"{', '.join(columns)} doit être unique",
                    file=spec.member,
                    row=member.lines[i],
                    column=columns[-1],
                )
                bad.add(i)
            else:
                final[key_values] = row[key]
    return bad


def _full_rows(member: MemberData, indexes: list[int]) -> list[tuple[Any, ...]]:
    """Rows in spec column order; a column the file lacks takes its default."""
    present = {c.name: i for i, c in enumerate(member.columns)}
    picks = [(present.get(c.name), c.default) for c in member.spec.columns]
    if all(p is not None for p, _d in picks) and len(picks) == len(member.columns):
        order = [p for p, _d in picks]
        if order == list(range(len(order))):  # the usual case: the file's own column order
            return [tuple(member.rows[i]) for i in indexes]
    rows = member.rows
    return [
        tuple(rows[i][p] if p is not None else default for p, default in picks) for i in indexes
    ]


def plan_merge(
    session: Session, content: ClauseContent, result: ImportReport, sink: ErrorSink
) -> MergePlan:
    """Check references and unique keys, classify every valid row; nothing is written."""
    valid: dict[str, set[str]] = {}
    plans = []
    for spec in SPECS:
        member = content.members[spec.name]
        stamps = _existing_stamps(session, spec.table)
        _check_references(member, valid, sink)
        inserts, updates = _classify(session, member, stamps, result)
        bad = _check_uniques(session, member, inserts + updates, sink)
        if bad:
            member.invalid |= bad
            counts = result.count(spec.name)
            counts.new -= len(bad.intersection(inserts))
            counts.updated -= len(bad.intersection(updates))
        key = member.index("uuid") or 0
        valid[spec.name] = set(stamps) | {
            member.rows[i][key] for i in range(len(member.rows)) if i not in member.invalid
        }
        plan = EntityPlan(spec)
        plan.inserts = _full_rows(member, [i for i in inserts if i not in bad])
        present = [c.name for c in member.columns if c.name not in ("uuid", "created_at")]
        for i in updates:
            if i in bad:
                continue
            row = dict(zip((c.name for c in member.columns), member.rows[i], strict=True))
            change = {f"v_{name}": row[name] for name in present}
            change["_uuid"] = row["uuid"]
            plan.updates.append(change)
        plans.append(plan)
    return MergePlan(plans)


def apply_plan(session: Session, plan: MergePlan, progress: Progress | None = None) -> None:
    """Write the plan: batched inserts and updates, parents first (one transaction).

    On SQLite, inserts go straight to the driver's executemany with values already in the
    storage format SQLAlchemy uses (the national file's 500,000 rows would otherwise spend
    most of their time in per-value bind processing); elsewhere, Core inserts.
    """
    fast = session.get_bind().dialect.name == "sqlite"
    if not fast:
        _write(session, plan, progress, fast)
        return
    # Random uuid keys touch index pages all over the file: a 64 MB page cache while
    # inserting (instead of SQLite's 2 MB) avoids thrashing; restored for the pooled connection.
    previous = session.execute(text("PRAGMA cache_size")).scalar_one()
    session.execute(text(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}"))
    try:
        _write(session, plan, progress, fast)
    finally:
        session.execute(text(f"PRAGMA cache_size={int(previous)}"))


def _write(session: Session, plan: MergePlan, progress: Progress | None, fast: bool) -> None:
    total, done = plan.size, 0
    for entity in plan.entities:
        spec = entity.spec
        write = _driver_insert(session, spec) if fast else _core_insert(session, spec)
        for start in range(0, len(entity.inserts), BATCH):
            batch = entity.inserts[start : start + BATCH]
            write(batch)
            done += len(batch)
            report(progress, done, total, f"Import : {spec.name}")
        if entity.updates:
            _update(session, spec, entity.updates)
            done += len(entity.updates)
            report(progress, done, total, f"Mise à jour : {spec.name}")


def _as_uuid(value: Any) -> Any:
    return uuid.UUID(value) if isinstance(value, str) else value


def _core_insert(session: Session, spec: EntitySpec) -> Any:
    names = [c.name for c in spec.columns]
    uuids = [i for i, c in enumerate(spec.columns) if c.kind == "uuid"]

    def write(batch: list[tuple[Any, ...]]) -> None:
        rows = []
        for row in batch:
            values = dict(zip(names, row, strict=True))
            for i in uuids:
                values[names[i]] = _as_uuid(row[i])
            rows.append(values)
        session.execute(insert(spec.table), rows)

    return write


def _sqlite_value(kind: str) -> Any:
    """The value SQLAlchemy's SQLite bind processors would store, for one column type."""
    if kind == "uuid":
        return lambda v: None if v is None else v.replace("-", "")
    if kind == "timestamp":
        return lambda v: None if v is None else v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if kind == "date":
        return lambda v: None if v is None else v.isoformat()
    if kind == "decimal":
        return lambda v: None if v is None else float(v)
    if kind == "boolean":
        return lambda v: None if v is None else int(v)
    if kind == "json":
        return lambda v: None if v is None else json.dumps(v)
    return None


def _driver_insert(session: Session, spec: EntitySpec) -> Any:
    names = [c.name for c in spec.columns]
    statement = (
        f"INSERT INTO {spec.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    )
    converters = [(i, f) for i, c in enumerate(spec.columns) if (f := _sqlite_value(c.kind))]
    connection = session.connection()

    def write(batch: list[tuple[Any, ...]]) -> None:
        rows = []
        for row in batch:
            values = list(row)
            for i, convert in converters:
                values[i] = convert(values[i])
            rows.append(tuple(values))
        connection.exec_driver_sql(statement, rows)

    return write


def _update(session: Session, spec: EntitySpec, updates: list[dict[str, Any]]) -> None:
    table = spec.table
    kinds = {c.name: c.kind for c in spec.columns}
    # Bind names differ from column names: SQLAlchemy reserves those for SET.
    columns = [k[2:] for k in updates[0] if k != "_uuid"]
    statement = (
        update(table)
        .where(table.c.uuid == bindparam("_uuid"))
        .values({c: bindparam(f"v_{c}") for c in columns})
    )
    for change in updates:
        change["_uuid"] = _as_uuid(change["_uuid"])
        for c in columns:
            if kinds[c] == "uuid":
                change[f"v_{c}"] = _as_uuid(change[f"v_{c}"])
    for start in range(0, len(updates), BATCH):
        session.execute(statement, updates[start : start + BATCH])

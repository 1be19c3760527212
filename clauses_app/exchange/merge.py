"""Merging one checked member into the database by UUID (guide: "re-import merges").

Members come parents first. For each: a row dated in the future (beyond
``FUTURE_TOLERANCE``) is refused; references are checked against the database and the valid
rows of the members before it; each valid row is then new, unchanged (same content), updated
or a conflict (local copy kept). Between an existing record and the file's, the rule holds
between databases (versions are local): each record keeps the digest of the content an import
last left (``import_digest``), the common ancestor. Local copy as last imported → the file
wins; file as last imported → the local edit is kept; both moved → conflict. Without a digest
(never imported here) the file wins only when its ``updated_at`` is newer (format 1.0).
Unique keys (a company's SIRET, a lot's number in its contract, …) are checked
on the state the import would leave. Existing rows are read once per entity, never row by
row, as the format's text (``stored.py``), and only what later members need is kept: the
valid uuids of the entities other records refer to.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select
from sqlalchemy.orm import Session

from clauses_app.exchange.bulk import BulkWriter
from clauses_app.exchange.format import (
    SPECS,
    ColumnSpec,
    EntitySpec,
    decoder,
    encoder,
    format_timestamp,
)
from clauses_app.exchange.reader import MemberData
from clauses_app.exchange.report import Conflict, ErrorSink, ImportReport
from clauses_app.exchange.stored import text_select

CHUNK = 500  # uuids per IN (...) when reading existing rows
WHOLE_TABLE_AFTER = 20 * CHUNK
FETCH_ROWS = 10_000
SKIPPED_IN_COMPARISON = ("uuid", "created_at", "updated_at")
# Entities whose uuids other members refer to: the only ones whose valid uuids are kept.
REFERENCED = frozenset(c.reference for spec in SPECS for c in spec.columns if c.reference)
_read_timestamp = decoder(ColumnSpec("updated_at", "timestamp", False, True))
# A record dated later than now by more than this is refused (a source machine's clock set
# wrong would otherwise make its records win over every later local edit).
FUTURE_TOLERANCE = timedelta(hours=1)
STAMPS = ("created_at", "updated_at")


def content_digest(names: Sequence[str], texts: Iterable[str]) -> str:
    """SHA-256 (hex) of a record's content: its columns' names and values as the format writes
    them (timestamps and uuid left out)."""
    return _digester(names)(texts)


def _digester(names: Sequence[str]) -> Callable[[Iterable[str]], str]:
    prefix = ("\x1f".join(names) + "\x1e").encode("utf-8")
    return lambda texts: hashlib.sha256(prefix + "\x1f".join(texts).encode("utf-8")).hexdigest()


class _Local(NamedTuple):
    """A database record whose content differs from the file's row."""

    updated_at: str  # as text
    digest: str  # of its content now, over the file's columns
    imported: str | None  # its import_digest: the content the last import left


@dataclass
class MergeState:
    """What later members need from earlier ones: per referenced entity, the uuids (text) of
    the database's records and of the file's valid rows."""

    valid: dict[str, set[str]] = field(default_factory=dict)


def merge_member(
    session: Session,
    member: MemberData,
    state: MergeState,
    sink: ErrorSink,
    result: ImportReport,
    writer: BulkWriter | None,
) -> None:
    """Check and classify one member's rows; write them when ``writer`` is given."""
    spec = member.spec
    existing = _existing_uuids(session, spec)
    _refuse_future(member, sink)
    _check_references(member, state.valid, sink)
    inserts, updates = _classify(session, member, existing, result)
    bad = _check_uniques(session, member, inserts + updates, existing, sink)
    if bad:
        member.invalid |= bad
        counts = result.count(spec.name)
        counts.new -= len(bad.intersection(inserts))
        counts.updated -= len(bad.intersection(updates))
    if spec.name in REFERENCED:
        key = member.index("uuid") or 0
        existing.update(r[key] for i, r in enumerate(member.rows) if i not in member.invalid)
        state.valid[spec.name] = existing
    if writer is not None:
        # Updates first: a key an updated record gives up may be taken by a new one.
        digest = _file_digest(member)
        writer.update(member, [i for i in updates if i not in bad], digest)
        writer.insert(member, [i for i in inserts if i not in bad], digest)


def _refuse_future(member: MemberData, sink: ErrorSink, now: datetime | None = None) -> None:
    """Rows dated in the future beyond the tolerance: reported with member, row and column."""
    limit = (now or datetime.now().astimezone()) + FUTURE_TOLERANCE
    for name in STAMPS:
        at = member.index(name)
        if at is None:
            continue
        for i, row in enumerate(member.rows):
            value = row[at]
            if i in member.invalid or value is None or value <= limit:
                continue
            sink.error(
                f"date dans le futur ({format_timestamp(value)}) : l'horloge de l'ordinateur qui "
                "a écrit le fichier est sans doute déréglée ; corrigez-la et exportez de nouveau",
                file=member.spec.member,
                row=member.row_number(i),
                column=name,
            )
            member.invalid.add(i)


def _compared(member: MemberData) -> list[tuple[int, ColumnSpec]]:
    """The file's columns that make a record's content (position in the row, column)."""
    return [(i, c) for i, c in enumerate(member.columns) if c.name not in SKIPPED_IN_COMPARISON]


def _file_digest(member: MemberData) -> Callable[[int], str]:
    """The content digest of a row of the file, by its index (the import's hot path: every
    inserted row has one)."""
    compared = _compared(member)
    digest = _digester([c.name for _i, c in compared])
    encoders = [encoder(c) for _i, c in compared]
    positions = [at for at, _c in compared]
    rows = member.rows

    def of(i: int) -> str:
        row = rows[i]
        return digest([as_text(row[at]) for at, as_text in zip(positions, encoders, strict=True)])

    return of


def _rows(session: Session, statement: Select[Any]) -> Iterator[Sequence[Any]]:
    result = session.execute(statement.execution_options(yield_per=FETCH_ROWS))
    for partition in result.partitions():
        yield from partition


def _existing_uuids(session: Session, spec: EntitySpec) -> set[str]:
    """The uuid (text) of every record of the entity's table: one query."""
    statement, (as_text,) = text_select(session.get_bind().dialect, spec, ["uuid"])
    return {as_text(u) for (u,) in _rows(session, statement)}


def _check_references(member: MemberData, valid: dict[str, set[str]], sink: ErrorSink) -> None:
    for position, column in enumerate(member.columns):
        if column.reference is None:
            continue
        targets = valid[column.reference]
        for i, row in enumerate(member.rows):
            value = row[position]
            if value is None or value in targets or i in member.invalid:
                continue
            sink.error(
                f"référence à {column.reference} {value} introuvable (ni dans le fichier parmi "
                "les lignes valides, ni dans la base)",
                file=member.spec.member,
                row=member.row_number(i),
                column=column.name,
            )
            member.invalid.add(i)


def _classify(
    session: Session, member: MemberData, existing: set[str], result: ImportReport
) -> tuple[list[int], list[int]]:
    """Indexes of the rows to insert and to update; counts and conflicts go in the report."""
    spec = member.spec
    counts = result.count(spec.name)
    key, stamp = member.index("uuid"), member.index("updated_at")
    assert key is not None and stamp is not None
    rows, invalid = member.rows, member.invalid
    known = {}
    if existing:
        known = {
            rows[i][key]: i
            for i in range(len(rows))
            if i not in invalid and rows[i][key] in existing
        }
    differing = _differing(session, member, known)
    digest_of = _file_digest(member)
    inserts, updates = [], []
    for i, row in enumerate(rows):
        if i in invalid:
            continue
        uid = row[key]
        if uid not in existing:
            inserts.append(i)
            counts.new += 1
            continue
        local = differing.get(i)
        if local is None:
            counts.unchanged += 1
            continue
        verdict = _decide(local, digest_of(i), row[stamp])
        if verdict == "file":
            updates.append(i)
            counts.updated += 1
        elif verdict == "local":
            counts.unchanged += 1  # the file brings what was imported already: the edit stays
        else:
            counts.conflicts += 1
            local_at = _read_timestamp(local.updated_at)
            result.conflicts.append(Conflict(spec.name, uuid.UUID(uid), local_at, row[stamp]))
    return inserts, updates


def _decide(local: _Local, file_digest: str, file_updated_at: datetime) -> str:
    """Which copy a differing record keeps: "file", "local" or "conflict" (local kept)."""
    if local.imported is not None:
        if local.digest == local.imported:
            return "file"  # not edited here since the last import: the source changed it
        if file_digest == local.imported:
            return "local"  # edited here, unchanged at the source since the last import
        return "conflict"  # both changed since the last import
    return "file" if file_updated_at > _read_timestamp(local.updated_at) else "conflict"


def _differing(session: Session, member: MemberData, known: dict[str, int]) -> dict[int, _Local]:
    """Rows whose content differs from the database's copy → that copy's ``updated_at``
    (text), content digest and import digest. The file's columns are compared as the format
    writes them."""
    if not known:
        return {}
    spec = member.spec
    compared = _compared(member)
    content = [c.name for _i, c in compared]
    names = ["uuid", *content, "updated_at"]
    statement, stored = text_select(session.get_bind().dialect, spec, names)
    statement = statement.add_columns(spec.table.c.import_digest)
    mine = [(i, encoder(c), theirs) for (i, c), theirs in zip(compared, stored[1:-1], strict=True)]
    differing: dict[int, _Local] = {}

    def compare(local: Sequence[Any]) -> None:
        index = known.get(stored[0](local[0]))
        if index is None:
            return
        row = member.rows[index]
        for n, (at, as_text, local_as_text) in enumerate(mine, start=1):
            if as_text(row[at]) != local_as_text(local[n]):
                texts = (f(local[k]) for k, (_a, _t, f) in enumerate(mine, start=1))
                differing[index] = _Local(
                    stored[-1](local[-2]), content_digest(content, texts), local[-1]
                )
                return

    if len(known) > WHOLE_TABLE_AFTER:  # a re-import: one pass beats thousands of IN (...)
        for local in _rows(session, statement):
            compare(local)
        return differing
    uuids = list(known)
    for start in range(0, len(uuids), CHUNK):
        chunk = [uuid.UUID(u) for u in uuids[start : start + CHUNK]]
        for local in session.execute(statement.where(spec.table.c.uuid.in_(chunk))):
            compare(local)
    return differing


def _key_text(column: ColumnSpec) -> Callable[[Any], Any]:
    """A parsed value as the text the database's copy is compared in (uuids and text are
    text already)."""
    if column.kind in ("uuid", "string"):
        return lambda value: value
    return encoder(column)


def _check_uniques(
    session: Session,
    member: MemberData,
    written: list[int],
    existing: set[str],
    sink: ErrorSink,
) -> set[int]:
    """Rows whose unique key would collide with another record: reported, returned."""
    spec, rows = member.spec, member.rows
    key = member.index("uuid")
    assert key is not None
    bad: set[int] = set()
    for columns in spec.uniques:
        found = [member.index(c) for c in columns]
        positions = [p for p in found if p is not None]
        if len(positions) < len(found):
            continue
        keyed: Iterable[tuple[int, tuple[Any, ...]]]
        keyed = ((i, tuple(rows[i][p] for p in positions)) for i in written)
        final: dict[tuple[Any, ...], str] = {}
        if existing:  # keys compared as text with the records' (only those that may collide)
            as_text = [_key_text(spec.column(c)) for c in columns]
            keyed = [
                (i, tuple(f(v) for f, v in zip(as_text, values, strict=True)))
                for i, values in keyed
                if None not in values
            ]
            wanted = {values for _i, values in keyed}
            rewritten = {rows[i][key] for i in written}
            final = _stored_keys(session, spec, columns, rewritten, wanted) if wanted else {}
        for i, values in keyed:
            if None in values:
                continue
            other = final.get(values)
            if other is not None and other != rows[i][key]:
                sink.error(
                    f"valeur déjà utilisée par un autre enregistrement ({other}) : "
                    f"{', '.join(columns)} doit être unique",
                    file=spec.member,
                    row=member.row_number(i),
                    column=columns[-1],
                )
                bad.add(i)
            else:
                final[values] = rows[i][key]
    return bad


def _stored_keys(
    session: Session,
    spec: EntitySpec,
    columns: tuple[str, ...],
    rewritten: set[str],
    wanted: set[tuple[Any, ...]],
) -> dict[tuple[Any, ...], str]:
    """Unique key (text) → uuid of the records the import leaves as they are, for the keys
    ``wanted`` (those of the rows the import writes: no other key can collide)."""
    statement, stored = text_select(session.get_bind().dialect, spec, ["uuid", *columns])
    keys: dict[tuple[Any, ...], str] = {}
    for uid, *values in _rows(session, statement):
        if None in values:
            continue
        value = tuple(f(v) for f, v in zip(stored[1:], values, strict=True))
        if value in wanted:
            record = stored[0](uid)
            if record not in rewritten:
                keys[value] = record
    return keys

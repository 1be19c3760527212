"""Export: a database (or a scope of it) to a ``.clause`` file.

Deterministic by construction: rows sorted by uuid, columns in spec order, one CSV dialect,
fixed ZIP timestamps and member order. Two exports of equal data differ only in the manifest's
``created_at``.

Streamed: each member is read with one select whose stored values go straight to text
(``stored.py``), its lines are sorted and spooled to a temporary file while its SHA-256 is
computed, and the ZIP is written at the end (the manifest, which holds the checksums, comes
first). Memory holds one member's lines at a time.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
import uuid
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from clauses_app import __version__, paths
from clauses_app.exchange.anonymize import (
    ANONYMIZED_PARTICIPANT_COLUMNS,
    FREE_TEXT_LEFT_OUT,
    MEMBERS_LEFT_OUT,
    PERSON_KEYS,
    Pseudonymizer,
    anonymized_participants,
    export_secret,
)
from clauses_app.exchange.format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_MEMBER,
    SPEC_BY_NAME,
    SPECS,
    ZIP_EPOCH,
    EntitySpec,
    csv_record,
    format_timestamp,
)
from clauses_app.exchange.limits import MIB
from clauses_app.exchange.manifest import Scope, manifest_bytes
from clauses_app.exchange.scope import kept_uuids, load_tables, readable_only
from clauses_app.exchange.stored import Encode, text_select
from clauses_app.services.profile import signed_organisation
from clauses_app.services.progress import Progress, report
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database

FETCH_ROWS = 10_000  # rows per fetch from the database
SPOOL_LINES = 20_000  # lines encoded and written at once

Kept = dict[str, set[str]] | None  # uuids (text) to export per entity; None: everything


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: dict[str, int]
    manifest: dict[str, Any]


@dataclass(frozen=True)
class _Spooled:
    """One member written to a temporary file."""

    spec: EntitySpec
    rows: int
    size: int
    sha256: str
    handle: IO[bytes]


def export_clause_file(
    database: Database,
    path: str | Path,
    scope: Scope | None = None,
    anonymize: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the database (or ``scope`` of it) to ``path`` as a Clause 1.0 file.

    The file is written beside its destination and moved into place at the end, so a
    cancelled or failed export never leaves half a file.
    """
    path = Path(path)
    if paths.is_special_file(path):  # renaming the file over /dev/null would replace it
        raise OSError(errno.EINVAL, "ce n'est pas un fichier ordinaire", str(path))
    if paths.is_sqlite_database(path):  # « clauses export base.sqlite3 » replaced the base
        raise OSError(errno.EEXIST, "c'est une base de données, que l'export remplacerait",
                      str(path))  # fmt: skip
    scope = scope or Scope()
    steps = len(SPECS) + 1
    report(progress, 0, steps, "Lecture de la base")
    secret = None
    if anonymize:  # drawn once per database, committed before the export reads
        with database.transaction() as session:
            secret = export_secret(session)
    with database.session() as session, ExitStack() as temporary_files:
        settings = load_settings(session)
        keep = _kept(session, scope)
        anonymous = _Anonymous(session, keep, secret) if secret is not None else None
        spooled = []
        for done, spec in enumerate(SPECS):
            report(progress, done, steps, f"Écriture : {spec.name}")
            handle = temporary_files.enter_context(tempfile.TemporaryFile(prefix="clause-"))
            header, lines = _member_lines(session, spec, keep, anonymous)
            spooled.append(_spool(spec, header, lines, handle))
            del lines
        report(progress, len(SPECS), steps, "Écriture : archive")
        listing: list[dict[str, Any]] = [
            {"name": s.spec.member, "entity": s.spec.name, "rows": s.rows, "sha256": s.sha256}
            for s in spooled
        ]
        organisation = signed_organisation(settings.organisation)
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "generator": f"Clauses {__version__}",
            "created_at": format_timestamp(datetime.now(UTC)),
            "source": {
                "organisation": organisation.name,
                "facilitator": organisation.facilitator_name,
            },
            "scope": scope.as_json(),
            "anonymized": anonymize,
            "members": listing,
        }
        _write_zip(path, manifest_bytes(manifest), spooled)
    report(progress, steps, steps, "Export terminé")
    return ExportResult(path, {s.spec.name: s.rows for s in spooled}, manifest)


def _kept(session: Session, scope: Scope) -> Kept:
    tables = load_tables(session)
    keep = None if scope.is_everything else kept_uuids(tables, scope)
    if _rows_hidden(session):
        return readable_only(tables, keep)
    return keep


def _rows_hidden(session: Session) -> bool:
    """Whether row-level security may hide participants from the connected role (a team's
    PostgreSQL database, docs/team.md)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return bool(session.execute(text("SELECT row_security_active('participant')")).scalar())


def _member_lines(
    session: Session, spec: EntitySpec, keep: Kept, anonymous: _Anonymous | None
) -> tuple[list[str], list[str]]:
    """The header and the records (without their line ends) of one member, sorted by uuid."""
    header = [c.name for c in spec.columns]
    if anonymous is not None and spec.name == "participant":
        return list(ANONYMIZED_PARTICIPANT_COLUMNS), anonymous.participant_lines()
    if anonymous is not None and spec.name in MEMBERS_LEFT_OUT:
        return header, []
    statement, encoders = text_select(session.get_bind().dialect, spec, header, quoted=True)
    plain_uuid = encoders[0]  # the scope names records by their real uuid
    if anonymous is not None:
        for column, kind in PERSON_KEYS.get(spec.name, {}).items():
            at = header.index(column)
            encoders[at] = anonymous.key_text(encoders[at], kind)
        for column in FREE_TEXT_LEFT_OUT.get(spec.name, ()):
            encoders[header.index(column)] = _left_out
    wanted = None if keep is None else keep[spec.name]
    lines: list[str] = []
    result = session.connection().execution_options(yield_per=FETCH_ROWS).execute(statement)
    for rows in result.partitions():
        for row in rows:
            if wanted is not None and plain_uuid(row[0]) not in wanted:
                continue
            lines.append(",".join(encode(v) for encode, v in zip(encoders, row, strict=True)))
    # Records start with the uuid (fixed length, never quoted): sorting them sorts by uuid.
    lines.sort()
    return header, lines


def _left_out(_value: Any) -> str:
    return ""  # an empty field: no value


def _spool(spec: EntitySpec, header: list[str], lines: list[str], handle: IO[bytes]) -> _Spooled:
    digest = hashlib.sha256()
    size = 0

    def put(text: str) -> None:
        nonlocal size
        data = text.encode("utf-8")
        digest.update(data)
        handle.write(data)
        size += len(data)

    put(csv_record(header))
    for start in range(0, len(lines), SPOOL_LINES):
        put("\n".join(lines[start : start + SPOOL_LINES]) + "\n")
    return _Spooled(spec, len(lines), size, digest.hexdigest(), handle)


class _Anonymous:
    """The anonymized variant (docs/clause-format.md §7) of the kept participants."""

    def __init__(self, session: Session, keep: Kept, secret: bytes) -> None:
        self.pseudonymizer = Pseudonymizer(secret)
        self.session = session
        self.keep = keep

    def _kept(self, entity: str, *names: str) -> list[tuple[Any, ...]]:
        table = SPEC_BY_NAME[entity].table
        rows = self.session.execute(select(table.c.uuid, *[table.c[n] for n in names]))
        wanted = None if self.keep is None else self.keep[entity]
        return [tuple(r) for r in rows if wanted is None or str(r[0]) in wanted]

    def participant_lines(self) -> list[str]:
        names = ("sex", "birth_date", "qpv", "qualification_code")
        participants = [
            dict(zip(("uuid", *names), row, strict=True))
            for row in self._kept("participant", *names)
        ]
        criteria = [
            (p, code)
            for _u, p, code in self._kept(
                "participant_criterion", "participant_uuid", "criterion_code"
            )
        ]
        first_starts: dict[uuid.UUID, date] = {}
        for _u, person, start in self._kept("employment", "participant_uuid", "start_date"):
            if person not in first_starts or start < first_starts[person]:
                first_starts[person] = start
        rows = anonymized_participants(
            participants, criteria, first_starts, date.today(), self.pseudonymizer
        )
        return [csv_record(r)[:-1] for r in rows]

    def key_text(self, encode: Encode, kind: str) -> Encode:
        """The pseudonymous key in place of the uuid of a ``kind`` (participant, employment,
        hours_record); an empty reference stays empty."""
        key = self.pseudonymizer.key

        def pseudonymous(value: Any) -> str:
            text = encode(value)
            return str(key(uuid.UUID(text), kind)) if text else text

        return pseudonymous


def _zip_info(name: str, size: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.file_size = size
    return info


def _write_zip(path: Path, manifest: bytes, members: list[_Spooled]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w") as archive:
            archive.writestr(_zip_info(MANIFEST_MEMBER), manifest)
            for member in members:
                member.handle.seek(0)
                with archive.open(_zip_info(member.spec.member, member.size), "w") as entry:
                    shutil.copyfileobj(member.handle, entry, MIB)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""Export: a database (or a scope of it) to a ``.clause`` file.

Deterministic by construction: rows sorted by uuid, columns in spec order, one CSV dialect,
fixed ZIP timestamps and member order. Two exports of equal data differ only in the manifest's
``created_at``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app import __version__
from clauses_app.exchange.anonymize import (
    ANONYMIZED_PARTICIPANT_COLUMNS,
    Pseudonymizer,
    anonymized_participants,
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
    encoder,
    format_timestamp,
)
from clauses_app.exchange.manifest import Scope, manifest_bytes
from clauses_app.exchange.scope import Tables, kept_uuids
from clauses_app.services.progress import Progress, report
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: dict[str, int]
    manifest: dict[str, Any]


def load_tables(session: Session, progress: Progress | None = None) -> Tables:
    """Every exchangeable row, in spec column order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for done, spec in enumerate(SPECS):
        report(progress, done, len(SPECS) * 2, f"Lecture : {spec.name}")
        table = spec.table
        statement = select(*[table.c[c.name] for c in spec.columns])
        rows[spec.name] = [tuple(r) for r in session.execute(statement)]
    return Tables(rows)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    return "".join([csv_record(header), *(csv_record(r) for r in rows)]).encode("utf-8")


def entity_rows(
    spec: EntitySpec, rows: list[tuple[Any, ...]], replace: Any = None
) -> list[list[str]]:
    """Encoded rows sorted by uuid. ``replace`` maps (column index, value) → new value."""
    encoders = [encoder(c) for c in spec.columns]
    encoded = []
    for row in rows:
        values = row if replace is None else replace(row)
        encoded.append([enc(v) for enc, v in zip(encoders, values, strict=True)])
    encoded.sort(key=lambda r: r[0])
    return encoded


def _members(
    tables: Tables, keep: dict[str, Any] | None, anonymize: bool
) -> list[tuple[EntitySpec, list[str], list[list[str]]]]:
    def kept(name: str) -> list[tuple[Any, ...]]:
        rows = tables.rows[name]
        return rows if keep is None else [r for r in rows if r[0] in keep[name]]

    pseudonymizer = Pseudonymizer() if anonymize else None
    members = []
    for spec in SPECS:
        header = [c.name for c in spec.columns]
        rows = kept(spec.name)
        if pseudonymizer is not None and spec.name == "participant":
            members.append(
                (
                    spec,
                    list(ANONYMIZED_PARTICIPANT_COLUMNS),
                    _anonymous(tables, rows, kept, pseudonymizer),
                )
            )
            continue
        if pseudonymizer is not None and spec.name == "participant_criterion":
            members.append((spec, header, []))
            continue
        replace = None
        if pseudonymizer is not None and spec.name == "employment":
            index = header.index("participant_uuid")

            def replace(row: tuple[Any, ...], i: int = index) -> tuple[Any, ...]:
                return (*row[:i], pseudonymizer.key(row[i]), *row[i + 1 :])

        members.append((spec, header, entity_rows(spec, rows, replace)))
    return members


def _anonymous(
    tables: Tables, rows: list[tuple[Any, ...]], kept: Any, pseudonymizer: Pseudonymizer
) -> list[list[str]]:
    names = [c.name for c in SPEC_BY_NAME["participant"].columns]
    participants = [dict(zip(names, r, strict=True)) for r in rows]
    crit_p = tables.col("participant_criterion", "participant_uuid")
    crit_c = tables.col("participant_criterion", "criterion_code")
    criteria = [(r[crit_p], r[crit_c]) for r in kept("participant_criterion")]
    first_starts: dict[Any, date] = {}
    emp_p, emp_s = (
        tables.col("employment", "participant_uuid"),
        tables.col("employment", "start_date"),
    )
    for r in kept("employment"):
        if r[emp_p] not in first_starts or r[emp_s] < first_starts[r[emp_p]]:
            first_starts[r[emp_p]] = r[emp_s]
    return anonymized_participants(
        participants, criteria, first_starts, date.today(), pseudonymizer
    )


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


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
    scope = scope or Scope()
    with database.session() as session:
        settings = load_settings(session)
        tables = load_tables(session, progress)
    keep = kept_uuids(tables, scope)
    members = _members(tables, keep, anonymize)
    entries: list[tuple[str, bytes]] = []
    listing: list[dict[str, Any]] = []
    for done, (spec, header, rows) in enumerate(members):
        report(progress, len(SPECS) + done, len(SPECS) * 2, f"Écriture : {spec.name}")
        data = csv_bytes(header, rows)
        entries.append((spec.member, data))
        listing.append(
            {
                "name": spec.member,
                "entity": spec.name,
                "rows": len(rows),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    organisation = settings.organisation
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
    _write_zip(path, [(MANIFEST_MEMBER, manifest_bytes(manifest)), *entries])
    report(progress, len(SPECS) * 2, len(SPECS) * 2, "Export terminé")
    return ExportResult(path, {m["entity"]: m["rows"] for m in listing}, manifest)


def _write_zip(path: Path, entries: list[tuple[str, bytes]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w") as archive:
            for name, data in entries:
                archive.writestr(_zip_info(name), data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

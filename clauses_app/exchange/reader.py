"""Reading and checking a ``.clause`` file, one member at a time.

Archive-level faults (not a ZIP, bombs, unsafe names, manifest, version, checksums, encoding,
CSV syntax, headers) refuse the whole file. Row-level faults (types, required values, codes,
dates, duplicate uuids) mark rows invalid; references and merge checks come next
(``merge.py``). Every fault is reported with member, row and column.

:func:`open_clause` checks the archive and the manifest; :meth:`ClauseFile.read_member` then
parses one member, so that an import holds one member's rows at a time. The faults a member
reports are those the whole-member reading reported before: a member refused for its CSV
syntax or its row count reports that fault alone (its row faults are set aside meanwhile).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from clauses_app.exchange.format import (
    FORMAT_NAME,
    MANIFEST_MEMBER,
    MEMBER_SINCE,
    SPECS,
    EntitySpec,
)
from clauses_app.exchange.limits import ImportLimits
from clauses_app.exchange.manifest import SUPPORTED_VERSION, parse_version, schema_errors
from clauses_app.exchange.records import Refused, csv_fault, csv_records, decoded
from clauses_app.exchange.report import ErrorSink, HeldFaults
from clauses_app.exchange.rows import MemberData, Row, mark_duplicates, parse_rows
from clauses_app.exchange.safety import UnsafeFileError, entry_chunks, open_zip, read_entry

__all__ = ["ClauseFile", "MemberData", "Row", "open_clause"]


@dataclass
class ClauseFile:
    """An open ``.clause`` archive whose manifest passed every check."""

    archive: Any
    manifest: dict[str, Any]
    declared: dict[str, dict[str, Any]]

    @property
    def total_rows(self) -> int:
        return sum(self.declared[s.member]["rows"] for s in SPECS if s.member in self.declared)

    def read_member(self, spec: EntitySpec, sink: ErrorSink) -> MemberData | None:
        """The member's rows, or None when it is refused (its faults are in ``sink``).

        A member a file's older minor version did not have yet is read as empty.

        Raises UnsafeFileError when the archive itself turns out to be unreadable."""
        entry = self.declared.get(spec.member)
        if entry is None:
            return MemberData(spec, list(spec.columns))
        try:
            _check_sum(self.archive, spec, entry, sink)
            text = decoded(
                entry_chunks(self.archive, spec.member),
                lambda: _decode(spec, read_entry(self.archive, spec.member), sink),
            )
            return _parse_member(spec, text, entry, sink)
        except Refused:
            return None


@contextmanager
def open_clause(path: Path, limits: ImportLimits, sink: ErrorSink) -> Iterator[ClauseFile | None]:
    """The checked archive, or None when it is refused as a whole (the faults are in ``sink``)."""
    name = path.name
    try:
        archive = open_zip(path, limits, "une archive .clause (ZIP)")
    except UnsafeFileError as exc:
        sink.error(str(exc), file=name)
        yield None
        return
    with archive:
        opened: ClauseFile | None = None
        try:
            manifest = _read_manifest(archive, limits, sink, name)
            opened = ClauseFile(archive, manifest, _declared_members(archive, manifest, sink, name))
        except Refused:
            pass
        except UnsafeFileError as exc:
            sink.error(str(exc), file=name)
        yield opened


def _read_manifest(
    archive: Any, limits: ImportLimits, sink: ErrorSink, name: str
) -> dict[str, Any]:
    if MANIFEST_MEMBER not in archive.namelist():
        sink.error("manifeste absent : ce n'est pas un fichier Clause", file=name)
        raise Refused
    raw = read_entry(archive, MANIFEST_MEMBER, limits.max_manifest_bytes)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        sink.error(f"manifeste illisible (JSON UTF-8 attendu) : {exc}", file=MANIFEST_MEMBER)
        raise Refused from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        sink.error(
            "ce n'est pas un manifeste de fichier Clause (format ≠ « clause »)",
            file=MANIFEST_MEMBER,
        )
        raise Refused
    _check_version(manifest, sink)
    problems = schema_errors(manifest)
    for message in problems:
        sink.error(message, file=MANIFEST_MEMBER)
    if problems:
        raise Refused
    if manifest.get("anonymized"):
        sink.error(
            "fichier anonymisé (consolidation) : il ne peut pas être importé dans une base "
            "de suivi nominative",
            file=MANIFEST_MEMBER,
        )
        raise Refused
    return manifest


def _check_version(manifest: dict[str, Any], sink: ErrorSink) -> None:
    version = manifest.get("version")
    try:
        major, minor = parse_version(str(version))
    except ValueError:
        sink.error(
            f"version du format illisible : « {version} »", file=MANIFEST_MEMBER, column="version"
        )
        raise Refused from None
    if major != SUPPORTED_VERSION[0]:
        newer = "plus récente" if major > SUPPORTED_VERSION[0] else "plus ancienne"
        sink.error(
            f"version {version} du format Clause, {newer} que celle que cette application lit "
            f"({SUPPORTED_VERSION[0]}.x) : mettez Clauses à jour",
            file=MANIFEST_MEMBER,
            column="version",
        )
        raise Refused
    if minor > SUPPORTED_VERSION[1]:
        sink.warning(
            f"version {version} du format, plus récente que {SUPPORTED_VERSION[0]}."
            f"{SUPPORTED_VERSION[1]} : les colonnes inconnues seront ignorées",
            file=MANIFEST_MEMBER,
        )


def _declared_members(
    archive: Any, manifest: dict[str, Any], sink: ErrorSink, name: str
) -> dict[str, dict[str, Any]]:
    declared = {m["name"]: m for m in manifest["members"]}
    known = {spec.member for spec in SPECS}
    version = parse_version(str(manifest["version"]))
    failed = False
    for member, entry in declared.items():
        if member not in known:
            sink.warning("membre inconnu de cette version : ignoré", file=member)
        elif entry["entity"] + ".csv" != member:
            sink.error(f"le manifeste annonce l'entité « {entry['entity']} »", file=member)
            failed = True
    present = set(archive.namelist())
    for spec in SPECS:
        if spec.member not in declared:
            if version < MEMBER_SINCE.get(spec.member, (0, 0)):
                continue  # not in that version yet: read as empty
            sink.error("membre absent du manifeste", file=spec.member)
            failed = True
        elif spec.member not in present:
            sink.error("membre annoncé par le manifeste mais absent de l'archive", file=spec.member)
            failed = True
    for extra in sorted(present - set(declared) - {MANIFEST_MEMBER}):
        sink.error("élément de l'archive non déclaré dans le manifeste", file=extra)
        failed = True
    if failed:
        raise Refused
    return declared


def _check_sum(archive: Any, spec: EntitySpec, entry: dict[str, Any], sink: ErrorSink) -> None:
    digest = hashlib.sha256()
    for chunk in entry_chunks(archive, spec.member):
        digest.update(chunk)
    if digest.hexdigest() != entry["sha256"]:
        sink.error(
            "somme de contrôle SHA-256 différente de celle du manifeste : membre modifié ou "
            "corrompu",
            file=spec.member,
        )
        raise Refused


def _decode(spec: EntitySpec, data: bytes, sink: ErrorSink) -> NoReturn:
    """Word the first encoding fault of a member (read whole: this is the rare path)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        sink.error(
            f"encodage invalide (octet 0x{data[exc.start]:02x}) : les membres sont en UTF-8",
            file=spec.member,
            row=line,
        )
        raise Refused from None
    sink.error("encodage invalide : les membres sont en UTF-8", file=spec.member)  # as read
    raise Refused


def _parse_member(
    spec: EntitySpec, text: Iterator[str], entry: dict[str, Any], sink: ErrorSink
) -> MemberData:
    """One pass over the records. Header and row faults are held until the member is known
    to be well-formed CSV with the announced row count, and reported in that order."""
    header_faults, row_faults = HeldFaults(sink), HeldFaults(sink)
    rows = csv_records(text)
    try:
        header = next(rows, None)
        if header is None:
            sink.error("membre vide : la ligne d'en-tête manque", file=spec.member, row=1)
            raise Refused
        member = _header_columns(spec, header, header_faults.sink)
        if member is None:
            sum(1 for _ in rows)  # a CSV syntax fault further down is reported instead
            header_faults.pass_on()
            raise Refused
        count = parse_rows(member, header, rows, row_faults.sink)
    except csv.Error as exc:
        csv_fault(exc, rows.line_num, text, spec.member, sink)
    header_faults.pass_on()
    if count != entry["rows"]:
        sink.error(
            f"{count} lignes de données au lieu des {entry['rows']} annoncées par le manifeste",
            file=spec.member,
        )
        raise Refused
    row_faults.pass_on()
    mark_duplicates(member, sink)
    return member


def _header_columns(spec: EntitySpec, header: list[str], sink: ErrorSink) -> MemberData | None:
    known = spec.by_name
    failed = False
    seen: set[str] = set()
    for name in header:
        if name in seen:
            sink.error("colonne présente deux fois", file=spec.member, row=1, column=name)
            failed = True
        seen.add(name)
        if name not in known:
            sink.warning(
                "colonne inconnue de cette version : ignorée", file=spec.member, row=1, column=name
            )
    for column in spec.columns:
        if column.required and column.name not in seen:
            sink.error("colonne obligatoire absente", file=spec.member, row=1, column=column.name)
            failed = True
    if failed:
        return None
    return MemberData(spec, [known[n] for n in header if n in known])

"""Reading and checking a ``.clause`` file before anything touches the database.

Archive-level faults (not a ZIP, bombs, unsafe names, manifest, version, checksums, encoding,
CSV syntax, headers) refuse the whole file. Row-level faults (types, required values, codes,
dates, duplicate uuids) mark rows invalid; references and merge checks come next
(``merge.py``). Every fault is reported with member, row and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clauses_app.exchange.format import (
    FORMAT_NAME,
    MANIFEST_MEMBER,
    SPECS,
    TYPE_LABELS,
    BadValue,
    ClauseDialect,
    ColumnSpec,
    EntitySpec,
    decoder,
    empty_value,
)
from clauses_app.exchange.limits import ImportLimits
from clauses_app.exchange.manifest import SUPPORTED_VERSION, parse_version, schema_errors
from clauses_app.exchange.report import ErrorSink
from clauses_app.exchange.rules import row_problems
from clauses_app.exchange.safety import UnsafeFileError, open_zip, read_entry
from clauses_app.services.progress import Progress, report


@dataclass
class MemberData:
    """The rows of one member, values parsed, aligned with ``columns`` (those of the header
    this version knows). ``rows[i]`` is record ``lines[i]`` of the CSV (header = 1)."""

    spec: EntitySpec
    columns: list[ColumnSpec]
    rows: list[list[Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    invalid: set[int] = field(default_factory=set)

    def index(self, name: str) -> int | None:
        for i, column in enumerate(self.columns):
            if column.name == name:
                return i
        return None


@dataclass
class ClauseContent:
    manifest: dict[str, Any]
    members: dict[str, MemberData]


class _Refused(Exception):
    """The file is refused as a whole (its errors are already in the sink)."""


def read_clause(
    path: Path, limits: ImportLimits, sink: ErrorSink, progress: Progress | None = None
) -> ClauseContent | None:
    """Parse and check every member; None when the file is refused as a whole."""
    name = path.name
    try:
        archive = open_zip(path, limits, "une archive .clause (ZIP)")
    except UnsafeFileError as exc:
        sink.error(str(exc), file=name)
        return None
    try:
        with archive:
            manifest = _read_manifest(archive, limits, sink, name)
            declared = _declared_members(archive, manifest, sink, name)
            members: dict[str, MemberData] = {}
            failed = False
            for done, spec in enumerate(SPECS):
                report(progress, done, len(SPECS), f"Vérification : {spec.member}")
                try:
                    data = _checked_bytes(archive, spec, declared[spec.member], limits, sink)
                    members[spec.name] = _parse_member(spec, data, declared[spec.member], sink)
                except _Refused:
                    failed = True
            if failed:
                return None
            return ClauseContent(manifest, members)
    except _Refused:
        return None
    except UnsafeFileError as exc:
        sink.error(str(exc), file=name)
        return None


def _read_manifest(
    archive: Any, limits: ImportLimits, sink: ErrorSink, name: str
) -> dict[str, Any]:
    if MANIFEST_MEMBER not in archive.namelist():
        sink.error("manifeste absent : ce n'est pas un fichier Clause", file=name)
        raise _Refused
    raw = read_entry(archive, MANIFEST_MEMBER, limits.max_manifest_bytes)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        sink.error(f"manifeste illisible (JSON UTF-8 attendu) : {exc}", file=MANIFEST_MEMBER)
        raise _Refused from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        sink.error(
            "ce n'est pas un manifeste de fichier Clause (format ≠ « clause »)",
            file=MANIFEST_MEMBER,
        )
        raise _Refused
    _check_version(manifest, sink)
    problems = schema_errors(manifest)
    for message in problems:
        sink.error(message, file=MANIFEST_MEMBER)
    if problems:
        raise _Refused
    if manifest.get("anonymized"):
        sink.error(
            "fichier anonymisé (consolidation) : il ne peut pas être importé dans une base "
            "de suivi nominative",
            file=MANIFEST_MEMBER,
        )
        raise _Refused
    return manifest


def _check_version(manifest: dict[str, Any], sink: ErrorSink) -> None:
    version = manifest.get("version")
    try:
        major, minor = parse_version(str(version))
    except ValueError:
        sink.error(
            f"version du format illisible : « {version} »", file=MANIFEST_MEMBER, column="version"
        )
        raise _Refused from None
    if major != SUPPORTED_VERSION[0]:
        newer = "plus récente" if major > SUPPORTED_VERSION[0] else "plus ancienne"
        sink.error(
            f"version {version} du format Clause, {newer} que celle que cette application lit "
            f"({SUPPORTED_VERSION[0]}.x) : mettez Clauses à jour",
            file=MANIFEST_MEMBER,
            column="version",
        )
        raise _Refused
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
            sink.error("membre absent du manifeste", file=spec.member)
            failed = True
        elif spec.member not in present:
            sink.error("membre annoncé par le manifeste mais absent de l'archive", file=spec.member)
            failed = True
    for extra in sorted(present - set(declared) - {MANIFEST_MEMBER}):
        sink.error("élément de l'archive non déclaré dans le manifeste", file=extra)
        failed = True
    if failed:
        raise _Refused
    return declared


def _checked_bytes(
    archive: Any, spec: EntitySpec, entry: dict[str, Any], limits: ImportLimits, sink: ErrorSink
) -> bytes:
    data: bytes = read_entry(archive, spec.member)
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        sink.error(
            "somme de contrôle SHA-256 différente de celle du manifeste : membre modifié ou "
            "corrompu",
            file=spec.member,
        )
        raise _Refused
    return data


def _decode(spec: EntitySpec, data: bytes, sink: ErrorSink) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        sink.error(
            f"encodage invalide (octet 0x{data[exc.start]:02x}) : les membres sont en UTF-8",
            file=spec.member,
            row=line,
        )
        raise _Refused from None


def _parse_member(
    spec: EntitySpec, data: bytes, entry: dict[str, Any], sink: ErrorSink
) -> MemberData:
    text = _decode(spec, data, sink)
    reader = csv.reader(io.StringIO(text, newline=""), dialect=ClauseDialect)
    try:
        records = list(reader)
    except csv.Error as exc:
        sink.error(f"CSV mal formé : {exc}", file=spec.member, row=reader.line_num)
        raise _Refused from None
    if not records:
        sink.error("membre vide : la ligne d'en-tête manque", file=spec.member, row=1)
        raise _Refused
    header, body = records[0], records[1:]
    member = _header_columns(spec, header, sink)
    if len(body) != entry["rows"]:
        sink.error(
            f"{len(body)} lignes de données au lieu des {entry['rows']} annoncées par le manifeste",
            file=spec.member,
        )
        raise _Refused
    _parse_rows(member, header, body, sink)
    _mark_duplicates(member, sink)
    return member


def _header_columns(spec: EntitySpec, header: list[str], sink: ErrorSink) -> MemberData:
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
        raise _Refused
    return MemberData(spec, [known[n] for n in header if n in known])


def _parse_rows(
    member: MemberData, header: list[str], body: list[list[str]], sink: ErrorSink
) -> None:
    spec = member.spec
    positions = {name: i for i, name in enumerate(header)}
    plan = [
        (positions[c.name], decoder(c), c, empty_value(c), c.kind != "string" and not c.nullable)
        for c in member.columns
    ]
    names = [c.name for c in member.columns]
    width = len(header)
    for line, record in enumerate(body, start=2):
        index = len(member.rows)
        member.lines.append(line)
        if len(record) != width:
            sink.error(f"{len(record)} champs au lieu de {width}", file=spec.member, row=line)
            member.rows.append([None] * len(plan))
            member.invalid.add(index)
            continue
        values: list[Any] = []
        bad = False
        for position, parse, column, empty, mandatory in plan:
            text = record[position]
            if text:
                try:
                    values.append(parse(text))
                except BadValue as exc:
                    sink.error(
                        f"{exc} (type attendu : {TYPE_LABELS[column.kind]})",
                        file=spec.member,
                        row=line,
                        column=column.name,
                    )
                    values.append(None)
                    bad = True
            elif mandatory:
                sink.error(
                    "valeur obligatoire manquante", file=spec.member, row=line, column=column.name
                )
                values.append(None)
                bad = True
            else:
                values.append(empty)
        if not bad:
            for column_name, message in row_problems(
                spec.name, dict(zip(names, values, strict=True))
            ):
                sink.error(message, file=spec.member, row=line, column=column_name)
                bad = True
        member.rows.append(values)
        if bad:
            member.invalid.add(index)


def _mark_duplicates(member: MemberData, sink: ErrorSink) -> None:
    at: dict[Any, list[int]] = defaultdict(list)
    key = member.index("uuid") or 0
    for i, row in enumerate(member.rows):
        if row[key] is not None:
            at[row[key]].append(i)
    for value, indexes in at.items():
        if len(indexes) < 2:
            continue
        first = member.lines[indexes[0]]
        for i in indexes[1:]:
            sink.error(
                f"UUID {value} en double (déjà ligne {first})",
                file=member.spec.member,
                row=member.lines[i],
                column="uuid",
            )
        member.invalid.update(indexes)

# ruff: noqa: E501  (the table of cases reads best one case per line)
"""Malformed and hostile .clause files: each a distinct fault, each refused with a message that
names member, row and column, and the database left exactly as it was."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clauses_app.exchange import ImportLimits, export_clause_file, import_clause_file
from clauses_app.exchange.format import ClauseDialect
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database
from tests.exchange.helpers import build_dataset, fingerprint, members, rewrite, stats

Content = dict[str, bytes]


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path, Path], Path]  # (valid file, target path) → hostile file
    text: str  # a fragment of the expected French message
    file: str | None = None
    row: int | None = None
    column: str | None = None
    limits: ImportLimits | None = None


def _table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, dialect=ClauseDialect).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def set_cell(member: str, column: str, value: str, row: int = 2) -> Callable[[Content], None]:
    def change(content: Content) -> None:
        rows = _table(content[member])
        rows[row - 1][rows[0].index(column)] = value
        content[member] = _csv(rows)

    return change


def copy_cell(member: str, column: str, source_row: int, row: int = 2) -> Callable[[Content], None]:
    def change(content: Content) -> None:
        rows = _table(content[member])
        index = rows[0].index(column)
        rows[row - 1][index] = rows[source_row - 1][index]
        content[member] = _csv(rows)

    return change


def edited(change: Callable[[Content], None], fix: bool = True) -> Callable[[Path, Path], Path]:
    return lambda source, target: rewrite(source, target, change, fix_manifest=fix)


def raw(data: Callable[[bytes], bytes]) -> Callable[[Path, Path], Path]:
    def make(source: Path, target: Path) -> Path:
        target.write_bytes(data(source.read_bytes()))
        return target

    return make


def zipped(entries: Callable[[Content], list[tuple[str, bytes]]]) -> Callable[[Path, Path], Path]:
    def make(source: Path, target: Path) -> Path:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries(members(source)):
                archive.writestr(name, data)
        return target

    return make


def manifest(change: Callable[[dict[str, Any]], None]) -> Callable[[Content], None]:
    def apply(content: Content) -> None:
        value = json.loads(content["manifest.json"])
        change(value)
        content["manifest.json"] = json.dumps(value).encode()

    return apply


def drop_column(member: str, column: str) -> Callable[[Content], None]:
    def change(content: Content) -> None:
        rows = _table(content[member])
        index = rows[0].index(column)
        content[member] = _csv([r[:index] + r[index + 1 :] for r in rows])

    return change


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda m: m.__setitem__(key, value)


def _del(member: str) -> Callable[[Content], None]:
    return lambda c: c.pop(member)


def _add(name: str, data: bytes) -> Callable[[Content], None]:
    return lambda c: c.__setitem__(name, data)


def _append(member: str, suffix: bytes) -> Callable[[Content], None]:
    return lambda c: c.__setitem__(member, c[member] + suffix)


def _noise(size: int) -> str:
    """Text that does not compress (so that the size limit, not the ratio one, refuses it)."""
    return hashlib.shake_256(b"noise").hexdigest(size // 2)


def _cp1252(content: Content) -> None:
    content["participant.csv"] = content["participant.csv"].decode().encode("cp1252")


def _duplicate_row(content: Content) -> None:
    lines = content["hours_record.csv"].split(b"\n")
    content["hours_record.csv"] = b"\n".join([*lines[:2], lines[1], *lines[2:]])


def _same_siret(content: Content) -> None:
    copy_cell("company.csv", "siret", source_row=3)(content)


def _header_twice(content: Content) -> None:
    rows = _table(content["contact.csv"])
    content["contact.csv"] = _csv([[*r, r[1]] for r in rows])


def _many_entries(content: Content) -> list[tuple[str, bytes]]:
    return [*content.items(), *((f"x/{i}.txt", b"") for i in range(2001))]


def _bomb(content: Content) -> list[tuple[str, bytes]]:
    return [*content.items(), ("bombe.csv", b"\0" * (20 * 1024 * 1024))]


def _traversal(name: str) -> Callable[[Content], list[tuple[str, bytes]]]:
    return lambda content: [*content.items(), (name, b"x")]


CASES = [
    Case("not a zip", raw(lambda _d: b"uuid,name\n1,2\n"), "n'est pas une archive"),
    Case("empty file", raw(lambda _d: b""), "n'est pas une archive"),
    Case("truncated zip", raw(lambda d: d[: len(d) // 2]), "n'est pas une archive"),
    Case("zip bomb", zipped(_bomb), "bombe ZIP"),
    Case("too many entries", zipped(_many_entries), "trop d'éléments"),
    Case(
        "uncompressed size limit", raw(lambda d: d), "décompressé trop volumineux",
        limits=ImportLimits(max_uncompressed_bytes=4096),
    ),
    Case("file size limit", raw(lambda d: d), "trop volumineux", limits=ImportLimits(max_file_bytes=100)),
    Case("path with ..", zipped(_traversal("../evil.csv")), "« .. »"),
    Case("absolute path", zipped(_traversal("/etc/cron.d/evil")), "chemin absolu"),
    Case("backslash path", zipped(_traversal("..\\evil.csv")), "barre oblique inverse"),
    Case("missing manifest", edited(_del("manifest.json"), fix=False), "manifeste absent"),
    Case("manifest not json", edited(_add("manifest.json", b"{oops"), fix=False), "manifeste illisible", file="manifest.json"),
    Case("not a clause manifest", edited(manifest(_set("format", "other"))), "format ≠ « clause »", file="manifest.json"),
    Case("newer major version", edited(manifest(_set("version", "2.0"))), "mettez Clauses à jour", file="manifest.json", column="version"),
    Case("manifest against schema", edited(manifest(_set("scope", "all"))), "schéma en « scope »", file="manifest.json"),
    Case("manifest too big", edited(manifest(_set("padding", _noise(2 * 1024 * 1024))), fix=False), "trop volumineux"),
    Case("wrong checksum", edited(_append("lot.csv", b"x"), fix=False), "SHA-256", file="lot.csv"),
    Case("member missing", edited(_del("award.csv")), "absent de l'archive", file="award.csv"),
    Case("member not declared", edited(_add("notes.txt", b"hello")), "non déclaré", file="notes.txt"),
    Case(
        "row count differs",
        edited(manifest(lambda m: m["members"][1].__setitem__("rows", 9)), fix=False),
        "annoncées par le manifeste",
        file="contracting_authority.csv",
    ),
    Case("wrong encoding", edited(_cp1252), "UTF-8", file="participant.csv"),
    Case("csv syntax", edited(_append("contact.csv", b'"unterminated\n')), "CSV mal formé", file="contact.csv"),
    Case("required column missing", edited(drop_column("company.csv", "name")), "colonne obligatoire absente", file="company.csv", row=1, column="name"),
    Case("column twice", edited(_header_twice), "deux fois", file="contact.csv", row=1, column="authority_uuid"),
    Case("decimal expected", edited(set_cell("lot.csv", "required_hours", "beaucoup")), "nombre décimal", file="lot.csv", row=2, column="required_hours"),
    Case("boolean expected", edited(set_cell("participant.csv", "qpv", "oui")), "booléen", file="participant.csv", row=2, column="qpv"),
    Case("impossible date", edited(set_cell("employment.csv", "start_date", "2025-02-30")), "date AAAA-MM-JJ", file="employment.csv", row=2, column="start_date"),
    Case("french date", edited(set_cell("employment.csv", "start_date", "01/03/2025")), "date AAAA-MM-JJ", file="employment.csv", row=2, column="start_date"),
    Case("bad timestamp", edited(set_cell("company.csv", "updated_at", "hier")), "horodatage", file="company.csv", row=2, column="updated_at"),
    Case("bad uuid", edited(set_cell("employment.csv", "award_uuid", "pas-un-uuid")), "UUID", file="employment.csv", row=2, column="award_uuid"),
    Case("dangling reference", edited(set_cell("award.csv", "company_uuid", "0b9f4a52-2c1e-4d5e-8f00-123456789abc")), "introuvable", file="award.csv", row=2, column="company_uuid"),
    Case("duplicate uuid", edited(_duplicate_row), "en double", file="hours_record.csv", row=3, column="uuid"),
    Case("negative hours", edited(set_cell("hours_record.csv", "worked_hours", "-5.00")), "négatif", file="hours_record.csv", row=2, column="worked_hours"),
    Case("too many decimals", edited(set_cell("hours_record.csv", "worked_hours", "1.234")), "décimales", file="hours_record.csv", row=2, column="worked_hours"),
    Case("field count", edited(_append("contact.csv", b"a,b\n")), "champs au lieu de", file="contact.csv", row=3),
    Case("required value empty", edited(set_cell("employment.csv", "start_date", "")), "obligatoire manquante", file="employment.csv", row=2, column="start_date"),
    Case("unknown code", edited(set_cell("hours_record.csv", "kind", "WEEK")), "pas une valeur admise", file="hours_record.csv", row=2, column="kind"),
    Case("end before start", edited(set_cell("employment.csv", "end_date", "2000-01-01")), "précède", file="employment.csv", row=2, column="end_date"),
    Case("text too long", edited(set_cell("company.csv", "postal_code", "44000-44000")), "trop long", file="company.csv", row=2, column="postal_code"),
    Case("invalid json", edited(set_cell("operation.csv", "rules_override", "{cdi")), "JSON", file="operation.csv", row=2, column="rules_override"),
    Case("unique key taken twice", edited(_same_siret), "doit être unique", file="company.csv", column="siret"),
]  # fmt: skip


@pytest.fixture(scope="module")
def valid_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-source")
    source = open_app_database(str(folder / "source.sqlite3"))
    try:
        build_dataset(source)
        return export_clause_file(source, folder / "valid.clause").path
    finally:
        source.dispose()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = open_app_database(str(tmp_path_factory.mktemp("hostile-target") / "t.sqlite3"))
    yield db
    db.dispose()


def test_there_are_at_least_thirty_distinct_faults() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 30


def test_the_valid_file_imports(valid_file: Path, tmp_path: Path) -> None:
    db = open_app_database(str(tmp_path / "ok.sqlite3"))
    try:
        assert import_clause_file(db, valid_file).ok
    finally:
        db.dispose()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_is_refused(
    case: Case, valid_file: Path, target: Database, tmp_path: Path
) -> None:
    hostile = case.make(valid_file, tmp_path / "hostile.clause")
    before, figures = fingerprint(target), stats(target)
    result = import_clause_file(target, hostile, limits=case.limits)
    assert not result.ok and not result.applied
    matching = [e for e in result.errors if case.text in e.message]
    assert matching, [str(e) for e in result.errors]
    error = matching[0]
    if case.file:
        assert error.file == case.file
    if case.row:
        assert error.row == case.row
    if case.column:
        assert error.column == case.column
    assert fingerprint(target) == before and stats(target) == figures

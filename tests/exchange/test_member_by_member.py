"""Importing one member at a time reports what a whole-file check reports, and changes
nothing when the file is refused, even when the fault is found after members were written.

Also: unique keys against the records already in the database, and the whole-table reading
of existing rows that re-imports of large files take.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from clauses_app.exchange import export_clause_file, import_clause_file, merge
from clauses_app.models import Company
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database
from tests.exchange.helpers import build_dataset, edit_csv, fingerprint, rewrite

Content = dict[str, bytes]


@pytest.fixture
def source_file(database: Database, tmp_path: Path) -> Path:
    build_dataset(database)
    return export_clause_file(database, tmp_path / "valid.clause").path


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Database]:
    db = open_app_database(str(tmp_path / "empty.sqlite3"))
    yield db
    db.dispose()


def _cell(content: Content, member: str, column: str, value: str, row: int = 2) -> None:
    def edit(lines: list[str]) -> list[str]:
        header = lines[0].split(",")
        cells = lines[row - 1].split(",")
        cells[header.index(column)] = value
        return [*lines[: row - 1], ",".join(cells), *lines[row:]]

    edit_csv(content, member, edit)


def _append(content: Content, member: str, data: bytes) -> None:
    content[member] += data


def test_a_late_csv_fault_hides_the_member_row_faults(
    source_file: Path, empty: Database, tmp_path: Path
) -> None:
    def change(content: Content) -> None:
        _cell(content, "hours_record.csv", "worked_hours", "beaucoup")
        _append(content, "hours_record.csv", b'"unterminated\n')

    result = import_clause_file(empty, rewrite(source_file, tmp_path / "x.clause", change))
    assert [(e.file, e.message[:14]) for e in result.errors] == [
        ("hours_record.csv", "CSV mal formé ")
    ]
    assert not result.applied and result.counts == {}


def test_an_encoding_fault_wins_over_an_earlier_csv_fault(
    source_file: Path, empty: Database, tmp_path: Path
) -> None:
    def change(content: Content) -> None:
        lines = content["contact.csv"].split(b"\n")
        lines[1] = b'"' + lines[1]  # opens a quote that never closes
        content["contact.csv"] = b"\n".join(lines) + b"\xe9\n"

    result = import_clause_file(empty, rewrite(source_file, tmp_path / "x.clause", change))
    assert len(result.errors) == 1 and "encodage invalide" in result.errors[0].message
    assert result.errors[0].file == "contact.csv"


def test_a_wrong_row_count_hides_the_row_faults(
    source_file: Path, empty: Database, tmp_path: Path
) -> None:
    def change(content: Content) -> None:
        _cell(content, "employment.csv", "start_date", "hier")
        _append(content, "employment.csv", content["employment.csv"].split(b"\n")[1] + b"\n")

    def announce_three(content: Content) -> None:  # checksums right, row count not
        manifest = json.loads(content["manifest.json"])
        next(m for m in manifest["members"] if m["entity"] == "employment")["rows"] = 3
        content["manifest.json"] = json.dumps(manifest).encode()

    path = rewrite(source_file, tmp_path / "x.clause", change)
    path = rewrite(path, tmp_path / "y.clause", announce_three, fix_manifest=False)
    result = import_clause_file(empty, path)
    assert [e.message for e in result.errors] == [
        "4 lignes de données au lieu des 3 annoncées par le manifeste"
    ]


def test_reading_faults_come_before_merge_faults_and_nothing_is_written(
    source_file: Path, empty: Database, tmp_path: Path
) -> None:
    def change(content: Content) -> None:
        _cell(content, "award.csv", "company_uuid", "0b9f4a52-2c1e-4d5e-8f00-123456789abc")
        _cell(content, "hours_record.csv", "kind", "WEEK")

    before = fingerprint(empty)
    result = import_clause_file(empty, rewrite(source_file, tmp_path / "x.clause", change))
    assert [(e.file, e.column) for e in result.errors][:2] == [
        ("hours_record.csv", "kind"),  # read after award.csv, reported first
        ("award.csv", "company_uuid"),
    ]
    assert not result.applied and fingerprint(empty) == before


def test_a_member_refused_after_others_were_written_leaves_the_database_unchanged(
    source_file: Path, empty: Database, tmp_path: Path
) -> None:
    def change(content: Content) -> None:
        content["hours_record.csv"] += b"x"  # checksum no longer matches

    before = fingerprint(empty)
    calls: list[str] = []
    result = import_clause_file(
        empty,
        rewrite(source_file, tmp_path / "x.clause", change, fix_manifest=False),
        progress=lambda done, total, message="": calls.append(message),
    )
    assert "Import : employment" in calls  # earlier members were written, then undone
    assert [e.file for e in result.errors] == ["hours_record.csv"]
    assert not result.applied and result.counts == {} and fingerprint(empty) == before


def test_a_siret_held_by_another_company_in_the_database_is_refused(
    source_file: Path, empty: Database
) -> None:
    with empty.transaction() as s:  # the file's company, under another uuid here
        taken = Company(name="Homonyme", siret="34167211068405")
        s.add(taken)
    result = import_clause_file(empty, source_file, only_valid=True)
    faults = [e for e in result.errors if e.file == "company.csv"]
    assert len(faults) == 1 and faults[0].column == "siret" and str(taken.uuid) in faults[0].message
    assert result.applied and result.count("company").new == 1  # the other company


def test_a_siret_freed_by_the_same_import_can_be_taken(
    database: Database, empty: Database, tmp_path: Path
) -> None:
    build_dataset(database)
    import_clause_file(empty, export_clause_file(database, tmp_path / "a.clause").path)
    with database.transaction() as s:  # elsewhere: Bâti Ouest gives its SIRET to a newcomer
        bati = s.scalars(select(Company).where(Company.siret == "34167211068405")).one()
        bati.siret = "73282932000074"
        s.add(Company(name="Nouvelle", siret="34167211068405"))
    result = import_clause_file(empty, export_clause_file(database, tmp_path / "b.clause").path)
    assert result.ok and result.count("company").as_dict() == {
        "new": 1, "updated": 1, "unchanged": 1, "conflicts": 0,
    }  # fmt: skip


def test_reading_every_existing_row_finds_the_changed_ones(
    database: Database, empty: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_dataset(database)
    import_clause_file(empty, export_clause_file(database, tmp_path / "a.clause").path)
    with database.transaction() as s:
        s.scalars(select(Company).where(Company.siret == "34167211068405")).one().city = "Nantes"
    edited = export_clause_file(database, tmp_path / "b.clause").path
    monkeypatch.setattr(merge, "WHOLE_TABLE_AFTER", 0)  # as for re-imports of large files
    result = import_clause_file(empty, edited)
    assert result.ok and result.count("company").as_dict() == {
        "new": 0, "updated": 1, "unchanged": 1, "conflicts": 0,
    }  # fmt: skip
    assert result.total("unchanged") == 62 + 25 - 1
    assert import_clause_file(empty, edited).total("unchanged") == 62 + 25

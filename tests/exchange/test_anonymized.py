"""Anonymised exports: no free text that can carry a name, every key leading to a person
pseudonymised under the exporting database's secret (docs/privacy.md, clause-format.md §7)."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, update

from clauses_app.exchange import export_clause_file, import_clause_file
from clauses_app.exchange.anonymize import SECRET_SETTING
from clauses_app.models import Employment, HoursRecord, Participant, Setting
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database
from tests.exchange.helpers import build_dataset, members

PERSON_MEMBERS = {
    "participant.csv": ("uuid",),
    "employment.csv": ("uuid", "participant_uuid"),
    "hours_record.csv": ("uuid", "employment_uuid"),
}


def _rows(content: dict[str, bytes], member: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content[member].decode("utf-8"))))


def _person_keys(content: dict[str, bytes]) -> set[str]:
    keys = set()
    for member, columns in PERSON_MEMBERS.items():
        for row in _rows(content, member):
            keys.update(row[c] for c in columns if row[c])
    return keys


def _real_uuids(database: Database) -> set[str]:
    with database.session() as s:
        found = set()
        for model in (Participant, Employment, HoursRecord):
            found.update(str(u) for u in s.scalars(select(model.uuid)))
        return found


@pytest.fixture
def first(database: Database) -> Database:
    build_dataset(database)
    with database.transaction() as s:  # names in the free text an anonymised export leaves out
        s.execute(update(HoursRecord).values(source="releve_MARTIN_Lea_2025.xlsx"))
        s.execute(update(Participant).values(notes="Suivie par Mme Roux"))
    return database


@pytest.fixture
def second(first: Database, tmp_path: Path) -> Database:
    """Another facilitator's database holding the same records (same uuids), by exchange."""
    plain = export_clause_file(first, tmp_path / "echange.clause").path
    other = open_app_database(str(tmp_path / "autre.sqlite3"))
    assert import_clause_file(other, plain).applied
    assert _real_uuids(other) == _real_uuids(first)
    yield other
    other.dispose()


def test_no_free_text_that_can_carry_a_name(first: Database, tmp_path: Path) -> None:
    content = members(export_clause_file(first, tmp_path / "a.clause", anonymize=True).path)
    blob = b"".join(content.values()).decode("utf-8")
    for leaked in ("releve_MARTIN", ".xlsx", "Suivie par", "Roux", "Martin", "Diallo",
                   "Attestation CAF", "ligne 1", "a.roux@example.org"):  # fmt: skip
        assert leaked not in blob, leaked
    assert {r["source"] for r in _rows(content, "hours_record.csv")} == {""}
    assert _rows(content, "contact.csv") == []


def test_every_key_to_a_person_is_pseudonymised(first: Database, tmp_path: Path) -> None:
    content = members(export_clause_file(first, tmp_path / "a.clause", anonymize=True).path)
    keys = _person_keys(content)
    real = _real_uuids(first)
    assert keys and not keys & real
    blob = b"".join(content.values()).decode("utf-8")
    for value in real:
        assert value not in blob and uuid.UUID(value).hex not in blob
    # The references still join: hours → employment → participant.
    people = {r["uuid"] for r in _rows(content, "participant.csv")}
    employments = _rows(content, "employment.csv")
    assert {e["participant_uuid"] for e in employments} <= people
    assert {h["employment_uuid"] for h in _rows(content, "hours_record.csv")} <= {
        e["uuid"] for e in employments
    }


def test_exports_of_two_databases_share_no_key(
    first: Database, second: Database, tmp_path: Path
) -> None:
    one = members(export_clause_file(first, tmp_path / "1.clause", anonymize=True).path)
    two = members(export_clause_file(second, tmp_path / "2.clause", anonymize=True).path)
    assert _person_keys(one) and _person_keys(two)
    assert not _person_keys(one) & _person_keys(two)
    with first.session() as a, second.session() as b:
        assert a.get(Setting, SECRET_SETTING).value != b.get(Setting, SECRET_SETTING).value  # type: ignore[union-attr]


def test_a_corrected_re_export_replaces_the_earlier_one(first: Database, tmp_path: Path) -> None:
    before = members(export_clause_file(first, tmp_path / "1.clause", anonymize=True).path)
    with first.transaction() as s:  # a correction: one month's hours
        record = s.scalars(select(HoursRecord).order_by(HoursRecord.uuid)).first()
        assert record is not None
        record.worked_hours = record.worked_hours + 1
    after = members(export_clause_file(first, tmp_path / "2.clause", anonymize=True).path)
    assert _person_keys(before) == _person_keys(after)  # same keys: rows replaced, not added
    changed = [
        (a["uuid"], a["worked_hours"], b["worked_hours"])
        for a, b in zip(
            _rows(before, "hours_record.csv"), _rows(after, "hours_record.csv"), strict=True
        )
        if a != b
    ]
    assert len(changed) == 1
    # The secret never leaves the database.
    with first.session() as s:
        secret = s.get(Setting, SECRET_SETTING)
        assert secret is not None
        assert secret.value.encode() not in b"".join(after.values())

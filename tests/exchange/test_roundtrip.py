"""Export → import → export is lossless; re-import merges by UUID; scopes; anonymization."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from clauses_app.exchange import (
    Scope,
    export_clause_file,
    import_clause_file,
    preview_clause_file,
)
from clauses_app.models import ContractingAuthority, HoursRecord, Participant
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.periods import Period
from clauses_app.services.progress import CancelFlag, Cancelled
from clauses_app.storage import Database
from tests.exchange.helpers import build_dataset, fingerprint, members, stats


@pytest.fixture
def source(database: Database) -> Database:
    build_dataset(database)
    return database


@pytest.fixture
def empty(tmp_path: Path) -> Database:
    db = open_app_database(str(tmp_path / "empty.sqlite3"))
    yield db
    db.dispose()


def test_round_trip_is_byte_identical_and_keeps_the_figures(
    source: Database, empty: Database, tmp_path: Path
) -> None:
    first = export_clause_file(source, tmp_path / "a.clause").path
    result = import_clause_file(empty, first)
    assert result.ok and result.applied
    assert result.count("hours_record").new == 4
    assert result.count("reference_item").unchanged == 62
    second = export_clause_file(empty, tmp_path / "b.clause").path
    a, b = members(first), members(second)
    assert list(a) == list(b) and next(iter(a)) == "manifest.json"
    for name in a:
        if name != "manifest.json":
            assert a[name] == b[name], name
    manifest_a, manifest_b = json.loads(a["manifest.json"]), json.loads(b["manifest.json"])
    manifest_a.pop("created_at"), manifest_b.pop("created_at")
    assert manifest_a == manifest_b
    for period in (None, Period.year(2025), Period.year(2024)):
        assert stats(source, period=period) == stats(empty, period=period)
    assert stats(empty)["hours_done"] == pytest.approx(151.67 + 10 + 120.5 + 600 + 420.25)


def test_member_text_follows_the_format(source: Database, tmp_path: Path) -> None:
    content = members(export_clause_file(source, tmp_path / "a.clause").path)
    rows = list(csv.DictReader(io.StringIO(content["hours_record.csv"].decode(), newline="")))
    assert [r["uuid"] for r in rows] == sorted(r["uuid"] for r in rows)
    month = next(r for r in rows if r["worked_hours"] == "151.67")
    assert month["training_hours"] == "10.00" and month["period_start"] == "2025-01-01"
    assert month["updated_at"].endswith("Z") and "T" in month["updated_at"]
    contracts = content["public_contract.csv"].decode()
    assert '"Rénovation ""Bellevue"", phase 1"' in contracts
    assert "\r" not in contracts
    operations = list(csv.DictReader(io.StringIO(content["operation.csv"].decode())))
    assert operations[0]["rules_override"] == '{"cdi_cap_months":12}'
    people = list(csv.DictReader(io.StringIO(content["participant.csv"].decode())))
    assert {p["qpv"] for p in people} == {"true", "false"}


def test_reimport_changes_nothing(source: Database, tmp_path: Path) -> None:
    path = export_clause_file(source, tmp_path / "a.clause").path
    before = fingerprint(source)
    result = import_clause_file(source, path)
    assert result.ok and result.total("new") == result.total("updated") == 0
    assert result.total("conflicts") == 0 and result.total("unchanged") == 62 + 25
    assert fingerprint(source) == before


def _touch(database: Database, when: datetime, name: str) -> None:
    with database.transaction() as s:
        authority = s.scalars(
            select(ContractingAuthority).where(ContractingAuthority.name == "Ville de Nantes")
        ).one()
        authority.name = name
        s.flush()
        authority.updated_at = when


def test_newer_edit_elsewhere_updates_and_keeps_its_timestamp(
    source: Database, empty: Database, tmp_path: Path
) -> None:
    import_clause_file(empty, export_clause_file(source, tmp_path / "a.clause").path)
    later = datetime.now(UTC) + timedelta(minutes=5)  # within the tolerance of clocks
    _touch(empty, later, "Nantes Métropole")
    edited = export_clause_file(empty, tmp_path / "edited.clause").path
    preview = preview_clause_file(source, edited)
    assert preview.count("contracting_authority").updated == 1 and not preview.applied
    result = import_clause_file(source, edited)
    assert result.ok and result.count("contracting_authority").as_dict() == {
        "new": 0, "updated": 1, "unchanged": 1, "conflicts": 0,
    }  # fmt: skip
    with source.session() as s:
        names = set(s.scalars(select(ContractingAuthority.name)))
        stamp = s.scalars(
            select(ContractingAuthority.updated_at).where(
                ContractingAuthority.name == "Nantes Métropole"
            )
        ).one()
    assert "Nantes Métropole" in names and stamp == later


def test_older_edit_elsewhere_is_a_conflict_and_local_wins(
    source: Database, empty: Database, tmp_path: Path
) -> None:
    import_clause_file(empty, export_clause_file(source, tmp_path / "a.clause").path)
    _touch(empty, datetime(2020, 1, 1, tzinfo=UTC), "Ancien nom")
    edited = export_clause_file(empty, tmp_path / "edited.clause").path
    before = fingerprint(source)
    result = import_clause_file(source, edited)
    assert result.ok and result.count("contracting_authority").conflicts == 1
    assert result.conflicts[0].entity == "contracting_authority"
    assert result.conflicts[0].file_updated_at == datetime(2020, 1, 1, tzinfo=UTC)
    assert fingerprint(source) == before


def test_authority_scope_keeps_its_figures(
    source: Database, empty: Database, tmp_path: Path
) -> None:
    with source.session() as s:
        reze = s.scalars(
            select(ContractingAuthority.uuid).where(ContractingAuthority.kind == "EPCI")
        ).one()
    path = export_clause_file(source, tmp_path / "r.clause", Scope(authority=reze)).path
    manifest = json.loads(members(path)["manifest.json"])
    counts = {m["entity"]: m["rows"] for m in manifest["members"]}
    assert manifest["scope"]["authority"] == str(reze)
    assert counts["contracting_authority"] == 1 and counts["lot"] == 1
    assert counts["participant"] == 1 and counts["participant_criterion"] == 1
    assert counts["company"] == 1 and counts["hours_record"] == 1
    assert import_clause_file(empty, path).ok
    assert stats(empty) == stats(source, authority_uuid=reze)


def test_operation_scope(source: Database, empty: Database, tmp_path: Path) -> None:
    with source.session() as s:
        nantes = s.scalars(
            select(ContractingAuthority.uuid).where(ContractingAuthority.kind.is_(None))
        ).one()
    from clauses_app.models import Operation

    with source.session() as s:
        operation = s.scalars(select(Operation.uuid)).one()
    path = export_clause_file(source, tmp_path / "o.clause", Scope(operation=operation)).path
    assert import_clause_file(empty, path).ok
    assert stats(empty) == stats(source, authority_uuid=nantes)


def test_date_range_scope_keeps_the_period_figures(
    source: Database, empty: Database, tmp_path: Path
) -> None:
    scope = Scope(date_from=date(2025, 2, 1), date_to=date(2025, 12, 31))
    path = export_clause_file(source, tmp_path / "p.clause", scope).path
    counts = {m["entity"]: m["rows"] for m in json.loads(members(path)["manifest.json"])["members"]}
    # January's month row is outside; both totals overlap the range.
    assert counts["hours_record"] == 3 and counts["employment"] == 3
    assert import_clause_file(empty, path).ok
    period = Period(date(2025, 2, 1), date(2025, 12, 31))
    assert stats(empty, period=period) == stats(source, period=period)


def test_anonymized_export_holds_no_identity(source: Database, tmp_path: Path) -> None:
    path = export_clause_file(source, tmp_path / "anon.clause", anonymize=True).path
    content = members(path)
    blob = b"".join(content.values()).decode()
    for secret in ("Martin", "Léa", "Diallo", "1970-05-02", "1990-01-01", "Attestation CAF"):
        assert secret not in blob
    people = list(csv.DictReader(io.StringIO(content["participant.csv"].decode())))
    assert list(people[0]) == [
        "uuid", "sex", "age_band", "qpv", "qualification_code", "criterion_codes",
    ]  # fmt: skip
    # Omar (born 1970-05-02) starts on 2024-09-01: 54 years old; Léa (1990) on 2025-01-01: 35.
    assert sorted((p["sex"], p["age_band"], p["criterion_codes"], p["qpv"]) for p in people) == [
        ("F", "26-44", "BRSA", "true"),
        ("M", ">=50", "SENIOR", "false"),
    ]
    with source.session() as s:
        real = {str(u) for u in s.scalars(select(Participant.uuid))}
    keys = {p["uuid"] for p in people}
    assert not keys & real
    employments = list(csv.DictReader(io.StringIO(content["employment.csv"].decode())))
    assert {e["participant_uuid"] for e in employments} == keys
    assert content["participant_criterion.csv"].count(b"\n") == 1
    # A second export of the same database gives the same keys (docs/privacy.md): a corrected
    # re-export replaces the earlier one in a consolidation (tests/exchange/test_anonymized.py).
    again = members(export_clause_file(source, tmp_path / "anon2.clause", anonymize=True).path)
    assert again["participant.csv"] == content["participant.csv"]
    refused = preview_clause_file(source, path)
    assert not refused.ok and "anonymisé" in refused.errors[0].message


def test_cancel_rolls_back(source: Database, empty: Database, tmp_path: Path) -> None:
    path = export_clause_file(source, tmp_path / "a.clause").path
    before = fingerprint(empty)
    calls = []

    def cancel_late(done: int, total: int, message: str = "") -> None:
        calls.append(message)
        if message.startswith("Import : employment"):
            raise Cancelled()

    with pytest.raises(Cancelled):
        import_clause_file(empty, path, progress=cancel_late)
    assert any(m.startswith("Import : lot") for m in calls)  # rows were written, then undone
    assert fingerprint(empty) == before
    flag = CancelFlag()
    flag.cancel()
    with pytest.raises(Cancelled):
        export_clause_file(source, tmp_path / "never.clause", progress=flag)
    assert not (tmp_path / "never.clause").exists()


def test_preview_reports_progress_and_can_be_cancelled(
    source: Database, empty: Database, tmp_path: Path
) -> None:
    path = export_clause_file(source, tmp_path / "a.clause").path
    before = fingerprint(empty)
    seen: list[tuple[int, int, str]] = []
    report = preview_clause_file(
        empty, path, progress=lambda done, total, message="": seen.append((done, total, message))
    )
    assert report.ok and seen
    assert all(m.startswith("Vérification") for _, _, m in seen)
    done_counts = [d for d, _, _ in seen]
    assert done_counts == sorted(done_counts) and done_counts[-1] > 0
    assert seen[-1][2] == "Vérification : hours_record.csv"  # every member, the last one too
    flag = CancelFlag()
    flag.cancel()
    with pytest.raises(Cancelled):
        preview_clause_file(empty, path, progress=flag)
    assert fingerprint(empty) == before


def test_only_valid_skips_bad_rows_and_their_children(
    source: Database, empty: Database, tmp_path: Path
) -> None:
    from tests.exchange.helpers import edit_csv, rewrite

    path = export_clause_file(source, tmp_path / "a.clause").path

    def negative_lot(content: dict[str, bytes]) -> None:
        def edit(lines: list[str]) -> list[str]:
            # the lot of the Rezé contract (trade PEINTURE) gets negative hours
            return [ln.replace(",120.00,", ",-120.00,") if "PEINTURE" in ln else ln for ln in lines]

        edit_csv(content, "lot.csv", edit)

    bad = rewrite(path, tmp_path / "bad.clause", negative_lot)
    before = fingerprint(empty)
    refused = import_clause_file(empty, bad)
    assert not refused.ok and not refused.applied and fingerprint(empty) == before
    partial = import_clause_file(empty, bad, only_valid=True)
    assert partial.applied and not partial.ok
    messages = [str(e) for e in partial.errors]
    assert any("lot.csv" in m and "required_hours" in m and "négatif" in m for m in messages)
    assert any("award.csv" in m and "lot_uuid" in m for m in messages)  # the lot's award
    assert any("employment.csv" in m and "award_uuid" in m for m in messages)
    assert any("hours_record.csv" in m and "employment_uuid" in m for m in messages)
    after = stats(empty)
    assert after["lots"] == 2 and after["awards"] == 2 and after["employments"] == 2
    assert after["hours_required"] == 833 + 300
    with empty.session() as s:
        assert len(s.scalars(select(HoursRecord)).all()) == 3
    assert Decimal(str(after["hours_done"])) == Decimal("151.67") + 10 + Decimal("120.5") + 600


def test_core_insert_path_matches_the_sqlite_fast_path(
    source: Database, empty: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other backends use Core inserts: same stored values as the SQLite driver path."""
    from clauses_app.exchange import bulk

    monkeypatch.setattr(bulk, "_driver_insert", bulk._core_insert)
    first = export_clause_file(source, tmp_path / "a.clause").path
    assert import_clause_file(empty, first).ok
    second = export_clause_file(empty, tmp_path / "b.clause").path
    a, b = members(first), members(second)
    assert all(a[n] == b[n] for n in a if n != "manifest.json")

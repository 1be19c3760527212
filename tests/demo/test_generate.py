"""generate_demo: same seed same rows, refusal of a database in use, force, cancel, progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from clauses_app.models import Company, ContractingAuthority, Employment, HoursRecord, Setting
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.demo import DemoError, count_demo, generate_demo
from clauses_app.services.progress import Cancelled
from clauses_app.services.settings import load_settings
from clauses_app.storage import Database
from tests.demo.conftest import make_demo, table_dump

USER_TABLES = ("contracting_authority", "company", "participant", "employment", "hours_record")


def test_same_seed_same_rows_uuids_included(tmp_path: Path, facilitator_db: Database) -> None:
    again, database = make_demo(tmp_path, "facilitator", 1)
    database.dispose()
    first = table_dump(facilitator_db.file_path)  # type: ignore[arg-type]
    second = table_dump(again)
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name
    assert len(first["hours_record"]) > 500  # the dump really holds the data


def test_other_seed_other_rows(tmp_path: Path, facilitator_db: Database) -> None:
    other, database = make_demo(tmp_path, "facilitator", 2)
    database.dispose()
    first = table_dump(facilitator_db.file_path)  # type: ignore[arg-type]
    second = table_dump(other)
    for name in USER_TABLES:
        assert not set(first[name]) & set(second[name]), name
    # The reference lists are the same in every database.
    assert first["reference_item"] == second["reference_item"]


def test_stream_counts_equal_database_counts(small_db: Database) -> None:
    summary = count_demo("small", 1)
    with small_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Employment)) == summary.employments
        assert (
            session.scalar(select(func.count()).select_from(HoursRecord)) == summary.hours_records
        )
        recorded = session.scalar(
            select(func.sum(HoursRecord.worked_hours + HoursRecord.training_hours))
        )
    assert recorded == summary.hours_recorded
    # 10 contracts of 2025 and 4 consultations launched after 22 August 2026.
    assert (summary.authorities, summary.contracts, summary.employments) == (2, 14, 30)


def test_organisation_settings_stored(small_db: Database) -> None:
    with small_db.session() as session:
        settings = load_settings(session)
    organisation = settings.organisation
    assert organisation.name.startswith(("PLIE", "Maison de l'emploi"))
    assert organisation.facilitator_name and "@" in organisation.facilitator_email
    assert organisation.facilitator_phone.startswith("0")
    assert settings.hourly_cost == 30 and settings.etp_basis == 1607


def test_refuses_a_database_with_data_unless_forced(database: Database, tmp_path: Path) -> None:
    with database.transaction() as session:
        session.add(Company(name="Entreprise déjà là", siret="73282932000074"))
    before = table_dump(database.file_path)  # type: ignore[arg-type]
    with pytest.raises(DemoError, match="--force"):
        generate_demo(database, "small", 1)
    assert table_dump(database.file_path) == before  # type: ignore[arg-type]

    generate_demo(database, "small", 2, force=True)
    fresh, other = make_demo(tmp_path, "small", 2)
    other.dispose()
    forced, expected = table_dump(database.file_path), table_dump(fresh)  # type: ignore[arg-type]
    for name in expected:  # exactly a fresh demo: the old company is gone
        assert sorted(forced[name], key=repr) == sorted(expected[name], key=repr), name


def test_cancel_rolls_everything_back(database: Database) -> None:
    before = table_dump(database.file_path)  # type: ignore[arg-type]
    calls: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, message: str = "") -> None:
        calls.append((done, total, message))
        if len(calls) == 4:
            raise Cancelled()

    with pytest.raises(Cancelled):
        generate_demo(database, "facilitator", 1, progress=progress)
    assert len(calls) == 4  # rows had been inserted before the cancel
    assert table_dump(database.file_path) == before  # type: ignore[arg-type]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Setting)) == 0
        assert session.scalar(select(func.count()).select_from(ContractingAuthority)) == 0


def test_progress_reaches_its_total(database: Database) -> None:
    calls: list[tuple[int, int]] = []
    generate_demo(database, "small", 1, progress=lambda d, t, m="": calls.append((d, t)))
    assert calls[0] == (0, 4)  # two authorities, plus companies and criteria
    assert calls[-1] == (4, 4)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_unknown_size(database: Database) -> None:
    with pytest.raises(DemoError, match="Taille inconnue"):
        generate_demo(database, "énorme", 1)


def test_reopened_database_is_not_empty(tmp_path: Path) -> None:
    path, database = make_demo(tmp_path, "small", 1)
    database.dispose()
    reopened = open_app_database(str(path))
    try:
        with pytest.raises(DemoError):
            generate_demo(reopened, "small", 1)
    finally:
        reopened.dispose()

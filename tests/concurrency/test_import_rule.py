"""The rule an import decides by between a local edit and the file's record holds between
databases: the content last imported is the common ancestor (versions are local), and a
record dated in the future is refused with its member and row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from clauses_app.exchange import export_clause_file, import_clause_file
from clauses_app.models import ContractingAuthority
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database
from tests.exchange.helpers import build_dataset, fingerprint


@pytest.fixture
def source(database: Database) -> Database:
    build_dataset(database)
    return database


@pytest.fixture
def here(tmp_path: Path) -> Iterator[Database]:
    db = open_app_database(str(tmp_path / "here.sqlite3"))
    yield db
    db.dispose()


def _edit(database: Database, city: str, when: datetime | None = None) -> None:
    """Edit Nantes's city, stamping it ``when`` (a machine's clock) when given."""
    with database.transaction() as s:
        authority = s.scalars(
            select(ContractingAuthority).where(ContractingAuthority.name == "Ville de Nantes")
        ).one()
        authority.city = city
        s.flush()
        if when is not None:
            authority.updated_at = when


def _city(database: Database) -> str | None:
    with database.session() as s:
        return s.scalars(
            select(ContractingAuthority.city).where(ContractingAuthority.name == "Ville de Nantes")
        ).one_or_none()


def test_a_record_dated_in_the_future_is_refused_with_member_and_row(
    source: Database, here: Database, tmp_path: Path
) -> None:
    _edit(source, "Nantes", datetime.now(UTC) + timedelta(days=400))  # a clock a year ahead
    path = export_clause_file(source, tmp_path / "a.clause").path
    result = import_clause_file(here, path)
    assert not result.ok and not result.applied
    error, *dependents = result.errors  # then the rows that refer to it
    assert all("introuvable" in e.message for e in dependents)
    assert (error.file, error.column) == ("contracting_authority.csv", "updated_at")
    assert error.row is not None and error.row >= 2
    assert "date dans le futur" in error.message and "horloge" in error.message
    assert fingerprint(here) == fingerprint(open_app_database(str(tmp_path / "blank.sqlite3")))
    valid_only = import_clause_file(here, path, only_valid=True)
    assert valid_only.applied and _city(here) is None  # the authority left out (and its rows)


def test_a_record_stamped_ahead_does_not_win_over_a_later_local_edit(
    source: Database, here: Database, tmp_path: Path
) -> None:
    # The source's clock is 50 minutes ahead (inside the tolerance): its record's updated_at
    # stays later than a local edit made just after the import. Format 1.0's rule (newer
    # updated_at wins) gave the file's copy back at every re-import of that file.
    _edit(source, "Nantes", datetime.now(UTC) + timedelta(minutes=50))
    path = export_clause_file(source, tmp_path / "a.clause").path
    assert import_clause_file(here, path).ok
    _edit(here, "Saint-Herblain")  # a local edit, stamped now
    result = import_clause_file(here, path)
    assert result.ok and result.count("contracting_authority").as_dict() == {
        "new": 0, "updated": 0, "unchanged": 2, "conflicts": 0,
    }  # fmt: skip
    assert _city(here) == "Saint-Herblain"


def test_a_change_at_the_source_wins_over_an_untouched_copy_whatever_its_clock(
    source: Database, here: Database, tmp_path: Path
) -> None:
    assert import_clause_file(here, export_clause_file(source, tmp_path / "a.clause").path).ok
    _edit(source, "Rezé", datetime(2020, 1, 1, tzinfo=UTC))  # the source's clock years behind
    result = import_clause_file(here, export_clause_file(source, tmp_path / "b.clause").path)
    assert result.ok and result.count("contracting_authority").updated == 1
    assert _city(here) == "Rezé"


def test_both_changed_since_the_last_import_is_a_conflict_and_local_stays(
    source: Database, here: Database, tmp_path: Path
) -> None:
    assert import_clause_file(here, export_clause_file(source, tmp_path / "a.clause").path).ok
    _edit(here, "Saint-Herblain")
    _edit(source, "Rezé", datetime.now(UTC) + timedelta(minutes=5))  # newer, but not enough
    result = import_clause_file(here, export_clause_file(source, tmp_path / "b.clause").path)
    assert result.ok and result.count("contracting_authority").conflicts == 1
    assert _city(here) == "Saint-Herblain"

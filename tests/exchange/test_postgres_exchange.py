"""Export and import on PostgreSQL: the portable paths (Core selects and inserts).

Runs when CLAUSES_TEST_PG_URL points at a server whose role may create databases (as in
tests/storage/test_postgres.py); skipped otherwise. Each test gets a fresh database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from clauses_app.exchange import Scope, export_clause_file, import_clause_file
from clauses_app.models import ContractingAuthority
from clauses_app.services.periods import Period
from clauses_app.storage import Database
from tests.conftest import requires_postgres
from tests.exchange.helpers import build_dataset, members, stats

pytestmark = requires_postgres


def test_round_trip_through_postgres_is_byte_identical(
    database: Database, pg_database: Database, tmp_path: Path
) -> None:
    build_dataset(database)
    first = export_clause_file(database, tmp_path / "sqlite.clause").path
    result = import_clause_file(pg_database, first)
    assert result.ok and result.applied and result.count("hours_record").new == 4
    second = export_clause_file(pg_database, tmp_path / "pg.clause").path
    a, b = members(first), members(second)
    assert [n for n in a if a[n] != b[n]] == ["manifest.json"]
    for period in (None, Period.year(2025), Period.year(2024)):
        assert stats(pg_database, period=period) == stats(database, period=period)
    again = import_clause_file(pg_database, second)
    assert again.ok and again.total("new") == again.total("updated") == 0
    assert again.total("unchanged") == 62 + 25


def test_scoped_export_from_postgres_equals_the_one_from_sqlite(
    database: Database, pg_database: Database, tmp_path: Path
) -> None:
    ids = build_dataset(database)
    import_clause_file(pg_database, export_clause_file(database, tmp_path / "a.clause").path)
    for n, scope in enumerate(
        (
            Scope(authority=ids["reze"]),
            Scope(operation=ids["operation"]),
            Scope(date_from=date(2025, 2, 1)),
        )
    ):
        mine = members(export_clause_file(database, tmp_path / f"s{n}.clause", scope).path)
        theirs = members(export_clause_file(pg_database, tmp_path / f"p{n}.clause", scope).path)
        assert [m for m in mine if mine[m] != theirs[m]] == ["manifest.json"], scope


def test_merge_on_postgres_updates_and_keeps_conflicts(
    database: Database, pg_database: Database, tmp_path: Path
) -> None:
    build_dataset(database)
    import_clause_file(pg_database, export_clause_file(database, tmp_path / "a.clause").path)
    later = datetime.now(UTC) + timedelta(minutes=5)  # within the tolerance of clocks
    with database.transaction() as s:
        nantes = s.scalars(
            select(ContractingAuthority).where(ContractingAuthority.name == "Ville de Nantes")
        ).one()
        nantes.name = "Nantes Métropole"
        s.flush()
        nantes.updated_at = later
    with pg_database.transaction() as s:  # a local edit, newer than the file's copy of Rezé
        reze = s.scalars(
            select(ContractingAuthority).where(ContractingAuthority.kind == "EPCI")
        ).one()
        reze.city = "Rezé"
        s.flush()
        reze.updated_at = later
    with database.transaction() as s:
        s.scalars(
            select(ContractingAuthority).where(ContractingAuthority.kind == "EPCI")
        ).one().city = "Nantes"
    result = import_clause_file(
        pg_database, export_clause_file(database, tmp_path / "b.clause").path
    )
    assert result.ok and result.count("contracting_authority").as_dict() == {
        "new": 0, "updated": 1, "unchanged": 0, "conflicts": 1,
    }  # fmt: skip
    with pg_database.session() as s:
        names = dict(s.execute(select(ContractingAuthority.name, ContractingAuthority.city)).all())
        stamp = s.scalars(
            select(ContractingAuthority.updated_at).where(
                ContractingAuthority.name == "Nantes Métropole"
            )
        ).one()
    assert stamp == later and names["Agglomération de Rezé"] == "Rezé"

"""Migration 0013: lots keep their clause and get no tranche, the amounts invoiced start
empty; a downgrade keeps every lot and award (INVOICED lots become HOURS lots without hours);
on PostgreSQL the new table's changes are in the history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from clauses_app.storage.engine import create_app_engine
from clauses_app.storage.migrate import downgrade, upgrade
from tests.conftest import requires_postgres

TOWN = uuid.UUID("00000000-0000-4000-8000-000000000001")
CONTRACT = uuid.UUID("00000000-0000-4000-8000-000000000002")
LOT = uuid.UUID("00000000-0000-4000-8000-000000000003")
COMPANY = uuid.UUID("00000000-0000-4000-8000-000000000004")
AWARD = uuid.UUID("00000000-0000-4000-8000-000000000005")
INVOICE = uuid.UUID("00000000-0000-4000-8000-000000000006")
NOW = datetime(2025, 1, 1, tzinfo=UTC)
RECORD = "created_at, updated_at, version"


def _old_rows(engine: Engine, key: object) -> None:
    """A lot with one award, as migration 0009 left them."""
    upgrade(engine, "0009")
    k = key  # raw uuid as the dialect stores it
    with engine.begin() as c:
        for statement, values in (
            (f"INSERT INTO contracting_authority (uuid, name, archived, {RECORD}) "
             "VALUES (:u, 'Ville', false, :t, :t, 1)", {"u": k(TOWN)}),  # type: ignore[operator]
            (f"INSERT INTO public_contract (uuid, authority_uuid, reference, object, legal_basis, "
             f"pooling_scope, {RECORD}) VALUES (:u, :a, 'AC-1', 'Entretien', 'L2112-2', 'NONE', "
             ":t, :t, 1)", {"u": k(CONTRACT), "a": k(TOWN)}),  # type: ignore[operator]
            (f"INSERT INTO lot (uuid, contract_uuid, number, title, clause_mode, required_hours, "
             f"{RECORD}) VALUES (:u, :c, '1', 'Espaces verts', 'HOURS', 350, :t, :t, 1)",
             {"u": k(LOT), "c": k(CONTRACT)}),  # type: ignore[operator]
            (f"INSERT INTO company (uuid, name, kind, {RECORD}) "
             "VALUES (:u, 'SIAE', 'SIAE', :t, :t, 1)",
             {"u": k(COMPANY)}),  # type: ignore[operator]
            (f"INSERT INTO award (uuid, lot_uuid, company_uuid, role, {RECORD}) "
             "VALUES (:u, :l, :c, 'TITULAIRE', :t, :t, 1)",
             {"u": k(AWARD), "l": k(LOT), "c": k(COMPANY)}),  # type: ignore[operator]
        ):  # fmt: skip
            c.execute(text(statement), {**values, "t": NOW})
    upgrade(engine, "0013")


def _lots(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as c:
        return [tuple(r) for r in c.execute(text("SELECT clause_mode, required_hours FROM lot"))]


def test_lots_keep_their_clause_and_downgrade_keeps_lots_and_awards(tmp_path: Path) -> None:
    engine = create_app_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    _old_rows(engine, lambda u: u.hex)
    with engine.begin() as c:
        row = c.execute(text("SELECT clause_mode, required_hours, tranche_amount, "
                             "tranche_hours FROM lot")).one()  # fmt: skip
        assert tuple(row) == ("HOURS", 350, None, None)
        assert c.execute(text("SELECT count(*) FROM invoice")).scalar_one() == 0
        c.execute(
            text("UPDATE lot SET clause_mode = 'INVOICED', tranche_amount = 2000, "
                 "tranche_hours = 1")
        )  # fmt: skip
        c.execute(
            text(f"INSERT INTO invoice (uuid, award_uuid, invoiced_on, amount_ht, {RECORD}) "
                 "VALUES (:u, :a, '2026-03-31', 148000, :t, :t, 1)"),
            {"u": INVOICE.hex, "a": AWARD.hex, "t": NOW},
        )  # fmt: skip
    downgrade(engine, "0009")
    with engine.connect() as c:
        awards = c.execute(text("SELECT count(*) FROM award")).scalar_one()
        columns = [r[1] for r in c.execute(text("PRAGMA table_info(lot)"))]
        tables = [r[0] for r in c.execute(text("SELECT name FROM sqlite_master"))]
    assert _lots(engine) == [("HOURS", None)]
    assert awards == 1
    assert "tranche_amount" not in columns and "invoice" not in tables
    upgrade(engine, "0013")  # and back up again
    assert _lots(engine) == [("HOURS", None)]
    engine.dispose()


@requires_postgres
def test_postgres_history_records_the_amounts_invoiced(pg_url: str) -> None:
    engine = create_app_engine(pg_url)
    _old_rows(engine, str)
    with engine.begin() as c:
        c.execute(
            text(f"INSERT INTO invoice (uuid, award_uuid, invoiced_on, amount_ht, {RECORD}) "
                 "VALUES (:u, :a, '2026-03-31', 148000, :t, :t, 1)"),
            {"u": INVOICE, "a": AWARD, "t": NOW},
        )  # fmt: skip
        role = c.execute(text("SELECT session_user")).scalar_one()
        row = c.execute(
            text("SELECT table_name, action, changed_by FROM record_history "
                 "WHERE table_name = 'invoice'")
        ).one()  # fmt: skip
        author = c.execute(text("SELECT created_by FROM invoice")).scalar_one()
    downgrade(engine, "0009")
    assert _lots(engine) == [("HOURS", 350)]
    engine.dispose()
    assert tuple(row) == ("invoice", "INSERT", role)
    assert author == role

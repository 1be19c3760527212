"""Migration 0010: existing authorities become local buyers, existing contracts works with
their insertion clause (reserved contracts RESERVED), not judged until launched and valued."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from clauses_app.storage.engine import create_app_engine
from clauses_app.storage.migrate import upgrade

TOWN = uuid.UUID("00000000-0000-4000-8000-000000000001")


def test_existing_rows_get_sensible_values(tmp_path: Path) -> None:
    engine = create_app_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0007")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as c:
        c.execute(
            text("INSERT INTO contracting_authority (uuid, name, archived, created_at, "
                 "updated_at, version) VALUES (:u, 'Ville', 0, :t, :t, 1)"),
            {"u": TOWN.hex, "t": now},
        )  # fmt: skip
        for reference, basis in (("A", "L2112-2"), ("B", "L2113-13"), ("C", "L2152-7")):
            c.execute(
                text("INSERT INTO public_contract (uuid, authority_uuid, reference, object, "
                     "legal_basis, pooling_scope, created_at, updated_at, version) "
                     "VALUES (:u, :a, :r, 'Objet', :b, 'NONE', :t, :t, 1)"),
                {"u": uuid.uuid4().hex, "a": TOWN.hex, "r": reference, "b": basis, "t": now},
            )  # fmt: skip

    upgrade(engine, "0010")

    with engine.connect() as c:
        buyer = c.execute(text("SELECT buyer_type FROM contracting_authority")).scalar_one()
        contracts = c.execute(
            text("SELECT reference, nature, utilities, estimated_value, launch_date, "
                 "social_consideration, social_exception FROM public_contract "
                 "ORDER BY reference")
        ).all()  # fmt: skip
    engine.dispose()
    assert buyer == "LOCAL"
    assert [tuple(row) for row in contracts] == [
        ("A", "WORKS", 0, None, None, "INSERTION_CLAUSE", None),
        ("B", "WORKS", 0, None, None, "RESERVED", None),
        ("C", "WORKS", 0, None, None, "INSERTION_CLAUSE", None),
    ]

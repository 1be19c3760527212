"""Format 1.1: the 2026 rule's fields go through a .clause file and back; a 1.0 file without
them is still read, taking the documented defaults."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clauses_app.exchange import export_clause_file, import_clause_file
from clauses_app.exchange.format import FORMAT_VERSION
from clauses_app.models import ContractingAuthority, PublicContract
from clauses_app.services.bootstrap import open_app_database
from clauses_app.storage import Database
from tests import builders as b
from tests.exchange.helpers import drop_columns, rewrite

NEW_AUTHORITY = ("buyer_type",)
NEW_CONTRACT = ("nature", "utilities", "estimated_value", "launch_date", "social_consideration",
                "social_exception", "social_exception_reason", "award_criterion_weight",
                "statement_penalty_per_day")  # fmt: skip
VALUES = {
    "nature": "SERVICES", "utilities": True, "estimated_value": Decimal("450000.00"),
    "launch_date": date(2026, 9, 1), "social_consideration": "NONE",
    "social_exception": "NO_LINK", "social_exception_reason": "Prestation intellectuelle",
    "award_criterion_weight": 15, "statement_penalty_per_day": Decimal("75.00"),
}  # fmt: skip


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Database]:
    db = open_app_database(str(tmp_path / "empty.sqlite3"))
    yield db
    db.dispose()


@pytest.fixture
def exported(database: Database, tmp_path: Path) -> Path:
    with database.session() as s:
        state = b.authority(s, "Préfecture", buyer_type="STATE")
        b.contract(s, state, "2026-S01", **VALUES)
        s.commit()
    return export_clause_file(database, tmp_path / "a.clause").path


def _contract(database: Database) -> tuple[str, dict[str, object]]:
    with database.session() as s:
        authority = s.query(ContractingAuthority).one()
        contract = s.query(PublicContract).one()
        return authority.buyer_type, {k: getattr(contract, k) for k in NEW_CONTRACT}


def test_new_fields_round_trip(exported: Path, empty: Database) -> None:
    with zipfile.ZipFile(exported) as archive:
        assert json.loads(archive.read("manifest.json"))["version"] == FORMAT_VERSION
    result = import_clause_file(empty, exported)
    assert result.ok and result.applied
    assert _contract(empty) == ("STATE", VALUES)


def test_a_1_0_file_is_still_read_with_the_defaults(
    exported: Path, empty: Database, tmp_path: Path
) -> None:
    def as_1_0(content: dict[str, bytes]) -> None:
        content["contracting_authority.csv"] = drop_columns(
            content["contracting_authority.csv"], NEW_AUTHORITY
        )
        content["public_contract.csv"] = drop_columns(content["public_contract.csv"], NEW_CONTRACT)
        manifest = json.loads(content["manifest.json"])
        manifest["version"] = "1.0"
        content["manifest.json"] = json.dumps(manifest).encode()

    old = rewrite(exported, tmp_path / "old.clause", as_1_0)
    result = import_clause_file(empty, old)
    assert result.ok and result.applied
    buyer, contract = _contract(empty)
    assert buyer == "LOCAL"
    assert contract == {
        "nature": "WORKS", "utilities": False, "estimated_value": None, "launch_date": None,
        "social_consideration": "INSERTION_CLAUSE", "social_exception": None,
        "social_exception_reason": None, "award_criterion_weight": None,
        "statement_penalty_per_day": None,
    }  # fmt: skip

"""Format 1.2: framework contracts' clauses (« N h per X € HT invoiced ») and the amounts
invoiced go through a .clause file and back; a 1.1 file, without them, is still read; a
negative amount in a file is refused with its member, row and column."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clauses_app.exchange import export_clause_file, import_clause_file
from clauses_app.exchange.format import FORMAT_VERSION
from clauses_app.exchange.manifest import Scope
from clauses_app.models import ClauseMode, Invoice, Lot
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.figures import compute_figures
from clauses_app.services.periods import Period
from clauses_app.storage import Database
from tests import builders as b
from tests.conftest import requires_postgres
from tests.exchange.helpers import drop_columns, rewrite

INVOICES = [(date(2025, 12, 31), Decimal("1500.00"), "BC-7"),
            (date(2026, 3, 31), Decimal("100000.00"), "BC-8"),
            (date(2026, 6, 30), Decimal("48000.00"), None)]  # fmt: skip


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Database]:
    db = open_app_database(str(tmp_path / "empty.sqlite3"))
    yield db
    db.dispose()


@pytest.fixture
def exported(database: Database, tmp_path: Path) -> Path:
    with database.transaction() as s:
        town = b.authority(s, "Métropole")
        contract = b.contract(s, town, "AC-2025", start_date=date(2025, 9, 1))
        lot = b.lot(s, contract, clause_mode=ClauseMode.INVOICED,
                    tranche_amount=Decimal("2000"), tranche_hours=Decimal("1"))  # fmt: skip
        award = b.award(s, lot, b.company(s, "SIAE Espaces verts"))
        for day, amount, reference in INVOICES:
            b.invoice(s, award, day, amount, reference)
    return export_clause_file(database, tmp_path / "a.clause").path


def _stored(database: Database) -> tuple[tuple[object, ...], list[tuple[object, ...]]]:
    with database.session() as s:
        lot = s.query(Lot).one()
        invoices = s.query(Invoice).order_by(Invoice.invoiced_on).all()
        return (lot.clause_mode, lot.tranche_amount, lot.tranche_hours), [
            (i.invoiced_on, i.amount_ht, i.reference) for i in invoices
        ]


def test_framework_clause_and_amounts_round_trip(exported: Path, empty: Database) -> None:
    with zipfile.ZipFile(exported) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        member = archive.read("invoice.csv").decode()
    assert manifest["version"] == FORMAT_VERSION == "1.2"
    assert "invoice.csv" in {m["name"] for m in manifest["members"]}
    assert "2026-03-31,100000.00,BC-8" in member
    result = import_clause_file(empty, exported)
    assert result.ok and result.applied
    assert result.count("invoice").new == 3
    assert _stored(empty) == (("INVOICED", Decimal("2000.00"), Decimal("1.00")), INVOICES)
    again = import_clause_file(empty, exported)  # the same file again: nothing changes
    assert again.ok and again.count("invoice").as_dict() == {
        "new": 0, "updated": 0, "unchanged": 3, "conflicts": 0,
    }  # fmt: skip
    assert _stored(empty) == (("INVOICED", Decimal("2000.00"), Decimal("1.00")), INVOICES)


def test_a_period_s_export_keeps_that_period_s_amounts(
    database: Database, tmp_path: Path, exported: Path
) -> None:
    year = Scope(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    path = export_clause_file(database, tmp_path / "2026.clause", year).path
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("invoice.csv").decode())))
    assert sorted(r["reference"] for r in rows) == ["", "BC-8"]


def test_a_1_1_file_is_still_read(exported: Path, empty: Database, tmp_path: Path) -> None:
    def as_1_1(content: dict[str, bytes]) -> None:
        del content["invoice.csv"]
        content["lot.csv"] = drop_columns(content["lot.csv"], ("tranche_amount", "tranche_hours"))
        content["lot.csv"] = content["lot.csv"].replace(b"INVOICED", b"HOURS")
        manifest = json.loads(content["manifest.json"])
        manifest["version"] = "1.1"
        manifest["members"] = [m for m in manifest["members"] if m["name"] != "invoice.csv"]
        content["manifest.json"] = json.dumps(manifest).encode()

    old = rewrite(exported, tmp_path / "old.clause", as_1_1)
    result = import_clause_file(empty, old)
    assert result.ok and result.applied, result
    assert _stored(empty) == (("HOURS", None, None), [])


def test_a_1_2_file_without_its_invoice_member_is_refused(
    exported: Path, empty: Database, tmp_path: Path
) -> None:
    def without(content: dict[str, bytes]) -> None:
        del content["invoice.csv"]
        manifest = json.loads(content["manifest.json"])
        manifest["members"] = [m for m in manifest["members"] if m["name"] != "invoice.csv"]
        content["manifest.json"] = json.dumps(manifest).encode()

    result = import_clause_file(empty, rewrite(exported, tmp_path / "cut.clause", without))
    assert not result.applied
    assert any(e.file == "invoice.csv" and "absent" in e.message for e in result.errors)


def test_a_negative_amount_is_refused_with_its_row(
    exported: Path, empty: Database, tmp_path: Path
) -> None:
    def negative(content: dict[str, bytes]) -> None:
        content["invoice.csv"] = content["invoice.csv"].replace(b",48000.00,", b",-48000.00,")

    changed = rewrite(exported, tmp_path / "neg.clause", negative)
    with zipfile.ZipFile(changed) as archive:
        lines = archive.read("invoice.csv").decode().splitlines()
    row = next(i for i, line in enumerate(lines, 1) if "-48000.00" in line)
    result = import_clause_file(empty, changed)
    assert not result.applied
    (fault,) = [e for e in result.errors if e.file == "invoice.csv"]
    assert (fault.row, fault.column) == (row, "amount_ht")
    assert "négatif" in fault.message
    with empty.session() as s:
        assert s.query(Lot).count() == 0


def test_an_invoiced_lot_without_its_tranche_is_refused(
    exported: Path, empty: Database, tmp_path: Path
) -> None:
    def no_tranche(content: dict[str, bytes]) -> None:
        content["lot.csv"] = content["lot.csv"].replace(b",2000.00,1.00,", b",,1.00,")

    result = import_clause_file(empty, rewrite(exported, tmp_path / "lot.clause", no_tranche))
    assert not result.applied
    (fault,) = [e for e in result.errors if e.file == "lot.csv"]
    assert (fault.row, fault.column) == (2, "tranche_amount")
    assert "montant d'une tranche" in fault.message


@requires_postgres
def test_round_trip_through_postgres_keeps_the_amounts_and_the_figures(
    exported: Path, pg_database: Database, database: Database, tmp_path: Path
) -> None:
    result = import_clause_file(pg_database, exported)
    assert result.ok and result.count("invoice").new == 3
    again = export_clause_file(pg_database, tmp_path / "pg.clause").path
    with zipfile.ZipFile(exported) as a, zipfile.ZipFile(again) as b:
        assert a.read("invoice.csv") == b.read("invoice.csv")
        assert a.read("lot.csv") == b.read("lot.csv")
    for source in (database, pg_database):
        with source.session() as s:
            # 148,000 € invoiced in 2026 at 1 h per 2,000 € HT: 74 h.
            assert compute_figures(s, Period.year(2026)).total().hours_required == Decimal(74)

"""The tracker's 2026 columns: buyer type, nature, estimated value, launch date, social
consideration or exception with its justification; unknown values and bad input refused with
file, row and column, nothing saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from clauses_app.exchange import import_sheet
from clauses_app.models import BuyerType, ContractingAuthority, PublicContract
from clauses_app.services.compliance import Compliance, contracts_compliance
from clauses_app.storage import Database
from tests.exchange.sheets_helpers import sample_table, write_xlsx

HEADERS, ROWS = sample_table()
REFERENCE = HEADERS.index("N° marché")
SOCIAL_HEADERS = ["Type d'acheteur", "Nature du marché", "Valeur estimée HT",
                  "Date de lancement", "Considération sociale", "Exception invoquée",
                  "Justification"]  # fmt: skip
# Per contract of the sample: Pornichet's two, Rezé's two.
SOCIAL = {
    "2025-4200": ["Commune", "Travaux", 5_500_000, date(2024, 10, 1), "Clause d'insertion",
                  "", ""],
    "2025-6101": ["Commune", "Services", 230_000, date(2024, 11, 4), "Aucune",
                  "Produit sur étagère", "Logiciel du marché, sans adaptation."],
    "2025-8711": ["EPCI", "Fournitures", "215 999,99", "05/09/2024", "non", "", ""],
    "2025-9110": ["EPCI", "Prestations de services", "216 000", "02/12/2024", "Réservé SIAE",
                  "", ""],
}  # fmt: skip


def tracker(tmp_path: Path, change: dict[str, dict[int, object]] | None = None) -> Path:
    rows = []
    for row in ROWS:
        extra = list(SOCIAL[str(row[REFERENCE])])
        for column, value in (change or {}).get(str(row[REFERENCE]), {}).items():
            extra[column] = value
        rows.append([*row, *extra])
    return write_xlsx(tmp_path / "suivi.xlsx", [*HEADERS, *SOCIAL_HEADERS], rows)


def contracts(database: Database) -> dict[str, PublicContract]:
    with database.session() as s:
        found = {c.reference: c for c in s.scalars(select(PublicContract))}
        s.expunge_all()
    return found


def test_the_2026_columns_are_imported(database: Database, tmp_path: Path) -> None:
    report = import_sheet(database, tracker(tmp_path), "tracker")
    assert not report.errors, [e.message for e in report.errors]
    assert {k for k in report.mapping if k in SOCIAL_FIELDS_READ} == SOCIAL_FIELDS_READ
    found = contracts(database)
    works = found["2025-4200"]
    assert (works.nature, works.estimated_value, works.launch_date) == (
        "WORKS", Decimal("5500000.00"), date(2024, 10, 1),
    )  # fmt: skip
    assert works.social_consideration == "INSERTION_CLAUSE"
    software = found["2025-6101"]
    assert (software.nature, software.social_consideration, software.social_exception) == (
        "SERVICES", "NONE", "IMMEDIATE_SOLUTION",
    )  # fmt: skip
    assert software.social_exception_reason == "Logiciel du marché, sans adaptation."
    assert (found["2025-8711"].estimated_value, found["2025-8711"].social_consideration) == (
        Decimal("215999.99"), "NONE",
    )  # fmt: skip
    assert found["2025-9110"].social_consideration == "RESERVED"
    # The estimated notification (1 January of the tracker's year) follows the launch.
    assert works.notification_date == date(2025, 1, 1)
    with database.session() as s:
        buyers = {a.buyer_type for a in s.scalars(select(ContractingAuthority))}
    assert buyers == {BuyerType.LOCAL}


def test_judged_from_the_imported_values(database: Database, tmp_path: Path) -> None:
    # Launched after 22 August 2026 (thresholds 2026: local supplies and services 216,000 €).
    late = {ref: {3: date(2026, 9, 1)} for ref in SOCIAL}
    late["2025-8711"][2] = "216 000"  # reaches the threshold, « non »: missing
    assert not import_sheet(database, tracker(tmp_path, late), "tracker").errors
    with database.session() as s:
        status = {c.reference: c.status for c in contracts_compliance(s)}
    assert status == {
        "2025-4200": Compliance.CONSIDERATION,  # works: 5,500,000 ≥ 5,404,000
        "2025-6101": Compliance.EXCEPTION,  # 230,000 ≥ 216,000, justified exception
        "2025-8711": Compliance.MISSING,  # 216,000 ≥ 216,000, « non »
        "2025-9110": Compliance.CONSIDERATION,  # reserved
    }
    # The estimated notification (1 January 2025) moved to the later launch.
    assert contracts(database)["2025-4200"].notification_date == date(2026, 9, 1)


def test_an_unknown_nature_is_refused_with_file_row_and_column(
    database: Database, tmp_path: Path
) -> None:
    path = tracker(tmp_path, {"2025-8711": {1: "Accord-cadre"}})
    report = import_sheet(database, path, "tracker")
    errors = [(e.file, e.row, e.column, e.message) for e in report.errors]
    rows = [i for i, r in enumerate(ROWS) if r[REFERENCE] == "2025-8711"]
    assert len(errors) == len(rows)
    file, row, column, message = errors[0]
    assert (file, column) == ("suivi.xlsx", "Nature du marché")
    assert message.startswith("nature du marché inconnue")
    assert "« Accord-cadre »" in message
    assert row is not None and row > 1
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(PublicContract)) == 0


def test_an_exception_without_justification_saves_nothing(
    database: Database, tmp_path: Path
) -> None:
    path = tracker(tmp_path, {"2025-6101": {6: ""}})
    report = import_sheet(database, path, "tracker")
    messages = {(e.column, e.message) for e in report.errors}
    assert messages == {
        ("Justification", "Justification de l'exception : une exception doit être justifiée.")
    }
    path = tracker(tmp_path, {"2025-9110": {2: "-5"}})
    report = import_sheet(database, path, "tracker")
    assert {(e.column, e.message) for e in report.errors} == {
        ("Valeur estimée HT", "Valeur estimée HT : la valeur ne peut pas être négative.")
    }
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(PublicContract)) == 0


def test_a_second_import_updates_the_contract(database: Database, tmp_path: Path) -> None:
    assert not import_sheet(database, tracker(tmp_path), "tracker").errors
    changed = {"2025-8711": {4: "Clause d'insertion"}}
    report = import_sheet(database, tracker(tmp_path, changed), "tracker")
    assert not report.errors
    assert contracts(database)["2025-8711"].social_consideration == "INSERTION_CLAUSE"
    assert report.counts["public_contract"].updated == 1


SOCIAL_FIELDS_READ = {"buyer_type", "nature", "estimated_value", "launch_date",
                      "social_consideration", "social_exception",
                      "social_exception_reason"}  # fmt: skip

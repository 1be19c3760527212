"""Lots whose clause plans hours but that no company was awarded: shown apart, never lost.

Hand-computed: a contract performed from 01/01/2025 to 31/12/2026 (24 months) whose lot 2
plans 1,400 h and has no awardee; in 2025, 12 of its 24 months: 700 h planned, not awarded.
Lot 1 (awarded, 600 h) is in the required hours as before.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from clauses_app.reports.balance import write_balance_report
from clauses_app.services.balance import build_balance
from clauses_app.services.figures import compute_figures
from clauses_app.services.periods import Period
from clauses_app.services.unawarded import planned_unawarded_hours, unawarded_lots
from clauses_app.storage import Database
from tests import builders as b
from tests.reports.readers import docx_text, pdf_pages

YEAR = Period.year(2025)


def _contract_with_an_unawarded_lot(database: Database) -> tuple[uuid.UUID, uuid.UUID]:
    with database.transaction() as s:
        town = b.authority(s, "Ville de Lorient")
        contract = b.contract(
            s, town, "2025-T010", start_date=date(2025, 1, 1), end_date=date(2026, 12, 31)
        )
        awarded = b.lot(s, contract, "1", title="Gros œuvre", required_hours=Decimal(600))
        b.award(s, awarded, b.company(s), 600)
        b.lot(s, contract, "2", title="Voirie", required_hours=Decimal(1400))
        b.lot(s, contract, "3", title="Sans clause")  # no planned hours: nothing to show
        return town.uuid, contract.uuid


def test_planned_hours_of_a_lot_without_awardee_are_shown_apart(database: Database) -> None:
    town, _ = _contract_with_an_unawarded_lot(database)

    with database.session() as s:
        in_2025 = unawarded_lots(s, YEAR, town)
        all_time = unawarded_lots(s)
        required = compute_figures(s, YEAR, town).total().hours_required

    assert [(lot.lot_number, lot.planned_hours) for lot in in_2025] == [("2", Decimal("700.00"))]
    assert planned_unawarded_hours(all_time) == Decimal("1400.00")
    assert required == Decimal("300.00")  # lot 1's 600 h, half of it in 2025
    assert in_2025[0].started(date(2025, 1, 1)) and not in_2025[0].started(date(2024, 12, 31))


def test_the_balance_report_says_what_the_required_hours_leave_out(
    database: Database, tmp_path: Path
) -> None:
    town, _ = _contract_with_an_unawarded_lot(database)
    with database.session() as s:
        data = build_balance(s, town, YEAR)
    assert data.unawarded_hours == Decimal("700.00")

    pdf = "\n".join(
        pdf_pages(write_balance_report(database, town, YEAR, "pdf", tmp_path / "b.pdf"))
    )
    docx = docx_text(write_balance_report(database, town, YEAR, "docx", tmp_path / "b.docx"))

    def words(text: str) -> str:
        return " ".join(text.split())  # line breaks and no-break spaces as plain spaces

    for text in (pdf, docx):
        assert "Lots sans entreprise attributaire" in text
        assert words("S'y ajoutent 700,00\u00a0h prévues par la clause d’un lot") in words(text)
        assert "2 – Voirie" in text

"""The balance report of framework contracts, re-read from the PDF and the DOCX: the amounts
invoiced in the period per award and the hours they call for, rounded once on the period's
total (1 h per 2,000 € HT: 148,000 € → 74 h; three orders of 1,500 € → 4,500 € → 2 h)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clauses_app.models import ClauseMode
from clauses_app.reports.balance import write_balance_report
from clauses_app.services.balance import build_balance
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.periods import Period
from tests import builders as b
from tests.reports.readers import docx_text, pdf_pages

D = Decimal
NNBSP, NBSP = "\u202f", "\u00a0"
PER_2000 = {"clause_mode": ClauseMode.INVOICED, "tranche_amount": D(2000), "tranche_hours": D(1)}


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("framework")
    database = open_app_database(str(folder / "db.sqlite3"))
    with database.transaction() as s:
        town = b.authority(s, "Métropole de Testville")
        con = b.contract(s, town, "AC-2026", start_date=date(2026, 1, 1),
                         end_date=date(2027, 12, 31))  # fmt: skip
        w1 = b.award(s, b.lot(s, con, "1", title="Tontes", **PER_2000), b.company(s, "SIAE Vert"))
        b.invoice(s, w1, date(2026, 3, 31), "100000", "BC-1")
        b.invoice(s, w1, date(2026, 6, 30), "48000", "BC-2")
        w2 = b.award(s, b.lot(s, con, "2", title="Propreté", **PER_2000), b.company(s, "EI Net"))
        for month in (4, 5, 6):
            b.invoice(s, w2, date(2026, month, 15), "1500")
        b.invoice(s, w2, date(2027, 1, 15), "9000")  # next year: not in 2026
        b.award(s, b.lot(s, con, "3", title="Élagage", **PER_2000), b.company(s, "ETTI"))
        authority = town.uuid
    with database.session() as s:
        data = build_balance(s, authority, Period.year(2026))
    paths = {
        fmt: write_balance_report(
            database, authority, Period.year(2026), fmt, folder / f"bilan-2026.{fmt}"
        )
        for fmt in ("pdf", "docx")
    }
    database.dispose()
    assert [(a.lot, a.invoiced_ht, a.amounts, a.hours_required) for a in data.framework] == [
        ("1", D("148000.00"), 2, D(74)), ("2", D("4500.00"), 3, D(2)), ("3", D(0), 0, D(0)),
    ]  # fmt: skip
    assert data.totals.hours_required == D(76)
    return paths


def flat(text: str) -> str:
    return re.sub(r"[ \n]+", " ", text)


WARNING = (
    "Aucun montant facturé saisi sur la période pour : AC-2026 lot 3 (ETTI). Leurs heures "
    "exigées restent à 0 h tant que les montants ne sont pas saisis."
)


def test_pdf_framework_section(documents: dict[str, Path]) -> None:
    text = flat("\n".join(pdf_pages(documents["pdf"])))
    assert "Accords-cadres : heures sur les montants facturés" in text
    assert WARNING in text
    assert (f"AC-2026 1 SIAE Vert 1 h par tranche de 2{NNBSP}000,00 € HT facturés "
            f"148{NNBSP}000,00 € 2 74,00 h") in text  # fmt: skip
    assert f"4{NNBSP}500,00 € 3 2,00 h" in text  # rounded once: not 3 × 1 h
    assert f"Total 152{NNBSP}500,00 € 5 76,00 h" in text


def test_docx_framework_section(documents: dict[str, Path]) -> None:
    text = docx_text(documents["docx"])
    assert "Accords-cadres : heures sur les montants facturés" in text
    assert f"1{NBSP}h par tranche de 2{NNBSP}000,00{NBSP}€ HT facturés" in text
    assert f"148{NNBSP}000,00{NBSP}€" in text and f"74,00{NBSP}h" in text
    assert "arrondi une seule fois" in text and WARNING in text

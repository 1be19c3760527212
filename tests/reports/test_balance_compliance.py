"""The balance report's compliance section (2026 rule), re-read from the PDF and the DOCX.

Hand-computed, thresholds from 1 January 2026: works 5,404,000 € HT, supplies and services of
local authorities 216,000 € HT; the obligation applies from 22 August 2026.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clauses_app.reports.balance import write_balance_report
from clauses_app.services.balance import build_balance
from clauses_app.services.bootstrap import open_app_database
from clauses_app.services.periods import Period
from clauses_app.storage import Database
from tests import builders as b
from tests.reports.readers import docx_text, pdf_pages

D = Decimal
NNBSP, NBSP = "\u202f", "\u00a0"
REASON = "Licences d'un logiciel existant, sans prestation d'adaptation."


def launched(s, town, reference, nature, day, value=None, **kw):  # type: ignore[no-untyped-def]
    return b.contract(s, town, reference, object=f"Objet {reference}", nature=nature,
                      launch_date=day, estimated_value=value, **kw)  # fmt: skip


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("compliance")
    database = open_app_database(str(folder / "db.sqlite3"))
    with database.transaction() as s:
        town = b.authority(s, "Ville de Testville")
        launched(s, town, "26-A", "WORKS", date(2026, 9, 1), D("5404000"))  # clause: complies
        launched(s, town, "26-B", "SERVICES", date(2026, 9, 15), D("300000"),
                 social_consideration="NONE", social_exception="IMMEDIATE_SOLUTION",
                 social_exception_reason=REASON)  # fmt: skip
        launched(s, town, "26-C", "SERVICES", date(2026, 10, 1), D("216000"),
                 social_consideration="NONE")  # reaches 216,000: missing  # fmt: skip
        launched(s, town, "26-D", "SUPPLIES", date(2026, 10, 2), D("215999.99"),
                 social_consideration="NONE")  # below  # fmt: skip
        launched(s, town, "26-E", "SERVICES", date(2026, 8, 21), D("900000"),
                 social_consideration="NONE")  # the day before: not listed  # fmt: skip
        launched(s, town, "26-F", "WORKS", date(2026, 11, 2), amount_ht=D("6000000"),
                 social_consideration="RESERVED")  # awarded amount, no estimate  # fmt: skip
        launched(s, town, "27-G", "SERVICES", date(2027, 1, 5), D("500000"),
                 social_consideration="NONE")  # after the period  # fmt: skip
        authority = town.uuid
    paths = {
        fmt: write_balance_report(
            database, authority, Period.year(2026), fmt, folder / f"bilan-2026.{fmt}"
        )
        for fmt in ("pdf", "docx")
    }
    paths["pdf-2025"] = write_balance_report(
        database, authority, Period.year(2025), "pdf", folder / "bilan-2025.pdf"
    )
    database.dispose()
    return paths


SENTENCE = (
    "5 marchés lancés depuis le 22/08/2026, dont 4 atteignent leur seuil européen : "
    "2 avec une considération sociale, 1 avec une exception justifiée, 1 sans."
)


def flat(text: str) -> str:
    """Line breaks of a PDF table cell or paragraph as spaces."""
    return re.sub(r"[ \n]+", " ", text)


def test_pdf_compliance_section(documents: dict[str, Path]) -> None:
    text = flat("\n".join(pdf_pages(documents["pdf"])))
    assert "Considération sociale dans les marchés (obligation 2026)" in text
    assert SENTENCE in text
    assert "Sans considération sociale ni exception justifiée : 26-C." in text
    for reference in ("26-A", "26-B", "26-C", "26-D", "26-F"):
        assert reference in text, reference
    assert "26-E" not in text and "27-G" not in text
    # pypdf reads the no-break space before « € » as a space.
    assert f"6{NNBSP}000{NNBSP}000,00 €*" in text  # the awarded amount, marked
    assert f"26-C Objet 26-C 01/10/2026 216{NNBSP}000,00 € 216{NNBSP}000,00 € Non : à" in text
    assert f"26-B (Objet 26-B) — Besoin satisfait par une solution immédiatement disponible : " \
           f"{REASON}" in text  # fmt: skip


def test_docx_compliance_section(documents: dict[str, Path]) -> None:
    text = docx_text(documents["docx"])
    assert "Considération sociale dans les marchés (obligation 2026)" in text
    assert SENTENCE in text
    assert "Non : à régulariser" in text and "Sous le seuil" in text
    assert f"6{NNBSP}000{NNBSP}000,00{NBSP}€*" in text
    assert "Marché réservé (L2113-12 à L2113-15)" in text
    assert REASON in text
    assert "26-E" not in text


def test_no_section_for_a_period_before_the_obligation(documents: dict[str, Path]) -> None:
    text = "\n".join(pdf_pages(documents["pdf-2025"]))
    assert "obligation 2026" not in text


def test_summary_counts(database: Database) -> None:
    with database.transaction() as s:
        town = b.authority(s, "Ville")
        launched(s, town, "X", "WORKS", date(2026, 12, 1), D("10"))
        authority = town.uuid
    with database.session() as s:
        data = build_balance(s, authority, Period.year(2026))
        assert data.compliance is not None
        assert [c.status for c in data.compliance.contracts] == ["BELOW"]
        assert build_balance(s, authority, Period.year(2025)).compliance is None

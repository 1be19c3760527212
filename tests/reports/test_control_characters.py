"""Control characters in stored text (typed, imported, or in an older database) never stop a
document: DOCX and XLSX files are XML, which cannot hold them. Every written file is read back
with the characters left out and the rest of the text intact (formatting.xml_text)."""

from __future__ import annotations

import csv
import random
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import select

from clauses_app.exchange.list_export import export_list, list_export_columns
from clauses_app.exchange.sheets.service import import_sheet, import_sheets
from clauses_app.exchange.sheets.statements import TABLE_SHEET, prepare_statements
from clauses_app.models import (
    Company,
    ContractingAuthority,
    HoursKind,
    HoursRecord,
    Lot,
    Participant,
)
from clauses_app.reports.access import write_access_file
from clauses_app.reports.balance import write_balance_report
from clauses_app.reports.clause_wording import write_clause_wording
from clauses_app.services.periods import Period
from clauses_app.services.records import Kind, ListQuery
from clauses_app.services.settings import AppSettings, save_settings
from clauses_app.storage import Database
from tests import builders as b
from tests.exchange.sheet_makers import TRACKER_HEADERS, tracker_line
from tests.reports.dataset import ORGANISATION, Dataset
from tests.reports.readers import docx_text, pdf_pages

# What XML 1.0 forbids (a PDF's missing glyph reads back as NUL).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Each text as stored, and as every document must print it: the control characters that
# separate words (vertical tab, form feed, U+001C to U+001F) become a space, the others go.
ORGANISATION_NAME = ("PLIE\x01 de\x0bTestville\x00", "PLIE de Testville")
AUTHORITY_NAME = ("Ville de\x1fTest\x02ville\ufffe", "Ville de Testville")
COMPANY_NAME = ("BTP\x0c\x0eDurand", "BTP Durand")
LOT_TITLE = ("Gros\x0cœuvre\uffff", "Gros œuvre")
LAST_NAME = ("Mar\x03tin\x08", "Martin")


def dirty(database: Database, dataset: Dataset) -> None:
    """Put control characters in the dataset's organisation, authority, company, lot and
    participant (« Léa Martin »)."""
    with database.transaction() as s:
        save_settings(s, AppSettings(organisation=replace(ORGANISATION, name=ORGANISATION_NAME[0])))
        s.get_one(ContractingAuthority, dataset.authority).name = AUTHORITY_NAME[0]
        s.scalars(select(Company).where(Company.name == "BTP Durand")).one().name = COMPANY_NAME[0]
        s.get_one(Lot, dataset.lot_a1).title = LOT_TITLE[0]
        s.scalars(
            select(Participant).where(Participant.last_name == "Martin")
        ).one().last_name = LAST_NAME[0]


def assert_clean(text: str, *expected: str) -> None:
    assert not FORBIDDEN.search(text), FORBIDDEN.findall(text)
    flat = re.sub(r"[ \n]+", " ", text)  # table cells wrap their lines
    for value in expected:
        assert value in flat, value


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_balance_report_leaves_control_characters_out(
    database: Database, dataset: Dataset, tmp_path: Path, fmt: str
) -> None:
    dirty(database, dataset)
    path = write_balance_report(database, dataset.authority, Period.year(2025), fmt,
                                tmp_path / f"bilan.{fmt}", nominative=True)  # fmt: skip
    if fmt == "docx":
        text = docx_text(path)
        properties = docx.Document(str(path)).core_properties
        assert properties.author == ORGANISATION_NAME[1]
    else:
        text = "\n".join(pdf_pages(path))
    assert_clean(text, ORGANISATION_NAME[1], AUTHORITY_NAME[1], COMPANY_NAME[1], LOT_TITLE[1],
                 "MARTIN Léa")  # fmt: skip


def test_clause_wording_leaves_control_characters_out(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    dirty(database, dataset)
    result = write_clause_wording(database, contract_uuid=dataset.contract_a,
                                  out_path=tmp_path / "clause.docx")  # fmt: skip
    assert_clean(docx_text(result.path), ORGANISATION_NAME[1], AUTHORITY_NAME[1], LOT_TITLE[1])


def test_right_of_access_docx_leaves_control_characters_out(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    dirty(database, dataset)
    with database.session() as s:
        lea = s.scalars(select(Participant).where(Participant.first_name == "Léa")).one().uuid
    path = write_access_file(database, lea, "docx", tmp_path / "acces.docx")
    assert_clean(docx_text(path), ORGANISATION_NAME[1], COMPANY_NAME[1], "Martin")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_list_export_leaves_control_characters_out(
    database: Database, tmp_path: Path, suffix: str
) -> None:
    with database.transaction() as s:
        b.company(s, COMPANY_NAME[0])
        b.company(s, '\x01=HYPERLINK("http://x")')  # a formula behind a control character
    path = tmp_path / f"entreprises{suffix}"
    count = export_list(database, Kind.COMPANY, ListQuery(), list_export_columns(Kind.COMPANY),
                        path, "Entreprises")  # fmt: skip
    assert count == 2
    if suffix == ".xlsx":
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [tuple(r) for r in csv.reader(handle, delimiter=";")]
    texts = [str(v) for row in rows for v in row if v is not None]
    assert_clean("\n".join(texts))
    assert COMPANY_NAME[1] in texts and '\'=HYPERLINK("http://x")' in texts


def test_statement_workbooks_are_all_written_and_come_back(
    database: Database, tmp_path: Path
) -> None:
    """Every employer's workbook is written (one with control characters stopped the batch
    half-way), re-readable, and imports back: names still match their participants."""
    with database.transaction() as s:
        lot = b.lot(s, b.contract(s, b.authority(s), "M-2025-01"), "1", title=LOT_TITLE[0],
                    required_hours=b.D(500))  # fmt: skip
        employments = {}
        for name, last in (("Alpha", "Arnaud"), (COMPANY_NAME[0], LAST_NAME[0]), ("Zèta", "Roux")):
            award = b.award(s, lot, b.company(s, name))
            employments[name] = b.employment(s, award, b.participant(s, last, "Léa"),
                                             date(2025, 1, 6)).uuid  # fmt: skip
    result = prepare_statements(database, (2025, 3), tmp_path / "out")
    assert len(result.files) == 3 and len(list((tmp_path / "out").iterdir())) == 3
    written = {f.employer_uuid: f.path for f in result.files}
    for path in written.values():
        workbook = openpyxl.load_workbook(path)
        texts = [str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                 for v in row if v is not None]  # fmt: skip
        assert_clean("\n".join(texts))
    with database.session() as s:
        durand = s.scalars(select(Company.uuid).where(Company.name == COMPANY_NAME[0])).one()
    workbook = openpyxl.load_workbook(written[durand])
    table = workbook[TABLE_SHEET]
    assert table["A2"].value == f"Employeur : {COMPANY_NAME[1]}"
    assert (table["A6"].value, table["E6"].value) == ("MARTIN", f"Lot 1 – {LOT_TITLE[1]}")
    table["H6"] = 100
    workbook.save(written[durand])
    batch = import_sheets(database, [written[durand]], "hours")
    assert batch.ok and batch.applied, [str(e) for f in batch.files for e in f.errors]
    with database.session() as s:
        hours = s.scalars(select(HoursRecord.worked_hours).where(
            HoursRecord.employment_uuid == employments[COMPANY_NAME[0]],
            HoursRecord.kind == HoursKind.MONTH,
        )).all()  # fmt: skip
    assert hours == [b.D(100)]


def test_spreadsheet_import_leaves_control_characters_out(
    database: Database, tmp_path: Path
) -> None:
    row = tracker_line(0, random.Random(1))
    company, last = TRACKER_HEADERS.index("Entreprise attributaire"), TRACKER_HEADERS.index("Nom")
    row[company], row[last] = "SARL\x01 Bâtisseurs\x07", "\x1fGuérin\x02"
    path = tmp_path / "suivi.csv"
    path.write_text(";".join(TRACKER_HEADERS) + "\n" + ";".join(row) + "\n", encoding="utf-8")
    assert import_sheet(database, path, "tracker").applied
    with database.session() as s:
        assert s.scalars(select(Company.name)).all() == ["SARL Bâtisseurs"]
        assert s.scalars(select(Participant.last_name)).all() == ["Guérin"]


def test_xml_text() -> None:
    from clauses_app.formatting import xml_text

    assert xml_text("a\x00b\x01c\x08d\x0ee\x1ff\ufffeg\uffffh\ud800i\udfffj") == "abcde fghij"
    assert xml_text("un\x0bdeux\x0ctrois\x1c\x1d\x1equatre") == "un deux trois   quatre"
    kept = "tab\tligne\nretour\r\x7f\x85\u2028é€😀"
    assert xml_text(kept) is kept

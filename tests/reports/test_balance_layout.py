"""The balance report reads as a finished document: order, cover, decimals, charts, tables.

Column widths are checked where a reader sees them: the PDF's text, and the DOCX converted by
LibreOffice (a second client, which breaks words inside narrow columns).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from clauses_app.reports import document as d
from clauses_app.reports.balance import write_balance_report
from clauses_app.reports.balance_document import build_balance_document
from clauses_app.reports.charts import MAX_CONTRACTS, completion_per_contract_chart
from clauses_app.services.balance import BalanceData, build_balance
from clauses_app.services.balance_people import Outcomes
from clauses_app.services.periods import Period
from clauses_app.services.settings import load_settings, save_settings
from clauses_app.storage import Database
from tests.reports.dataset import Dataset
from tests.reports.readers import pdf_pages

YEAR = Period.year(2025)


@pytest.fixture
def data(database: Database, dataset: Dataset) -> BalanceData:
    with database.transaction() as s:
        settings = load_settings(s)
        settings = dataclasses.replace(
            settings,
            organisation=dataclasses.replace(
                settings.organisation,
                facilitator_name="Camille Martin",
                facilitator_email="c.martin@plie.example",
                facilitator_phone="",
            ),
        )
        save_settings(s, settings)
    with database.session() as s:
        return build_balance(s, dataset.authority, YEAR)


def _texts(document: d.Document) -> list[str]:
    texts: list[str] = []
    for block in document.blocks:
        if isinstance(block, d.Heading | d.Paragraph):
            texts.append(block.text)
        elif isinstance(block, d.Cover):
            texts.extend(block.lines)
    return texts


def test_the_facilitators_comment_follows_the_summary(data: BalanceData) -> None:
    texts = _texts(build_balance_document(data, "Bonne année."))

    comment = texts.index("Commentaire du facilitateur")
    assert texts.index("Synthèse") < comment < texts.index("Réalisation par marché")
    assert texts[comment + 1] == "Bonne année."


def test_the_cover_names_authority_period_facilitator_and_sums_up(data: BalanceData) -> None:
    cover = build_balance_document(data).blocks[0]

    assert isinstance(cover, d.Cover)
    assert cover.subtitle.startswith("Ville de Testville")
    assert "Période : année 2025" in cover.lines
    assert "Facilitateur : Camille Martin (c.martin@plie.example)" in cover.lines
    # Hand-computed in dataset.py: 1,787.18 h done for 1,700 h required, 105.1 %.
    assert (
        "En bref : 1\u202f787,18\u00a0h réalisées pour 1\u202f700,00\u00a0h prescrites "
        "(105,1\u00a0%), 4 participants." in cover.lines
    )


def test_every_column_of_figures_has_the_same_decimals(data: BalanceData) -> None:
    document = build_balance_document(data)
    tables = [b for b in document.blocks if isinstance(b, d.Table)]
    cells = [cell for t in tables for row in (*t.rows, t.total or ()) for cell in row]

    hours = [c for c in cells if c.endswith("\u00a0h")]
    percents = [c for c in cells if c.endswith("\u00a0%")]
    assert hours and percents
    assert all(re.fullmatch(r"[\d\u202f]+,\d\d\u00a0h", c) for c in hours), hours
    assert all(re.fullmatch(r"[\d\u202f]+,\d\u00a0%", c) for c in percents), percents


def test_no_sentence_counts_situations_known_for_nobody(data: BalanceData) -> None:
    nobody_known = Outcomes(
        ended=3, known_at_end=0, durable_at_end=0, training_at_end=0, known_at_6m=0,
        durable_at_6m=0, training_at_6m=0, at_end=(), at_6m=(),
    )  # fmt: skip
    texts = " ".join(
        _texts(build_balance_document(dataclasses.replace(data, outcomes=nobody_known)))
    )

    assert "connue pour 0" not in texts
    assert "3 contrats de travail terminés sur la période" in texts
    assert "La situation 6 mois après n'est encore connue pour aucun." in texts


def test_a_chart_of_the_first_contracts_says_so_and_where_the_others_are(
    data: BalanceData,
) -> None:
    row = data.by_contract[0]
    many = tuple(
        dataclasses.replace(row, label=f"2025-T{n:03d}", completion_rate=Decimal("0.5"))
        for n in range(MAX_CONTRACTS + 5)
    )
    texts = _texts(build_balance_document(dataclasses.replace(data, by_contract=many)))

    assert (
        "Le graphique montre les 25 premiers marchés sur 30 ; tous figurent dans le tableau "
        "« Réalisation par marché » ci-dessus." in texts
    )
    few = _texts(build_balance_document(data))
    assert not any(text.startswith("Le graphique montre") for text in few)


def test_the_chart_labels_its_bars_with_the_tables_decimals(data: BalanceData) -> None:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart

    row = data.by_contract[0]
    rates = (Decimal("1.0096"), Decimal(0), Decimal("0.5"), Decimal("0.12345"))
    rows = [dataclasses.replace(row, completion_rate=rate) for rate in rates]
    [chart] = [c for c in completion_per_contract_chart(rows).contents
               if isinstance(c, HorizontalBarChart)]  # fmt: skip
    labels = [chart.barLabelFormat(value) for value in chart.data[0]]

    assert labels == ["101,0\u00a0%", "0,0\u00a0%", "50,0\u00a0%", "12,3\u00a0%"]


def test_columns_are_never_narrower_than_their_longest_word() -> None:
    table = d.Table(
        columns=(
            d.Column("Lot", 1.4),
            d.Column("Attributaire", 0.4),
            d.Column("Heures", 1, "right"),
        ),
        rows=(("Aménagements extérieurs", "Routes", "1\u202f104,00\u00a0h"),),
    )

    widths = d.fitted_widths(table, 500, lambda text, bold: 10.0 * len(text), padding=2)

    assert sum(widths) == pytest.approx(500)
    assert widths[1] == pytest.approx(10 * len("Attributaire") + 4)  # raised to its header
    assert widths[2] >= 10 * len("1\u202f104,00\u00a0h") + 4  # figures never wrap
    assert widths[0] >= 10 * len("Aménagements") + 4


def test_columns_that_cannot_all_fit_share_the_width_by_their_needs() -> None:
    table = d.Table(columns=(d.Column("Aaaa"), d.Column("Bbbbbbbb")), rows=())

    assert d.fitted_widths(table, 60, lambda text, bold: 10.0 * len(text), 0) == [20, 40]


def _table_words(data: BalanceData) -> set[str]:
    """Every word that a table of the report must show whole (letters only, 6 or more)."""
    document = build_balance_document(data)
    words: set[str] = set()
    for table in (b for b in document.blocks if isinstance(b, d.Table)):
        for text in (*(c.title for c in table.columns), *(c for r in table.rows for c in r)):
            words |= {w for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 6}
    return words


def test_the_pdf_breaks_no_word_of_its_tables(
    database: Database, dataset: Dataset, data: BalanceData, tmp_path: Path
) -> None:
    path = write_balance_report(database, dataset.authority, YEAR, "pdf", tmp_path / "b.pdf")
    text = "\n".join(pdf_pages(path))

    missing = {word for word in _table_words(data) if word not in text}
    assert not missing


def test_a_long_word_in_a_light_pdf_column_stays_whole(tmp_path: Path) -> None:
    """The lot table's shape, whose « Lot » column once printed « Aménageme / nts »."""
    from clauses_app.reports.pdf_writer import write_pdf

    columns = (d.Column("Marché", 1.2), d.Column("Lot", 1.4), d.Column("Attributaire", 1.3),
               *(d.Column(f"Heures {n}", 1.3, "right") for n in ("prescrites", "réalisées")),
               d.Column("Taux", 0.9, "right"), d.Column("Heures mutualisées", 1.3, "right"),
               d.Column("Taux mutualisé", 1.1, "right"))  # fmt: skip
    row = ("2024-T001", "3 – Lot 3 – VRD – Aménagements extérieurs", "Routes et Réseaux",
           "1\u202f104,00\u00a0h", "710,67\u00a0h", "64,4\u00a0%", "—", "—")  # fmt: skip
    document = d.Document(title="t", footer="f", blocks=[d.Table(columns, (row,))])
    write_pdf(document, tmp_path / "t.pdf")

    text = "\n".join(pdf_pages(tmp_path / "t.pdf"))
    assert "Aménagements" in text
    assert "mutualisées" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_the_docx_tables_without_broken_words(
    database: Database, dataset: Dataset, data: BalanceData, tmp_path: Path
) -> None:
    path = write_balance_report(database, dataset.authority, YEAR, "docx", tmp_path / "b.docx")
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "lo" / "b.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip

    missing = {word for word in _table_words(data) if word not in text}
    assert not missing
    assert "Page 2 sur" in text


def test_docx_rows_are_never_split_across_pages(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    import docx
    from docx.oxml.ns import qn

    path = write_balance_report(database, dataset.authority, YEAR, "docx", tmp_path / "b.docx")
    tables = docx.Document(str(path)).tables

    assert tables
    for table in tables[1:]:  # the first one lays out the key figures
        first = table.rows[0]._tr.trPr
        assert first.find(qn("w:tblHeader")) is not None
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_docx_page_numbers_have_the_footers_size(
    database: Database, dataset: Dataset, tmp_path: Path
) -> None:
    """LibreOffice shows the PAGE and NUMPAGES fields in the footer paragraph's style: the
    style, not only the runs, is 8 pt (they were shown larger than « Page … sur »)."""
    import docx
    from docx.shared import Pt

    path = write_balance_report(database, dataset.authority, YEAR, "docx", tmp_path / "b.docx")
    footer = docx.Document(str(path)).sections[0].footer.paragraphs[0]

    assert footer.style is not None and footer.style.font.size == Pt(8)
    assert "· Page " in footer.text

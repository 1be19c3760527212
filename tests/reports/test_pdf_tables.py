"""PDF tables: cells are plain strings, longer text broken into lines as a paragraph would be."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from reportlab.platypus import Paragraph

from clauses_app.reports import document as d
from clauses_app.reports.pdf_writer import _styles, _table, write_pdf
from clauses_app.reports.resources import register_fonts

SHORT = "Entretien des espaces verts"
LONG = "Construction d'un préau métallique au groupe scolaire Jean de La Fontaine & annexes"
TABLE = d.Table(
    columns=(d.Column("Marché", 1), d.Column("Objet", 2), d.Column("Heures", 1, "right")),
    rows=(("2025-S001", SHORT, "304,8 h"), ("2025-T007", LONG, "97,63 h")),
    total=("Total", "", "402,43 h"),
)


def test_cells_are_strings_and_text_longer_than_its_column_is_broken() -> None:
    register_fonts()
    table = _table(TABLE, _styles(), width=300, keep=False)[0]
    cells = table._cellvalues  # what ReportLab will lay out
    assert all(isinstance(c, Paragraph) for c in cells[0])  # the header row
    assert cells[1] == ["2025-S001", SHORT, "304,8 h"]
    assert cells[2][0] == "2025-T007" and cells[2][2] == "97,63 h"
    lines = cells[2][1].split("\n")
    assert len(lines) > 1 and " ".join(lines) == LONG  # every word, in order
    assert cells[3] == ["Total", "", "402,43 h"]


def test_long_text_wraps_and_every_word_is_in_the_pdf(tmp_path: Path) -> None:
    out = tmp_path / "table.pdf"
    write_pdf(d.Document(title="Essai", footer="Essai", blocks=[TABLE]), out)
    text = PdfReader(out).pages[0].extract_text()
    for word in ("2025-S001", "Entretien", "Fontaine", "annexes", "402,43"):
        assert word in text
    assert "& annexes" in text  # shown as typed
    # The long object takes more than one line: its last words are not on its first line.
    line = next(line for line in text.splitlines() if "Construction" in line)
    assert "annexes" not in line

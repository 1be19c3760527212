"""Table cells' text broken into lines as ReportLab's Paragraph breaks plain text."""

from __future__ import annotations

import random

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from clauses_app.reports.pdf_lines import break_lines
from clauses_app.reports.pdf_writer import _keep_narrow_no_break_space, _text
from clauses_app.reports.resources import FONT, FONT_BOLD, register_fonts

TEXT = (
    "Entretien des espaces verts communaux Aménagement paysager du parc Jean de La Fontaine "
    "SAS Moreno Construction 2 ACI Patrimoine de Rénov'Fleury-les-Aubrais, SARL Royer 3 – Lot "
    "VRD Aménagements extérieurs 1\u202f234,56\u00a0h Net'Martineau Services"
)
WORDS = TEXT.split(" ")  # not at U+202F and U+00A0: the figure stays one word


@pytest.fixture(autouse=True)
def fonts() -> None:
    register_fonts()
    _keep_narrow_no_break_space()  # what the PDF writer does before any paragraph


def paragraph_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """The lines ReportLab's Paragraph makes of ``text`` in a column ``width`` wide."""
    style = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size + 2)
    paragraph = Paragraph(_text(text), style)
    paragraph.wrap(width, 10_000)
    return [" ".join(words) for _unused, words in paragraph.blPara.lines]


def test_lines_are_the_paragraphs_lines() -> None:
    """Random cells of demo-like words (long words, no-break spaces, both fonts): the same
    lines as a Paragraph, which the cells were before."""
    chance = random.Random(7)
    for _ in range(400):
        text = " ".join(chance.choice(WORDS) for _ in range(chance.randint(1, 8)))
        font, size = chance.choice((FONT, FONT_BOLD)), chance.choice((7, 8, 9.5))
        width = chance.uniform(25, 200)
        assert break_lines(text, font, size, width) == paragraph_lines(text, font, size, width)


def test_words_wrap_at_spaces_within_the_width() -> None:
    text = "Entretien des espaces verts communaux"
    width = stringWidth("Entretien des espaces", FONT, 8)
    assert break_lines(text, FONT, 8, width) == ["Entretien des espaces", "verts communaux"]
    assert break_lines("  deux   espaces ", FONT, 8, 500) == ["deux espaces"]
    assert break_lines("une ligne\n\nune autre", FONT, 8, 500) == ["une ligne", "", "une autre"]


def test_no_break_spaces_keep_a_figure_whole() -> None:
    figure = "1\u202f234,56\u00a0h"
    width = stringWidth(figure, FONT, 8) + 1
    assert break_lines(f"total {figure}", FONT, 8, width) == ["total", figure]


def test_a_word_wider_than_the_column_fills_the_line_then_the_next_ones() -> None:
    width = stringWidth("VRD – Aména", FONT, 8)
    lines = break_lines("VRD – Aménagements", FONT, 8, width)
    assert lines[0].startswith("VRD – Am") and "".join(lines).replace(" ", "") == (
        "VRD–Aménagements"
    )
    assert all(stringWidth(line, FONT, 8) <= width for line in lines)

"""Render a :class:`Document` to DOCX with python-docx (editable in Word and LibreOffice).

XML 1.0 cannot hold most control characters, and python-docx refuses them: every text goes in
through formatting.xml_text (the document model's :func:`document.xml_safe`; the texts given
to :func:`new_document` and :func:`add_paragraph`, which the clause wording uses too).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from copy import deepcopy
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from reportlab.pdfbase.pdfmetrics import stringWidth

from clauses_app.formatting import xml_text
from clauses_app.reports import document as d
from clauses_app.reports.charts import chart_png
from clauses_app.reports.resources import FONT as PDF_FONT
from clauses_app.reports.resources import FONT_BOLD as PDF_FONT_BOLD
from clauses_app.reports.resources import register_fonts

FONT = "Calibri"
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
GREY = RGBColor(0x66, 0x66, 0x66)
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}
TEXT_WIDTH_CM = 17.0
CELL_MARGIN = 3.0  # points, left and right of a table cell (Word's default is 5.4)


def new_document(title: str, author: str, footer: str, *, cover: bool = True) -> DocxDocument:
    """An A4 document with our fonts, margins, metadata and a numbered footer (not on the
    first page when it is a ``cover``)."""
    doc = new_docx()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(2)
    section.different_first_page_header_footer = cover
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.color.rgb = ACCENT
    _footer(section.footer.paragraphs[0], xml_text(footer))
    doc.core_properties.title = xml_text(title)
    doc.core_properties.author = xml_text(author)
    doc.core_properties.language = "fr-FR"
    return doc


def _footer(paragraph: object, text: str) -> None:
    from docx.text.paragraph import Paragraph

    assert isinstance(paragraph, Paragraph)
    # The page numbers are fields: LibreOffice shows a field's result in the paragraph's
    # style, not its run's, so the style carries the footer's size and colour too.
    style = paragraph.style
    if style is not None:
        style.font.size, style.font.color.rgb = Pt(8), GREY  # type: ignore[union-attr]
    # One run of text: a tab to the right margin collided with the page number whenever the
    # footer's text reached the Footer style's own tab stops (seen in LibreOffice).
    run = paragraph.add_run(f"{text} · Page ")
    run.font.size, run.font.color.rgb = Pt(8), GREY
    _field(paragraph, "PAGE")
    tail = paragraph.add_run(" sur ")
    tail.font.size, tail.font.color.rgb = Pt(8), GREY
    _field(paragraph, "NUMPAGES")


def _field(paragraph: object, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that the reader computes."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    run.font.size, run.font.color.rgb = Pt(8), GREY
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None),
                       ("text", "1"), ("end", None)):  # fmt: skip
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def write_docx(document: d.Document, path: Path) -> None:
    """Render ``document`` to a DOCX file at ``path``."""
    document = d.xml_safe(document)
    doc = new_document(document.title, document.author, document.footer)
    for block in document.blocks:
        _add(doc, block)
    doc.save(str(path))


def _add(doc: DocxDocument, block: d.Block) -> None:
    if isinstance(block, d.Cover):
        _cover(doc, block)
    elif isinstance(block, d.Heading):
        doc.add_heading(block.text, level=min(max(block.level, 1), 3))
    elif isinstance(block, d.Paragraph):
        add_paragraph(doc, block.text, block.style)
    elif isinstance(block, d.KeyFigures):
        _key_figures(doc, block)
    elif isinstance(block, d.Table):
        _table(doc, block)
    elif isinstance(block, d.Chart):
        doc.add_heading(block.title, level=2)
        doc.add_picture(BytesIO(chart_png(block.drawing)), width=Cm(TEXT_WIDTH_CM - 1))
    elif isinstance(block, d.PageBreak):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    else:
        raise TypeError(f"unknown block {block!r}")


def add_paragraph(doc: DocxDocument, text: str, style: str = "body") -> None:
    """A paragraph; ``warning`` is framed and shaded, ``small`` is grey and smaller."""
    paragraph = doc.add_paragraph()
    lines = xml_text(text).split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if style == "small":
            run.font.size, run.font.color.rgb = Pt(8), GREY
        if style == "warning":
            run.bold = True
        if i < len(lines) - 1:
            run.add_break()
    if style == "warning":
        _shade_paragraph(paragraph, "FFF4E5", "E67E22")


def _shade_paragraph(paragraph: object, fill: str, border: str) -> None:
    p_pr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "8"), ("space", "4"), ("color", border)):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    p_pr.append(borders)
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
        shading.set(qn(f"w:{key}"), value)
    p_pr.append(shading)


def _cover(doc: DocxDocument, cover: d.Cover) -> None:
    logo = Path(cover.logo_path) if cover.logo_path else None
    if logo is not None and logo.is_file():
        # An unreadable logo must not stop the report (python-docx raises various errors).
        with contextlib.suppress(Exception):
            doc.add_picture(str(logo), height=Cm(2.5))
    for _ in range(4):
        doc.add_paragraph()
    title = doc.add_paragraph(style="Title")
    title.add_run(cover.title)
    subtitle = doc.add_paragraph()
    run = subtitle.add_run(cover.subtitle)
    run.font.size, run.font.color.rgb = Pt(16), ACCENT
    for line in cover.lines:
        doc.add_paragraph().add_run(line).font.size = Pt(12)
    if cover.notice:
        doc.add_paragraph()
        add_paragraph(doc, cover.notice, "warning")


def _shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
        shading.set(qn(f"w:{key}"), value)
    properties.append(shading)


def _key_figures(doc: DocxDocument, block: d.KeyFigures) -> None:
    per_row = 4
    rows = (len(block.items) + per_row - 1) // per_row
    table = doc.add_table(rows=rows, cols=per_row)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, (label, value) in enumerate(block.items):
        cell = table.cell(index // per_row, index % per_row)
        _shade(cell, "EAF1F8")
        top = cell.paragraphs[0]
        top.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = top.add_run(value)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(14), ACCENT
        bottom = cell.add_paragraph()
        bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
        small = bottom.add_run(label)
        small.font.size, small.font.color.rgb = Pt(8), GREY
    doc.add_paragraph()


def _table(doc: DocxDocument, block: d.Table) -> None:
    """A table whose body rows are copies of one formatted row with their own texts: a
    national authority's annex has thousands of cells, and formatting each through
    python-docx's object model took most of the report's time."""
    size = Pt(7) if block.small else Pt(8)
    placeholder = tuple("x" for _ in block.columns)  # every cell gets a run and a <w:t>
    rows = [tuple(c.title for c in block.columns)]
    if block.rows:
        rows.append(placeholder)
    if block.total is not None:
        rows.append(block.total)
    table = doc.add_table(rows=len(rows), cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    _cell_margins(table, CELL_MARGIN)
    widths = [Pt(points) for points in _fitted_widths(block, size.pt)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # LibreOffice reads these
    for r, (values, row) in enumerate(zip(rows, table.rows, strict=True)):
        is_header, is_total = r == 0, block.total is not None and r == len(rows) - 1
        _keep_row_on_one_page(row)
        # _Cell over the row's own <w:tc>: table.cell() rescans the whole grid (quadratic).
        cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
        for cell, value, width, column in zip(cells, values, widths, block.columns, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.alignment = ALIGN[column.align]
            run = paragraph.add_run(value)
            run.font.size = size
            if is_header:
                run.bold, run.font.color.rgb = True, RGBColor(0xFF, 0xFF, 0xFF)
                _shade(cell, "1F4E79")
            elif is_total:
                run.bold = True
                _shade(cell, "EAF1F8")
    if block.rows:
        _fill_body(table.rows[1]._tr, block.rows)
    _repeat_header(table.rows[0])
    if block.note:
        add_paragraph(doc, block.note, "small")
    else:
        doc.add_paragraph()


def _fill_body(template: Any, rows: Sequence[Sequence[str]]) -> None:
    """Replace the formatted ``template`` row by one copy of it per row of texts."""
    preserve = qn("xml:space")
    text_tag = qn("w:t")
    previous = template
    for values in rows:
        copy = deepcopy(template)
        for text, value in zip(copy.iter(text_tag), values, strict=True):
            text.text = value
            if value != value.strip():
                text.set(preserve, "preserve")
        previous.addnext(copy)
        previous = copy
    template.getparent().remove(template)


def _fitted_widths(block: d.Table, font_size: float) -> list[float]:
    """Column widths in points wide enough for every word. Word and LibreOffice measure with
    the document's font (Calibri, or a metric twin); DejaVu Sans, which the PDF embeds, is
    wider, so its measures are a safe upper bound."""
    register_fonts()
    return d.fitted_widths(
        block,
        TEXT_WIDTH_CM / 2.54 * 72,
        lambda text, is_bold: stringWidth(text, PDF_FONT_BOLD if is_bold else PDF_FONT, font_size),
        CELL_MARGIN,
    )


def _cell_margins(table: Any, points: float) -> None:
    """Left and right margins of every cell of ``table``: the widths are fitted to them."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(points * 20)))  # twentieths of a point
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties = table._tbl.tblPr
    look = properties.find(qn("w:tblLook"))  # the schema puts the margins before it
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _keep_row_on_one_page(row: object) -> None:
    """A row is never split across two pages (copies of the template row inherit it)."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    properties.append(cant_split)


def _repeat_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)

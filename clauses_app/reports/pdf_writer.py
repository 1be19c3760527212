"""Render a :class:`Document` to PDF with ReportLab (A4, DejaVu Sans embedded, page numbers)."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from clauses_app.reports import document as d
from clauses_app.reports.pdf_lines import break_lines
from clauses_app.reports.resources import FONT, FONT_BOLD, register_fonts

ACCENT = colors.HexColor("#1F4E79")
LIGHT = colors.HexColor("#EAF1F8")
ZEBRA = colors.HexColor("#F6F8FA")
GREY = colors.HexColor("#666666")
WARNING_BG = colors.HexColor("#FFF4E5")
WARNING_LINE = colors.HexColor("#E67E22")
MARGIN = 2 * cm
KEEP_TOGETHER_ROWS = 20  # a short table moves whole to the next page rather than split
ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}
CELL_PADDING = 4  # points, left and right of a table cell


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, spaceAfter=5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=GREY),
        "warning": ParagraphStyle(
            "warning",
            parent=base,
            backColor=WARNING_BG,
            borderColor=WARNING_LINE,
            borderWidth=0.8,
            borderPadding=6,
            spaceBefore=6,
            spaceAfter=12,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=8,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=14,
            textColor=ACCENT,
            spaceBefore=8,
            spaceAfter=5,
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=24,
            leading=30,
            textColor=ACCENT,
            spaceAfter=10,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=19, spaceAfter=24),
        "cover": ParagraphStyle("cover", parent=base, fontSize=11, leading=16, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "cell_small": ParagraphStyle(
            "cell_small", parent=base, fontSize=7, leading=8.5, spaceAfter=0
        ),
        "figure_value": ParagraphStyle(
            "figure_value",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=18,
            alignment=TA_CENTER,
            textColor=ACCENT,
            spaceAfter=0,
        ),
        "figure_label": ParagraphStyle(
            "figure_label",
            parent=base,
            fontSize=8,
            leading=10,
            alignment=TA_CENTER,
            textColor=GREY,
            spaceAfter=0,
        ),
    }


def _keep_narrow_no_break_space() -> None:
    """Make ReportLab's Paragraph treat U+202F as part of a word, as it does U+00A0.

    Babel separates thousands with U+202F; ReportLab's word splitting counts it as a breaking
    space and re-joins words with plain spaces, which would print "1 787,18 h" with an
    ordinary space and could break it across two lines. Patched once, for texts that hold
    U+202F only; tests read the character back from our PDFs.
    """
    import reportlab.platypus.paragraph as rl_paragraph

    if getattr(rl_paragraph, "_clauses_keeps_u202f", False):
        return
    separators = rl_paragraph._wsc.replace("\u202f", "")
    split_words = re.compile(f"[{re.escape(separators)}]+").split
    original = rl_paragraph.split

    def split(text: str | bytes, delim: str | bytes | None = None) -> list[str]:
        if delim is None and isinstance(text, str) and "\u202f" in text:
            return [word for word in split_words(text) if word]
        return original(text, delim)  # type: ignore[no-any-return]

    rl_paragraph.split = split
    rl_paragraph._clauses_keeps_u202f = True  # type: ignore[attr-defined]


def _text(text: str) -> str:
    """Escape for ReportLab's mini-markup and keep line breaks."""
    return escape(text).replace("\n", "<br/>")


class _NumberedCanvas(Canvas):
    """Draws "page N sur M" and the footer once the page count is known."""

    footer = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT  # no Helvetica
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if self._pageNumber > 1:  # the cover has no footer
                self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setFont(FONT, 7.5)
        self.setFillColor(GREY)
        self.setStrokeColor(colors.HexColor("#CCCCCC"))
        self.line(MARGIN, 1.45 * cm, width - MARGIN, 1.45 * cm)
        self.drawString(MARGIN, 1.0 * cm, self.footer)
        self.drawRightString(width - MARGIN, 1.0 * cm, f"Page {self._pageNumber} sur {total}")
        self.restoreState()


def write_pdf(document: d.Document, path: Path) -> None:
    """Render ``document`` to a PDF file at ``path``."""
    document = d.xml_safe(document)  # a control character would print as a missing glyph
    register_fonts()
    _keep_narrow_no_break_space()
    styles = _styles()
    template = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=1.8 * cm,
        bottomMargin=2 * cm,
        title=document.title,
        author=document.author,
        creator="Clauses",
        lang="fr-FR",
        initialFontName=FONT,
    )
    story: list[Flowable] = []
    blocks = document.blocks
    index = 0
    while index < len(blocks):
        parts = _flowables(blocks[index], styles, template.width)
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(blocks[index], d.Heading) and following and _keeps_with_heading(following):
            # A title never ends a page: it goes with its (short) table or chart.
            heading = [f for f in parts if not isinstance(f, CondPageBreak)]
            content = _flowables(following, styles, template.width, keep=False)
            parts = [KeepTogether(heading + content)]
            index += 1
        story.extend(parts)
        index += 1
    canvas_class = type("FooterCanvas", (_NumberedCanvas,), {"footer": document.footer})
    template.build(story, canvasmaker=partial(canvas_class))


def _keeps_with_heading(block: d.Block) -> bool:
    if isinstance(block, d.Table):
        return len(block.rows) <= KEEP_TOGETHER_ROWS
    return isinstance(block, d.Chart | d.KeyFigures | d.Paragraph)


def _flowables(
    block: d.Block, styles: dict[str, ParagraphStyle], width: float, keep: bool = True
) -> list[Flowable]:
    """The flowables of one block; ``keep`` holds a short table or a chart together."""
    if isinstance(block, d.Cover):
        return _cover(block, styles)
    if isinstance(block, d.Heading):
        style = styles["h1"] if block.level <= 1 else styles["h2"]
        return [CondPageBreak(4 * cm), RLParagraph(_text(block.text), style)]
    if isinstance(block, d.Paragraph):
        return [RLParagraph(_text(block.text), styles[block.style])]
    if isinstance(block, d.KeyFigures):
        return [_key_figures(block, styles, width), Spacer(1, 8)]
    if isinstance(block, d.Table):
        return [*_table(block, styles, width, keep), Spacer(1, 10)]
    if isinstance(block, d.Chart):
        title = RLParagraph(_text(block.title), styles["h2"])
        drawing = [title, block.drawing]
        return [KeepTogether(drawing) if keep else drawing[0], *([] if keep else drawing[1:]),
                Spacer(1, 8)]  # fmt: skip
    if isinstance(block, d.PageBreak):
        return [RLPageBreak()]
    raise TypeError(f"unknown block {block!r}")


def _cover(cover: d.Cover, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    items: list[Flowable] = []
    logo = Path(cover.logo_path) if cover.logo_path else None
    if logo is not None and logo.is_file():
        try:
            image = Image(str(logo))
            ratio = min(5 * cm / image.drawWidth, 2.5 * cm / image.drawHeight, 1.0)
            image.drawWidth *= ratio
            image.drawHeight *= ratio
            image.hAlign = "LEFT"
            items.extend([image, Spacer(1, 1 * cm)])
        except OSError:
            pass  # an unreadable logo must not stop the report
    items.append(Spacer(1, 3 * cm if not items else 1.5 * cm))
    items.append(RLParagraph(_text(cover.title), styles["title"]))
    items.append(RLParagraph(_text(cover.subtitle), styles["subtitle"]))
    items.extend(RLParagraph(_text(line), styles["cover"]) for line in cover.lines)
    if cover.notice:
        items.extend([Spacer(1, 1 * cm), RLParagraph(_text(cover.notice), styles["warning"])])
    return items


def _key_figures(block: d.KeyFigures, styles: dict[str, ParagraphStyle], width: float) -> RLTable:
    per_row = 4
    cells = [
        [RLParagraph(_text(value), styles["figure_value"]),
         RLParagraph(_text(label), styles["figure_label"])]
        for label, value in block.items
    ]  # fmt: skip
    while len(cells) % per_row:
        cells.append([RLParagraph("", styles["figure_label"])])
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    table = RLTable(rows, colWidths=[width / per_row] * per_row)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),  # the table's own default is Helvetica
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.white),
                ("INNERGRID", (0, 0), (-1, -1), 3, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _table(
    block: d.Table, styles: dict[str, ParagraphStyle], width: float, keep: bool = True
) -> list[Flowable]:
    base = styles["cell_small"] if block.small else styles["cell"]
    bold = ParagraphStyle("cell_bold", parent=base, fontName=FONT_BOLD)
    header = ParagraphStyle("cell_head", parent=bold, textColor=colors.white)

    def aligned(style: ParagraphStyle) -> list[ParagraphStyle]:
        return [
            ParagraphStyle(f"{style.name}-{i}", parent=style, alignment=ALIGN[c.align])
            for i, c in enumerate(block.columns)
        ]

    # Cells are plain strings, which the table draws line by line: laying out a paragraph
    # per cell would be most of a large report's time. Figures (right-aligned columns) never
    # wrap; longer text is broken into lines here (pdf_lines), as a paragraph would be.
    wrapped = [c.align != "right" for c in block.columns]
    widths = d.fitted_widths(
        block,
        width,
        lambda text, is_bold: stringWidth(text, FONT_BOLD if is_bold else FONT, base.fontSize),
        CELL_PADDING,
    )
    room = [w - 2 * CELL_PADDING for w in widths]  # a paragraph's width in the cell

    def cell(value: str, style: ParagraphStyle, wrap: bool, limit: float) -> Any:
        if not wrap:
            return value
        if "\n" not in value and stringWidth(value, style.fontName, style.fontSize) <= limit:
            return value
        return "\n".join(break_lines(value, style.fontName, style.fontSize, limit))

    def line(values: tuple[str, ...], column_styles: list[ParagraphStyle]) -> list[Any]:
        return [
            cell(v, st, wrap, limit)
            for v, st, wrap, limit in zip(values, column_styles, wrapped, room, strict=True)
        ]

    body, strong = aligned(base), aligned(bold)
    data = [[RLParagraph(_text(c.title), st)
             for c, st in zip(block.columns, aligned(header), strict=True)]]  # fmt: skip
    data += [line(row, body) for row in block.rows]
    if block.total is not None:
        data.append(line(block.total, strong))
    table = RLTable(data, colWidths=widths, repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT),  # the table's own default is Helvetica
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#D0D7DE")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    commands.append(("FONT", (0, 1), (-1, -1), FONT, base.fontSize, base.leading))
    for i, column in enumerate(block.columns):
        if column.align != "left":  # plain strings follow the column's alignment too
            commands.append(("ALIGN", (i, 1), (i, -1), column.align.upper()))
    for i in range(2, len(block.rows) + 1, 2):
        commands.append(("BACKGROUND", (0, i), (-1, i), ZEBRA))
    if block.total is not None:
        commands.append(("FONT", (0, -1), (-1, -1), FONT_BOLD, base.fontSize, base.leading))
        commands.append(("BACKGROUND", (0, -1), (-1, -1), LIGHT))
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT))
    table.setStyle(TableStyle(commands))
    parts: list[Flowable] = [table]
    if block.note:
        parts += [Spacer(1, 3), RLParagraph(_text(block.note), styles["small"])]
    return [KeepTogether(parts)] if keep and len(block.rows) <= KEEP_TOGETHER_ROWS else parts

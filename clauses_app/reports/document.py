"""A small document model that one builder fills and two writers render (PDF and DOCX).

The balance report is written once as a list of blocks, so that its PDF and DOCX versions
always say the same thing; each writer only decides how a block looks. Both render
:func:`xml_safe` of the document: a name stored with a control character (typed, imported,
or in an older database) prints without it, and never stops the DOCX (XML 1.0 cannot hold it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from reportlab.graphics.shapes import Drawing

from clauses_app.formatting import xml_text

Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    lines: tuple[str, ...]  # authority, period, organisation, generation date
    logo_path: str = ""
    notice: str = ""  # e.g. "no data for this period", or the personal-data warning


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Literal["body", "small", "warning"] = "body"


@dataclass(frozen=True)
class KeyFigures:
    """The headline figures: a label and an already formatted value each."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 1.0  # relative
    align: Align = "left"


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    note: str = ""
    small: bool = False


@dataclass(frozen=True)
class Chart:
    """A chart drawn once with reportlab.graphics: vector in the PDF, a PNG in the DOCX."""

    title: str
    drawing: Drawing


@dataclass(frozen=True)
class PageBreak:
    landscape: bool = False


Block = Cover | Heading | Paragraph | KeyFigures | Table | Chart | PageBreak


@dataclass
class Document:
    title: str  # the file's metadata title
    footer: str  # left of every page footer; the page number goes right
    blocks: list[Block] = field(default_factory=list)
    author: str = ""

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def xml_safe(document: Document) -> Document:
    """``document`` with every text through :func:`formatting.xml_text` (the charts are
    drawings, not text)."""

    def texts(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(map(xml_text, values))

    def safe(block: Block) -> Block:
        if isinstance(block, Cover):
            return replace(block, title=xml_text(block.title), subtitle=xml_text(block.subtitle),
                           lines=texts(block.lines), notice=xml_text(block.notice))  # fmt: skip
        if isinstance(block, Heading | Paragraph):
            return replace(block, text=xml_text(block.text))
        if isinstance(block, KeyFigures):
            return KeyFigures(tuple((xml_text(k), xml_text(v)) for k, v in block.items))
        if isinstance(block, Table):
            return replace(
                block,
                columns=tuple(replace(c, title=xml_text(c.title)) for c in block.columns),
                rows=tuple(map(texts, block.rows)),
                total=None if block.total is None else texts(block.total),
                note=xml_text(block.note),
            )
        if isinstance(block, Chart):
            return replace(block, title=xml_text(block.title))
        return block

    return Document(xml_text(document.title), xml_text(document.footer),
                    [safe(b) for b in document.blocks], xml_text(document.author))  # fmt: skip


def unbreakable_pieces(text: str, wraps: bool) -> list[str]:
    """What a cell's text may not be broken inside: its words (split at plain spaces and line
    breaks only: the no-break spaces of French numbers hold), or the whole text when the
    column does not wrap (figures)."""
    if not wraps:
        return [text]
    return [word for line in text.split("\n") for word in line.split(" ") if word]


def fitted_widths(
    table: Table,
    available: float,
    text_width: Callable[[str, bool], float],
    padding: float,
) -> list[float]:
    """Column widths sharing ``available`` by the columns' weights, none narrower than the
    widest piece of text it must not break (``text_width(text, bold)``, plus ``padding`` on
    both sides): a word split between two lines is what a reader notices first.

    When even those minimums do not fit, they are scaled down together (words then break).
    """
    need = []
    for index, column in enumerate(table.columns):
        wraps = column.align != "right"
        pieces = [(word, True) for word in unbreakable_pieces(column.title, True)]
        pieces += [(piece, False) for row in table.rows
                   for piece in unbreakable_pieces(row[index], wraps)]  # fmt: skip
        if table.total is not None:
            pieces += [(piece, True) for piece in unbreakable_pieces(table.total[index], wraps)]
        need.append(max((text_width(p, bold) for p, bold in pieces), default=0.0) + 2 * padding)
    if sum(need) >= available:
        return [available * n / sum(need) for n in need]
    at_minimum: set[int] = set()
    while True:
        free = available - sum(need[i] for i in at_minimum)
        weight = sum(c.width for i, c in enumerate(table.columns) if i not in at_minimum)
        too_narrow = {
            i
            for i, c in enumerate(table.columns)
            if i not in at_minimum and free * c.width / weight < need[i]
        }
        if not too_narrow:
            break
        at_minimum |= too_narrow
    return [
        need[i] if i in at_minimum else free * c.width / weight
        for i, c in enumerate(table.columns)
    ]

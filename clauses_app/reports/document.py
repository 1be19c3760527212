"""A small document model that one builder fills and two writers render (PDF and DOCX).

The balance report is written once as a list of blocks, so that its PDF and DOCX versions
always say the same thing; each writer only decides how a block looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from reportlab.graphics.shapes import Drawing

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

"""Read generated documents back: the text of a PDF or DOCX, and a PDF's fonts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

STANDARD_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica",
    "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman",
    "Times-Bold", "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats",
}  # fmt: skip


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def docx_text(path: Path) -> str:
    """Paragraphs, table cells, header and footer text of a DOCX, in order."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def pdf_fonts(path: Path) -> list[DictionaryObject]:
    """Every font dictionary used by the pages (and their form XObjects)."""
    fonts: dict[int, DictionaryObject] = {}

    def walk(resources: Any, seen: set[int]) -> None:
        resources = _resolve(resources)
        if not resources or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in (_resolve(resources.get("/Font")) or {}).values():
            font = _resolve(font)
            fonts[id(font)] = font
        for xobject in (_resolve(resources.get("/XObject")) or {}).values():
            xobject = _resolve(xobject)
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"), seen)

    for page in PdfReader(path).pages:
        walk(page.get("/Resources"), set())
    return list(fonts.values())


def font_file(font: DictionaryObject) -> Any:
    """The embedded font program of a font (through its descendant for Type0 fonts)."""
    if font.get("/Subtype") == "/Type0":
        font = _resolve(font["/DescendantFonts"][0])
    descriptor = _resolve(font.get("/FontDescriptor")) or {}
    return (
        descriptor.get("/FontFile2") or descriptor.get("/FontFile") or descriptor.get("/FontFile3")
    )

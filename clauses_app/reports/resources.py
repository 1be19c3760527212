"""Files shipped with the application (fonts, templates, images) and their registration.

They live in the package ``clauses_app.resources`` once installed; in a source checkout whose
editable install does not map that package, the ``resources/`` folder beside the package.
"""

from __future__ import annotations

import importlib.resources
from functools import cache
from pathlib import Path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


@cache
def resources_dir() -> Path:
    """The folder of the shipped resources."""
    try:
        root = importlib.resources.files("clauses_app.resources")
        path = Path(str(root))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """A shipped file, e.g. ``resource_path("fonts", "DejaVuSans.ttf")``."""
    return resources_dir().joinpath(*parts)


@cache
def register_fonts() -> str:
    """Register DejaVu Sans (regular and bold) with ReportLab once; returns the family name.

    Helvetica, ReportLab's default, has no glyph for the narrow no-break space (U+202F)
    that French numbers use: every text of our PDFs and charts uses DejaVu Sans instead.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    return FONT

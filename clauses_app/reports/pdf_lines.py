"""Plain text broken into lines that fit a width, for the PDF's table cells.

A table cell given a plain string draws its lines itself; a cell given a ReportLab
``Paragraph`` is laid out through the paragraph machinery (fragments, styles, hyphenation),
which took most of a large report's time: the largest national authority's balance wraps
~6,000 cells. Cells hold plain text in one font, so they are broken here as ``Paragraph``
breaks plain text:
- at spaces, a run of spaces counting as one; no-break spaces (U+00A0, and U+202F, Babel's
  thousands separator) join what they separate;
- a line may be wider than the width by what its spaces could shrink
  (``rl_config.spaceShrinkage``, 5 % of a space each);
- a word wider than a whole line starts on the current line, filling it, and goes on over
  the next ones, split between letters.
"""

from __future__ import annotations

from reportlab import rl_config
from reportlab.pdfbase.pdfmetrics import stringWidth


def break_lines(
    text: str, font: str, size: float, width: float, shrink: float | None = None
) -> list[str]:
    """The lines of ``text`` (its own line breaks kept) in ``font`` at ``size`` points, for a
    column ``width`` points wide (``shrink``: how much of each space a line may take back,
    ReportLab's default when None)."""
    space = stringWidth(" ", font, size)
    give = space * (rl_config.spaceShrinkage if shrink is None else shrink)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            if not word:
                continue
            word_width = stringWidth(word, font, size)
            if line and used + space + word_width <= width + give * len(line):
                line.append(word)
                used += space + word_width
                continue
            if word_width <= width:
                if line:
                    lines.append(" ".join(line))
                line, used = [word], word_width
                continue
            while word_width > width:  # wider than a line: fill this one, then the next ones
                room = width - used - space if line else width
                head = _widest_start(word, font, size, room, at_least_one=not line)
                lines.append(" ".join([*line, head] if head else line))
                line, used = [], 0.0
                word = word[len(head) :]
                word_width = stringWidth(word, font, size)
            line, used = [word], word_width
        lines.append(" ".join(line))
    return lines


def _widest_start(word: str, font: str, size: float, room: float, at_least_one: bool) -> str:
    """The longest start of ``word`` no wider than ``room`` (its first letter at least, if
    ``at_least_one``: a line that holds no whole letter still gets one)."""
    end = 0
    while end < len(word) and stringWidth(word[: end + 1], font, size) <= room:
        end += 1
    return word[: max(end, 1 if at_least_one else 0)]

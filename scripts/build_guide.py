"""Build the user guide: docs/guide/*.md (French, Markdown) → resources/guide/*.html, shipped
in the package (clauses_app.resources) and opened by Aide ▸ Guide d'utilisation.

    .venv/bin/python scripts/build_guide.py            # write resources/guide
    .venv/bin/python scripts/build_guide.py --check    # exit 1 if it is out of date

The Markdown is the small subset the guide uses: ``#``/``##`` headings, paragraphs, ``-`` and
``1.`` lists (continuation lines indented), an image alone on its line (``![text](path)``,
copied into ``images/``), and inline ``**bold**``, ``*italic*``, ```code``` and
``[links](chapter.md)`` (``.md`` links become ``.html``). A new chapter is a new ``.md`` file
listed in :data:`CHAPTERS`; tests/core/test_guide.py checks the shipped HTML is up to date.
"""

from __future__ import annotations

import argparse
import filecmp
import html
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "docs" / "guide"
TARGET = ROOT / "resources" / "guide"
# (file stem, title in the navigation), in reading order.
CHAPTERS = (
    ("index", "Sommaire"),
    ("premiers-pas", "Premiers pas"),
    ("fiches", "Les fiches"),
    ("heures", "Les heures"),
    ("documents", "Les documents"),
    ("echanges", "Les échanges"),
    ("equipe", "En équipe"),
)
STYLE = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 0; color: #222;
       line-height: 1.5; }
nav { background: #1f3a5f; padding: 10px 24px; }
nav a { color: #f2f5f9; margin-right: 18px; text-decoration: none; }
nav a.current { font-weight: bold; text-decoration: underline; }
main { max-width: 960px; margin: 0 auto; padding: 8px 24px 40px; }
h1 { color: #1f3a5f; } h2 { color: #1f3a5f; margin-top: 1.6em; }
figure { margin: 16px 0; } figure img { max-width: 100%; border: 1px solid #ccc; }
figcaption { color: #666; font-size: 90%; }
code { background: #f2f2f2; padding: 1px 4px; }
""".strip()
IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)]+)\)$")
INLINE = (
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"\*([^*]+)\*"), r"<em>\1</em>"),
)
LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def inline(text: str) -> str:
    """One line of Markdown text as HTML (escaped first; links, code, bold, italic)."""
    out = html.escape(text, quote=False)
    for pattern, replacement in INLINE:
        out = pattern.sub(replacement, out)

    def link(match: re.Match[str]) -> str:
        href = re.sub(r"\.md$", ".html", match[2])
        return f'<a href="{html.escape(href)}">{match[1]}</a>'

    return LINK.sub(link, out)


def blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """(kind, lines) per block: h1, h2, p, ul, ol, img."""
    found: list[tuple[str, list[str]]] = []
    for line in lines:
        stripped = line.strip()
        kind = None
        if not stripped:
            found.append(("blank", []))
            continue
        if stripped.startswith("## "):
            kind, text = "h2", stripped[3:]
        elif stripped.startswith("# "):
            kind, text = "h1", stripped[2:]
        elif IMAGE.match(stripped):
            kind, text = "img", stripped
        elif stripped.startswith("- ") and not line.startswith(" "):
            kind, text = "ul", stripped[2:]
        elif re.match(r"^\d+\. ", stripped) and not line.startswith(" "):
            kind, text = "ol", stripped.split(". ", 1)[1]
        if kind is None:  # a continuation: of the list item or the paragraph in progress
            last = found[-1] if found else ("blank", [])
            if last[0] in ("p", "ul", "ol") and last[1]:
                last[1][-1] += " " + stripped
            else:
                found.append(("p", [stripped]))
            continue
        last = found[-1] if found else ("blank", [])
        if kind in ("ul", "ol") and last[0] == kind:
            last[1].append(text)
        else:
            found.append((kind, [text]))
    return [block for block in found if block[0] != "blank"]


def render(source: Path, images: set[Path]) -> tuple[str, str]:
    """The page's title and HTML body; the images it shows are added to ``images``."""
    parts = []
    title = ""
    for kind, items in blocks(source.read_text(encoding="utf-8").splitlines()):
        if kind in ("h1", "h2"):
            title = title or items[0]
            parts.append(f"<{kind}>{inline(items[0])}</{kind}>")
        elif kind == "p":
            parts.append(f"<p>{inline(items[0])}</p>")
        elif kind in ("ul", "ol"):
            entries = "".join(f"<li>{inline(item)}</li>" for item in items)
            parts.append(f"<{kind}>{entries}</{kind}>")
        elif kind == "img":
            match = IMAGE.match(items[0])
            assert match is not None
            picture = (source.parent / match["src"]).resolve()
            if not picture.is_file():
                raise SystemExit(f"{source.name}: image not found: {match['src']}")
            images.add(picture)
            alt = html.escape(match["alt"])
            parts.append(
                f'<figure><img src="images/{picture.name}" alt="{alt}">'
                f"<figcaption>{alt}</figcaption></figure>"
            )
    return title, "\n".join(parts)


def page(stem: str, title: str, body: str) -> str:
    current = ' class="current"'
    links = " ".join(
        f'<a href="{name}.html"{current if name == stem else ""}>{html.escape(label)}</a>'
        for name, label in CHAPTERS
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)} — Guide de Clauses</title>\n"
        f"<style>\n{STYLE}\n</style>\n</head>\n<body>\n<nav>{links}</nav>\n"
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def build(target: Path) -> list[Path]:
    """Write every chapter and its images into ``target`` (emptied first)."""
    if target.exists():
        shutil.rmtree(target)
    (target / "images").mkdir(parents=True)
    images: set[Path] = set()
    written = []
    for stem, _label in CHAPTERS:
        title, body = render(SOURCE / f"{stem}.md", images)
        path = target / f"{stem}.html"
        path.write_text(page(stem, title, body), encoding="utf-8")
        written.append(path)
    for picture in sorted(images):
        shutil.copyfile(picture, target / "images" / picture.name)
        written.append(target / "images" / picture.name)
    return written


def differences(shipped: Path = TARGET) -> list[str]:
    """The files of ``shipped`` that are not what the sources build (empty: up to date)."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "guide"
        build(fresh)
        expected = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
        present = {p.relative_to(shipped) for p in shipped.rglob("*") if p.is_file()}
        found = [f"missing: {p}" for p in sorted(expected - present)]
        found += [f"not built from docs/guide: {p}" for p in sorted(present - expected)]
        found += [
            f"out of date: {p}"
            for p in sorted(expected & present)
            if not filecmp.cmp(fresh / p, shipped / p, shallow=False)
        ]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check resources/guide")
    args = parser.parse_args(argv)
    if args.check:
        problems = differences()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    for path in build(TARGET):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())

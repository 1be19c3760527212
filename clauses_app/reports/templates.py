"""Wording templates: plain text files a facilitator can copy and edit without code.

Format (documented in docs/templates.md), one file per legal basis, ``clause-<BASIS>.txt``:

- ``# Title`` starts a section (a Word "Titre 1"), ``## Subtitle`` a sub-section;
- ``- item`` is a bullet; a blank line ends a paragraph; lines of a paragraph are joined;
- ``{{name}}`` is replaced by a value; alone on its line, a list value becomes bullets and a
  table value (the hours per lot) a table;
- ``{{?name}}`` alone on its line is optional: with no value the line is left out (neither a
  dotted line nor reported), else it reads as ``{{name}}`` (the framework-contract sentence,
  only for lots sized on the amount invoiced); inside a sentence it is ``{{name}}``;
- a line starting with ``%`` is a comment for the template's author, never printed.

Lookup order: the folder given by the caller, then ``<config>/templates`` (the user's
copies), then the templates shipped in ``resources/templates``. A placeholder with no value
(unfilled) or with a name the application does not know (unknown) is printed as a dotted
line to fill by hand, and reported, never as a raw ``{{marker}}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from clauses_app import paths
from clauses_app.reports.errors import ReportError
from clauses_app.reports.resources import resource_path

BLANK = "…………………"
MALFORMED = "balise mal fermée ({{ ou }} isolé)"
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
OPTIONAL = re.compile(r"\{\{\s*\?\s*([^{}]*?)\s*\}\}")


@dataclass(frozen=True)
class TableValue:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None


Value = str | list[str] | TableValue | None


@dataclass(frozen=True)
class Line:
    """One rendered element: kind is h1, h2, p, bullet or table."""

    kind: str
    text: str = ""
    table: TableValue | None = None


@dataclass
class Rendered:
    lines: list[Line] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def template_folders(template_dir: Path | None = None) -> list[Path]:
    """Where templates are looked for, first match wins."""
    folders = [template_dir] if template_dir else []
    folders.append(paths.config_dir() / "templates")
    folders.append(resource_path("templates"))
    return folders


def template_name(basis: str) -> str:
    return f"clause-{basis}.txt"


def find_template(basis: str, template_dir: Path | None = None) -> Path:
    """The template file of a legal basis (user copies override the shipped ones)."""
    for folder in template_folders(template_dir):
        candidate = folder / template_name(basis)
        if candidate.is_file():
            return candidate
    raise ReportError(f"Aucun modèle de clause pour le fondement « {basis} ».")


def find_logo(template_dir: Path | None = None) -> Path | None:
    """A ``logo.png`` (or .jpg) put beside the user's templates, if any."""
    for folder in template_folders(template_dir)[:-1]:
        for name in ("logo.png", "logo.jpg", "logo.jpeg"):
            if (folder / name).is_file():
                return folder / name
    return None


def render_template(text: str, values: dict[str, Value]) -> Rendered:
    """Parse a template and substitute its placeholders (see the module docstring)."""
    out = Rendered()
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.lines.append(Line("p", " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("%"):
            continue
        if not line:
            flush()
            continue
        optional = OPTIONAL.fullmatch(line)
        if optional:
            name = optional.group(1)
            if name in values and values[name] in (None, "", []):
                continue  # nothing to say: the line is left out
            line = "{{" + name + "}}"
        alone = PLACEHOLDER.fullmatch(line)
        if alone:
            value = _lookup(alone.group(1), values, out)
            if isinstance(value, TableValue):
                flush()
                out.lines.append(Line("table", table=value))
                continue
            if isinstance(value, list):
                flush()
                out.lines.extend(Line("bullet", item) for item in value)
                continue
        for prefix, kind in (("## ", "h2"), ("# ", "h1"), ("- ", "bullet")):
            if line.startswith(prefix):
                flush()
                out.lines.append(Line(kind, _substitute(line[len(prefix) :], values, out)))
                break
        else:
            paragraph.append(_substitute(line, values, out))
    flush()
    return out


def _lookup(name: str, values: dict[str, Value], out: Rendered) -> Value:
    name = name.removeprefix("?").strip()  # optional only alone on its line
    if name not in values:
        if name not in out.unknown:
            out.unknown.append(name)
        return None
    value = values[name]
    if value is None or value == "" or value == []:
        if name not in out.unfilled:
            out.unfilled.append(name)
        return None
    return value


def _substitute(text: str, values: dict[str, Value], out: Rendered) -> str:
    def replace(match: re.Match[str]) -> str:
        value = _lookup(match.group(1), values, out)
        if value is None:
            return BLANK
        if isinstance(value, list):
            return ", ".join(value)
        if isinstance(value, TableValue):
            return BLANK  # a table only fits on a line of its own
        return value

    # Stray braces of a mistyped marker ("{{nom}", "{ {nom}}") must not reach the document.
    result = PLACEHOLDER.sub(replace, text)
    if "{{" in result or "}}" in result:
        if MALFORMED not in out.unknown:
            out.unknown.append(MALFORMED)
        result = re.sub(r"[{}]+", "", result)
    return result

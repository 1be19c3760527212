"""The user guide: docs/guide's Markdown built into the HTML shipped in the package, up to
date, with every chapter, link and image present."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_guide", ROOT / "scripts/build_guide.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_guide_is_built_from_docs_guide() -> None:
    assert builder().differences() == []  # else: python scripts/build_guide.py


def test_every_chapter_link_and_image_is_there(tmp_path: Path) -> None:
    guide = builder()
    written = guide.build(tmp_path / "guide")
    pages = {p.name: p.read_text(encoding="utf-8") for p in written if p.suffix == ".html"}
    assert sorted(pages) == sorted(
        ["index.html", "premiers-pas.html", "fiches.html", "heures.html", "documents.html",
         "echanges.html", "equipe.html"]
    )  # fmt: skip
    for name, text in pages.items():
        assert text.startswith('<!DOCTYPE html>\n<html lang="fr">'), name
        for target in re.findall(r'(?:href|src)="([^"]+)"', text):
            assert (tmp_path / "guide" / target).is_file(), (name, target)
    assert "<h1>Premiers pas</h1>" in pages["premiers-pas.html"]
    assert '<img src="images/first-run.png"' in pages["premiers-pas.html"]
    assert '<img src="images/team-connect.png"' in pages["equipe.html"]


def test_markdown_subset() -> None:
    guide = builder()
    assert guide.inline("**Fichier ▸ Ouvrir** et `clauses` <b>") == (
        "<strong>Fichier ▸ Ouvrir</strong> et <code>clauses</code> &lt;b&gt;"
    )
    link = guide.inline("voir [Les heures](heures.md)")
    assert link == 'voir <a href="heures.html">Les heures</a>'
    assert guide.blocks(["# Titre", "", "- un", "  suite", "- deux", "", "texte", "encore"]) == [
        ("h1", ["Titre"]), ("ul", ["un suite", "deux"]), ("p", ["texte encore"]),
    ]  # fmt: skip

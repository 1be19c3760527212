"""The PySide6 work-arounds of clauses_app/ui/compat.py."""

from __future__ import annotations

import sys
from pathlib import Path

import clauses_app.ui  # noqa: F401  (applies the work-arounds)

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_of_ours_uses_pyside_features() -> None:
    """skip_feature_source_scan() assumes no module opts into snake_case/true_property."""
    marker = "from " + "__feature__"  # not spelt whole: this file would match
    users = [
        path.relative_to(ROOT)
        for folder in ("clauses_app", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if marker in path.read_text(encoding="utf-8")
    ]
    assert users == []


def test_modules_imported_after_pyside_are_not_read_for_features(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    feature = sys.modules["shibokensupport.feature"]
    read = []
    monkeypatch.setattr("inspect.getsource", lambda obj: read.append(obj) or "")
    sys.modules.pop("colorsys", None)
    __import__("colorsys")  # through the import statement's hook; not imported before
    assert feature.pyside_feature_dict.get("colorsys") == -1
    assert read == []

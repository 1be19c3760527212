"""The core never imports Qt: checked in a fresh interpreter, module by module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import clauses_app


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(clauses_app.__path__, "clauses_app."):
        if info.name.startswith("clauses_app.ui"):
            continue
        names.append(info.name)
    return names


def test_core_modules_are_found() -> None:
    modules = core_modules()
    assert "clauses_app.services.figures" in modules
    assert "clauses_app.storage.database" in modules
    assert len(modules) > 15


def test_no_core_module_imports_pyside6() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"Qt imported by the core: {result.stdout}"


def test_the_ui_asks_services_and_never_queries_itself() -> None:
    """Widgets call services: no SQLAlchemy query is built or run under clauses_app/ui."""
    import re
    from pathlib import Path

    ui = Path(clauses_app.__file__).parent / "ui"
    forbidden = re.compile(
        r"\bfrom sqlalchemy import\b.*\bselect\b|\bsession\.(get|execute|scalars?|query)\("
    )
    offenders = [
        f"{path.relative_to(ui)}:{number}"
        for path in sorted(ui.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if forbidden.search(line)
    ]
    assert offenders == []


def test_no_core_module_imports_the_ui_even_late() -> None:
    """A core module importing the window's modules inside a function escapes the check
    above until that function runs: the list export once took its CSV texts from
    ui.table_models, so ``clauses export-list x.csv`` loaded Qt."""
    import ast
    from pathlib import Path

    root = Path(clauses_app.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] == "ui":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""] if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names] if isinstance(node, ast.Import) else []
            )  # fmt: skip
            if any(n == "clauses_app.ui" or n.startswith("clauses_app.ui.") for n in names):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []

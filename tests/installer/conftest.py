"""The installer's modules live in installer/ (not a package): load them by path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
INSTALLER_DIR = ROOT / "installer"


def load_installer_module(name: str) -> ModuleType:
    """installer/<name>.py as a module (cached, so every test sees the same one)."""
    key = f"clauses_installer_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, INSTALLER_DIR / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]

"""Work-arounds for bugs of the Qt bindings, applied once when the UI package is imported."""

from __future__ import annotations

import sys

_guarded = False


def guard_singleton_refcounts() -> None:
    """Work around a PySide6 6.12 reference-count bug on Python < 3.12.

    Some PySide6 calls release a reference to ``None``, ``True`` or ``False`` they never took
    (``endResetModel()``, ``layoutAboutToBeChanged``, ``QComboBox.addItem(text, None)``,
    ``itemData()`` of a None item…): after enough of them Python aborts with "deallocating
    None". Python 3.12 made these singletons immortal; on 3.11 we give them a very large
    reference count, which is what immortality amounts to. Harmless when the bug is fixed.
    """
    global _guarded
    if sys.version_info >= (3, 12) or _guarded:
        return
    _guarded = True
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40


def skip_feature_source_scan() -> None:
    """Stop PySide6 reading the source of every module imported after it.

    Importing PySide6 replaces ``__import__``; after each import its ``__feature__`` support
    (opt-in ``snake_case``/``true_property``) reads the new module's whole source with
    ``inspect.getsource`` to see whether it mentions PySide. That is a good part of our start-up
    (SQLAlchemy, the services and the pages are imported after the first paint), for a
    feature this application never uses (no module imports ``__feature__``; a test checks).
    PySide6's own modules keep the check. Does nothing if the internals are not there.
    """
    feature = sys.modules.get("shibokensupport.feature")
    scan = getattr(feature, "_mod_uses_pyside", None)
    if scan is None or getattr(scan, "_clauses_skipped", False):
        return

    def uses_pyside(module: object) -> bool:
        name = getattr(module, "__name__", "")
        return bool(name.startswith("PySide6") and scan(module))

    # Attributes set by name: a function's and a module's attributes are not declared types.
    setattr(uses_pyside, "_clauses_skipped", True)  # noqa: B010
    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010

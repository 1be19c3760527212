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

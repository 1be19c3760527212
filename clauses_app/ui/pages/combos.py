"""Combo-box helpers: Qt's ``findData`` does not compare Python objects such as UUIDs by value."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox


def find_data(combo: QComboBox, value: Any) -> int:
    """The index of the first item whose data equals ``value`` (compared by ``==``), or -1."""
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            return index
    return -1

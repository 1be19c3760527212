"""Confirmations, through QMessageBox's static calls (tests replace those calls)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

Button = QMessageBox.StandardButton


def confirm(parent: QWidget | None, title: str, text: str, action: str = "Supprimer") -> bool:
    """Ask a yes/no question whose safe answer (No) is the default."""
    answer = QMessageBox.question(parent, title, text, Button.Yes | Button.No, Button.No)
    return answer == Button.Yes


def ask_unsaved(parent: QWidget | None, what: str) -> Button:
    """Save, Discard or Cancel for unsaved changes; Cancel is the default."""
    return QMessageBox.question(
        parent,
        "Modifications non enregistrées",
        f"{what} comporte des modifications non enregistrées.\n\nLes enregistrer ?",
        Button.Save | Button.Discard | Button.Cancel,
        Button.Cancel,
    )


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)

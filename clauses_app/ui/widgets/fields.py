"""Typed form fields: each reads its widget as a Python value or says why it cannot.

Every field has ``value()`` (raises :class:`FieldError` with a French message for text it
cannot read), ``set_value()``, a ``changed`` signal and ``widget`` (what goes in the layout).
Numbers are typed the French way (``1 234,50``); dates as ``14/02/2025`` (``14022025`` and
``2025-02-14`` are accepted too).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from clauses_app.formatting import format_date, format_number, read_typed_number


class FieldError(ValueError):
    """Text a field cannot read; the message is shown next to it."""


class Field(QObject):
    """Base of the typed fields."""

    changed = Signal()

    def __init__(self, widget: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.widget = widget

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus(self) -> None:
        self.input_widget().setFocus(Qt.FocusReason.OtherFocusReason)

    def input_widget(self) -> QWidget:
        return self.widget


class TextField(Field):
    def __init__(self, max_length: int = 200, placeholder: str = "") -> None:
        self.edit = QLineEdit()
        self.edit.setMaxLength(max_length)
        self.edit.setPlaceholderText(placeholder)
        super().__init__(self.edit)
        self.edit.textChanged.connect(self.changed)

    def value(self) -> str | None:
        return one_line(self.edit.text()) or None

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


def one_line(text: str) -> str:
    """A one-line field's text as stored: the tabs and line breaks a paste from a spreadsheet
    or a letter brings become spaces (a name, a SIRET, a reference holds none), and the spaces
    around it go."""
    return re.sub(r"\s*[\t\r\n\v\f]+\s*", " ", text).strip()


class MultilineField(Field):
    def __init__(self) -> None:
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(64)
        super().__init__(self.edit)
        self.edit.textChanged.connect(self.changed)

    def value(self) -> str | None:
        return self.edit.toPlainText().strip() or None

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))


DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d%m%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y")
# How far ahead a two-digit year may fall: « 12/05/65 » is a person born in 1965, « 31/12/40 »
# the end of a long contract in 2040.
TWO_DIGIT_YEARS_AHEAD = 20


def parse_date(text: str, today: date | None = None) -> date | None:
    """``14/02/2025``, ``14/2/25``, ``14022025`` or ``2025-02-14``; None when empty.

    A two-digit year is the latest year ending so that is at most
    :data:`TWO_DIGIT_YEARS_AHEAD` years after ``today`` (Python's own rule puts 00–68 in the
    2000s, so that a birth date « 12/05/65 » became 2065)."""
    text = text.strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if "%y" in fmt:
            latest = (today or date.today()).year + TWO_DIGIT_YEARS_AHEAD
            year = latest - (latest - parsed.year) % 100
            try:
                parsed = parsed.replace(year=year)
            except ValueError:  # 29 February of a year that has none
                break
        return parsed
    raise FieldError("Date invalide : tapez-la sous la forme JJ/MM/AAAA.")


class DateField(Field):
    def __init__(self) -> None:
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("JJ/MM/AAAA")
        self.edit.setMaximumWidth(120)
        super().__init__(self.edit)
        self.edit.textChanged.connect(self.changed)
        self.edit.editingFinished.connect(self._normalise)

    def value(self) -> date | None:
        return parse_date(self.edit.text())

    def set_value(self, value: Any) -> None:
        self.edit.setText(format_date(value) if value else "")

    def _normalise(self) -> None:
        try:
            value = self.value()
        except FieldError:
            return
        text = format_date(value) if value else ""
        if text != self.edit.text():
            self.edit.setText(text)


INVALID_NUMBER = "Nombre invalide : tapez-le sous la forme 1 234,50."
# What may follow a number in a field (formatting.read_typed_number).
UNIT = re.compile(r"\s*(?:€(?:\s*HT)?(?:\s*/\s*h)?|%|h)$", re.IGNORECASE)


def parse_decimal(text: str) -> Decimal | None:
    """French or plain decimal text (``1 234,5``, ``1234.5``, ``12,5 h``); None when empty."""
    try:
        number = read_typed_number(text, UNIT)
    except ValueError:
        raise FieldError(INVALID_NUMBER) from None
    return None if number is None else number.value


class DecimalField(Field):
    """A number with a unit shown after it (``€``, ``%``, ``h``)."""

    def __init__(self, unit: str = "", decimals: int = 2) -> None:
        self.decimals = decimals
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.setMaximumWidth(160)
        layout.addWidget(self.edit)
        if unit:
            layout.addWidget(QLabel(unit))
        layout.addStretch(1)
        super().__init__(box)
        self.edit.textChanged.connect(self.changed)
        self.edit.editingFinished.connect(self._normalise)

    def input_widget(self) -> QWidget:
        return self.edit

    def value(self) -> Decimal | None:
        value = parse_decimal(self.edit.text())
        exponent = value.as_tuple().exponent if value is not None else 0  # "n", "F" if not finite
        if isinstance(exponent, int) and exponent < -self.decimals:
            if self.decimals == 0:
                raise FieldError("Saisissez un nombre entier.")
            raise FieldError(f"Au plus {self.decimals} décimales.")
        return value

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else format_number(value, self.decimals))

    def _normalise(self) -> None:
        try:
            value = self.value()
        except FieldError:
            return
        if value is not None:
            text = format_number(value, self.decimals)
            if text != self.edit.text():
                self.edit.setText(text)


class ChoiceField(Field):
    """A list of (value, label) choices; typing filters it. ``empty`` adds a blank choice."""

    def __init__(self, choices: Sequence[tuple[Any, str]] = (), empty: str | None = "—") -> None:
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumContentsLength(24)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        completer = self.combo.completer()  # an editable combo has one
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.empty = empty
        super().__init__(self.combo)
        self.set_choices(choices)
        self.combo.currentIndexChanged.connect(self.changed)
        self.combo.editTextChanged.connect(self.changed)

    def set_choices(self, choices: Sequence[tuple[Any, str]]) -> None:
        current = self._current_data()
        self.combo.blockSignals(True)
        self.combo.clear()
        if self.empty is not None:
            self.combo.addItem(self.empty, None)
        for value, label in choices:
            self.combo.addItem(label, value)
        self.combo.blockSignals(False)
        self.set_value(current)

    def _current_data(self) -> Any:
        index = self.combo.currentIndex()
        return self.combo.itemData(index) if index >= 0 else None

    def value(self) -> Any:
        text = self.combo.currentText().strip()
        index = self.combo.findText(text, Qt.MatchFlag.MatchExactly)
        if index < 0:
            if not text or text == self.empty:
                return None
            raise FieldError("Choisissez une valeur de la liste.")
        return self.combo.itemData(index)

    def find(self, value: Any) -> int:
        """Index of the choice holding ``value`` (Python equality: Qt's findData compares
        wrapped Python objects by identity, and two equal UUIDs are different objects)."""
        if value is None:
            return -1
        for index in range(self.combo.count()):
            if self.combo.itemData(index) == value:
                return index
        return -1

    def set_value(self, value: Any) -> None:
        index = self.find(value)
        if index < 0:
            index = 0 if self.empty is not None else -1
        self.combo.setCurrentIndex(index)
        if index >= 0:
            self.combo.setEditText(self.combo.itemText(index))
        edit = self.combo.lineEdit()
        if edit is not None:
            edit.setCursorPosition(0)  # show a long label from its start


class CheckField(Field):
    def __init__(self, text: str = "") -> None:
        self.box = QCheckBox(text)
        super().__init__(self.box)
        self.box.toggled.connect(self.changed)

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))

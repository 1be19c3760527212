"""What a list shows instead of an empty table: what it holds, and its main action."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """A heading, a sentence and one button, centred in the space of the table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._action: Callable[[], object] | None = None
        # A column of at most 560 px, centred: a word-wrapped label gets its height from the
        # width the layout gives it (an aligned label would be squeezed to one line's height).
        column_box = QWidget()
        column_box.setMaximumWidth(560)
        column = QVBoxLayout(column_box)
        self.heading = QLabel()
        self.heading.setObjectName("emptyHeading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.text = QLabel()
        self.text.setObjectName("emptyText")
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color: #555;")
        for label in (self.heading, self.text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.button = QPushButton()
        self.button.setObjectName("emptyAction")
        self.button.clicked.connect(self._act)
        row.addWidget(self.button)
        row.addStretch(1)
        column.addSpacing(6)
        column.addLayout(row)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(column_box, 4)
        middle.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(middle)
        layout.addStretch(2)

    def set_content(
        self,
        heading: str,
        text: str,
        action: str = "",
        on_action: Callable[[], object] | None = None,
    ) -> None:
        """Say what the list holds; ``action`` names the button (none when empty)."""
        self.heading.setText(heading)
        self.text.setText(text)
        self.text.setVisible(bool(text))
        self.button.setText(action)
        self.button.setVisible(bool(action) and on_action is not None)
        self._action = on_action

    def _act(self) -> None:
        if self._action is not None:
            self._action()

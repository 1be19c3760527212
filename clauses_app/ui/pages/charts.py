"""A small bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials).

The caller gives each bar its label, its value and the value already formatted in French
(the chart computes nothing but geometry). Hovering a bar shows its value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from clauses_app.formatting import format_number

BAR_COLOUR = QColor("#2f6fb0")
EMPTY_TEXT = "Aucune heure sur la période."
# Abbreviated French month names, for axis labels and narrow column headers.
MONTH_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin",
               "juil.", "août", "sept.", "oct.", "nov.", "déc.")  # fmt: skip


def short_month(year: int, month: int) -> str:
    """``sept. 2025``."""
    return f"{MONTH_SHORT[month - 1]} {year}"


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar ("janv.")
    value: float
    value_text: str  # shown on hover ("1 234,5 h")
    tooltip_title: str = ""  # e.g. "janvier 2025"


def nice_step(maximum: float, ticks: int = 4) -> float:
    """A round gridline step (1, 2 or 5 × 10ⁿ) giving about ``ticks`` lines up to ``maximum``."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


class BarChart(QWidget):
    """Vertical bars with a value axis starting at zero and horizontal gridlines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[Bar] = []
        self._placeholder = ""
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(600, 220)

    def set_bars(self, bars: list[Bar]) -> None:
        self._bars = list(bars)
        self._placeholder = ""
        self.update()

    def set_placeholder(self, text: str) -> None:
        """Text shown instead of bars (e.g. while figures are being computed)."""
        self._bars = []
        self._placeholder = text
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    # --- geometry --------------------------------------------------------------------------

    def _plot_rect(self) -> QRectF:
        metrics = QFontMetrics(self.font())
        _step, axis_top = self._scale()
        widest = max(
            metrics.horizontalAdvance(format_number(axis_top, 0)),
            metrics.horizontalAdvance("0"),
        )
        left = widest + 12
        top = metrics.height() + 6  # room for the value above the tallest bar
        bottom = metrics.height() + 8
        width = max(10, self.width() - left - 8)
        return QRectF(left, top, width, max(10, self.height() - top - bottom))

    def _scale(self) -> tuple[float, float]:
        top = max((b.value for b in self._bars), default=0.0)
        step = nice_step(top)
        axis_top = step * math.ceil(top / step) if top > 0 else step
        return step, axis_top

    def bar_rect(self, index: int) -> QRectF:
        """The rectangle of bar ``index`` in widget coordinates."""
        plot = self._plot_rect()
        _step, axis_top = self._scale()
        slot = plot.width() / max(1, len(self._bars))
        width = slot * 0.62
        value = max(0.0, self._bars[index].value)
        height = plot.height() * value / axis_top if axis_top else 0.0
        x = plot.left() + slot * index + (slot - width) / 2
        return QRectF(x, plot.bottom() - height, width, height)

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        if not self._bars or all(b.value <= 0 for b in self._bars):
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            message = self._placeholder or EMPTY_TEXT
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, message)
            if not self._bars:
                return
        plot = self._plot_rect()
        step, axis_top = self._scale()
        metrics = QFontMetrics(self.font())
        grid_pen = QPen(palette.color(QPalette.ColorRole.Mid))
        grid_pen.setWidthF(0.6)
        value = 0.0
        while value <= axis_top + step / 2:
            y = plot.bottom() - plot.height() * value / axis_top
            painter.setPen(grid_pen)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text_colour)
            label = format_number(value, 0)
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            value += step
        slot = plot.width() / len(self._bars)
        centre_top = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        centre_bottom = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
        for index, bar in enumerate(self._bars):
            rect = self.bar_rect(index)
            painter.fillRect(rect, BAR_COLOUR)
            painter.setPen(text_colour)
            column = QRectF(plot.left() + slot * index, 0, slot, 0)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(slot))
            below = QRectF(column.left(), plot.bottom() + 4, slot, metrics.height())
            painter.drawText(below, centre_top, label)
            amount = format_number(bar.value, 0)
            if bar.value > 0 and metrics.horizontalAdvance(amount) < slot - 2:
                above = QRectF(
                    column.left(), rect.top() - metrics.height() - 2, slot, metrics.height()
                )
                painter.drawText(above, centre_bottom, amount)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.bar_at(QPointF(event.pos()))
            if index is None:
                QToolTip.hideText()
            else:
                bar = self._bars[index]
                title = bar.tooltip_title or bar.label
                QToolTip.showText(event.globalPos(), f"{title} : {bar.value_text}", self)
            return True
        return super().event(event)

    def bar_at(self, point: QPointF) -> int | None:
        """The bar whose column (full height) contains ``point``."""
        if not self._bars:
            return None
        plot = self._plot_rect()
        if not (plot.left() <= point.x() <= plot.right()):
            return None
        index = int((point.x() - plot.left()) / (plot.width() / len(self._bars)))
        return min(index, len(self._bars) - 1)

"""The balance report's charts, defined once with reportlab.graphics.

A :class:`~reportlab.graphics.shapes.Drawing` is a vector flowable in the PDF; the DOCX gets
the same drawing rasterised to PNG (ReportLab's renderPM with the rlPyCairo backend, no Qt).
Value axes start at 0, so that the smallest bar never vanishes.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO

from babel.dates import get_month_names
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from clauses_app.formatting import LOCALE, format_number, format_percent
from clauses_app.reports.resources import FONT, register_fonts
from clauses_app.services.balance import FigureRow, MonthHours

WIDTH = 470.0  # points: the text width of an A4 page with 2 cm margins, a little less
BAR = colors.HexColor("#2E6DA4")
BAR_OVER = colors.HexColor("#3C8D5A")
GRID = colors.HexColor("#D0D7DE")
TEXT = colors.HexColor("#333333")
MAX_CONTRACTS = 25  # beyond, the chart shows the first ones and says so


def _month_label(month: tuple[int, int], with_year: bool) -> str:
    name = str(get_month_names("abbreviated", locale=LOCALE)[month[1]])
    return f"{name} {month[0] % 100:02d}" if with_year else name


def _nice_max(value: float) -> float:
    """A round axis maximum a little above ``value`` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 10.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value * 1.05:
            return float(top)
    return float(10 * magnitude)


def hours_per_month_chart(monthly: Sequence[MonthHours]) -> Drawing:
    """Vertical bars: insertion hours carried out per month."""
    register_fonts()
    height = 190.0
    drawing = _drawing(height)
    chart = VerticalBarChart()
    chart.x, chart.y = 52, 34
    chart.width, chart.height = WIDTH - 62, height - 48
    values = [float(m.hours) for m in monthly] or [0.0]
    chart.data = [values]
    with_year = len({m.month[0] for m in monthly}) > 1
    every = max(1, (len(monthly) + 17) // 18)
    chart.categoryAxis.categoryNames = [
        _month_label(m.month, with_year) if i % every == 0 else "" for i, m in enumerate(monthly)
    ] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45 if len(monthly) > 12 or with_year else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if chart.categoryAxis.labels.angle else "n"
    chart.categoryAxis.strokeColor = TEXT
    _value_axis(chart, max(values), lambda v: format_number(v, 0))
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    drawing.add(chart)
    drawing.add(String(4, height - 10, "heures", fontName=FONT, fontSize=7, fillColor=TEXT))
    return drawing


def completion_per_contract_chart(rows: Sequence[FigureRow]) -> Drawing:
    """Horizontal bars: completion rate of each contract with required hours, 100 % marked."""
    register_fonts()
    shown = [r for r in rows if r.completion_rate is not None][:MAX_CONTRACTS]
    # Percent as exact as the tables' (Decimal × 100, then one float), so that a label
    # rounds as the table's cell does.
    rates = [float((r.completion_rate or 0) * 100) for r in shown] or [0.0]
    bar_room = 16.0
    height = 50 + bar_room * max(len(shown), 1)
    drawing = _drawing(height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 26
    chart.width, chart.height = WIDTH - 160, height - 36
    chart.data = [rates]
    chart.categoryAxis.categoryNames = [_short(r.label, 20) for r in shown] or [""]
    chart.categoryAxis.reverseDirection = True  # first contract on top
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.strokeColor = TEXT
    top = max(max(rates), 100.0)
    _value_axis(chart, top, lambda v: f"{format_number(v, 0)}\u00a0%")
    for i, rate in enumerate(rates):
        chart.bars[(0, i)].fillColor = BAR_OVER if rate >= 100 else BAR
    chart.bars.strokeColor = None
    # One decimal on every bar, as in the tables (« 101,0 % », « 0,0 % »).
    chart.barLabelFormat = lambda v: format_percent(Decimal(str(v)) / 100, fixed=True)
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    axis_max = chart.valueAxis.valueMax or top
    x100 = chart.x + chart.width * 100.0 / axis_max
    drawing.add(
        Line(x100, chart.y, x100, chart.y + chart.height, strokeColor=colors.HexColor("#C0392B"),
             strokeWidth=1, strokeDashArray=[3, 2])
    )  # fmt: skip
    drawing.add(chart)  # over the 100 % line
    drawing.add(
        String(x100 + 2, chart.y + chart.height + 3, "objectif 100\u00a0%", fontName=FONT,
               fontSize=7, fillColor=colors.HexColor("#C0392B"))
    )  # fmt: skip
    return drawing


def _drawing(height: float) -> Drawing:
    drawing = Drawing(WIDTH, height)
    drawing.initialFontName = FONT  # else the renderer selects Helvetica, unembedded
    drawing.initialFontSize = 7
    return drawing


def _value_axis(chart: VerticalBarChart | HorizontalBarChart, top: float, fmt: object) -> None:
    axis = chart.valueAxis
    axis.valueMin = 0
    axis.valueMax = _nice_max(top)
    axis.valueStep = axis.valueMax / 5
    axis.labelTextFormat = fmt
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7
    axis.visibleGrid = True
    axis.gridStrokeColor = GRID
    axis.gridStrokeWidth = 0.5
    axis.strokeColor = TEXT


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def chart_png(drawing: Drawing, dpi: int = 180) -> bytes:
    """The drawing rasterised to PNG (for the DOCX), with the same fonts as the PDF.

    Cairo writes the PNG itself: renderPM's own export swaps every pixel's bytes in Python
    (about half a second per chart).
    """
    from reportlab.graphics import renderPM

    register_fonts()
    canvas = renderPM.drawToPMCanvas(drawing, dpi=dpi, backend="rlPyCairo")
    surface = getattr(getattr(canvas, "_gs", None), "surface", None)
    if surface is None:  # another backend: the slow, generic way
        return bytes(renderPM.drawToString(drawing, fmt="PNG", dpi=dpi, backend="rlPyCairo"))
    buffer = BytesIO()
    surface.write_to_png(buffer)
    return buffer.getvalue()

"""Draw the application icon: ``resources/icons/clauses.png`` and a multi-size ``clauses.ico``.

A throw-away generator kept for the record (the results are committed): Qt draws each size
offscreen with QPainter, so small sizes get their own simpler drawing instead of a blurry
downscale. The ``.ico`` holds 32-bit BMP images up to 64 px (what every Windows shell and NSIS
read) and PNG images for 128 and 256 px (Windows Vista and later).

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icon.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_IN_ICO_FROM = 128

TEAL_LIGHT = QColor("#13808A")
TEAL_DARK = QColor("#0B4F5C")
SHEET = QColor("#FFFFFF")
FOLD = QColor("#C9DDE0")
LINES = QColor("#7FA7AE")
BADGE = QColor("#F0A81C")


def draw_icon(size: int) -> QImage:
    """The icon at ``size`` pixels: a document with a check badge on a teal rounded square."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    s = size / 256.0  # every coordinate below is on a 256-px grid
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)

    gradient = QLinearGradient(0, 0, 0, size)
    gradient.setColorAt(0.0, TEAL_LIGHT)
    gradient.setColorAt(1.0, TEAL_DARK)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(gradient)
    painter.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)

    _draw_sheet(painter, s, with_lines=size >= 32)
    _draw_badge(painter, s)
    painter.end()
    return image


def _draw_sheet(painter: QPainter, s: float, with_lines: bool) -> None:
    left, top, right, bottom, fold = 58 * s, 40 * s, 180 * s, 214 * s, 40 * s
    sheet = QPainterPath()
    sheet.moveTo(left, top)
    sheet.lineTo(right - fold, top)
    sheet.lineTo(right, top + fold)
    sheet.lineTo(right, bottom)
    sheet.lineTo(left, bottom)
    sheet.closeSubpath()
    painter.setBrush(SHEET)
    painter.drawPath(sheet)

    corner = QPainterPath()
    corner.moveTo(right - fold, top)
    corner.lineTo(right - fold, top + fold)
    corner.lineTo(right, top + fold)
    corner.closeSubpath()
    painter.setBrush(FOLD)
    painter.drawPath(corner)

    if with_lines:
        pen = QPen(LINES, 12 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        for y, end in ((96, 150), (124, 160), (152, 118)):
            painter.drawLine(QPointF(80 * s, y * s), QPointF(end * s, y * s))
        painter.setPen(Qt.PenStyle.NoPen)


def _draw_badge(painter: QPainter, s: float) -> None:
    painter.setBrush(BADGE)
    painter.setPen(QPen(SHEET, 10 * s))
    painter.drawEllipse(QPointF(176 * s, 180 * s), 50 * s, 50 * s)
    check = QPainterPath()
    check.moveTo(152 * s, 181 * s)
    check.lineTo(170 * s, 199 * s)
    check.lineTo(202 * s, 163 * s)
    pen = QPen(SHEET, 16 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(check)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def bmp_icon_bytes(image: QImage) -> bytes:
    """An icon-resource DIB: BITMAPINFOHEADER (double height), BGRA rows bottom-up, AND mask."""
    size = image.width()
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in reversed(range(size)):
        row = bytearray()
        for x in range(size):
            argb = image.pixel(x, y)  # non-premultiplied ARGB32
            row += struct.pack("<I", argb)  # little-endian ARGB is B, G, R, A in memory
        rows.append(bytes(row))
    mask_row = ((size + 31) // 32) * 4  # 1 bit per pixel, rows padded to 32 bits, all opaque
    return header + b"".join(rows) + b"\0" * (mask_row * size)


def ico_bytes(images: list[QImage]) -> bytes:
    """An ``.ico`` file holding every image (sizes up to 256)."""
    payloads = [
        png_bytes(img) if img.width() >= PNG_IN_ICO_FROM else bmp_icon_bytes(img) for img in images
    ]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for img, payload in zip(images, payloads, strict=True):
        dim = img.width() % 256  # 0 means 256
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(payload), offset)
        offset += len(payload)
    return out + b"".join(payloads)


def main() -> int:
    _app = QGuiApplication(sys.argv)
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    images = [draw_icon(size) for size in ICO_SIZES]
    (ICON_DIR / "clauses.ico").write_bytes(ico_bytes(images))
    images[-1].save(str(ICON_DIR / "clauses.png"), "PNG")
    draw_icon(48).save(str(ICON_DIR / "clauses-48.png"), "PNG")
    print(f"icons written to {ICON_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

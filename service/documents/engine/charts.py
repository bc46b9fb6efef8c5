"""Charts drawn in pure Python for documents: a PNG is a few zlib-compressed rows of pixels, so no plotting
library is needed (and none can change how a legal record looks from one release to the next).

:func:`weekly_attendance_png` draws the end-of-placement report's chart: one bar per week, its height the
week's attendance (0 to 100%), a red line at 90% (at or below it is DfE's persistent absence), the percentages up the
side and each week's Monday (day/month) along the bottom. The labels are drawn from a tiny built-in bitmap
font of digits, ``%`` and ``/``. The picture is made to be printed 15 cm wide (:data:`WIDTH_MM`), at about
150 dots per inch.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections.abc import Sequence
from decimal import Decimal

from service.rules.attendance_codes import WeekSummary

WIDTH, HEIGHT = 900, 330  # pixels: 15 cm x 5.5 cm at 152 dpi
WIDTH_MM = 150
DOTS_PER_METRE = round(WIDTH / (WIDTH_MM / 1000))

WHITE = (255, 255, 255)
AXIS = (80, 80, 80)
GRID = (225, 228, 233)
BAR = (29, 58, 110)  # the templates' heading blue
GUIDE = (212, 53, 28)  # GOV.UK red
NO_SESSIONS = (177, 180, 182)

LEFT, RIGHT, TOP, BOTTOM = 78, 18, 14, 44  # margins around the plot area
SCALE = 2  # each font pixel is a 2 x 2 block: digits 10 x 14 pixels, about 1.7 mm tall in print
GUIDE_PERCENT = 90
TICKS = (0, 25, 50, 75, 90, 100)

# 5 x 7 bitmap glyphs, one string of five bits per row, top row first.
_FONT = {
    "0": ("01110", "10001", "10011", "10101", "11001", "10001", "01110"),
    "1": ("00100", "01100", "00100", "00100", "00100", "00100", "01110"),
    "2": ("01110", "10001", "00001", "00010", "00100", "01000", "11111"),
    "3": ("11110", "00001", "00001", "01110", "00001", "00001", "11110"),
    "4": ("00010", "00110", "01010", "10010", "11111", "00010", "00010"),
    "5": ("11111", "10000", "11110", "00001", "00001", "10001", "01110"),
    "6": ("00110", "01000", "10000", "11110", "10001", "10001", "01110"),
    "7": ("11111", "00001", "00010", "00100", "01000", "01000", "01000"),
    "8": ("01110", "10001", "10001", "01110", "10001", "10001", "01110"),
    "9": ("01110", "10001", "10001", "01111", "00001", "00010", "01100"),
    "%": ("11000", "11001", "00010", "00100", "01000", "10011", "00011"),
    "/": ("00000", "00001", "00010", "00100", "01000", "10000", "00000"),
}
GLYPH_W, GLYPH_H, GLYPH_GAP = 5 * SCALE, 7 * SCALE, SCALE


class _Canvas:
    """RGBA pixels, white and opaque to begin with."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(b"\xff" * (width * height * 4))

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
        """Fill the pixels with x0 <= x < x1 and y0 <= y < y1 (clipped to the canvas)."""
        x0, x1 = max(0, x0), min(self.width, x1)
        y0, y1 = max(0, y0), min(self.height, y1)
        if x0 >= x1 or y0 >= y1:
            return
        row = bytes((*colour, 255)) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.width + x0) * 4
            self.pixels[start : start + len(row)] = row

    def text(self, x: int, y: int, text: str, colour: tuple[int, int, int]) -> None:
        """Draw ``text`` with its top left corner at (x, y)."""
        for char in text:
            for r, bits in enumerate(_FONT[char]):
                for c, bit in enumerate(bits):
                    if bit == "1":
                        px, py = x + c * SCALE, y + r * SCALE
                        self.rect(px, py, px + SCALE, py + SCALE, colour)
            x += GLYPH_W + GLYPH_GAP

    def png(self) -> bytes:
        stride = self.width * 4
        raw = b"".join(b"\x00" + bytes(self.pixels[y * stride : (y + 1) * stride]) for y in range(self.height))
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 6, 0, 0, 0)  # 8-bit RGBA
        density = struct.pack(">IIB", DOTS_PER_METRE, DOTS_PER_METRE, 1)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"pHYs", density)
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def text_width(text: str) -> int:
    return len(text) * (GLYPH_W + GLYPH_GAP) - GLYPH_GAP if text else 0


def weekly_attendance_image(weeks: Sequence[WeekSummary]) -> str:
    """The chart as a template's ``chart_image`` wants it (base64 PNG), or empty for no weeks: no chart."""
    return base64.b64encode(weekly_attendance_png(weeks)).decode("ascii") if weeks else ""


def weekly_attendance_png(weeks: Sequence[WeekSummary]) -> bytes:
    """The weekly attendance chart as PNG bytes: a bar per week (none for a week with no possible session,
    which gets a grey mark on the axis instead), the 90% line, ticks and labels."""
    canvas = _Canvas(WIDTH, HEIGHT)
    x0, x1 = LEFT, WIDTH - RIGHT
    y_top, y_base = TOP, HEIGHT - BOTTOM
    plot_height = y_base - y_top

    def y_of(percent: float | Decimal) -> int:
        return y_base - round(float(percent) * plot_height / 100)

    for tick in TICKS:  # light grid lines, tick marks and labels up the side
        y = y_of(tick)
        if tick not in (0, GUIDE_PERCENT):
            canvas.rect(x0, y, x1, y + 1, GRID)
        canvas.rect(x0 - 7, y, x0, y + 2, AXIS)
        label = f"{tick}%"
        colour = GUIDE if tick == GUIDE_PERCENT else AXIS
        canvas.text(x0 - 12 - text_width(label), y - GLYPH_H // 2, label, colour)

    slot = (x1 - x0) / max(1, len(weeks))
    bar = max(2, round(slot * 0.7))
    label_width = text_width("30/12") + 10
    every = max(1, math.ceil(label_width / slot))
    for i, week in enumerate(weeks):
        centre = round(x0 + slot * (i + 0.5))
        left = centre - bar // 2
        percent = week.summary.percent
        if percent is None:
            canvas.rect(left, y_base - 3, left + bar, y_base, NO_SESSIONS)
        else:
            canvas.rect(left, min(y_of(percent), y_base - 2), left + bar, y_base, BAR)  # 0% still shows a sliver
        if i % every == 0:
            canvas.rect(centre, y_base, centre + 1, y_base + 6, AXIS)
            label = f"{week.monday.day}/{week.monday.month}"
            canvas.text(centre - text_width(label) // 2, y_base + 12, label, AXIS)

    guide = y_of(GUIDE_PERCENT)
    for x in range(x0, x1, 14):  # dashed, drawn over the bars so it can be read across them
        canvas.rect(x, guide - 1, min(x + 9, x1), guide + 1, GUIDE)
    canvas.rect(x0, y_top, x0 + 2, y_base + 2, AXIS)  # the axes
    canvas.rect(x0, y_base, x1, y_base + 2, AXIS)
    return canvas.png()

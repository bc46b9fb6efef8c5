"""Horizontal bar charts for the summary, as inline SVG drawn on the server (the house style of
service/attendance/chart.py): a text label on the left of each bar and its number written after it.

No script and no style sheet: presentation attributes only, so it works under the strict CSP. Every chart
sits beside the table of its numbers, so nothing is lost for anyone who cannot see it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

LABEL_WIDTH, BAR_AREA, NUMBER_WIDTH = 320, 300, 70
ROW, BAR, TOP = 28, 20, 4
COLOUR = "#1d70b8"  # GOV.UK blue
MAX_LABEL = 40


def bar_chart(chart_id: str, title: str, bars: Sequence[tuple[str, Decimal | int | None]], unit: str = "") -> Markup:
    """One bar per row. With ``unit="%"`` bars are out of 100; otherwise out of the largest value.

    A value of None (no possible sessions, say) draws no bar and writes a dash."""
    width = LABEL_WIDTH + BAR_AREA + NUMBER_WIDTH
    height = TOP * 2 + max(1, len(bars)) * ROW
    values = [v for _, v in bars if v is not None]
    scale = Decimal(100) if unit == "%" else Decimal(max(values, default=0) or 1)
    safe_id = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="apdocs-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{safe_id}-title" '
        'font-family="GDS Transport, arial, sans-serif" font-size="14">',
        f'<title id="{safe_id}-title">{escape(title)}</title>',
        f'<line x1="{LABEL_WIDTH}" x2="{LABEL_WIDTH}" y1="0" y2="{height}" stroke="#b1b4b6"/>',
    ]
    for index, (label, value) in enumerate(bars):
        y = TOP + index * ROW
        short = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        number = "–" if value is None else f"{value}{unit}"
        parts.append(f"<g><title>{escape(label)}: {escape(number)}</title>")
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 5}" text-anchor="end">{escape(short)}</text>')
        length = 0.0 if not value else float(Decimal(value) / scale * BAR_AREA)
        if length:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{COLOUR}" '
                f'data-value="{escape(str(value))}"/>'
            )
        parts.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR - 5}">{escape(number)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value in it is a number or escaped

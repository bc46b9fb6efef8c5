"""The attendance chart as an inline SVG, drawn on the server: one bar per week, the possible sessions split
by class (present, approved education, authorised, unauthorised), with the 90% line.

No script and no style sheet: presentation attributes only, so it works under the strict CSP and in a
document. The same numbers are in a table beside it for anyone who cannot see the chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from service.rules.attendance_codes import CodeClass, WeekSummary
from service.rules.dates import uk_date

#: Stacked from the bottom. GOV.UK colours, distinguishable in greyscale by their order and lightness.
SERIES = (
    (CodeClass.PRESENT, "#00703c"),
    (CodeClass.APPROVED_EDUCATION, "#85994b"),
    (CodeClass.AUTHORISED_ABSENCE, "#f47738"),
    (CodeClass.UNAUTHORISED_ABSENCE, "#d4351c"),
)
HEIGHT, TOP, BOTTOM, LEFT = 200, 10, 40, 40
#: The placement page shows the most recent weeks; the register page has every week.
RECENT_WEEKS = 12
BAR, GAP = 28, 12


def recent_chart(weeks: Sequence[WeekSummary]) -> Markup | None:
    """The last ``RECENT_WEEKS`` weeks, so the placement page stays one screen wide on a phone; None if none."""
    return attendance_chart(weeks[-RECENT_WEEKS:]) if weeks else None


def attendance_chart(weeks: Sequence[WeekSummary]) -> Markup:
    plot = HEIGHT - TOP - BOTTOM
    width = LEFT + max(1, len(weeks)) * (BAR + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="apdocs-chart" role="img" viewBox="0 0 {width} {HEIGHT}" '
        f'width="{width}" height="{HEIGHT}" aria-labelledby="attendance-chart-title">',
        '<title id="attendance-chart-title">Attendance by week: the share of possible sessions present, '
        "at approved education, authorised and unauthorised absence</title>",
    ]
    for pct in (0, 50, 90, 100):
        y = TOP + plot - plot * pct / 100
        dash = ' stroke-dasharray="4 3"' if pct == 90 else ""
        parts.append(f'<line x1="{LEFT}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6"{dash}/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{pct}%</text>')
    for index, week in enumerate(weeks):
        x = LEFT + GAP + index * (BAR + GAP)
        s = week.summary
        label = escape(f"w/c {uk_date(week.monday)}")
        parts.append(f"<g><title>{label}: {escape(_describe(week))}</title>")
        y = TOP + plot
        if s.possible:
            for code_class, colour in SERIES:
                count = s.by_class.get(code_class, 0)
                if not count:
                    continue
                h = plot * count / s.possible
                y -= h
                parts.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{BAR}" height="{h:.1f}" fill="{colour}" '
                    f'data-class="{code_class.value}" data-count="{count}"/>'
                )
        parts.append(
            f'<text x="{x + BAR / 2}" y="{HEIGHT - BOTTOM + 14}" font-size="10" text-anchor="middle">'
            f"{week.monday.day}/{week.monday.month}</text>"
        )
        top_label = f"{s.percent}%" if s.percent is not None else "–"
        parts.append(
            f'<text x="{x + BAR / 2}" y="{HEIGHT - BOTTOM + 28}" font-size="10" text-anchor="middle">{top_label}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value in it is a number, a code class or escaped


def _describe(week: WeekSummary) -> str:
    s = week.summary
    if s.percent is None:
        return "no possible sessions"
    return f"{s.percent}% attendance, {s.present} of {s.possible} possible sessions"


def legend() -> list[tuple[str, str]]:
    return [(code_class.label, colour) for code_class, colour in SERIES]

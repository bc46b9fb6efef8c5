"""The summary's bar chart: a label and the number written by each bar, escaped, bars to scale."""

from decimal import Decimal

from service.summary.chart import BAR_AREA, bar_chart


def test_each_bar_has_its_label_and_number():
    svg = str(bar_chart("c", "Placements by provider", [("Horizon <Skills>", 4), ("Brightway", 2), ("None", 0)]))
    assert svg.startswith("<svg") and 'role="img"' in svg and '<title id="c-title">Placements by provider' in svg
    assert "Horizon &lt;Skills&gt;" in svg and "<Skills>" not in svg
    assert f'width="{BAR_AREA:.1f}"' in svg  # the largest is the full width
    assert f'width="{BAR_AREA / 2:.1f}"' in svg  # half the largest, half the width
    assert svg.count("<rect") == 2  # a zero draws no bar, but still its number
    assert ">0</text>" in svg


def test_percentages_are_out_of_100_and_a_missing_one_is_a_dash():
    svg = str(bar_chart("a", "Attendance", [("Horizon", Decimal("62.5")), ("Brightway", None)], unit="%"))
    assert f'width="{BAR_AREA * 0.625:.1f}"' in svg
    assert ">62.5%</text>" in svg and ">–</text>" in svg

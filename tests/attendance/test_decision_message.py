"""Deciding an absence confirms it in the service's own words: the date as every page writes it ("Tuesday
24 November 2026") and the code with its meaning ("I (illness)"), not "24/11/2026 … recorded as I."."""

from __future__ import annotations

from datetime import timedelta

from service.rules.dates import uk_date
from tests.attendance.test_register_page import _mark
from tests.helpers import form_data, text


def test_the_decision_is_confirmed_with_the_house_date_and_the_codes_meaning(as_commissioner, placement, last_monday):
    day = last_monday + timedelta(days=1)
    mark = _mark(placement, day, "am", "N")
    page = as_commissioner.get(f"/placements/{placement.id}/attendance")
    url = f"/placements/{placement.id}/attendance/marks/{mark.id}/decision"
    done = as_commissioner.post(url, data=form_data(page, {"code": "I"}), follow_redirects=True)
    body = text(done)
    assert f"The morning absence on Tuesday {uk_date(day)} is recorded as I (illness)." in body
    assert day.strftime("%d/%m/%Y") not in body

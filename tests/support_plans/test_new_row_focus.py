"""Adding a row brings the user back to it, with or without JavaScript: "Add another objective" (or intervention)
posts to the page's address with the new row's fragment, so the browser scrolls to it, and the new row's first box
has ``autofocus``, so focus lands in it rather than on the top of the page."""

from __future__ import annotations

import re

import pytest

from tests.helpers import form_data, text
from tests.support_plans.test_journey import FULL_ANSWERS, placement  # noqa: F401 - the fixture


@pytest.mark.parametrize(
    ("step", "rows", "button", "first_box"),
    [
        ("objectives", "objectives", "add_objective", "area"),
        ("interventions", "interventions", "add_intervention", "intervention_type"),
    ],
)
def test_adding_a_row_brings_focus_to_it(as_commissioner, placement, db_session, step, rows, button, first_box):  # noqa: F811
    url = f"/placements/{placement.id}/plan/{step}"
    page = as_commissioner.get(url)
    body = text(page)
    # The button posts to this page with the new row's fragment: the browser shows the page at the new row.
    add = re.search(rf'<button[^>]*name="{button}"[^>]*>', body)
    assert add is not None
    assert f'formaction="{url}#{rows}-row-2"' in add.group(0)
    assert "autofocus" not in body  # a page opened normally keeps focus where GOV.UK puts it
    answers = {k: v for k, v in FULL_ANSWERS[step].items() if f"{rows}-0-" in k}
    added = text(as_commissioner.post(url, data=form_data(page, {**answers, button: "1"})))
    assert f'id="{rows}-row-2"' in added  # the fragment's target: the new row
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", added)
    assert len(focused) == 1 and f'id="{rows}-1-{first_box}"' in focused[0]  # its first box, and only that
    assert f'formaction="{url}#{rows}-row-3"' in added  # the next one again goes to the row it makes

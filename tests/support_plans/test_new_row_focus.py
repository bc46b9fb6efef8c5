"""Adding a row brings the user back to it, with or without JavaScript: after "Add another objective" (or
intervention) the new row's first box, and only it, has ``autofocus``, so the browser scrolls to it and focus lands
in it rather than on the top of the page. The page's address has no fragment: a fragment stops ``autofocus``."""

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
    add = re.search(rf'<button[^>]*name="{button}"[^>]*>', body)
    assert add is not None and "#" not in add.group(0)  # posts to the page itself, no fragment
    assert "autofocus" not in body  # a page opened normally keeps focus where GOV.UK puts it
    answers = {k: v for k, v in FULL_ANSWERS[step].items() if f"{rows}-0-" in k}
    added = text(as_commissioner.post(url, data=form_data(page, {**answers, button: "1"})))
    assert f'id="{rows}-row-2"' in added  # the new row can be linked to
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", added)
    assert len(focused) == 1 and f'id="{rows}-1-{first_box}"' in focused[0]  # its first box, and only that

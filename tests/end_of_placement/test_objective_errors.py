"""Ending a placement names the objective each message is about: with two objectives left blank, the error
summary and the message by each box say "Objective 2 (…): …", and each summary link lands on that box."""

from __future__ import annotations

import re
from datetime import date, timedelta

from service.rules.outcomes import OutcomeArea
from tests import factories
from tests.end_of_placement.test_ending import _fields, _placement
from tests.helpers import form_data, text


def test_each_objectives_messages_name_the_objective(as_commissioner, school, provider, db_session):
    placement = _placement(school, provider, date(2011, 3, 14))
    factories.PlanObjectiveFactory(
        support_plan=placement.support_plan, area=OutcomeArea.ATTAINMENT, objective="Read a chapter a week"
    )
    db_session.commit()
    url = f"/placements/{placement.id}/end"
    page = as_commissioner.get(url)
    fields = _fields(page, date.today() - timedelta(days=1), **{"outcomes-0-rating": "", "outcomes-0-outcome": ""})
    response = as_commissioner.post(url, data=form_data(page, fields))
    assert response.status_code == 400
    body = text(response)
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    assert summary, "no error summary"
    links = dict(re.findall(r'<a href="#([^"]+)">\s*(.*?)\s*</a>', summary.group(0), re.S))
    expected = {
        "outcomes-0-rating": "Objective 1 (Attendance): Choose the progress made against this objective",
        "outcomes-0-outcome": "Objective 1 (Attendance): Say where the pupil is now against this objective",
        "outcomes-1-rating": "Objective 2 (Attainment): Choose the progress made against this objective",
        "outcomes-1-outcome": "Objective 2 (Attainment): Say where the pupil is now against this objective",
    }
    assert links == expected
    for target, message in expected.items():
        assert f'id="{target}"' in body
        assert body.count(message) == 2  # in the summary and by the box

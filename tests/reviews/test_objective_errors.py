"""The review form names the objective each message is about: with two objectives left blank, the error summary
and the message by each box say "Objective 2 (…): …", and each summary link lands on that objective's box."""

from __future__ import annotations

import re

from tests.helpers import text
from tests.reviews.test_reviews import _post, _review_fields, agreed  # noqa: F401 - the fixture


def _summary(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', text(response), re.S)
    assert match, "no error summary"
    return match.group(0)


def test_each_objectives_messages_name_the_objective(as_commissioner, agreed, db_session):  # noqa: F811
    fields = _review_fields(agreed)
    for index in (0, 1):
        del fields[f"progress-{index}-rating"]
        fields[f"progress-{index}-evidence"] = ""
    response = _post(as_commissioner, agreed, fields)
    assert response.status_code == 400
    page = text(response)
    summary = _summary(response)
    links = re.findall(r'<a href="#([^"]+)">\s*(.*?)\s*</a>', summary, re.S)
    assert len(links) == 4
    assert len({message for _, message in links}) == 4  # no two messages read the same
    expected = {
        "progress-0-rating": "Objective 1 (Attendance): Select the progress made against this objective",
        "progress-0-evidence": "Objective 1 (Attendance): Enter the evidence of progress",
        "progress-1-rating": "Objective 2 (Read a chapter a week): Select the progress made against this objective",
        "progress-1-evidence": "Objective 2 (Read a chapter a week): Enter the evidence of progress",
    }
    assert dict(links) == expected
    for target, message in expected.items():
        assert f'id="{target}"' in page  # the link lands on the box
        assert page.count(message) == 2  # in the summary and by the box

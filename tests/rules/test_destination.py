"""A Year 11 pupil (or older) cannot leave a placement without a destination; younger pupils may. "Something else"
needs its detail; NEET under 18 needs the commissioner's confirmation and the follow-up, whatever the year group."""

from datetime import date

import pytest

from service.rules import destination as rules
from service.rules.destination import (
    NeetFollowUp,
    destination_problem,
    destination_problems,
    destination_required,
    must_participate,
)
from service.rules.placement_end import Destination


@pytest.mark.parametrize(
    ("year_group", "destination", "problem"),
    [
        (11, None, True),
        (11, "", True),
        (12, None, True),
        (11, "further_education", False),
        (10, None, False),
        (9, "reintegration", False),
    ],
)
def test_destination_problem(year_group, destination, problem):
    assert bool(destination_problem(year_group, destination)) is problem
    assert destination_required(year_group) is (year_group >= 11)


@pytest.mark.parametrize(
    ("age", "expected"),
    [(15, True), (16, True), (17, True), (18, False), (19, False)],  # the duty ends on the 18th birthday
)
def test_must_participate_until_18(age, expected):
    assert must_participate(age) is expected


FULL = NeetFollowUp(confirmed=True, action="Referred to the LA's participation team", on=date(2027, 7, 16))


@pytest.mark.parametrize(
    ("year_group", "age", "destination", "detail", "follow_up", "fields"),
    [
        # a Year 11 pupil going nowhere
        (11, 16, "", "", NeetFollowUp(), {"destination"}),
        (11, 16, None, "", FULL, {"destination"}),
        # something else: its detail, at any age
        (11, 16, "other", "", NeetFollowUp(), {"destination_detail"}),
        (11, 16, "other", "   ", NeetFollowUp(), {"destination_detail"}),
        (11, 16, "other", "Full-time carer for a parent", NeetFollowUp(), set()),
        (9, 14, "other", "", NeetFollowUp(), {"destination_detail"}),
        # NEET under 18: confirmation, what is being done, and when
        (11, 16, "neet", "", NeetFollowUp(), {"neet_confirmed", "neet_follow_up", "neet_follow_up_on"}),
        (11, 16, "neet", "", NeetFollowUp(confirmed=True), {"neet_follow_up", "neet_follow_up_on"}),
        (11, 16, "neet", "", NeetFollowUp(confirmed=True, action="Referred"), {"neet_follow_up_on"}),
        (11, 16, "neet", "", NeetFollowUp(action="Referred", on=date(2027, 7, 16)), {"neet_confirmed"}),
        (11, 16, "neet", "", NeetFollowUp(confirmed=True, action="  ", on=date(2027, 7, 16)), {"neet_follow_up"}),
        (11, 16, "neet", "", FULL, set()),
        (12, 17, "neet", "", NeetFollowUp(), {"neet_confirmed", "neet_follow_up", "neet_follow_up_on"}),
        (8, 13, "neet", "", NeetFollowUp(), {"neet_confirmed", "neet_follow_up", "neet_follow_up_on"}),
        # the day of the 18th birthday: no longer under the duty to participate
        (13, 18, "neet", "", NeetFollowUp(), set()),
        # every other destination is fine as it is
        (11, 16, "further_education", "", NeetFollowUp(), set()),
        (10, 15, None, "", NeetFollowUp(), set()),
    ],
)
def test_destination_problems(year_group, age, destination, detail, follow_up, fields):
    problems = destination_problems(
        year_group=year_group, age=age, destination=destination, detail=detail, follow_up=follow_up
    )
    assert set(problems) == fields
    assert all(message.strip() for message in problems.values())


def test_the_rules_name_the_destinations_the_record_stores():
    assert Destination(rules.OTHER) is Destination.OTHER
    assert Destination(rules.NEET) is Destination.NEET
    assert "not in education, employment or training" in Destination.NEET.label.lower()

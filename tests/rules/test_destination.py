"""A Year 11 pupil (or older) cannot leave a placement without a destination; younger pupils may."""

import pytest

from service.rules.destination import destination_problem, destination_required


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

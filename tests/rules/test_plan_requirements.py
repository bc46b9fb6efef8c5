"""The plan's own requirements: planned end, off-site direction maximum, risk assessment, EHCP annual review.

Every date worked out by hand; the edge days (exactly the maximum, the day after; exactly four weeks) are rows.
"""

from datetime import date

import pytest

from service.rules.plan_requirements import (
    HealthSafetyOutcome,
    ReviewState,
    RiskAnswers,
    direction_latest_end,
    ehcp_flag_cutoff,
    ehcp_review,
    ehcp_review_due,
    off_site_direction_check,
    planned_end_check,
    risk_assessment_check,
    risk_assessment_missing,
)

START = date(2026, 1, 5)  # a Monday


@pytest.mark.parametrize(
    ("end", "ok", "says"),
    [
        (None, False, "Enter the planned end date"),
        (date(2026, 1, 4), False, "on or after the planned start (5 January 2026)"),
        (date(2026, 1, 5), True, "planned to end on 5 January 2026"),
        (date(2026, 3, 27), True, "planned to end on 27 March 2026"),
    ],
)
def test_planned_end(end, ok, says):
    finding = planned_end_check(START, end)
    assert finding.ok is ok
    assert says in finding.message


@pytest.mark.parametrize(
    ("weeks", "latest"),
    [
        (1, date(2026, 1, 11)),  # Monday to the Sunday
        (6, date(2026, 2, 15)),
        (12, date(2026, 3, 29)),
    ],
)
def test_direction_latest_end(weeks, latest):
    assert direction_latest_end(START, weeks) == latest


@pytest.mark.parametrize(
    ("end", "direction", "weeks", "ok", "says"),
    [
        (date(2026, 3, 27), None, None, False, "Say whether the pupil is directed off site"),
        (date(2026, 3, 27), False, None, True, "not directed off site"),
        (date(2026, 3, 27), False, 6, True, "not directed off site"),  # a stale maximum means nothing
        (date(2026, 2, 13), True, None, False, "Enter the maximum duration"),
        (date(2026, 2, 13), True, 0, False, "1 to 52 weeks"),
        (date(2026, 2, 13), True, 53, False, "1 to 52 weeks"),
        (date(2026, 2, 15), True, 6, True, "at most 6 weeks, to 15 February 2026"),  # exactly the maximum
        (date(2026, 2, 16), True, 6, False, "after the off-site direction's agreed maximum of 6 weeks"),  # day after
        (date(2026, 1, 11), True, 1, True, "at most 1 week, to 11 January 2026"),
        (None, True, 6, True, "at most 6 weeks"),  # the missing end is the planned-end rule's to report
    ],
)
def test_off_site_direction(end, direction, weeks, ok, says):
    finding = off_site_direction_check(START, end, direction, weeks)
    assert finding.ok is ok
    assert says in finding.message


COMPLETE = RiskAnswers(
    risks_identified=True,
    assessment_date=date(2025, 12, 8),
    participants="Ms K Owen (SENCO), Alex Jones (provider)",
    assessment_attached=True,
    health_safety_date=date(2025, 12, 1),
    health_safety_outcome=HealthSafetyOutcome.SATISFACTORY,
)


def _with(**changes):
    return RiskAnswers(**{**COMPLETE.__dict__, **changes})


@pytest.mark.parametrize(
    ("answers", "ok", "missing", "says"),
    [
        (RiskAnswers(None), False, ["whether risks are identified"], "Say whether the plan identifies risks"),
        (RiskAnswers(False), True, [], "no risks are identified"),
        (RiskAnswers(True), False, None, "Still needed: the date of the joint risk assessment, who took part"),
        (COMPLETE, True, [], "Joint risk assessment on 8 December 2025"),
        (_with(assessment_date=None), False, ["the date of the joint risk assessment"], "Still needed"),
        (_with(participants="   "), False, ["who took part in it"], "who took part in it"),
        (_with(assessment_attached=False), True, [], "health-and-safety check on 1 December 2025: satisfactory"),
        (_with(assessment_attached=None), False, ["whether a separate assessment is attached"], "attached"),
        (_with(health_safety_date=None), False, ["the date of the provider's health-and-safety check"], "check"),
        (_with(health_safety_outcome=None), False, ["its outcome"], "its outcome"),
        (_with(health_safety_outcome=HealthSafetyOutcome.ACTIONS_AGREED), True, [], "with actions agreed"),
        (_with(health_safety_outcome=HealthSafetyOutcome.UNSATISFACTORY), False, [], "was unsatisfactory"),
        # No risks: the assessment answers left over from an earlier draft are not asked for and block nothing.
        (_with(risks_identified=False, health_safety_outcome=HealthSafetyOutcome.UNSATISFACTORY), True, [], "no risks"),
    ],
)
def test_risk_assessment(answers, ok, missing, says):
    finding = risk_assessment_check(answers)
    assert finding.ok is ok
    assert says in finding.message
    if missing is not None:
        assert risk_assessment_missing(answers) == missing


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (date(2025, 3, 14), date(2026, 3, 14)),
        (date(2024, 2, 29), date(2025, 2, 28)),  # within 12 months, never after
        (date(2023, 2, 28), date(2024, 2, 28)),
        (date(2025, 12, 31), date(2026, 12, 31)),
    ],
)
def test_ehcp_review_due(last, due):
    assert ehcp_review_due(last) == due


ON = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("last", "state", "says"),
    [
        (None, ReviewState.NOT_RECORDED, "not recorded"),
        (date(2026, 1, 3), ReviewState.SCHEDULED, "next EHCP annual review is due by 3 January 2027"),  # 29 days
        (date(2026, 1, 2), ReviewState.DUE_SOON, "is due by 2 January 2027"),  # exactly four weeks
        (date(2025, 12, 5), ReviewState.DUE_SOON, "is due by 5 December 2026"),  # due today
        (date(2025, 12, 4), ReviewState.OVERDUE, "due by 4 December 2026: 1 day overdue"),  # the day after
        (date(2025, 6, 1), ReviewState.OVERDUE, "187 days overdue"),
    ],
)
def test_ehcp_review_state(last, state, says):
    review = ehcp_review(last, ON)
    assert review.state is state
    assert says in review.message
    assert review.needs_attention is (state in (ReviewState.DUE_SOON, ReviewState.OVERDUE))


@pytest.mark.parametrize(
    ("on", "cutoff"),
    [
        (date(2026, 12, 5), date(2026, 1, 2)),
        (date(2027, 1, 31), date(2026, 2, 28)),  # horizon 28 Feb 2027
        (date(2028, 1, 31), date(2027, 2, 28)),  # horizon 28 Feb 2028 (leap year): 28 Feb 2027 gives 28 Feb 2028
        (date(2028, 2, 1), date(2027, 2, 28)),  # horizon 29 Feb 2028: 1 Mar 2027 would give 1 Mar 2028
        (date(2025, 1, 31), date(2024, 2, 29)),  # horizon 28 Feb 2025: 29 Feb 2024 is due 28 Feb 2025
    ],
)
def test_ehcp_flag_cutoff_agrees_with_the_review(on, cutoff):
    assert ehcp_flag_cutoff(on) == cutoff
    assert ehcp_review(cutoff, on).needs_attention
    next_day = date.fromordinal(cutoff.toordinal() + 1)
    assert not ehcp_review(next_day, on).needs_attention

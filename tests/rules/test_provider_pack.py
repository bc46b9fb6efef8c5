"""When the provider pack goes, and where it stands. Every date worked out by hand against a calendar.

Tuesday 1 December 2026 is "today" in the issue's own example: a placement created today with a start in
7 working days (Thursday 10 December) has its pack due in 2 working days (Thursday 3 December).
"""

from datetime import date

import pytest

from service.rules.calendar import add_working_days, working_days_between
from service.rules.provider_pack import (
    PackMessage,
    PackSection,
    PackState,
    careers_guidance_due,
    careers_guidance_sentence,
    due_for_automatic_sending,
    exclusion_sentence,
    kept_out_problems,
    needs_reason,
    pack_send_date,
    pack_state,
    starting_soon,
    withheld_sentence,
)

TODAY = date(2026, 12, 1)  # a Tuesday


def test_the_issues_example_start_in_seven_working_days_is_due_in_two():
    starts_on = add_working_days(TODAY, 7)
    assert starts_on == date(2026, 12, 10)
    send_on = pack_send_date(starts_on)
    assert send_on == date(2026, 12, 3)
    assert working_days_between(TODAY, send_on) == 2


@pytest.mark.parametrize(
    ("starts_on", "lead", "expected", "why"),
    [
        (date(2026, 12, 10), 5, date(2026, 12, 3), "Thu to Thu, no holiday"),
        (date(2026, 12, 7), 5, date(2026, 11, 30), "a Monday start goes the Monday before"),
        (date(2026, 12, 7), 1, date(2026, 12, 4), "one working day before a Monday is the Friday"),
        (date(2027, 6, 4), 5, date(2027, 5, 27), "spring bank holiday Mon 31 May 2027 skipped: not Fri 28 May"),
        (date(2027, 1, 4), 5, date(2026, 12, 23), "New Year, Christmas and Boxing Day (on Mon 28 Dec) skipped"),
        (date(2027, 4, 1), 3, date(2027, 3, 25), "Easter Monday 29 Mar and Good Friday 26 Mar 2027 skipped"),
        (date(2027, 4, 6), 2, date(2027, 4, 2), "the week after Easter has no holiday"),
        (date(2026, 12, 10), 0, date(2026, 12, 10), "a lead of 0 is the start day"),
        (date(2026, 12, 12), 0, date(2026, 12, 14), "a lead of 0 on a Saturday start is the next working day"),
        (date(2026, 12, 10), 10, date(2026, 11, 26), "a two-week lead"),
    ],
)
def test_send_date(starts_on, lead, expected, why):
    assert pack_send_date(starts_on, lead) == expected, why


def test_a_bank_holiday_moves_the_send_date():
    """The same start, one week apart: the week with the holiday sends a day earlier."""
    without_holiday = pack_send_date(date(2027, 6, 11), 5)  # Fri 11 Jun: 5 working days back is Fri 4 Jun
    with_holiday = pack_send_date(date(2027, 6, 4), 5)  # Fri 4 Jun: Mon 31 May is a bank holiday
    assert without_holiday == date(2027, 6, 4)
    assert with_holiday == date(2027, 5, 27)
    assert (with_holiday - date(2027, 6, 4)).days == -8  # 8 calendar days, not 7


def test_a_negative_lead_is_refused():
    with pytest.raises(ValueError, match="after the placement starts"):
        pack_send_date(TODAY, -1)


START = date(2026, 12, 10)
SEND = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("today", "message", "expected"),
    [
        (date(2026, 12, 1), PackMessage.NONE, PackState.WAITING),
        (date(2026, 12, 2), PackMessage.NONE, PackState.WAITING),
        (date(2026, 12, 3), PackMessage.NONE, PackState.DUE),
        (date(2026, 12, 9), PackMessage.NONE, PackState.DUE),
        (date(2026, 12, 10), PackMessage.NONE, PackState.LATE),
        (date(2027, 1, 20), PackMessage.NONE, PackState.LATE),
        (date(2026, 12, 1), PackMessage.IN_PROGRESS, PackState.SENDING),
        (date(2026, 12, 1), PackMessage.DELIVERED, PackState.SENT),
        (date(2027, 1, 20), PackMessage.DELIVERED, PackState.SENT),
        (date(2026, 12, 4), PackMessage.PROBLEM, PackState.FAILED),
    ],
)
def test_pack_state(today, message, expected):
    assert pack_state(today=today, starts_on=START, send_on=SEND, message=message) is expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 2), False),  # before the send date
        (date(2026, 12, 3), True),  # the send date
        (date(2026, 12, 8), True),  # a day missed is made up
        (date(2026, 12, 10), True),  # the start day itself
        (date(2026, 12, 11), False),  # after the start: only a person sends
    ],
)
def test_automatic_sending_window(today, expected):
    assert due_for_automatic_sending(today=today, starts_on=START, send_on=SEND) is expected


@pytest.mark.parametrize(
    ("starts_on", "expected"),
    [
        (date(2026, 12, 1), True),  # today
        (date(2026, 12, 8), True),  # 5 working days
        (date(2026, 12, 9), False),  # 6 working days
        (date(2026, 11, 30), False),  # already started
    ],
)
def test_starting_soon(starts_on, expected):
    assert starting_soon(today=TODAY, starts_on=starts_on) is expected


def test_labels_say_what_to_do():
    assert all(state.label for state in PackState)
    assert {state for state in PackState if state.needs_action} == {PackState.DUE, PackState.LATE, PackState.FAILED}


# -- what the pack must carry and say ------------------------------------------------------------------------

REASON = "Shared with the provider's DSL by phone"


@pytest.mark.parametrize(
    ("withheld", "reasons", "refused"),
    [
        ([], {}, set()),
        (["medical", "fsm", "behaviour"], {}, set()),  # the other sections stay the SENCO's choice
        (["sen"], {}, {PackSection.SEN}),
        (["risks"], {"risks": ""}, {PackSection.RISKS}),
        (["safeguarding_status"], {"safeguarding_status": "   n/a   "}, {PackSection.SAFEGUARDING_STATUS}),
        (["sen"], {"sen": "x" * 9}, {PackSection.SEN}),  # one character short
        (["sen"], {"sen": "x" * 10}, set()),  # exactly long enough
        (["sen", "risks", "medical"], {"sen": REASON}, {PackSection.RISKS}),
        (
            ["sen", "risks", "safeguarding_status"],
            dict.fromkeys(("sen", "risks", "safeguarding_status"), REASON),
            set(),
        ),
        (["sen"], {"risks": REASON}, {PackSection.SEN}),  # a reason for another section does not count
        (["nonsense"], {}, set()),
    ],
)
def test_kept_out_problems(withheld, reasons, refused):
    problems = kept_out_problems(withheld, reasons)
    assert set(problems) == refused
    assert all("Say why the provider does not need" in message for message in problems.values())


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (section, section in {PackSection.SEN, PackSection.RISKS, PackSection.SAFEGUARDING_STATUS})
        for section in PackSection
    ],
)
def test_which_sections_need_a_reason(section, expected):
    assert needs_reason(section) is expected


@pytest.mark.parametrize(
    ("year_group", "due"),
    [(0, False), (6, False), (7, False), (8, True), (9, True), (11, True), (13, True), (14, False)],
)
def test_careers_guidance_from_year_8_to_year_13(year_group, due):
    assert careers_guidance_due(year_group) is due
    sentence = careers_guidance_sentence("Jay", year_group, "Northbridge Academy", "Westshire Council")
    assert bool(sentence) is due
    if due:
        assert "Jay" in sentence and "Northbridge Academy" in sentence and "careers guidance" in sentence


def test_careers_guidance_without_a_home_school_falls_to_the_commissioner():
    assert "Westshire Council must" in careers_guidance_sentence("Jay", 10, "", "Westshire Council")


@pytest.mark.parametrize(
    ("home_school", "says"),
    [
        (
            "Northbridge Academy",
            "Only Northbridge Academy, the pupil's home school, can suspend or permanently exclude",
        ),
        ("", "Jay is not on a school's roll, so no one can suspend or exclude them"),
    ],
)
def test_the_exclusion_sentence(home_school, says):
    sentence = exclusion_sentence("Jay", home_school, "Westshire Council")
    assert says in sentence
    assert "You cannot" in sentence or "you cannot" in sentence
    assert "phone Westshire Council the same day" in sentence


def test_the_withheld_sentence_names_who_withheld_it_and_nothing_else():
    assert withheld_sentence("Northbridge Academy").startswith("Withheld by Northbridge Academy")

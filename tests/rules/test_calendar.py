"""England working days. Holiday dates are the gov.uk 2026/2027 list, checked against the holidays package.

2026: Thu 1 Jan, Fri 3 Apr, Mon 6 Apr, Mon 4 May, Mon 25 May, Mon 31 Aug, Fri 25 Dec, Mon 28 Dec (Boxing Day
substitute: 26 Dec is a Saturday). 2027: Fri 1 Jan, Fri 26 Mar, Mon 29 Mar, Mon 3 May, Mon 31 May,
Mon 30 Aug, Mon 27 Dec and Tue 28 Dec (substitutes: 25 and 26 Dec are a Saturday and Sunday).
"""

from datetime import date, datetime, timedelta

import pytest

from service.rules.calendar import add_working_days, bank_holidays, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 12, 24), True, id="thu-24-dec-2026"),
        pytest.param(date(2026, 12, 25), False, id="christmas-2026-friday"),
        pytest.param(date(2026, 12, 26), False, id="boxing-day-2026-saturday"),
        pytest.param(date(2026, 12, 28), False, id="boxing-day-substitute-mon-28-dec-2026"),
        pytest.param(date(2026, 12, 29), True, id="tue-29-dec-2026"),
        pytest.param(date(2027, 1, 1), False, id="new-year-2027"),
        pytest.param(date(2027, 1, 4), True, id="mon-4-jan-2027"),
        pytest.param(date(2027, 3, 25), True, id="thu-before-good-friday-2027"),
        pytest.param(date(2027, 3, 26), False, id="good-friday-2027"),
        pytest.param(date(2027, 3, 29), False, id="easter-monday-2027"),
        pytest.param(date(2027, 3, 30), True, id="tue-after-easter-2027"),
        pytest.param(date(2026, 5, 25), False, id="spring-bank-holiday-2026"),
        pytest.param(date(2027, 5, 31), False, id="spring-bank-holiday-2027"),
        pytest.param(date(2027, 5, 3), False, id="early-may-2027"),
        pytest.param(date(2027, 8, 30), False, id="summer-bank-holiday-2027"),
        pytest.param(date(2027, 12, 27), False, id="christmas-substitute-2027"),
        pytest.param(date(2027, 12, 28), False, id="boxing-day-substitute-2027"),
        pytest.param(date(2027, 12, 29), True, id="wed-29-dec-2027"),
        pytest.param(date(2026, 6, 6), False, id="saturday"),
        pytest.param(date(2026, 6, 7), False, id="sunday"),
        pytest.param(date(2026, 6, 8), True, id="monday"),
        pytest.param(date(2026, 1, 2), True, id="scotland-only-2-jan-is-working-in-england"),
        pytest.param(date(2026, 11, 30), True, id="st-andrews-day-is-working-in-england"),
        pytest.param(date(2027, 3, 17), True, id="st-patricks-day-is-working-in-england"),
        pytest.param(date(2027, 7, 12), True, id="battle-of-the-boyne-is-working-in-england"),
        pytest.param(date(2023, 5, 8), False, id="one-off-coronation-2023"),
        pytest.param(date(2022, 9, 19), False, id="one-off-state-funeral-2022"),
        pytest.param(datetime(2026, 12, 28, 10, 30), False, id="datetime-on-holiday"),
    ],
)
def test_is_working_day(day: date, expected: bool) -> None:
    assert is_working_day(day) is expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(
            2026,
            {
                date(2026, 1, 1),
                date(2026, 4, 3),
                date(2026, 4, 6),
                date(2026, 5, 4),
                date(2026, 5, 25),
                date(2026, 8, 31),
                date(2026, 12, 25),
                date(2026, 12, 28),
            },
            id="2026",
        ),
        pytest.param(
            2027,
            {
                date(2027, 1, 1),
                date(2027, 3, 26),
                date(2027, 3, 29),
                date(2027, 5, 3),
                date(2027, 5, 31),
                date(2027, 8, 30),
                date(2027, 12, 27),
                date(2027, 12, 28),
            },
            id="2027",
        ),
    ],
)
def test_bank_holidays_on_weekdays(year: int, expected: set[date]) -> None:
    assert {d for d in bank_holidays(year) if d.weekday() < 5} == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        pytest.param(date(2026, 12, 24), 1, date(2026, 12, 29), id="christmas-skips-25-26-27-28"),
        pytest.param(date(2026, 12, 24), 4, date(2027, 1, 4), id="christmas-and-new-year"),
        pytest.param(date(2026, 12, 14), 10, date(2026, 12, 30), id="ten-days-across-christmas-2026"),
        pytest.param(date(2026, 12, 29), -1, date(2026, 12, 24), id="back-across-christmas"),
        pytest.param(date(2027, 1, 4), -1, date(2026, 12, 31), id="back-across-new-year"),
        pytest.param(date(2027, 3, 25), 1, date(2027, 3, 30), id="easter-2027"),
        pytest.param(date(2027, 3, 22), 5, date(2027, 3, 31), id="five-days-across-easter-2027"),
        pytest.param(date(2027, 3, 30), -1, date(2027, 3, 25), id="back-across-easter"),
        pytest.param(date(2027, 3, 26), 1, date(2027, 3, 30), id="from-good-friday-forward"),
        pytest.param(date(2027, 3, 26), -1, date(2027, 3, 25), id="from-good-friday-back"),
        pytest.param(date(2027, 5, 28), 1, date(2027, 6, 1), id="late-may-2027"),
        pytest.param(date(2026, 5, 22), 1, date(2026, 5, 26), id="late-may-2026"),
        pytest.param(date(2027, 8, 27), 1, date(2027, 8, 31), id="late-august-2027"),
        pytest.param(date(2026, 6, 8), 5, date(2026, 6, 15), id="ordinary-week"),
        pytest.param(date(2026, 6, 8), 10, date(2026, 6, 22), id="two-ordinary-weeks"),
        pytest.param(date(2026, 6, 12), 1, date(2026, 6, 15), id="friday-plus-one-is-monday"),
        pytest.param(date(2026, 6, 13), 1, date(2026, 6, 15), id="saturday-plus-one-is-monday"),
        pytest.param(date(2026, 6, 14), -1, date(2026, 6, 12), id="sunday-minus-one-is-friday"),
        pytest.param(date(2026, 6, 15), -1, date(2026, 6, 12), id="monday-minus-one-is-friday"),
        pytest.param(date(2026, 12, 30), 0, date(2026, 12, 30), id="zero-on-working-day-is-same-day"),
        pytest.param(date(2026, 12, 25), 0, date(2026, 12, 29), id="zero-on-holiday-is-next-working-day"),
        pytest.param(date(2026, 12, 26), 0, date(2026, 12, 29), id="zero-on-saturday-before-substitute"),
        pytest.param(date(2026, 6, 13), 0, date(2026, 6, 15), id="zero-on-saturday"),
        pytest.param(datetime(2026, 12, 24, 16, 0), 1, date(2026, 12, 29), id="datetime-input"),
    ],
)
def test_add_working_days(day: date, n: int, expected: date) -> None:
    assert add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(date(2026, 12, 24), date(2026, 12, 29), 1, id="across-christmas"),
        pytest.param(date(2026, 12, 24), date(2027, 1, 4), 4, id="christmas-and-new-year"),
        pytest.param(date(2027, 1, 4), date(2026, 12, 24), -4, id="reversed-is-negative"),
        pytest.param(date(2026, 12, 14), date(2026, 12, 30), 10, id="ten-across-christmas"),
        pytest.param(date(2026, 12, 25), date(2026, 12, 28), 0, id="holiday-to-holiday"),
        pytest.param(date(2027, 3, 22), date(2027, 3, 31), 5, id="across-easter-2027"),
        pytest.param(date(2027, 5, 28), date(2027, 6, 1), 1, id="across-late-may-2027"),
        pytest.param(date(2026, 6, 12), date(2026, 6, 13), 0, id="friday-to-saturday"),
        pytest.param(date(2026, 6, 12), date(2026, 6, 15), 1, id="friday-to-monday"),
        pytest.param(date(2026, 6, 13), date(2026, 6, 15), 1, id="saturday-to-monday"),
        pytest.param(date(2026, 6, 10), date(2026, 6, 10), 0, id="same-day"),
        pytest.param(date(2026, 6, 10), date(2026, 6, 11), 1, id="next-day"),
        # 2026 and 2027 both have 261 weekdays (365 days = 52 weeks + 1 weekday) and 8 weekday bank holidays.
        pytest.param(date(2025, 12, 31), date(2026, 12, 31), 253, id="whole-year-2026"),
        pytest.param(date(2026, 12, 31), date(2027, 12, 31), 253, id="whole-year-2027"),
        pytest.param(date(2025, 12, 31), date(2027, 12, 31), 506, id="two-years"),
        pytest.param(date(2027, 12, 31), date(2025, 12, 31), -506, id="two-years-reversed"),
    ],
)
def test_working_days_between(a: date, b: date, expected: int) -> None:
    assert working_days_between(a, b) == expected


WINDOWS = [
    pytest.param(date(2026, 12, 10), id="christmas-2026"),
    pytest.param(date(2027, 3, 15), id="easter-2027"),
    pytest.param(date(2027, 5, 20), id="late-may-2027"),
    pytest.param(date(2026, 5, 15), id="late-may-2026"),
]
WINDOW_DAYS = 30
HORIZON_DAYS = 40


def _days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


@pytest.mark.parametrize("start", WINDOWS)
def test_round_trip_add_of_between(start: date) -> None:
    """add_working_days(a, working_days_between(a, b)) == b for every working day b after a."""
    failures = []
    for a in _days(start, WINDOW_DAYS):
        for b in _days(a + timedelta(days=1), HORIZON_DAYS):
            if is_working_day(b) and add_working_days(a, working_days_between(a, b)) != b:
                failures.append((a, b))
    assert failures == []


@pytest.mark.parametrize("start", WINDOWS)
def test_round_trip_backwards_between_working_days(start: date) -> None:
    """For working days b before a, going back working_days_between(a, b) days from a lands on b."""
    failures = []
    for a in _days(start + timedelta(days=HORIZON_DAYS), WINDOW_DAYS):
        for b in _days(a - timedelta(days=HORIZON_DAYS), HORIZON_DAYS):
            if is_working_day(a) and is_working_day(b) and add_working_days(a, working_days_between(a, b)) != b:
                failures.append((a, b))
    assert failures == []


@pytest.mark.parametrize("start", WINDOWS)
def test_round_trip_between_of_add(start: date) -> None:
    """Going forward n working days from any day (working or not) is n working days away."""
    failures = [
        (a, n)
        for a in _days(start, WINDOW_DAYS)
        for n in range(1, 25)
        if working_days_between(a, add_working_days(a, n)) != n
    ]
    assert failures == []


@pytest.mark.parametrize("start", WINDOWS)
def test_between_matches_day_by_day_count_and_is_antisymmetric(start: date) -> None:
    """The arithmetic count agrees with counting working days one at a time, in both directions."""
    failures = []
    for a in _days(start, WINDOW_DAYS):
        for b in _days(a, HORIZON_DAYS):
            by_hand = sum(1 for d in _days(a + timedelta(days=1), (b - a).days) if is_working_day(d))
            if working_days_between(a, b) != by_hand or working_days_between(b, a) != -by_hand:
                failures.append((a, b))
    assert failures == []

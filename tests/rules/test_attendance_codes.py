"""The attendance codes of the 2024 regulations and the DfE's attendance percentage and absence flags."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from service.rules.attendance_codes import (
    CODES,
    DECISION_CODES,
    MEANINGS,
    PROVIDER_CODES,
    CodeClass,
    CodeError,
    Enterer,
    Session,
    attendance_percent,
    attendance_summary,
    code_class,
    codes_for,
    decision_codes,
    is_unexplained,
    may_enter,
    off_site_register_code,
    parse_code,
    sessions_over,
    weekly_summaries,
)
from service.rules.organisations import OrganisationKind

EVERY_2024_CODE = {
    "/": CodeClass.PRESENT,
    "\\": CodeClass.PRESENT,
    "L": CodeClass.PRESENT,
    "K": CodeClass.APPROVED_EDUCATION,
    "B": CodeClass.APPROVED_EDUCATION,
    "V": CodeClass.APPROVED_EDUCATION,
    "P": CodeClass.APPROVED_EDUCATION,
    "W": CodeClass.APPROVED_EDUCATION,
    "C": CodeClass.AUTHORISED_ABSENCE,
    "C1": CodeClass.AUTHORISED_ABSENCE,
    "C2": CodeClass.AUTHORISED_ABSENCE,
    "M": CodeClass.AUTHORISED_ABSENCE,
    "J1": CodeClass.AUTHORISED_ABSENCE,
    "S": CodeClass.AUTHORISED_ABSENCE,
    "T": CodeClass.AUTHORISED_ABSENCE,
    "R": CodeClass.AUTHORISED_ABSENCE,
    "I": CodeClass.AUTHORISED_ABSENCE,
    "E": CodeClass.AUTHORISED_ABSENCE,
    "G": CodeClass.UNAUTHORISED_ABSENCE,
    "N": CodeClass.UNAUTHORISED_ABSENCE,
    "O": CodeClass.UNAUTHORISED_ABSENCE,
    "U": CodeClass.UNAUTHORISED_ABSENCE,
    "Q": CodeClass.NOT_POSSIBLE,
    **{f"Y{n}": CodeClass.NOT_POSSIBLE for n in range(1, 8)},
    "D": CodeClass.NOT_COUNTED,
    "X": CodeClass.NOT_COUNTED,
    "Z": CodeClass.NOT_COUNTED,
    "#": CodeClass.NOT_COUNTED,
}


def test_the_table_has_exactly_the_2024_codes():
    assert set(CODES) == set(EVERY_2024_CODE)
    assert all(row.label for row in CODES.values())


@pytest.mark.parametrize("code,expected", sorted(EVERY_2024_CODE.items()))
def test_every_code_has_its_class(code, expected):
    assert code_class(code) is expected


@pytest.mark.parametrize(
    "code,possible,present,authorised,unauthorised",
    [
        ("/", 1, 1, 0, 0),
        ("L", 1, 1, 0, 0),
        ("B", 1, 1, 0, 0),  # approved education counts as present
        ("K", 1, 1, 0, 0),
        ("I", 1, 0, 1, 0),
        ("C2", 1, 0, 1, 0),
        ("N", 1, 0, 0, 1),
        ("U", 1, 0, 0, 1),
        ("Y4", 0, 0, 0, 0),  # not a possible session
        ("Q", 0, 0, 0, 0),
        ("#", 0, 0, 0, 0),  # administrative, not counted
        ("X", 0, 0, 0, 0),
    ],
)
def test_each_class_counts_as_the_dfe_counts_it(code, possible, present, authorised, unauthorised):
    summary = attendance_summary(["/", code])
    assert (summary.possible, summary.present, summary.authorised, summary.unauthorised) == (
        1 + possible,
        1 + present,
        authorised,
        unauthorised,
    )


def test_no_possible_session_has_no_percentage_and_no_flag():
    summary = attendance_summary(["#", "Y1", "X"])
    assert summary.possible == 0
    assert summary.percent is None
    assert not summary.persistent and not summary.severe
    assert attendance_summary([]).percent is None


@pytest.mark.parametrize(
    "present,absent,percent,persistent,severe",
    [
        (10, 0, Decimal("100.0"), False, False),
        (9, 1, Decimal("90.0"), True, False),  # exactly 90% (10% missed): persistent absence, DfE's boundary
        (9001, 999, Decimal("90.0"), False, False),  # 90.01% shows as 90.0% but is above 90%: not persistent
        (8999, 1001, Decimal("90.0"), True, False),  # 89.99%: persistent
        (899, 101, Decimal("89.9"), True, False),
        (5, 5, Decimal("50.0"), True, True),  # exactly 50%: severe absence too
        (5001, 4999, Decimal("50.0"), True, False),  # 50.01%: persistent, not severe
        (499, 501, Decimal("49.9"), True, True),
        (0, 4, Decimal("0.0"), True, True),
        (2, 1, Decimal("66.7"), True, False),  # rounded half up to 1 dp
        (1, 0, Decimal("100.0"), False, False),  # one session, attended
        (0, 1, Decimal("0.0"), True, True),  # one session, missed
    ],
)
def test_percentage_and_flags(present, absent, percent, persistent, severe):
    summary = attendance_summary(["/"] * present + ["I"] * absent)
    assert summary.percent == percent
    assert summary.persistent is persistent
    assert summary.severe is severe


@pytest.mark.parametrize(
    "attended,possible,percent",
    [
        (1, 8, Decimal("12.5")),  # 12.5 exactly
        (1, 16, Decimal("6.3")),  # 6.25 rounds half up, where float round() gives 6.2
        (7, 16, Decimal("43.8")),  # 43.75 -> 43.8
        (2, 3, Decimal("66.7")),
        (0, 0, None),
    ],
)
def test_one_rounding_half_up_everywhere(attended, possible, percent):
    """The percentage a review record shows is the one the register and the end-of-placement report show."""
    assert attendance_percent(attended, possible) == percent


@pytest.mark.parametrize("removed,replacement", [("H", "G"), ("J", "J1"), ("Y", "Y1 to Y7"), ("h", "G")])
def test_removed_codes_are_refused_naming_their_replacement(removed, replacement):
    with pytest.raises(CodeError) as error:
        parse_code(removed)
    assert "removed in 2024" in error.value.message
    assert replacement in error.value.message


@pytest.mark.parametrize("typed,code", [(" n ", "N"), ("y1", "Y1"), ("c2", "C2"), ("/", "/"), ("l", "L")])
def test_codes_are_read_whatever_their_case_and_spaces(typed, code):
    assert parse_code(typed) == code


def test_present_marks_must_match_the_session():
    assert parse_code("/", Session.AM) == "/"
    assert parse_code("\\", Session.PM) == "\\"
    with pytest.raises(CodeError, match="use / for present in the morning"):
        parse_code("\\", Session.AM)
    with pytest.raises(CodeError, match="use \\\\ for present in the afternoon"):
        parse_code("/", Session.PM)


@pytest.mark.parametrize("text", ["", "  ", "A", "Y8", "//"])
def test_unknown_codes_are_refused(text):
    with pytest.raises(CodeError):
        parse_code(text)


#: Who may enter each code (provider staff, a commissioner at a school, a commissioner at an LA). The provider
#: records what it saw; ``#`` is the school's own planned closure, so neither a provider nor an LA enters it;
#: whether a session was possible (Y1 to Y7) is the commissioner's decision.
P, S, LA = Enterer.PROVIDER, Enterer.SCHOOL, Enterer.LOCAL_AUTHORITY
SAW = {P, S, LA}
COMMISSIONERS = {S, LA}
WHO_ENTERS = {
    "/": SAW,
    "\\": SAW,
    "L": SAW,
    "U": SAW,
    "N": SAW,
    **{code: COMMISSIONERS for code in ("K", "B", "V", "P", "W")},
    **{code: COMMISSIONERS for code in ("C", "C1", "C2", "M", "J1", "S", "T", "R", "I", "E")},
    "G": COMMISSIONERS,
    "O": COMMISSIONERS,
    "Q": COMMISSIONERS,
    **{f"Y{n}": COMMISSIONERS for n in range(1, 8)},
    "D": COMMISSIONERS,
    "X": COMMISSIONERS,
    "Z": COMMISSIONERS,
    "#": {S},
}


def test_the_who_enters_table_covers_every_code():
    assert set(WHO_ENTERS) == set(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
@pytest.mark.parametrize("by", list(Enterer))
def test_who_may_enter_each_code(code, by):
    allowed = by in WHO_ENTERS[code]
    assert may_enter(code, by) is allowed
    assert (code in codes_for(by)) is allowed
    if allowed:
        assert parse_code(code.lower()) == code
        assert parse_code(f" {code.lower()} ", by=by) == code
    else:
        with pytest.raises(CodeError):
            parse_code(code, by=by)


def test_a_provider_records_what_it_saw_and_the_commissioner_decides_why():
    assert PROVIDER_CODES == ("/", "\\", "L", "N", "U")
    assert parse_code("n", by=Enterer.PROVIDER) == "N"
    for code in ("C", "M", "I", "O", "G", "B", "K", "Q", "D"):
        with pytest.raises(CodeError, match="set by the commissioner"):
            parse_code(code, by=Enterer.PROVIDER)
    assert "N" not in DECISION_CODES


@pytest.mark.parametrize("code", ["#", *(f"Y{n}" for n in range(1, 8))])
def test_a_provider_typing_a_closure_or_not_possible_code_is_sent_to_report_a_closure(code):
    with pytest.raises(CodeError) as error:
        parse_code(code.lower(), by=Enterer.PROVIDER)
    assert "report it on the Report a closure page" in error.value.message
    assert "commissioner" in error.value.message


def test_hash_is_a_schools_own_closure():
    assert CODES["#"].label == "Planned whole-school closure (the school's own)"
    assert parse_code("#", by=Enterer.SCHOOL) == "#"
    with pytest.raises(CodeError, match="a local authority has no school to close"):
        parse_code("#", by=Enterer.LOCAL_AUTHORITY)
    assert parse_code("Y4", by=Enterer.LOCAL_AUTHORITY) == "Y4"


def test_a_closure_session_may_also_be_decided_not_possible():
    assert decision_codes(closure=False) == DECISION_CODES
    assert not any(code.startswith("Y") for code in DECISION_CODES)
    closure = decision_codes(closure=True)
    assert set(closure) == set(DECISION_CODES) | {f"Y{n}" for n in range(1, 8)}
    assert "N" not in closure and "#" not in closure and "Q" not in closure
    assert all(code_class(c) in (CodeClass.AUTHORISED_ABSENCE, CodeClass.UNAUTHORISED_ABSENCE) for c in DECISION_CODES)


def test_only_n_is_unexplained():
    assert is_unexplained("N")
    assert not any(is_unexplained(code) for code in CODES if code != "N")


def test_weekly_summaries_cover_each_iso_week_monday_to_friday():
    marks = [
        (date(2026, 3, 2), "/"),  # Monday, week 10
        (date(2026, 3, 2), "\\"),
        (date(2026, 3, 6), "N"),  # Friday, week 10
        (date(2026, 3, 9), "I"),  # Monday, week 11
        (date(2026, 2, 27), "/"),  # before the period: left out
    ]
    weeks = weekly_summaries(marks, date(2026, 3, 1), date(2026, 3, 18))
    assert [w.monday for w in weeks] == [date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert weeks[0].summary.possible == 0
    assert weeks[1].iso_week == (2026, 10)
    assert (weeks[1].summary.present, weeks[1].summary.unauthorised, weeks[1].summary.percent) == (
        2,
        1,
        Decimal("66.7"),
    )
    assert weeks[2].summary.by_class[CodeClass.AUTHORISED_ABSENCE] == 1
    assert weeks[2].friday == date(2026, 3, 13)


def test_the_off_site_code_is_still_b_or_k():
    assert off_site_register_code(OrganisationKind.LOCAL_AUTHORITY, dual_registered=False) == "K"
    assert off_site_register_code(OrganisationKind.SCHOOL, dual_registered=False) == "B"


@pytest.mark.parametrize(
    ("at", "over"),
    [
        (time(9, 0), []),
        (time(12, 29), []),
        (time(12, 30), [Session.AM]),  # the morning is over at 12:30 exactly
        (time(15, 59), [Session.AM]),
        (time(16, 0), [Session.AM, Session.PM]),
        (time(23, 59), [Session.AM, Session.PM]),
    ],
)
def test_sessions_over(at, over):
    assert sessions_over(at) == over


@pytest.mark.parametrize(
    ("commissioned_by", "dual_registered", "code"),
    [
        # Provision the LA arranged where the pupil is not registered: K.
        (OrganisationKind.LOCAL_AUTHORITY, False, "K"),
        # Dual registered at the provider (a pupil referral unit or an AP academy): D, whoever arranged it.
        (OrganisationKind.LOCAL_AUTHORITY, True, "D"),
        (OrganisationKind.SCHOOL, True, "D"),
        # AP the school arranged, the pupil not registered there: B.
        (OrganisationKind.SCHOOL, False, "B"),
    ],
)
def test_the_off_site_code_is_d_when_dual_registered_else_k_or_b(commissioned_by, dual_registered, code):
    """D versus K/B (the 2024 regulations): the code the home school's register records for the AP sessions."""
    assert off_site_register_code(commissioned_by, dual_registered) == code
    assert MEANINGS[code].startswith(f"{code} — ")
    assert code_class(code) is (CodeClass.NOT_COUNTED if code == "D" else CodeClass.APPROVED_EDUCATION)


@pytest.mark.parametrize(
    "counts",
    [
        {},
        {"/": 1},
        *({code: 1} for code in sorted(EVERY_2024_CODE)),  # each code on its own
        {code: n for n, code in enumerate(sorted(EVERY_2024_CODE), start=1)},  # every code at once
        {"/": 9, "I": 1},  # exactly 90%: persistent
        {"/": 9001, "N": 999},  # 90.01%: shows 90.0%, not persistent
        {"\\": 8999, "O": 1001},  # 89.99%
        {"/": 5, "G": 5},  # exactly 50%: severe
        {"L": 5001, "I": 4999},  # 50.01%
        {"B": 1, "#": 40, "Y4": 3},  # not possible and not counted are left out of both
        {"/": 1, "\\": 15},  # 6.25 rounds half up
        {"/": 0, "N": 0},  # a code counted zero times
        {"/": 180_000, "\\": 170_000, "N": 30_000, "I": 12_000, "#": 2_000},  # an LA's year
    ],
)
def test_summary_from_counts_agrees_with_the_summary_of_the_codes(counts):
    """The summary counts marks in the database and classifies the counts: exactly what classifying every mark
    gives, flags and rounding included."""
    from service.rules.attendance_codes import attendance_summary_from_counts

    codes = [code for code, n in counts.items() for _ in range(n)]
    assert attendance_summary_from_counts(counts) == attendance_summary(codes)

"""The records the summary tests count by hand: one school's placements in the 2025 to 2026 school year, one
that ended the year before, a draft, and another school's placement that must never be counted."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from service.attendance.models import AttendanceMark
from service.extensions import db
from service.placements.models import PlacementSession
from service.pupils.models import SenStatus
from service.rules.attendance_codes import Session
from service.rules.decision import Circumstance, DecisionMaker
from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination, EndReason
from service.rules.placement_status import PlacementStatus
from service.term_dates.models import TermDate
from tests import factories

NAMES = ("Ada", "Lovelace", "Brunel", "Isambard", "Curie", "Marie", "Otherschool")


def add_marks(placement, codes: str | list[str], first: date = date(2026, 1, 5)) -> None:  # type: ignore[no-untyped-def]
    """One morning mark a weekday from ``first``, in order."""
    day = first
    for code in codes:
        while day.weekday() > 4:
            day += timedelta(days=1)
        db.session.add(AttendanceMark(placement_id=placement.id, on=day, session=Session.AM, code=code))
        day += timedelta(days=1)
    db.session.commit()


@pytest.fixture
def records(school, other_school, provider):  # type: ignore[no-untyped-def]
    provider.urn = "123456"
    brightway = factories.ProviderFactory(name="Brightway Tutors", urn=None, ukprn="10012345")
    ada = factories.PupilFactory(
        organisation=school,
        legal_first_name="Ada",
        legal_last_name="Lovelace",
        date_of_birth=date(2011, 3, 14),  # 14 on 31 August 2025: Year 10 in 2025/26
        sen_status=SenStatus.EHCP,
    )
    isambard = factories.PupilFactory(
        organisation=school,
        legal_first_name="Isambard",
        legal_last_name="Brunel",
        date_of_birth=date(2012, 10, 1),  # 12 on 31 August 2025: Year 8
        sen_status=SenStatus.SEN_SUPPORT,
    )
    marie = factories.PupilFactory(
        organisation=school,
        legal_first_name="Marie",
        legal_last_name="Curie",
        date_of_birth=date(2011, 3, 14),  # Year 10 by age, taught in Year 9
        year_group_override=9,
    )
    active = PlacementStatus.ACTIVE
    pl1 = factories.PlacementFactory(pupil=ada, provider=provider, status=active)
    pl2 = factories.PlacementFactory(
        pupil=ada,
        provider=brightway,
        status=active,
        circumstance=Circumstance.MEDICAL,
        decision_maker=DecisionMaker.HEALTH_AND_LOCAL_AUTHORITY,
        planned_start=date(2026, 2, 2),
    )
    pl3 = factories.PlacementFactory(
        pupil=isambard,
        provider=provider,
        status=active,
        circumstance=Circumstance.PERMANENTLY_EXCLUDED,
        decision_maker=DecisionMaker.LOCAL_AUTHORITY_ACCESS_TO_LEARNING,
    )
    pl4 = factories.PlacementFactory(pupil=marie, provider=provider, status=active, with_sessions=False)
    pl4.sessions = [PlacementSession(weekday=d, starts_at=time(9, 0), ends_at=time(15, 0)) for d in range(5)]
    pl5 = factories.PlacementFactory(
        pupil=isambard,
        provider=brightway,
        status=PlacementStatus.ENDED,
        circumstance=Circumstance.NO_SCHOOL_PLACE,
        decision_maker=DecisionMaker.LOCAL_AUTHORITY_ACCESS_TO_LEARNING,
        planned_start=date(2025, 9, 8),
        actual_start=date(2025, 9, 8),
        planned_end=date(2025, 12, 12),
        actual_end=date(2025, 12, 12),
    )
    eop = factories.EndOfPlacementFactory(
        placement=pl5, ended_on=date(2025, 12, 12), reason=EndReason.COMPLETED, destination=Destination.REINTEGRATION
    )
    for rating in (ProgressRating.ACHIEVED, ProgressRating.ACHIEVED, ProgressRating.SOME):
        factories.ObjectiveOutcomeFactory(end_of_placement=eop, rating=rating)
    # Ended in July 2025, before the 2025/26 school year: never counted in it.
    before = factories.PlacementFactory(
        pupil=isambard,
        provider=brightway,
        status=PlacementStatus.ENDED,
        planned_start=date(2025, 1, 6),
        actual_start=date(2025, 1, 6),
        planned_end=date(2025, 7, 18),
        actual_end=date(2025, 7, 18),
    )
    factories.EndOfPlacementFactory(
        placement=before, ended_on=date(2025, 7, 18), destination=Destination.FURTHER_EDUCATION
    )
    add_marks(before, "OOOO", first=date(2025, 3, 3))
    factories.PlacementFactory(pupil=marie, provider=provider, status=PlacementStatus.DRAFT)
    elsewhere = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=other_school, legal_last_name="Otherschool"),
        provider=provider,
        status=active,
    )
    add_marks(elsewhere, "OOOOOO")
    # pl1: 6 present, 1 approved education, 2 authorised, 1 unauthorised: 7 of 10 = 70%.
    add_marks(pl1, ["/"] * 6 + ["B", "I", "I", "O"])
    # pl3: 1 present, 3 unexplained: 1 of 4 = 25%.
    add_marks(pl3, "/NNN")
    # pl4: 2 present and a planned closure, which is not a possible session: 100%.
    add_marks(pl4, "//#")
    for name, start, end in (
        ("Autumn 1 2025/26", date(2025, 9, 3), date(2025, 10, 24)),
        ("Autumn 2 2025/26", date(2025, 11, 3), date(2025, 12, 19)),
        ("Spring 1 2025/26", date(2026, 1, 5), date(2026, 2, 13)),
        ("Spring 2 2025/26", date(2026, 2, 23), date(2026, 3, 27)),
    ):
        db.session.add(TermDate(organisation_id=school.id, name=name, starts_on=start, ends_on=end))
    db.session.commit()
    return {"pl1": pl1, "pl2": pl2, "pl3": pl3, "pl4": pl4, "pl5": pl5, "before": before, "elsewhere": elsewhere}

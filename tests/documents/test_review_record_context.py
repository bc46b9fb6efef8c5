"""The review record's context: one review of a placement, exactly the documented fields, plain JSON, progress
against the plan's objectives, and the default template printing it like Appendix A's review meeting part."""

from __future__ import annotations

import base64
import io
import json
from datetime import date
from pathlib import Path

import docx
import pytest

from service.documents.engine.rendering import render_docx
from service.documents.kinds import check_template, context_problems
from service.documents.kinds.review_record import build_review_record_context
from service.documents.types import DocumentType
from service.reviews.models import Review
from service.rules.outcomes import ProgressRating
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.documents.conftest import all_text, default_template

RECORD_TEMPLATE = "review_record.docx"
ON = date(2026, 2, 10)
RECORD = DocumentType.REVIEW_RECORD


@pytest.fixture
def placement(db_session, school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(
        organisation=school, legal_first_name="Amara", legal_last_name="Nwosu", preferred_name="Ami"
    )
    return factories.PlacementFactory(
        pupil=pupil, provider=provider, status=PlacementStatus.UNDER_REVIEW, planned_end=date(2026, 3, 27)
    )


@pytest.fixture
def review(placement, db_session):  # type: ignore[no-untyped-def]
    """The second review: progress on both objectives of the plan, then one objective removed from the plan."""
    plan = factories.SupportPlanFactory(placement=placement)
    kept = factories.PlanObjectiveFactory(support_plan=plan, position=0)
    removed = factories.PlanObjectiveFactory(
        support_plan=plan, position=1, objective="Read a chapter a week", baseline="No reading", target="A book"
    )
    factories.ReviewFactory(placement=placement, number=1, meeting_date=date(2026, 1, 19))
    recorder = factories.UserFactory(name="Kay Owen", organisation=placement.commissioning_organisation)
    review = factories.ReviewFactory(
        placement=placement,
        number=2,
        attendance_notes="Late twice after the bus changed.",
        changes_to_need="Travel anxiety is now the main barrier.",
        changes_to_outcomes="Reintegration moved to Easter.",
        changes_to_plan="One day a week in school from March.",
        extension_agreed=True,
        new_end_date=date(2026, 5, 22),
        next_review_date=date(2026, 3, 23),
        recorded_by=recorder,
    )
    factories.ObjectiveProgressFactory(review=review, position=0, objective=kept, objective_text=kept.objective)
    factories.ObjectiveProgressFactory(
        review=review,
        position=1,
        objective=removed,
        objective_text="Read a chapter a week",
        rating=ProgressRating.ACHIEVED,
        evidence="Finished two books.",
    )
    db_session.delete(removed)  # the plan changed after the review: the record still stands alone
    db_session.commit()
    db_session.expire_all()
    return review


def test_the_context_has_exactly_the_documented_fields_and_is_plain_json(placement, review) -> None:  # type: ignore[no-untyped-def]
    context = build_review_record_context(placement, on=ON, version=2, review=review)

    assert context_problems(RECORD, context) == []
    assert json.loads(json.dumps(context)) == context


def test_the_record_is_of_the_review_asked_for_with_its_attendance_and_changes(placement, review) -> None:  # type: ignore[no-untyped-def]
    context = build_review_record_context(placement, on=ON, version=2, review=review)

    assert context["document"] == {
        "title": "Alternative Provision Review / Transition Meeting",
        "version": "2",
        "generated_on": "10 February 2026",
        "generated_on_iso": "2026-02-10",
    }
    assert context["pupil"]["display_name"] == "Ami Nwosu"
    assert context["placement"]["status"] == "Under review"
    record = context["review"]
    assert {key: value for key, value in record.items() if key not in ("attendance", "progress")} == {
        "number": "2",
        "meeting_date": "9 February 2026",
        "meeting_date_iso": "2026-02-09",
        "present": "Ms K Owen (SENCO), Alex Jones (provider), Pat Smith (parent)",
        "pupil_views": "I like the workshop.",
        "parent_views": "Much happier in the mornings.",
        "notes": "Good start.",
        "changes_to_need": "Travel anxiety is now the main barrier.",
        "changes_to_outcomes": "Reintegration moved to Easter.",
        "changes_to_plan": "One day a week in school from March.",
        "extension_agreed": True,
        "new_end_date": "22 May 2026",
        "new_end_date_iso": "2026-05-22",
        "next_review_date": "23 March 2026",
        "next_review_date_iso": "2026-03-23",
        "recorded_by": "Kay Owen",
    }
    assert record["attendance"] == {
        "from_date": "5 January 2026",
        "from_date_iso": "2026-01-05",
        "to_date": "6 February 2026",
        "to_date_iso": "2026-02-06",
        "sessions_possible": "50",
        "sessions_attended": "44",
        "percent": "88%",
        "notes": "Late twice after the bus changed.",
        "chart_image": "",  # nothing in the register for the period
    }


def test_progress_shows_the_plans_baseline_and_target_while_the_objective_is_still_in_it(placement, review) -> None:  # type: ignore[no-untyped-def]
    progress = build_review_record_context(placement, on=ON, review=review)["review"]["progress"]

    assert progress == [
        {
            "objective": "Attend every session",
            "baseline": "62% attendance last half-term",
            "target": "95% attendance",
            "rating": "Some progress",
            "evidence": "88% attendance this half-term.",
        },
        {
            "objective": "Read a chapter a week",  # copied into the review: still there after removal
            "baseline": "",
            "target": "",
            "rating": "Achieved",
            "evidence": "Finished two books.",
        },
    ]


def test_a_review_with_only_a_date_still_makes_a_complete_record(placement, db_session) -> None:  # type: ignore[no-untyped-def]
    bare = Review(placement=placement, number=1, meeting_date=date(2026, 2, 9))
    db_session.add(bare)
    db_session.commit()

    context = build_review_record_context(placement, on=ON, review=bare)

    assert context_problems(RECORD, context) == []
    attendance = context["review"]["attendance"]
    assert (attendance["sessions_possible"], attendance["percent"], attendance["from_date"]) == ("", "", "")
    assert (context["review"]["recorded_by"], context["review"]["progress"]) == ("", [])
    assert context["review"]["extension_agreed"] is False


@pytest.mark.parametrize(
    ("possible", "attended", "percent"),
    [(50, 44, "88%"), (40, 35, "87.5%"), (0, 0, ""), (None, 3, ""), (10, 10, "100%")],
)
def test_attendance_is_a_percentage_of_possible_sessions(placement, db_session, possible, attended, percent) -> None:  # type: ignore[no-untyped-def]
    review = factories.ReviewFactory(placement=placement, sessions_possible=possible, sessions_attended=attended)

    assert build_review_record_context(placement, on=ON, review=review)["review"]["attendance"]["percent"] == percent


def test_a_review_of_another_placement_is_refused(placement, review, school, provider) -> None:  # type: ignore[no-untyped-def]
    other = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school), provider=provider)

    with pytest.raises(ValueError, match="one of the placement's reviews"):
        build_review_record_context(other, on=ON, review=review)


# -- the default template ------------------------------------------------------------------------------


def test_the_default_template_prints_the_review_like_appendix_a(placement, review, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = build_review_record_context(placement, on=ON, version=3, review=review)

    paragraphs = all_text(render_docx(default_template(RECORD_TEMPLATE, tmp_path), context))

    assert "Alternative Provision Review / Transition Meeting" in paragraphs
    assert "Ami Nwosu" in paragraphs and "Amara Nwosu" in paragraphs
    assert "9 February 2026" in paragraphs and "23 March 2026" in paragraphs and "Kay Owen" in paragraphs
    assert "Ms K Owen (SENCO), Alex Jones (provider), Pat Smith (parent)" in paragraphs
    assert [p for p in paragraphs if p in ("50", "44", "88%")] == ["50", "44", "88%"]
    assert "I like the workshop." in paragraphs and "Much happier in the mornings." in paragraphs
    assert "Some progress" in paragraphs and "Achieved" in paragraphs and "Finished two books." in paragraphs
    assert "Are there any changes to the assessed need?" in paragraphs
    assert "Travel anxiety is now the main barrier." in paragraphs
    assert "One day a week in school from March." in paragraphs
    assert "Yes" in paragraphs and "22 May 2026" in paragraphs
    assert "OFFICIAL-SENSITIVE" in paragraphs
    assert any("Review record: Ami Nwosu" in p and "version 3, 10 February 2026" in p for p in paragraphs)
    assert not any("{{" in p or "{%" in p for p in paragraphs)


def test_the_default_template_prints_a_dash_for_what_was_not_recorded(placement, db_session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bare = Review(placement=placement, number=1, meeting_date=date(2026, 2, 9))
    db_session.add(bare)
    db_session.commit()

    context = build_review_record_context(placement, on=ON, review=bare)
    paragraphs = all_text(render_docx(default_template(RECORD_TEMPLATE, tmp_path), context))

    assert "None recorded" in paragraphs  # no progress recorded
    # present, next review, 5 attendance figures, attendance notes, both views, notes, 3 changes, new end date
    assert paragraphs.count("—") == 15
    assert not any("{{" in p or "{%" in p for p in paragraphs)


def test_a_review_record_template_cannot_use_the_support_plans_fields() -> None:
    document = docx.Document()
    document.add_paragraph("{{ review.notes }} {{ support.total_hours }}")
    out = io.BytesIO()
    document.save(out)

    (problem,) = check_template(out.getvalue(), RECORD)

    assert "support" in problem.message


# -- the register's chart ------------------------------------------------------------------------------


def _register(placement, first: date, weeks: int) -> None:  # type: ignore[no-untyped-def]
    """Full weeks of marks from Monday ``first``: present, except absent without a reason on Wednesdays."""
    from datetime import timedelta

    from service.attendance.models import AttendanceMark
    from service.extensions import db
    from service.rules.attendance_codes import Session

    for day in (first + timedelta(days=n) for n in range(weeks * 7)):
        if day.weekday() < 5:
            am, pm = ("N", "N") if day.weekday() == 2 else ("/", "\\")
            db.session.add(AttendanceMark(placement_id=placement.id, on=day, session=Session.AM, code=am))
            db.session.add(AttendanceMark(placement_id=placement.id, on=day, session=Session.PM, code=pm))
    db.session.commit()


def test_the_record_has_the_registers_chart_over_the_review_period(placement, review, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _register(placement, date(2026, 1, 5), 5)  # 5 January to 6 February: the review's attendance period

    context = build_review_record_context(placement, on=ON, review=review)
    png = base64.b64decode(context["review"]["attendance"]["chart_image"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")

    data = render_docx(default_template(RECORD_TEMPLATE, tmp_path), context)
    assert len(docx.Document(io.BytesIO(data)).inline_shapes) == 1  # the chart
    assert any("The register week by week over the period" in p for p in all_text(data))


def test_without_marks_in_the_period_the_record_has_no_chart(placement, review, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _register(placement, date(2026, 2, 16), 1)  # after the review's period: not counted

    context = build_review_record_context(placement, on=ON, review=review)
    assert context["review"]["attendance"]["chart_image"] == ""

    data = render_docx(default_template(RECORD_TEMPLATE, tmp_path), context)
    assert len(docx.Document(io.BytesIO(data)).inline_shapes) == 0
    assert not any("The register week by week" in p for p in all_text(data))

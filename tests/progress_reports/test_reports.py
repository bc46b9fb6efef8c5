"""Termly progress reports through the real forms: the provider writes a draft, submits it, the commissioner
is told by an email that names no pupil, reads it against each objective, and a mistake is put right by a new
version; the wrong people get 403 or 404; the lists of reports owed and overdue cost a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.mail.models import OutboxMessage
from service.progress_reports import schedule
from service.progress_reports.models import ProgressReport, ReportStatus
from service.rules.outcomes import ProgressRating
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import date_fields, form_data, text

HOSTILE = "Tom & Jerry <script>alert('x')</script> “quoted” 😀 مرحبا"


def _placement(school, provider, *, status=PlacementStatus.ACTIVE, days_ago=200):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Zoë", legal_last_name="Quill")
    start = date.today() - timedelta(days=days_ago)
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, status=status, planned_start=start, actual_start=start
    )
    plan = factories.SupportPlanFactory(placement=placement, agreed_at=datetime.now(UTC))
    factories.PlanObjectiveFactory(support_plan=plan, position=0, objective="Attend every session")
    factories.PlanObjectiveFactory(
        support_plan=plan, position=1, objective="Read a page aloud & explain it", target="Reading age 11"
    )
    db.session.refresh(placement)
    return placement


def _current_term(placement) -> str:  # type: ignore[no-untyped-def]
    return schedule.due_for(placement, date.today())[-1].term.key


def _answers(placement, **fields):  # type: ignore[no-untyped-def]
    meeting = date.today() - timedelta(days=1)
    data = {
        **date_fields("meeting_date", meeting.day, meeting.month, meeting.year),
        "consulted_with": ["pupil", "parents"],
        "consulted": "Pat Smith (mother), Ms K Owen (SENCO)",
        "attendance_engagement": "Attended 44 of 50 sessions. " + HOSTILE,
        "pupil_view": "I like the workshop.",
        "next_steps": "Start the Level 1 English unit.",
    }
    for index, objective in enumerate(placement.support_plan.objectives):
        data[f"objectives-{index}-objective_id"] = str(objective.id)
        data[f"objectives-{index}-rating"] = "good"
        data[f"objectives-{index}-comment"] = f"Evidence for objective {index + 1}"
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def _post(client, placement, term, button="submit_report", **fields):  # type: ignore[no-untyped-def]
    url = f"/placements/{placement.id}/progress-reports/{term}/edit"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data=form_data(page, {**_answers(placement, **fields), button: "x"}))


def test_the_provider_submits_a_report_and_the_commissioner_reads_it_against_each_objective(
    app, as_provider, school, provider, commissioner, db_session
):
    placement = _placement(school, provider)
    term = _current_term(placement)
    response = _post(as_provider, placement, term)
    assert response.status_code == 302
    report = db_session.scalars(sa.select(ProgressReport)).one()
    assert report.status is ReportStatus.SUBMITTED and not report.on_behalf_of_provider
    assert report.attendance_engagement.endswith(HOSTILE)
    assert [(r.objective_text, r.rating) for r in report.objectives] == [
        ("Attend every session", ProgressRating.GOOD),
        ("Read a page aloud & explain it", ProgressRating.GOOD),
    ]

    reader = browser(app)
    sign_in(reader, commissioner)
    page = text(reader.get(f"/placements/{placement.id}/progress-reports/{term}"))
    assert "Read a page aloud &amp; explain it" in page and "Good progress" in page and "Reading age 11" in page
    assert "Tom &amp; Jerry &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; “quoted” 😀 مرحبا" in page
    assert "Pat Provider (the provider)" in page
    section = text(reader.get(f"/placements/{placement.id}")).split('id="progress-reports"')[1]
    assert "Submitted" in section


def test_submitting_emails_the_commissioner_with_the_reference_and_no_pupil_name(
    as_provider, school, provider, commissioner, db_session
):
    placement = _placement(school, provider)
    term = _current_term(placement)
    assert _post(as_provider, placement, term).status_code == 302
    message = db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.purpose == "progress_report")).one()
    assert f"AP-{placement.id}" in message.subject
    assert message.to_addresses == [commissioner.email]
    for name in ("Zoë", "Quill"):
        assert name not in message.subject and name not in message.body_text
    assert f"/placements/{placement.id}/progress-reports/{term}" in message.body_text


def test_a_missing_rating_is_named_next_to_it_and_the_saved_draft_is_kept(as_provider, school, provider, db_session):
    placement = _placement(school, provider)
    term = _current_term(placement)
    assert _post(as_provider, placement, term, button="save_draft", next_steps="First draft").status_code == 302
    response = _post(as_provider, placement, term, **{"objectives-1-rating": None, "next_steps": "Changed " + HOSTILE})
    assert response.status_code == 400
    page = text(response)
    assert "Select the progress made against this objective" in page
    assert 'id="objectives-1-rating-error"' in page or "objectives-1-rating" in page.split("Select the progress")[0]
    assert "Changed Tom &amp; Jerry" in page  # what was typed comes back
    db_session.expire_all()
    report = db_session.scalars(sa.select(ProgressReport)).one()
    assert report.status is ReportStatus.DRAFT and report.next_steps == "First draft"


def test_a_draft_can_be_saved_with_gaps_and_shows_as_a_draft(as_provider, school, provider, db_session):
    placement = _placement(school, provider)
    term = _current_term(placement)
    response = _post(as_provider, placement, term, button="save_draft", pupil_view="", **{"objectives-0-rating": None})
    assert response.status_code == 302
    report = db_session.scalars(sa.select(ProgressReport)).one()
    assert report.status is ReportStatus.DRAFT and report.objectives[0].rating is None
    page = text(as_provider.get(f"/placements/{placement.id}/progress-reports/{term}/edit"))
    assert "Attended 44 of 50 sessions. Tom &amp; Jerry" in page
    section = text(as_provider.get(f"/placements/{placement.id}")).split('id="progress-reports"')[1]
    assert "Draft" in section or "Overdue" in section


def test_a_future_meeting_date_is_refused_next_to_the_date(as_provider, school, provider, db_session):
    placement = _placement(school, provider)
    term = _current_term(placement)
    tomorrow = date.today() + timedelta(days=1)
    response = _post(
        as_provider, placement, term, **date_fields("meeting_date", tomorrow.day, tomorrow.month, tomorrow.year)
    )
    assert response.status_code == 400
    assert "The review meeting must be today or in the past" in text(response)
    assert db_session.scalars(sa.select(ProgressReport)).all() == []


def test_a_submitted_report_is_read_only_and_a_correction_is_a_new_version(
    as_provider, school, provider, commissioner, db_session
):
    placement = _placement(school, provider)
    term = _current_term(placement)
    assert _post(as_provider, placement, term).status_code == 302
    edit = as_provider.get(f"/placements/{placement.id}/progress-reports/{term}/edit")
    assert edit.status_code == 302 and edit.headers["Location"].endswith(f"/progress-reports/{term}")

    url = f"/placements/{placement.id}/progress-reports/{term}/correct"
    page = as_provider.get(url)
    blank = as_provider.post(url, data=form_data(page, {"reason": ""}))
    assert blank.status_code == 400 and "Enter what needs correcting" in text(blank)
    assert as_provider.post(url, data=form_data(page, {"reason": "Wrong rating for reading"})).status_code == 302
    response = _post(as_provider, placement, term, **{"objectives-1-rating": "achieved"})
    assert response.status_code == 302
    db_session.expire_all()
    first, second = db_session.scalars(sa.select(ProgressReport).order_by(ProgressReport.version)).all()
    assert first.objectives[1].rating is ProgressRating.GOOD and first.status is ReportStatus.SUBMITTED
    assert (
        second.objectives[1].rating is ProgressRating.ACHIEVED
        and second.correction_reason == "Wrong rating for reading"
    )
    old = text(as_provider.get(f"/placements/{placement.id}/progress-reports/{term}/versions/1"))
    assert "It has been replaced by version 2" in old
    messages = db_session.scalars(sa.select(OutboxMessage.subject).where(OutboxMessage.purpose == "progress_report"))
    assert [s.split(":")[0] for s in messages] == ["Progress report submitted", "Progress report corrected"]


def test_the_commissioner_can_write_it_for_the_provider_and_it_says_so(as_commissioner, school, provider, db_session):
    placement = _placement(school, provider)
    term = _current_term(placement)
    assert _post(as_commissioner, placement, term).status_code == 302
    report = db_session.scalars(sa.select(ProgressReport)).one()
    assert report.on_behalf_of_provider
    page = text(as_commissioner.get(f"/placements/{placement.id}/progress-reports/{term}"))
    assert "on the provider&#39;s behalf" in page
    assert db_session.scalars(sa.select(OutboxMessage)).all() == []  # nobody to tell: they wrote it


def test_reading_a_report_is_audited(as_commissioner, school, provider, db_session):
    placement = _placement(school, provider)
    term = _current_term(placement)
    report = factories.ProgressReportFactory(placement=placement, term_key=term, status=ReportStatus.SUBMITTED)
    assert as_commissioner.get(f"/placements/{placement.id}/progress-reports/{term}").status_code == 200
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "progress_report", AuditEvent.action == "view")
    ).all()
    assert [e.entity_id for e in events] == [report.id]


def test_the_wrong_people_get_403_or_404(app, client, school, other_school, provider, admin, viewer, db_session):
    placement = _placement(school, provider)
    term = _current_term(placement)
    url = f"/placements/{placement.id}/progress-reports/{term}/edit"
    for user in (admin, viewer):
        visitor = browser(app)
        sign_in(visitor, user)
        assert visitor.get(url).status_code == 403
    other_org = factories.ProviderOrganisationFactory(name="Elsewhere Tutors")
    other_provider = factories.ProviderFactory(name="Elsewhere Tutors", organisation=other_org)
    other_staff = factories.UserFactory(organisation=other_org, role=factories.Role.PROVIDER_STAFF)
    other_commissioner = factories.UserFactory(organisation=other_school, role=factories.Role.COMMISSIONER)
    for user in (other_staff, other_commissioner):
        visitor = browser(app)
        sign_in(visitor, user)
        assert visitor.get(url).status_code == 404
        assert visitor.get(f"/placements/{placement.id}/progress-reports/{term}").status_code == 404
    assert other_provider.id != provider.id


def test_a_term_not_owed_or_a_placement_not_started_answers_404(as_provider, school, provider):
    placement = _placement(school, provider)
    assert as_provider.get(f"/placements/{placement.id}/progress-reports/1999-autumn/edit").status_code == 404
    assert as_provider.get(f"/placements/{placement.id}/progress-reports/not-a-term/edit").status_code == 404
    agreed = _placement(school, provider, status=PlacementStatus.AGREED)
    term = _current_term(placement)
    assert as_provider.get(f"/placements/{agreed.id}/progress-reports/{term}/edit").status_code == 404


def _count_queries(function):  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = function()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return result, len(statements)


def test_overdue_reports_lists_each_overdue_term_in_a_fixed_number_of_queries(school, other_school, provider):
    today = date.today()
    school_id = school.id
    first = _placement(school, provider, days_ago=400)
    db.session.expire_all()
    one, queries_for_one = _count_queries(lambda: schedule.overdue_reports(school_id, today))
    assert one and all(o.due.overdue and o.placement.id == first.id for o in one)
    submitted = one[0].due.term.key
    factories.ProgressReportFactory(placement=first, term_key=submitted, status=ReportStatus.SUBMITTED)
    for _ in range(4):
        _placement(school, provider, days_ago=400)
    _placement(other_school, provider, days_ago=400)
    db.session.expire_all()
    many, queries_for_many = _count_queries(lambda: schedule.overdue_reports(school_id, today))
    assert queries_for_many == queries_for_one
    assert {o.placement.commissioning_organisation_id for o in many} == {school_id}
    assert (first.id, submitted) not in {(o.placement.id, o.due.term.key) for o in many}
    assert len({o.placement.id for o in many}) == 5
    assert all(o.reference == f"AP-{o.placement.id}" for o in many)
    assert many == sorted(many, key=lambda o: (o.due.due_by, o.placement.id))


def test_reports_owed_lists_what_the_provider_has_not_submitted(school, provider):
    today = date.today()
    placement = _placement(school, provider)
    other = _placement(school, factories.ProviderFactory(name="Elsewhere"))
    current = _current_term(placement)
    factories.ProgressReportFactory(placement=placement, term_key=current, status=ReportStatus.DRAFT)
    provider_id = provider.id
    db.session.expire_all()
    owed, queries = _count_queries(lambda: schedule.reports_owed(provider_id, today))
    assert queries <= 3, queries
    assert {o.placement.id for o in owed} == {placement.id}
    assert any(o.due.term.key == current and o.draft for o in owed)
    assert other.id not in {o.placement.id for o in owed}


def test_the_form_shows_the_registers_figures_for_the_term(as_provider, school, provider, db_session):
    from service.attendance.models import AttendanceMark
    from service.rules.attendance_codes import Session

    placement = _placement(school, provider, days_ago=400)
    today = date(2026, 12, 1)
    autumn = next(due for due in schedule.due_for(placement, today) if due.term.key == "2026-autumn")
    for day, am, pm in ((date(2026, 11, 2), "/", "N"), (date(2026, 11, 3), "/", "\\"), (date(2026, 7, 1), "N", "N")):
        db_session.add(AttendanceMark(placement_id=placement.id, on=day, session=Session.AM, code=am))
        db_session.add(AttendanceMark(placement_id=placement.id, on=day, session=Session.PM, code=pm))
    db_session.commit()

    register = schedule.term_register(placement, autumn, today)

    assert register is not None and register.end == today and register.start == autumn.term.starts_on
    assert (register.summary.present, register.summary.possible) == (3, 4)  # July is another term
    assert len(register.unexplained) == 1

    page = text(as_provider.get(f"/placements/{placement.id}/progress-reports/{_current_term(placement)}/edit"))
    assert 'id="term-register"' in page and "The register" in page

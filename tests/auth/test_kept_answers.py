"""Answers posted after the session went idle are not saved unseen and not lost: they come back in the form.

A SENCO writing the pupil's views can pass the 30-minute idle limit without noticing. Their post must not be
saved on a timed-out session (the limit protects an unattended screen), and must not be thrown away either.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from service.auth.models import KeptAnswers
from service.db import utcnow
from service.rules.placement_status import PlacementStatus
from service.support_plans.models import SupportPlan
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import form_data, text

LONG_ANSWER = "I like making things with my hands.\nTom & Jerry <b>not bold</b> “quoted” 😀 مرحبا\n" + "x" * 5000


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school)
    return factories.PlacementFactory(pupil=pupil, provider=provider, planned_start=date(2026, 1, 5))


def _go_idle(clock, app) -> None:  # type: ignore[no-untyped-def]
    """Let the idle limit pass, as a long answer being typed would."""
    clock.advance(app.config["APDOCS_SESSION_IDLE_MINUTES"] * 60 + 5)


def _plan(db_session, placement_id: int) -> SupportPlan | None:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalar(sa.select(SupportPlan).where(SupportPlan.placement_id == placement_id))


def test_a_late_post_is_kept_and_comes_back_in_the_form_after_signing_in(
    app, client, clock, commissioner, placement, db_session
):
    sign_in(client, commissioner)
    url = f"/placements/{placement.id}/plan/views"
    page = client.get(url)
    _go_idle(clock, app)
    late = client.post(
        url, data=form_data(page, {"child_views": LONG_ANSWER, "parental_views": "Mornings", "save_continue": "1"})
    )
    assert late.status_code == 302
    assert "expired=1" in late.headers["Location"] and "kept=1" in late.headers["Location"]
    assert _plan(db_session, placement.id) is None  # nothing saved on the timed-out session

    sign_in_page = client.get(late.headers["Location"])
    assert "you will see them in the form again" in text(sign_in_page)
    response = client.post("/sign-in", data=form_data(sign_in_page, {"email": commissioner.email, "password": "x"}))
    assert "Enter a correct email address and password" in text(response)
    response = client.post(
        "/sign-in", data=form_data(sign_in_page, {"email": commissioner.email, "password": factories.TEST_PASSWORD})
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url

    restored = client.get(url)
    page_text = text(restored)
    assert "They are back in the form" in page_text
    assert "Tom &amp; Jerry &lt;b&gt;not bold&lt;/b&gt;" in page_text
    assert "x" * 5000 in page_text
    assert _plan(db_session, placement.id) is None  # still only in the form, until they save it

    saved = client.post(url, data=form_data(restored, {"child_views": LONG_ANSWER, "save_draft": "1"}))
    assert saved.status_code == 302
    assert _plan(db_session, placement.id).child_views == LONG_ANSWER.strip()
    again = text(client.get(url))
    assert "They are back in the form" not in again  # handed back once, then gone
    assert db_session.scalar(sa.select(sa.func.count()).select_from(KeptAnswers)) == 0


def test_a_late_post_with_a_forged_token_keeps_nothing(app, client, clock, commissioner, placement, db_session):
    sign_in(client, commissioner)
    url = f"/placements/{placement.id}/plan/views"
    client.get(url)
    _go_idle(clock, app)
    late = client.post(url, data={"csrf_token": "forged", "child_views": "planted words", "save_draft": "1"})
    assert late.status_code in (302, 400)  # refused outright, or signed out with nothing kept
    assert "kept=1" not in late.headers.get("Location", "")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(KeptAnswers)) == 0


def test_kept_answers_go_back_only_to_the_person_who_typed_them(
    app, client, clock, commissioner, school, placement, db_session
):
    sign_in(client, commissioner)
    url = f"/placements/{placement.id}/plan/views"
    page = client.get(url)
    _go_idle(clock, app)
    client.post(url, data=form_data(page, {"child_views": "Only for Sam", "save_draft": "1"}))

    colleague = factories.UserFactory(organisation=school, role=factories.Role.COMMISSIONER, name="Cat Colleague")
    other_browser = browser(app)
    sign_in(other_browser, colleague)
    assert "Only for Sam" not in text(other_browser.get(url))
    assert db_session.scalar(sa.select(sa.func.count()).select_from(KeptAnswers)) == 1


def test_a_late_review_is_kept_with_its_progress_rows(app, client, clock, commissioner, placement, db_session):
    placement.status = PlacementStatus.ACTIVE
    plan = factories.SupportPlanFactory(placement=placement, agreed_at=utcnow(), agreed_by_id=commissioner.id)
    objective = factories.PlanObjectiveFactory(support_plan=plan, objective="Attend every session")
    db_session.commit()
    sign_in(client, commissioner)
    url = f"/placements/{placement.id}/reviews/new"
    page = client.get(url)
    _go_idle(clock, app)
    fields = {
        "present": "Sam Senco; Pat Parent",
        "pupil_views": "The workshop is my favourite",
        "progress-0-objective_id": str(objective.id),
        "progress-0-rating": "good",
        "progress-0-evidence": "Attended 9 sessions of 10",
    }
    assert "kept=1" in client.post(url, data=form_data(page, fields)).headers["Location"]
    sign_in(client, commissioner)
    restored = text(client.get(url))
    assert "The workshop is my favourite" in restored
    assert "Attended 9 sessions of 10" in restored
    assert re.search(r'value="good"\s+checked', restored), "the rating given is selected again"


def test_a_post_after_the_absolute_limit_is_kept_too(app, client, commissioner, placement, db_session):
    from datetime import timedelta

    from service.auth import sessions
    from service.auth.models import UserSession

    sign_in(client, commissioner)
    url = f"/placements/{placement.id}/plan/views"
    page = client.get(url)
    row = db_session.scalar(sa.select(UserSession).where(UserSession.user_id == commissioner.id))
    row.created_at = sessions.now() - sessions.max_age() - timedelta(minutes=1)  # busy all day, just now over
    db_session.commit()
    late = client.post(url, data=form_data(page, {"child_views": "Typed at the end of a long day", "save_draft": "1"}))
    assert "expired=1" in late.headers["Location"] and "kept=1" in late.headers["Location"]
    assert _plan(db_session, placement.id) is None
    sign_in(client, commissioner)
    assert "Typed at the end of a long day" in text(client.get(url))

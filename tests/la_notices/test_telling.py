"""The LA is told, through the real forms and a real SMTP server on loopback: a SENCO agrees a plan, ends a
placement or extends one at a review, and after the commit the school's local authority gets an email by reference
(its SEN team too for a pupil with an EHCP), never with the pupil's name; the placement page says when. A rollback
sends nothing; a school with no LA, or an LA with no AP contact, still agrees, ends and extends, and sees that the LA
could not be told."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.mail.models import MessageStatus, OutboxMessage
from service.placements.models import Placement
from service.rules.dates import uk_date
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.helpers import date_fields, form_data, text
from tests.la_notices.conftest import FIRST, LAST, PREFERRED, pupil_of, running_placement
from tests.support_plans.test_journey import _fill_everything

AP, SEN = "ap@westshire.example", "sen@westshire.example"


def _la_messages() -> list[OutboxMessage]:
    db.session.expire_all()
    stmt = sa.select(OutboxMessage).where(OutboxMessage.purpose.in_(("la_told", "la_told_sen")))
    return list(db.session.scalars(stmt.order_by(OutboxMessage.id)))


def _assert_no_pupil_name(*texts: str) -> None:
    for piece in texts:
        for name in (FIRST, LAST, PREFERRED):
            assert name not in piece, f"the pupil's name {name!r} is in {piece!r}"


def _agree(client, placement: Placement):  # type: ignore[no-untyped-def]
    check = client.get(f"/placements/{placement.id}/plan/check")
    assert "Must be resolved" not in text(check), text(check)
    return client.post(f"/placements/{placement.id}/plan/agree", data=form_data(check, {}))


def test_agreeing_a_plan_tells_the_la_ap_contact_after_the_commit_by_reference_only(
    as_commissioner, local_authority, school, provider, commissioner, smtp, db_session, default_templates
):
    placement = factories.PlacementFactory(pupil=pupil_of(school), provider=provider, planned_start=date(2026, 1, 5))
    _fill_everything(as_commissioner, placement.id)
    assert _la_messages() == []  # nothing before the agreement

    response = _agree(as_commissioner, placement)
    assert response.status_code == 302, text(response)

    [message] = _la_messages()
    assert message.to_addresses == [AP]  # no EHCP: the SEN team is not told
    assert message.organisation_id == school.id and message.placement_id == placement.id
    assert f"AP-{placement.id}" in message.subject and "Northbridge Academy" in message.subject
    _assert_no_pupil_name(message.subject, message.body_text)
    assert f"/local-authority/placements?reference=AP-{placement.id}" in message.body_text
    assert message.status is MessageStatus.SENT, message.last_error
    assert message.transport == "smtp"
    [received] = [r for r in smtp.messages() if AP in r.rcpt_tos]  # delivered through the real SMTP server
    assert received.rcpt_tos == [AP]
    _assert_no_pupil_name(str(received.email["Subject"]), received.email.get_body().get_content())
    assert f"AP-{placement.id}" in str(received.email["Subject"])

    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert f"The local authority was told that the placement was agreed on {uk_date(date.today())}" in page
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "tell_la", AuditEvent.entity_id == placement.id)
    ).all()
    assert [e.detail["event"] for e in events] == ["agreed"]


def test_agreeing_the_plan_again_after_a_change_does_not_tell_the_la_twice(
    app, local_authority, school, provider, commissioner, db_session, default_templates, as_commissioner
):
    from service.support_plans import agreement

    placement = factories.PlacementFactory(pupil=pupil_of(school), provider=provider, planned_start=date(2026, 1, 5))
    _fill_everything(as_commissioner, placement.id)
    assert _agree(as_commissioner, placement).status_code == 302
    db_session.expire_all()
    again = db_session.get(Placement, placement.id)
    agreement.agree_plan(commissioner, again, Path(app.config["APDOCS_OUTPUT_DIR"]))  # the plan's next version
    db_session.commit()
    assert len(_la_messages()) == 1


def _end_fields(page, last_day: date) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    hidden = dict(re.findall(r'name="(outcomes-\d+-objective_id)"[^>]*value="(\d+)"', text(page)))
    return {
        **hidden,
        **date_fields("ended_on", last_day.day, last_day.month, last_day.year),
        "reason": "completed",
        "outcomes-0-rating": "good",
        "outcomes-0-outcome": "91% over the placement.",
        "destination": "further_education",
        "destination_detail": "Westshire College",
    }


def test_ending_an_ehcp_pupils_placement_tells_the_ap_contact_and_the_sen_team(
    as_commissioner, local_authority, school, provider, commissioner, smtp, db_session
):
    placement = running_placement(school, provider, commissioner, ehcp=True)
    url = f"/placements/{placement.id}/end"
    page = as_commissioner.get(url)
    response = as_commissioner.post(url, data=form_data(page, _end_fields(page, date.today() - timedelta(days=1))))
    assert response.status_code == 302, text(response)

    messages = _la_messages()
    assert [(m.purpose, m.to_addresses) for m in messages] == [("la_told", [AP]), ("la_told_sen", [SEN])]
    for message in messages:
        assert "ended" in message.subject and f"AP-{placement.id}" in message.subject
        _assert_no_pupil_name(message.subject, message.body_text)
        assert message.status is MessageStatus.SENT, message.last_error
    assert sorted(r.rcpt_tos[0] for r in smtp.messages()) == [AP, SEN]
    for received in smtp.messages():
        _assert_no_pupil_name(str(received.email["Subject"]), received.email.get_body().get_content())

    page_text = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert f"The local authority was told that the placement ended on {uk_date(date.today())}" in page_text
    assert f"{AP} and {SEN}" in page_text


def _review_fields(placement: Placement, meeting: date, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        **date_fields("meeting_date", meeting.day, meeting.month, meeting.year),
        "present": "Ms K Owen (SENCO), Alex Jones (provider), Pat Parent",
        "pupil_views": "I like the workshop.",
        "parent_views": "Much happier.",
        "notes": "A good half term.",
        "extension_agreed": "no",
    }
    for index, objective in enumerate(placement.support_plan.objectives):
        fields[f"progress-{index}-objective_id"] = str(objective.id)
        fields[f"progress-{index}-rating"] = "some"
        fields[f"progress-{index}-evidence"] = "Evidence"
    fields.update(overrides)
    return fields


def _post_review(client, placement: Placement, fields: dict[str, Any]):  # type: ignore[no-untyped-def]
    page = client.get(f"/placements/{placement.id}/reviews/new")
    return client.post(f"/placements/{placement.id}/reviews/new", data=form_data(page, fields))


def test_a_review_that_extends_the_placement_tells_the_la_and_one_that_does_not_tells_nobody(
    as_commissioner, local_authority, school, provider, commissioner, smtp, db_session, default_templates
):
    placement = running_placement(school, provider, commissioner)
    meeting = date.today() - timedelta(days=14)
    response = _post_review(as_commissioner, placement, _review_fields(placement, meeting))
    assert response.status_code == 302, text(response)[:3000]
    assert _la_messages() == []  # a review alone is not an event the LA is told of

    new_end = date.today() + timedelta(days=120)
    extended = _review_fields(
        placement,
        date.today() - timedelta(days=1),
        extension_agreed="yes",
        **date_fields("new_end_date", new_end.day, new_end.month, new_end.year),
    )
    response = _post_review(as_commissioner, placement, extended)
    assert response.status_code == 302, text(response)[:3000]
    [message] = _la_messages()
    assert message.to_addresses == [AP] and "extended" in message.subject
    assert f"now runs to {uk_date(new_end)}" in message.body_text
    _assert_no_pupil_name(message.subject, message.body_text)
    assert message.status is MessageStatus.SENT, message.last_error
    assert [r.rcpt_tos for r in smtp.messages()] == [[AP]]
    page = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert f"The local authority was told that the placement was extended on {uk_date(date.today())}" in page


def test_a_rollback_tells_nobody_and_sends_nothing(
    app, local_authority, school, provider, commissioner, smtp, db_session
):
    """The notice and its messages are written in the event's transaction and sent only after its commit."""
    from service.end_of_placement import services as ending
    from service.la_notices.models import LaNotice

    placement = running_placement(school, provider, commissioner, ehcp=True)
    details = ending.EndDetails(
        ended_on=date.today() - timedelta(days=1), reason="completed", destination="further_education"
    )
    ending.end_placement(commissioner, placement, details, Path(app.config["APDOCS_OUTPUT_DIR"]))
    db_session.flush()
    assert len(_pending := db_session.scalars(sa.select(OutboxMessage)).all()) == 2, _pending  # in the transaction
    db_session.rollback()  # e.g. the request failed after ending the placement

    assert _la_messages() == []
    assert db_session.scalars(sa.select(LaNotice)).all() == []
    assert smtp.messages() == []
    assert db_session.get(Placement, placement.id).status is PlacementStatus.ACTIVE


@pytest.mark.parametrize("without", ["local_authority", "ap_contact"])
def test_the_placement_ends_even_when_the_la_cannot_be_told_and_the_school_sees_why(
    without, as_commissioner, school, provider, commissioner, db_session
):
    from service.la_notices.models import LaNotice

    if without == "ap_contact":
        school.local_authority = factories.LocalAuthorityFactory(name="Eastshire Council", ap_contact_email="")
        db_session.commit()
    placement = running_placement(school, provider, commissioner)
    url = f"/placements/{placement.id}/end"
    page = as_commissioner.get(url)
    response = as_commissioner.post(url, data=form_data(page, _end_fields(page, date.today() - timedelta(days=1))))
    assert response.status_code == 302, text(response)

    db_session.expire_all()
    assert db_session.get(Placement, placement.id).status is PlacementStatus.ENDED
    assert _la_messages() == []
    [notice] = db_session.scalars(sa.select(LaNotice)).all()
    assert notice.told_at is None and notice.problem
    shown = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "The local authority could not be told that the placement ended" in shown
    expected = "has not chosen its local authority" if without == "local_authority" else "has no contact for"
    assert expected in shown
    assert db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "tell_la_failed")).one()


def test_a_placement_the_la_commissioned_itself_needs_no_telling(
    as_la_officer, la_officer, local_authority, provider, db_session
):
    placement = running_placement(local_authority, provider, la_officer)
    url = f"/placements/{placement.id}/end"
    page = as_la_officer.get(url)
    response = as_la_officer.post(url, data=form_data(page, _end_fields(page, date.today() - timedelta(days=1))))
    assert response.status_code == 302, text(response)
    assert _la_messages() == []
    assert 'id="la-told"' not in text(as_la_officer.get(f"/placements/{placement.id}"))

"""Starting a placement through the real form, its lifecycle, its history and who can see it."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service.db import utcnow
from service.placements.models import Placement
from service.pupils.models import SenStatus
from service.rules.decision import DecisionMaker
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.helpers import csrf_token, date_fields, form_data, text

HOSTILE = "Tom & Jerry <script>alert(1)</script> \"quoted\" 'single' 😀 مرحبا بالعالم"


def _placement_fields(pupil_id: int, provider_id: int, **overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "pupil_id": str(pupil_id),
        "provider_id": str(provider_id),
        "circumstance": "on_roll",
        "decided_by": "Jo Patel, Deputy Headteacher",
        **date_fields("planned_start", 7, 9, 2026),
        "reason_for_referral": "Needs a smaller setting.",
        "dual_registered": "no",
        "census_reason": "behaviour",
        "sessions-0-weekday": "1",
        "sessions-0-starts_at": "09:00",
        "sessions-0-ends_at": "12:00",
    }
    fields.update(overrides)
    return fields


def test_commissioner_starts_a_placement_with_hostile_text_and_sees_it_intact(
    as_commissioner, school, provider, db_session
):
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Zoë", legal_last_name="O'Brien")
    page = as_commissioner.get(f"/placements/new?pupil_id={pupil.id}")
    assert f'<option selected value="{pupil.id}"' in text(page) or f'value="{pupil.id}" selected' in text(page)
    response = as_commissioner.post(
        "/placements/new", data=form_data(page, _placement_fields(pupil.id, provider.id, reason_for_referral=HOSTILE))
    )
    assert response.status_code == 302
    placement = db_session.scalar(sa.select(Placement))
    assert placement.reason_for_referral == HOSTILE
    assert placement.status is PlacementStatus.DRAFT
    assert placement.hours_per_week == 3
    shown = text(as_commissioner.get(response.headers["Location"]))
    assert '<span class="apdocs-preserve-lines">Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;' in shown
    assert "&lt;span" not in shown
    assert "😀 مرحبا بالعالم" in shown
    assert "<script>alert(1)</script>" not in shown
    assert "Zoë O&#39;Brien" in shown
    assert "Draft" in shown
    assert "The school&#39;s senior leadership team" in shown


def test_ehcp_pupil_on_roll_is_decided_by_the_la_through_annual_review(as_commissioner, school, provider, db_session):
    pupil = factories.PupilFactory(organisation=school, sen_status=SenStatus.EHCP)
    page = as_commissioner.get("/placements/new")
    as_commissioner.post("/placements/new", data=form_data(page, _placement_fields(pupil.id, provider.id)))
    placement = db_session.scalar(sa.select(Placement))
    assert placement.decision_maker is DecisionMaker.LOCAL_AUTHORITY_ANNUAL_REVIEW


def test_errors_show_next_to_fields_and_keep_what_was_typed(as_commissioner, school, provider, db_session):
    pupil = factories.PupilFactory(organisation=school)
    page = as_commissioner.get("/placements/new")
    fields = _placement_fields(
        pupil.id,
        provider.id,
        decided_by="",
        reason_for_referral="Kept text & more",
        **date_fields("planned_start", 31, 2, 2026),
        **{"sessions-0-starts_at": "nine", "sessions-0-ends_at": "12:00"},
    )
    response = as_commissioner.post("/placements/new", data=form_data(page, fields))
    body = text(response)
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter who is making the decision" in body
    assert "Planned start date must be a real date" in body
    assert "Enter the start time as a time like 09:00" in body
    assert "Kept text &amp; more" in body
    assert 'value="nine"' in body
    assert 'value="31"' in body
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 0


def test_end_before_start_and_overlapping_sessions_are_refused(as_commissioner, school, provider, db_session):
    pupil = factories.PupilFactory(organisation=school)
    page = as_commissioner.get("/placements/new")
    response = as_commissioner.post(
        "/placements/new",
        data=form_data(page, _placement_fields(pupil.id, provider.id, **date_fields("planned_end", 1, 9, 2026))),
    )
    assert "Planned end date must be on or after the planned start date" in text(response)
    overlapping = _placement_fields(
        pupil.id,
        provider.id,
        **{"sessions-1-weekday": "1", "sessions-1-starts_at": "11:00", "sessions-1-ends_at": "13:00"},
    )
    response = as_commissioner.post("/placements/new", data=form_data(page, overlapping))
    assert "Two sessions on Tuesday overlap" in text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 0


def test_add_and_remove_session_rows_keep_what_was_typed(as_commissioner, school, provider):
    pupil = factories.PupilFactory(organisation=school)
    page = as_commissioner.get("/placements/new")
    response = as_commissioner.post(
        "/placements/new",
        data=form_data(page, {**_placement_fields(pupil.id, provider.id, decided_by="Typed name"), "add_session": "1"}),
    )
    body = text(response)
    assert "Session 2" in body
    assert 'value="Typed name"' in body
    assert "There is a problem" not in body
    response = as_commissioner.post(
        "/placements/new",
        data=form_data(
            page,
            {
                **_placement_fields(pupil.id, provider.id),
                "sessions-1-weekday": "3",
                "sessions-1-starts_at": "13:00",
                "sessions-1-ends_at": "15:00",
                "remove_session-0": "1",
            },
        ),
    )
    body = text(response)
    assert "Session 2" not in body
    assert 'value="13:00"' in body
    assert 'value="09:00"' not in body


def test_cannot_place_another_organisations_pupil(as_commissioner, other_school, provider, db_session):
    stranger = factories.PupilFactory(organisation=other_school)
    page = as_commissioner.get("/placements/new")
    response = as_commissioner.post(
        "/placements/new", data=form_data(page, _placement_fields(stranger.id, provider.id))
    )
    assert response.status_code == 200
    assert "Not a valid choice" in text(response) or "Select a pupil" in text(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 0


def test_lifecycle_records_who_and_when_and_sets_actual_dates(as_commissioner, commissioner, school, db_session):
    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school))
    url = f"/placements/{placement.id}"
    for status in ("referred", "agreed", "active", "under_review", "active", "ended"):
        page = as_commissioner.get(url)
        if status == "agreed":  # agreed by agreeing the plan, not by a button; the status change follows it
            assert f'value="{status}"' not in text(page)
            factories.SupportPlanFactory(placement=placement, agreed_at=utcnow(), agreed_by_id=commissioner.id)
        elif status == "ended":  # ended by recording the end, not by a button
            assert f'value="{status}"' not in text(page)
            refused = as_commissioner.post(f"{url}/status", data=form_data(page, {"new_status": status}))
            assert "A placement is ended by recording its end" in text(as_commissioner.get(refused.headers["Location"]))
            end = as_commissioner.get(f"{url}/end")
            fields = {
                **date_fields("ended_on", *date.today().strftime("%d %m %Y").split()),
                "reason": "completed",
                "destination": "further_education",
            }
            response = as_commissioner.post(f"{url}/end", data=form_data(end, fields))
            assert response.status_code == 302, text(response)
            continue
        else:
            assert f'value="{status}"' in text(page), f"no button to move to {status}"
        response = as_commissioner.post(f"{url}/status", data=form_data(page, {"new_status": status, "note": "ok"}))
        assert response.status_code == 302
    db_session.expire_all()
    placement = db_session.get(Placement, placement.id)
    assert placement.status is PlacementStatus.ENDED
    assert placement.actual_start == date.today()
    assert placement.actual_end == date.today()
    history = [(h.from_status, h.to_status) for h in placement.history]
    assert history[-1] == (PlacementStatus.ACTIVE, PlacementStatus.ENDED)
    assert len(history) == 7
    assert all(h.changed_by_id == commissioner.id for h in placement.history[1:])
    page = text(as_commissioner.get(url))
    assert "Sam Senco" in page
    assert "Move this placement on" not in page  # ended is final


def test_forbidden_transition_is_refused_with_a_message(as_commissioner, school, db_session):
    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school))
    page = as_commissioner.get(f"/placements/{placement.id}")
    response = as_commissioner.post(
        f"/placements/{placement.id}/status", data=form_data(page, {"new_status": "active"}), follow_redirects=True
    )
    assert "cannot be moved to Active" in text(response)
    db_session.expire_all()
    assert db_session.get(Placement, placement.id).status is PlacementStatus.DRAFT
    response = as_commissioner.post(
        f"/placements/{placement.id}/status", data=form_data(page, {"new_status": "bogus"}), follow_redirects=True
    )
    assert "Choose a valid status" in text(response)


def test_provider_sees_referred_placement_but_cannot_change_it(as_provider, provider, school, db_session):
    placement = factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school, legal_first_name="Visible"),
        provider=provider,
        status=PlacementStatus.REFERRED,
    )
    page = as_provider.get(f"/placements/{placement.id}")
    assert page.status_code == 200
    assert "Visible" in text(page)
    assert "Move this placement on" not in text(page)
    assert "View pupil record" not in text(page)
    response = as_provider.post(
        f"/placements/{placement.id}/status", data={"csrf_token": csrf_token(page), "new_status": "agreed"}
    )
    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.get(Placement, placement.id).status is PlacementStatus.REFERRED


def test_dashboard_lists_own_placements_only(as_commissioner, school, other_school, provider):
    factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school, legal_first_name="Ours"), status=PlacementStatus.ACTIVE
    )
    factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=other_school, legal_first_name="Theirs"),
        status=PlacementStatus.ACTIVE,
    )
    page = text(as_commissioner.get("/"))
    assert "Ours Example" in page
    assert "Theirs" not in page


def test_viewer_summary_counts_without_names(as_viewer, school):
    factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school, legal_first_name="Secret"), status=PlacementStatus.ACTIVE
    )
    page = text(as_viewer.get("/"))
    assert "Secret" not in page
    assert "Placements by status" in page


def test_viewing_a_placement_is_audited(as_commissioner, commissioner, school, db_session):
    from service.audit.models import AuditEvent

    placement = factories.PlacementFactory(pupil=factories.PupilFactory(organisation=school))
    as_commissioner.get(f"/placements/{placement.id}")
    event = db_session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.entity_type == "placement")
    )
    assert event is not None
    assert event.user_id == commissioner.id
    assert event.entity_id == placement.id


def test_the_timetable_holds_the_whole_week_with_where_each_session_is(as_commissioner, school, provider, db_session):
    from service.rules.full_time import DeliveredBy

    pupil = factories.PupilFactory(organisation=school)
    page = as_commissioner.get("/placements/new")
    assert 'name="sessions-0-setting"' in text(page)
    week = {
        **_placement_fields(pupil.id, provider.id),
        "sessions-0-setting": "provider",
        "sessions-1-weekday": "1",
        "sessions-1-starts_at": "12:00",
        "sessions-1-ends_at": "15:00",
        "sessions-1-setting": "school",
        "sessions-2-weekday": "3",
        "sessions-2-starts_at": "13:00",
        "sessions-2-ends_at": "15:00",
        "sessions-2-setting": "other",
    }
    # Adding and removing rows keeps each row's setting.
    added = text(as_commissioner.post("/placements/new", data=form_data(page, {**week, "add_session": "1"})))
    assert "Session 4" in added
    assert _selected(added, "school") and _selected(added, "other")
    removed = text(as_commissioner.post("/placements/new", data=form_data(page, {**week, "remove_session-0": "1"})))
    assert "Session 3" not in removed and _selected(removed, "school") and _selected(removed, "other")

    forged = as_commissioner.post("/placements/new", data=form_data(page, {**week, "sessions-2-setting": "moon"}))
    assert forged.status_code == 200 and "There is a problem" in text(forged)

    assert as_commissioner.post("/placements/new", data=form_data(page, week)).status_code == 302
    placement = db_session.scalar(sa.select(Placement))
    assert [(s.weekday, s.starts_at.hour, s.setting) for s in placement.sessions] == [
        (1, 9, DeliveredBy.PROVIDER),
        (1, 12, DeliveredBy.SCHOOL),
        (3, 13, DeliveredBy.OTHER),
    ]
    assert placement.hours_per_week == 3  # hours at the provider only
    shown = text(as_commissioner.get(f"/placements/{placement.id}"))
    assert "The home school" in shown and "Another setting" in shown


def _selected(body: str, value: str) -> bool:
    return f'<option selected value="{value}"' in body or f'value="{value}" selected' in body

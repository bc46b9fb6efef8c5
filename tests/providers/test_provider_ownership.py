"""One organisation owns each catalogue entry; nobody else can rewrite it, and nobody's packs follow a changed
contact until they have confirmed it.

The attack these replay: another organisation's officer opened a provider's edit page, changed the placement
contact's address, and every pack and signing link of the schools using that provider went to the new address,
with nothing in their audit logs.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.mail.models import OutboxMessage
from service.placements.models import Placement
from service.provider_packs.services import send_date, send_due_packs
from service.providers.models import Provider
from service.rules.placement_status import PlacementStatus
from service.signing.models import SignerRole
from service.signing.rounds import suggested_signers
from tests import factories
from tests.conftest import browser, sign_in
from tests.helpers import csrf_token, date_fields, form_data, text

pytestmark = pytest.mark.usefixtures("default_templates")

START = date(2027, 6, 4)
OLD_ADDRESS = "placements@horizon.example"
NEW_ADDRESS = "attacker@elsewhere.example"


def _add_provider(client, provider_form) -> int:  # type: ignore[no-untyped-def]
    """Add a provider through the form, as its owner would."""
    page = client.get("/providers/new")
    fields = provider_form(**{"contacts-0-email": OLD_ADDRESS})
    response = client.post("/providers/new", data=form_data(page, fields))
    assert response.status_code == 302, text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _placement_via_form(client, school, provider_id: int) -> int:  # type: ignore[no-untyped-def]
    """A commissioner starts a placement with the provider through the real form."""
    pupil = factories.PupilFactory(organisation=school)
    page = client.get("/placements/new")
    fields = {
        "pupil_id": str(pupil.id),
        "provider_id": str(provider_id),
        "circumstance": "on_roll",
        "decided_by": "Deputy Headteacher",
        **date_fields("planned_start", START.day, START.month, START.year),
        "reason_for_referral": "Vocational course two days a week.",
        "dual_registered": "no",
        "census_reason": "behaviour",
        "sessions-0-weekday": "1",
        "sessions-0-starts_at": "09:00",
        "sessions-0-ends_at": "12:00",
    }
    response = client.post("/placements/new", data=form_data(page, fields))
    assert response.status_code == 302, text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _agree(db_session, placement_id: int):  # type: ignore[no-untyped-def]
    """The plan is agreed (its journey is tested elsewhere): the pack now goes by itself on its send date."""
    placement = db_session.get(Placement, placement_id)
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan, objective="Attend every session")
    factories.ProviderPackFactory(placement=placement)
    placement.status = PlacementStatus.AGREED
    db_session.commit()
    return placement


def _change_contact(client, provider_id: int, provider_form, address: str):  # type: ignore[no-untyped-def]
    """Post the prefilled edit form with only the placement contact's address changed, as the attacker did."""
    page = client.get(f"/providers/{provider_id}/edit")
    token = csrf_token(page) if page.status_code == 200 else csrf_token(client.get("/providers/new"))
    fields = provider_form(**{"contacts-0-email": address})
    return page, client.post(f"/providers/{provider_id}/edit", data={"csrf_token": token, **fields})


def _contact_email(db_session, provider_id: int) -> str:
    db_session.expire_all()
    provider = db_session.get(Provider, provider_id)
    return next(c.email for c in provider.contacts if c.is_placement_contact)


def _pack_recipients(db_session, placement_id: int) -> list[list[str]]:
    db_session.expire_all()
    return [
        m.to_addresses
        for m in db_session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.placement_id == placement_id, OutboxMessage.purpose == "provider_pack"
            )
        )
    ]


def test_another_organisation_cannot_rewrite_a_provider_record(
    app, client, commissioner, other_commissioner, school, provider_form, db_session
):
    """The attack as reproduced: a second organisation's officer posts the prefilled edit form."""
    sign_in(client, commissioner)
    provider_id = _add_provider(client, provider_form)  # Northbridge's own catalogue entry

    attacker = browser(app)
    sign_in(attacker, other_commissioner)
    assert attacker.get(f"/providers/{provider_id}").status_code == 200  # others read it
    page, response = _change_contact(attacker, provider_id, provider_form, NEW_ADDRESS)
    assert page.status_code == 403
    assert response.status_code == 403
    assert _contact_email(db_session, provider_id) == OLD_ADDRESS
    body = html.unescape(text(attacker.get(f"/providers/{provider_id}")))
    assert "Change provider details" not in body
    assert f"Only {school.name} can change this record" in body


def test_only_the_owners_commissioners_and_admins_change_it(
    app, client, commissioner, admin, other_school, provider_user, provider_form, db_session
):
    sign_in(client, commissioner)
    provider_id = _add_provider(client, provider_form)

    own_admin = browser(app)
    sign_in(own_admin, admin)
    _page, response = _change_contact(own_admin, provider_id, provider_form, "office@horizon.example")
    assert response.status_code == 302
    assert _contact_email(db_session, provider_id) == "office@horizon.example"

    other_admin = browser(app)
    sign_in(other_admin, factories.UserFactory(organisation=other_school, role=factories.Role.ADMIN))
    _page, response = _change_contact(other_admin, provider_id, provider_form, NEW_ADDRESS)
    assert response.status_code == 403

    staff = browser(app)
    sign_in(staff, provider_user)
    _page, response = _change_contact(staff, provider_id, provider_form, NEW_ADDRESS)
    assert response.status_code == 403
    assert _contact_email(db_session, provider_id) == "office@horizon.example"


def test_a_changed_contact_never_silently_redirects_a_pack_that_is_due(
    app, client, commissioner, other_commissioner, school, provider_form, db_session
):
    """The owner (here the LA) changes the contact; the school using the provider keeps its packs from the
    new address until it has confirmed it, and is told on To do today and the pack page."""
    owner = browser(app)
    sign_in(owner, other_commissioner)
    provider_id = _add_provider(owner, provider_form)  # the LA's catalogue entry

    sign_in(client, commissioner)
    placement_id = _placement_via_form(client, school, provider_id)  # confirms the address the school saw
    placement = _agree(db_session, placement_id)

    _page, response = _change_contact(owner, provider_id, provider_form, NEW_ADDRESS)
    assert response.status_code == 302  # the owner may change its own entry

    # On its send date the scheduler does not send the pack to an address the school never confirmed.
    send_due_packs(send_date(placement), Path(app.config["APDOCS_OUTPUT_DIR"]))
    db_session.commit()
    assert _pack_recipients(db_session, placement_id) == []

    # Nor can a SENCO send it by hand to the new address without confirming it first.
    preview = client.get(f"/placements/{placement_id}/provider-pack/preview")
    body = html.unescape(text(preview))
    assert f"placement contact changed to {NEW_ADDRESS}" in body
    assert "Send the pack now" not in body
    client.post(f"/placements/{placement_id}/provider-pack/send", data=form_data(preview, {}))
    assert _pack_recipients(db_session, placement_id) == []

    # The school is told where it looks first.
    dashboard = html.unescape(text(client.get("/")))
    assert "Provider contacts to confirm (1)" in dashboard
    assert f"The placement contact changed to {NEW_ADDRESS}" in dashboard

    # Once a commissioner of the school confirms the new address, the pack goes there.
    page = client.get(f"/providers/{provider_id}")
    assert f"Confirm {NEW_ADDRESS} as our placement contact" in html.unescape(text(page))
    response = client.post(f"/providers/{provider_id}/confirm-contact", data=form_data(page, {}))
    assert response.status_code == 302
    assert "Provider contacts to confirm" not in html.unescape(text(client.get("/")))
    send_due_packs(send_date(placement), Path(app.config["APDOCS_OUTPUT_DIR"]))
    db_session.commit()
    assert _pack_recipients(db_session, placement_id) == [[NEW_ADDRESS]]


def test_a_change_reaches_the_audit_log_of_every_organisation_with_live_placements(
    app, client, commissioner, admin, other_commissioner, school, provider_form, db_session
):
    owner = browser(app)
    sign_in(owner, other_commissioner)
    provider_id = _add_provider(owner, provider_form)
    sign_in(client, commissioner)
    _placement_via_form(client, school, provider_id)
    ended_elsewhere = factories.SchoolFactory(name="Eastfield School")
    factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=ended_elsewhere),
        provider=db_session.get(Provider, provider_id),
        status=PlacementStatus.ENDED,
    )

    _change_contact(owner, provider_id, provider_form, NEW_ADDRESS)

    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "provider", AuditEvent.entity_id == provider_id)
    ).all()
    told = {(e.organisation_id, e.action) for e in events}
    assert (school.id, "provider_changed") in told
    assert (ended_elsewhere.id, "provider_changed") not in told  # no live placement there: nothing changes for it
    [event] = [e for e in events if e.organisation_id == school.id and e.action == "provider_changed"]
    assert event.detail["placement_contact_changed"] is True
    assert "contacts" in event.detail["fields"]
    assert NEW_ADDRESS not in str(event.detail)  # field names only, never values

    school_admin = browser(app)
    sign_in(school_admin, admin)
    log = html.unescape(text(school_admin.get("/audit")))
    assert "provider changed" in log


def test_the_first_placement_confirms_the_contact_seen_then(
    app, client, commissioner, other_commissioner, school, provider_form, db_session
):
    owner = browser(app)
    sign_in(owner, other_commissioner)
    provider_id = _add_provider(owner, provider_form)
    sign_in(client, commissioner)
    _placement_via_form(client, school, provider_id)
    page = html.unescape(text(client.get(f"/providers/{provider_id}")))
    assert f"go to {OLD_ADDRESS}, confirmed on" in page
    assert "Provider contacts to confirm" not in html.unescape(text(client.get("/")))


def test_a_changed_contact_is_not_suggested_as_the_provider_signer_until_confirmed(
    app, client, commissioner, other_commissioner, school, provider_form, db_session
):
    """The provider's signing link would go where the suggestion says: the old finding sent it to the new address."""
    owner = browser(app)
    sign_in(owner, other_commissioner)
    provider_id = _add_provider(owner, provider_form)
    sign_in(client, commissioner)
    placement = _agree(db_session, _placement_via_form(client, school, provider_id))

    def suggested() -> str:
        db_session.expire_all()
        [provider_signer] = [s for s in suggested_signers(placement) if s.role is SignerRole.PROVIDER_REPRESENTATIVE]
        return provider_signer.email

    assert suggested() == OLD_ADDRESS
    _change_contact(owner, provider_id, provider_form, NEW_ADDRESS)
    assert suggested() == ""
    page = client.get(f"/providers/{provider_id}")
    client.post(f"/providers/{provider_id}/confirm-contact", data=form_data(page, {}))
    assert suggested() == NEW_ADDRESS

"""Walk every route as every role and check the answer: deny by default, 403 for a closed section,
404 for a record outside the user's scope. A new route fails this test until it is added here."""

from __future__ import annotations

from datetime import date

import pytest

from service.documents.models import DocumentStatus
from service.documents.types import DocumentType
from service.extensions import db
from service.rules.placement_status import PlacementStatus
from service.term_dates.models import TermDate
from tests import factories
from tests.conftest import sign_in

ROLES = ("anonymous", "admin", "commissioner", "other_commissioner", "provider_staff", "viewer")
OK, FOUND, FORBIDDEN, MISSING, METHOD = 200, 302, 403, 404, 405

# route template -> expected GET status for each role, in ROLES order.
# {pupil}, {placement}, {provider}, {user} are the school's own records; {other_*} belong elsewhere.
MATRIX: dict[str, tuple[int, ...]] = {
    "/healthz": (OK, OK, OK, OK, OK, OK),
    "/sign-in": (OK, FOUND, FOUND, FOUND, FOUND, FOUND),
    "/sign-out": (METHOD,) * 6,
    "/": (FOUND, OK, OK, OK, OK, OK),
    # The dashboard's see-all pages: commissioners and provider staff, each within their own scope; provider staff
    # have only their own To do lists (the register and progress reports), not the commissioner's.
    "/placements": (FOUND, FORBIDDEN, OK, OK, OK, FORBIDDEN),
    "/placements?status=active&sort=pupil&page=2": (FOUND, FORBIDDEN, OK, OK, OK, FORBIDDEN),
    "/to-do/reviews": (FOUND, FORBIDDEN, OK, OK, MISSING, FORBIDDEN),
    "/to-do/unmarked": (FOUND, FORBIDDEN, OK, OK, OK, FORBIDDEN),
    "/to-do/packs-started": (FOUND, FORBIDDEN, OK, OK, MISSING, FORBIDDEN),
    "/to-do/nonsense": (FOUND, FORBIDDEN, MISSING, MISSING, MISSING, FORBIDDEN),
    "/users": (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/users/new": (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/users/{user}": (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/users/{other_user}": (FOUND, MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/audit": (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/pupils": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/pupils/new": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/pupils/import": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/pupils/import/template.csv": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/pupils/{pupil}": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/pupils/{pupil}/edit": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/pupils/{pupil}/exclusions/new": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/exclusions": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/providers": (FOUND, OK, OK, OK, OK, FORBIDDEN),
    "/providers/new": (FOUND, OK, OK, OK, FORBIDDEN, FORBIDDEN),
    "/providers/{provider}": (FOUND, OK, OK, OK, OK, FORBIDDEN),
    "/providers/{other_provider}": (FOUND, OK, OK, OK, MISSING, FORBIDDEN),
    # The school owns {provider}'s catalogue entry: its commissioners and admins change it, nobody else.
    "/providers/{provider}/edit": (FOUND, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/providers/{other_provider}/edit": (FOUND, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    "/providers/{provider}/confirm-contact": (METHOD,) * 6,
    "/placements/new": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}": (FOUND, FORBIDDEN, OK, MISSING, OK, FORBIDDEN),
    "/placements/{draft_placement}": (FOUND, FORBIDDEN, OK, MISSING, MISSING, FORBIDDEN),
    "/placements/{other_placement}": (FOUND, FORBIDDEN, MISSING, OK, MISSING, FORBIDDEN),
    # Cancelled: the provider's access ends with it.
    "/placements/{cancelled_placement}": (FOUND, FORBIDDEN, OK, MISSING, MISSING, FORBIDDEN),
    "/placements/{placement}/status": (METHOD,) * 6,
    # The commissioner of the placement only: another school's commissioner gets 404, provider staff 403.
    "/placements/{placement}/register-and-census": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/register-and-census": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/documents": (METHOD,) * 6,
    "/documents/{document}/status": (FOUND, FORBIDDEN, OK, MISSING, OK, FORBIDDEN),
    "/documents/{document}/pdf": (FOUND, FORBIDDEN, OK, MISSING, OK, FORBIDDEN),
    "/documents/{other_document}/pdf": (FOUND, FORBIDDEN, MISSING, OK, MISSING, FORBIDDEN),
    # Provider staff open the pack and the plan they are asked to sign ({document}), not the review record.
    "/documents/{review_record}/pdf": (FOUND, FORBIDDEN, OK, MISSING, MISSING, FORBIDDEN),
    "/documents/{review_record}/status": (FOUND, FORBIDDEN, OK, MISSING, MISSING, FORBIDDEN),
    "/documents/{document}/retry": (METHOD,) * 6,
    "/templates": (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/templates/{document}/use": (METHOD,) * 6,
    "/templates/default/support-plan": (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/provider-pack": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/provider-pack": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/provider-pack/preview": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/provider-pack/preview": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/provider-pack/status": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/provider-pack/status": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/provider-pack/send": (METHOD,) * 6,
    "/organisation": (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/signatures": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/signatures": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/signatures/{round}/plan.pdf": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/signatures/{round}/signers/{in_person_signer}/in-person": (
        FOUND,
        FORBIDDEN,
        OK,
        MISSING,
        FORBIDDEN,
        FORBIDDEN,
    ),
    "/placements/{placement}/signatures/{round}/signers/{link_signer}/in-person": (
        FOUND,
        FORBIDDEN,
        MISSING,
        MISSING,
        FORBIDDEN,
        FORBIDDEN,
    ),
    "/placements/{placement}/signatures/{round}/cancel": (METHOD,) * 6,
    "/placements/{placement}/signatures/{round}/signers/{link_signer}/remind": (METHOD,) * 6,
    "/placements/{placement}/signatures/{round}/signers/{in_person_signer}/decline": (METHOD,) * 6,
    "/sign/{sign_token}": (OK,) * 6,
    "/sign/{guessed_token}": (MISSING,) * 6,
    "/sign/{sign_token}/plan.pdf": (MISSING,) * 6,
    "/sign/{sign_token}/code": (METHOD,) * 6,
    "/sign/{sign_token}/confirm": (METHOD,) * 6,
    "/sign/{sign_token}/decline": (METHOD,) * 6,
    "/verify": (OK,) * 6,
    "/placements/{placement}/visits/new": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{active_placement}/end": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/end": (FOUND, FORBIDDEN, MISSING, FOUND, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/visits/new": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/plan": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/plan": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/plan/check": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/plan/views": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/plan/views": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/plan/no-such-step": (FOUND, FORBIDDEN, MISSING, MISSING, FORBIDDEN, FORBIDDEN),
    # POST-only; a GET falls through to the step route, which knows no such step.
    "/placements/{placement}/plan/override": (FOUND, FORBIDDEN, MISSING, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/plan/desktop-review": (FOUND, FORBIDDEN, MISSING, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/plan/agree": (FOUND, FORBIDDEN, MISSING, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/reviews/new": (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/reviews/1": (FOUND, FORBIDDEN, OK, MISSING, OK, FORBIDDEN),
    "/placements/{placement}/reviews/2": (FOUND, FORBIDDEN, MISSING, MISSING, MISSING, FORBIDDEN),
    "/placements/{other_placement}/reviews/1": (FOUND, FORBIDDEN, MISSING, MISSING, MISSING, FORBIDDEN),
    "/term-dates": (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/term-dates/{term}/delete": (METHOD,) * 6,
    "/outbox": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/outbox?status=failed": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/outbox/{message}": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/outbox/{other_message}": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/outbox/{message}/eml": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/outbox/{other_message}/eml": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/outbox/{message}/resend": (METHOD,) * 6,
    "/outbox/{message}/mark-sent": (METHOD,) * 6,
    "/outbox/{message}/stop-links": (METHOD,) * 6,
    # A secure link is public (its token is the key); any other token is the same 404 for everyone.
    "/shared/{token}": (OK,) * 6,
    "/shared/{token}/pdf": (OK,) * 6,
    "/shared/{guessed_token}": (MISSING,) * 6,
    "/shared/{guessed_token}/pdf": (MISSING,) * 6,
    "/placements/{placement}/attendance/week/2026-01-05": (FOUND, FORBIDDEN, OK, MISSING, OK, FORBIDDEN),
    "/placements/{draft_placement}/attendance/week/2026-01-05": (FOUND, FORBIDDEN, OK, MISSING, MISSING, FORBIDDEN),
    "/placements/{other_placement}/attendance/week/2026-01-05": (FOUND, FORBIDDEN, MISSING, OK, MISSING, FORBIDDEN),
    "/placements/{placement}/attendance": (FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN),
    "/placements/{other_placement}/attendance": (FOUND, FORBIDDEN, MISSING, OK, FORBIDDEN, FORBIDDEN),
    "/placements/{placement}/attendance/marks/{mark}/decision": (METHOD,) * 6,
    "/attendance/import": (FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "/attendance/import/template.csv": (FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    # A provider's closures: its own staff report them and list them; nobody else (a commissioner codes the sessions).
    "/attendance/closures": (FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "/attendance/closures/new": (FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "/attendance/weekly-report.csv": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/attendance/weekly-report.csv?week=2026-01-05": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    # The active placement's spring 2026 report is submitted (so its edit page sends you to read it); summer is not.
    "/placements/{active_placement}/progress-reports/2026-spring": (FOUND, FORBIDDEN, OK, MISSING, OK, FORBIDDEN),
    "/placements/{active_placement}/progress-reports/2026-spring/edit": (
        FOUND,
        FORBIDDEN,
        FOUND,
        MISSING,
        FOUND,
        FORBIDDEN,
    ),
    "/placements/{active_placement}/progress-reports/2026-summer/edit": (FOUND, FORBIDDEN, OK, MISSING, OK, FORBIDDEN),
    "/placements/{active_placement}/progress-reports/2026-spring/versions/1": (
        FOUND,
        FORBIDDEN,
        OK,
        MISSING,
        OK,
        FORBIDDEN,
    ),
    "/placements/{active_placement}/progress-reports/2026-spring/versions/2": (
        FOUND,
        FORBIDDEN,
        MISSING,
        MISSING,
        MISSING,
        FORBIDDEN,
    ),
    "/placements/{active_placement}/progress-reports/2026-spring/correct": (
        FOUND,
        FORBIDDEN,
        OK,
        MISSING,
        OK,
        FORBIDDEN,
    ),
    "/placements/{active_placement}/progress-reports/1999-autumn/edit": (
        FOUND,
        FORBIDDEN,
        MISSING,
        MISSING,
        MISSING,
        FORBIDDEN,
    ),
    # Referred, not started: no report is owed yet.
    "/placements/{placement}/progress-reports/2026-spring/edit": (
        FOUND,
        FORBIDDEN,
        MISSING,
        MISSING,
        MISSING,
        FORBIDDEN,
    ),
    "/placements/{other_placement}/progress-reports/2026-spring": (
        FOUND,
        FORBIDDEN,
        MISSING,
        MISSING,
        MISSING,
        FORBIDDEN,
    ),
    # Aggregated, for commissioners and viewers of their own organisation; the census export has pupils' details.
    "/summary": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    "/summary?term=2026-autumn": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    "/summary?term=nonsense": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    "/summary.csv": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    # Only the school entered autumn 2026's dates: elsewhere the download goes back to the page with a message.
    "/summary.csv?term=2026-autumn": (FOUND, FORBIDDEN, OK, FOUND, FORBIDDEN, OK),
    "/summary.csv?term=nonsense": (FOUND, FORBIDDEN, FOUND, FOUND, FORBIDDEN, FOUND),
    "/summary.xlsx": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    "/summary/census.csv": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    "/summary/census.csv?term=all": (FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN),
    # The LA's AP census: for a school's commissioners it does not exist (tests/summary/test_census_export.py has
    # the LA officer's 200 and the LA officer's 404 on the school census above).
    "/summary/ap-census.csv": (FOUND, FORBIDDEN, MISSING, MISSING, FORBIDDEN, FORBIDDEN),
    "/summary/ap-census.csv?term=all": (FOUND, FORBIDDEN, MISSING, MISSING, FORBIDDEN, FORBIDDEN),
    # For LA officers only (tests/la_notices): a school's commissioners and everyone else are refused.
    "/local-authority/placements": (FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # The LA's decisions: only commissioners at a local authority (tests/la_decisions); a school's get 403.
    "/decisions": (FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/decisions/{placement}": (FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
}

# Flask's rule syntax for each route template above, to prove the table covers every route.
RULES = {
    "/to-do/<group>": "/to-do/reviews",
    "/users/<int:user_id>": "/users/{user}",
    "/pupils/<int:pupil_id>": "/pupils/{pupil}",
    "/pupils/<int:pupil_id>/edit": "/pupils/{pupil}/edit",
    "/pupils/<int:pupil_id>/exclusions/new": "/pupils/{pupil}/exclusions/new",
    "/providers/<int:provider_id>": "/providers/{provider}",
    "/providers/<int:provider_id>/edit": "/providers/{provider}/edit",
    "/providers/<int:provider_id>/confirm-contact": "/providers/{provider}/confirm-contact",
    "/placements/<int:placement_id>": "/placements/{placement}",
    "/placements/<int:placement_id>/status": "/placements/{placement}/status",
    "/placements/<int:placement_id>/register-and-census": "/placements/{placement}/register-and-census",
    "/placements/<int:placement_id>/documents": "/placements/{placement}/documents",
    "/documents/<int:document_id>/status": "/documents/{document}/status",
    "/documents/<int:document_id>/<any(docx, pdf):kind>": "/documents/{document}/pdf",
    "/documents/<int:document_id>/retry": "/documents/{document}/retry",
    "/templates/<int:template_id>/use": "/templates/{document}/use",
    "/templates/default/<doc_type>": "/templates/default/support-plan",
    "/placements/<int:placement_id>/plan": "/placements/{placement}/plan",
    "/placements/<int:placement_id>/plan/check": "/placements/{placement}/plan/check",
    "/placements/<int:placement_id>/plan/<step>": "/placements/{placement}/plan/views",
    "/placements/<int:placement_id>/plan/override": "/placements/{placement}/plan/override",
    "/placements/<int:placement_id>/plan/desktop-review": "/placements/{placement}/plan/desktop-review",
    "/placements/<int:placement_id>/plan/agree": "/placements/{placement}/plan/agree",
    "/placements/<int:placement_id>/reviews/new": "/placements/{placement}/reviews/new",
    "/placements/<int:placement_id>/reviews/<int:number>": "/placements/{placement}/reviews/1",
    "/term-dates/<int:term_id>/delete": "/term-dates/{term}/delete",
    "/placements/<int:placement_id>/provider-pack": "/placements/{placement}/provider-pack",
    "/placements/<int:placement_id>/provider-pack/preview": "/placements/{placement}/provider-pack/preview",
    "/placements/<int:placement_id>/provider-pack/status": "/placements/{placement}/provider-pack/status",
    "/placements/<int:placement_id>/provider-pack/send": "/placements/{placement}/provider-pack/send",
    "/outbox/<int:message_id>": "/outbox/{message}",
    "/outbox/<int:message_id>/eml": "/outbox/{message}/eml",
    "/outbox/<int:message_id>/resend": "/outbox/{message}/resend",
    "/outbox/<int:message_id>/mark-sent": "/outbox/{message}/mark-sent",
    "/outbox/<int:message_id>/stop-links": "/outbox/{message}/stop-links",
    "/shared/<token>": "/shared/{token}",
    "/shared/<token>/pdf": "/shared/{token}/pdf",
    "/placements/<int:placement_id>/signatures": "/placements/{placement}/signatures",
    "/placements/<int:placement_id>/signatures/<int:request_id>/cancel": (
        "/placements/{placement}/signatures/{round}/cancel"
    ),
    "/placements/<int:placement_id>/signatures/<int:request_id>/plan.pdf": (
        "/placements/{placement}/signatures/{round}/plan.pdf"
    ),
    "/placements/<int:placement_id>/signatures/<int:request_id>/signers/<int:signer_id>/in-person": (
        "/placements/{placement}/signatures/{round}/signers/{in_person_signer}/in-person"
    ),
    "/placements/<int:placement_id>/signatures/<int:request_id>/signers/<int:signer_id>/remind": (
        "/placements/{placement}/signatures/{round}/signers/{link_signer}/remind"
    ),
    "/placements/<int:placement_id>/signatures/<int:request_id>/signers/<int:signer_id>/decline": (
        "/placements/{placement}/signatures/{round}/signers/{in_person_signer}/decline"
    ),
    "/placements/<int:placement_id>/visits/new": "/placements/{placement}/visits/new",
    "/decisions/<int:placement_id>": "/decisions/{placement}",
    "/placements/<int:placement_id>/end": "/placements/{active_placement}/end",
    "/sign/<token>": "/sign/{sign_token}",
    "/sign/<token>/code": "/sign/{sign_token}/code",
    "/sign/<token>/confirm": "/sign/{sign_token}/confirm",
    "/sign/<token>/decline": "/sign/{sign_token}/decline",
    "/sign/<token>/plan.pdf": "/sign/{sign_token}/plan.pdf",
    "/placements/<int:placement_id>/attendance/week/<monday>": "/placements/{placement}/attendance/week/2026-01-05",
    "/placements/<int:placement_id>/attendance": "/placements/{placement}/attendance",
    "/placements/<int:placement_id>/progress-reports/<term_key>": (
        "/placements/{active_placement}/progress-reports/2026-spring"
    ),
    "/placements/<int:placement_id>/progress-reports/<term_key>/edit": (
        "/placements/{active_placement}/progress-reports/2026-summer/edit"
    ),
    "/placements/<int:placement_id>/progress-reports/<term_key>/versions/<int:version>": (
        "/placements/{active_placement}/progress-reports/2026-spring/versions/1"
    ),
    "/placements/<int:placement_id>/progress-reports/<term_key>/correct": (
        "/placements/{active_placement}/progress-reports/2026-spring/correct"
    ),
    "/placements/<int:placement_id>/attendance/marks/<int:mark_id>/decision": (
        "/placements/{placement}/attendance/marks/{mark}/decision"
    ),
}


def _sent_message(app, placement, document):  # type: ignore[no-untyped-def]
    """A message written by the file transport (so it has an .eml to download), with the document attached."""
    from service.mail import delivery, outbox, transports

    message = outbox.queue_message(
        organisation_id=placement.commissioning_organisation_id,
        to=["staff@horizon.example"],
        subject=f"Provider information pack for placement {placement.id}",
        body="The pack is attached.",
        purpose="provider_pack",
        placement_id=placement.id,
        attachments=[document],
    )
    db.session.commit()
    delivery.deliver(message.id, transports.transport_for(app))
    return message.id


def _ready_document(app, placement):  # type: ignore[no-untyped-def]
    """A produced document with its file on disk, without running LibreOffice for an access test."""
    from pathlib import Path

    from service.documents.models import DocumentStatus

    relative = f"documents/{placement.id}/support-plan-placement-{placement.id}-v1.pdf"
    path = Path(app.config["APDOCS_OUTPUT_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 stand-in")
    return factories.DocumentFactory(
        placement=placement, status=DocumentStatus.READY, pdf_path=relative, docx_path=relative
    )


def _signature_round(placement, document, commissioner):  # type: ignore[no-untyped-def]
    """An open round on the placement's plan: one signer in person, one by a link whose token we know."""
    import hashlib
    from datetime import timedelta

    from service.db import utcnow
    from service.signing.models import SignatureRequest, Signer, SignerRole, SigningMethod

    token = "s" * 43
    round_ = SignatureRequest(
        placement=placement,
        document=document,
        document_sha256=hashlib.sha256(b"%PDF-1.7 stand-in").hexdigest(),
        created_by_id=commissioner.id,
    )
    round_.signers = [
        Signer(name="Ms K Owen", role=SignerRole.SCHOOL_REPRESENTATIVE, method=SigningMethod.IN_PERSON),
        Signer(
            name="Pat Parent",
            role=SignerRole.PARENT_CARER,
            method=SigningMethod.LINK,
            email="pat@example.com",
            token_sha256=hashlib.sha256(token.encode()).hexdigest(),
            token_expires_at=utcnow() + timedelta(days=1),
        ),
    ]
    db.session.add(round_)
    db.session.commit()
    in_person, link = round_.signers
    return {"round": round_.id, "in_person_signer": in_person.id, "link_signer": link.id, "sign_token": token}


@pytest.fixture
def records(app, school, other_school, admin, commissioner, other_commissioner, provider, provider_user, viewer):  # noqa: ARG001
    other_provider = factories.ProviderFactory(name="Elsewhere Tutors", owner_organisation=other_school)
    provider.owner_organisation = school
    pupil = factories.PupilFactory(organisation=school)
    other_pupil = factories.PupilFactory(organisation=other_school)
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.REFERRED)
    draft = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.DRAFT)
    active = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.ACTIVE)
    other_placement = factories.PlacementFactory(pupil=other_pupil, provider=provider, status=PlacementStatus.DRAFT)
    other_user = factories.UserFactory(organisation=other_school)
    document = _ready_document(app, placement)
    other_document = _ready_document(app, other_placement)
    review = factories.ReviewFactory(placement=placement, number=1)
    review_record = factories.DocumentFactory(
        placement=placement, doc_type=DocumentType.REVIEW_RECORD, review_id=review.id, status=DocumentStatus.READY
    )
    review_record.pdf_path = review_record.docx_path = document.pdf_path
    cancelled = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.CANCELLED)
    from service.mail import links

    message = _sent_message(app, placement, document)
    other_message = _sent_message(app, other_placement, other_document)
    token = links.create_secure_link(document, "parent@example.org")
    signing = _signature_round(placement, document, commissioner)
    from service.attendance.models import AttendanceMark
    from service.rules.attendance_codes import Session

    mark = AttendanceMark(placement_id=placement.id, on=date(2026, 1, 6), session=Session.AM, code="N", note="")
    db.session.add(mark)
    term = TermDate(organisation_id=school.id, name="Autumn 1", starts_on=date(2026, 9, 2), ends_on=date(2026, 10, 23))
    db.session.add(term)
    from service.progress_reports.models import ReportStatus

    factories.ProgressReportFactory(placement=active, term_key="2026-spring", status=ReportStatus.SUBMITTED)
    db.session.commit()
    return {
        **signing,
        "message": message,
        "other_message": other_message,
        "token": token,
        "guessed_token": "x" * 43,
        "term": term.id,
        "mark": mark.id,
        "document": document.id,
        "other_document": other_document.id,
        "pupil": pupil.id,
        "placement": placement.id,
        "draft_placement": draft.id,
        "active_placement": active.id,
        "other_placement": other_placement.id,
        "cancelled_placement": cancelled.id,
        "review_record": review_record.id,
        "provider": provider.id,
        "other_provider": other_provider.id,
        "user": commissioner.id,
        "other_user": other_user.id,
        "users": {
            "admin": admin,
            "commissioner": commissioner,
            "other_commissioner": other_commissioner,
            "provider_staff": provider_user,
            "viewer": viewer,
        },
    }


def test_matrix_covers_every_route(app):
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    covered = set(MATRIX) | set(RULES)
    missing = {route for route in routes if route not in covered and RULES.get(route) not in MATRIX}
    assert not missing, f"routes with no expected answers in the access matrix: {sorted(missing)}"


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_every_route_answers_as_expected_for_role(app, client, records, role_index, role):
    if role != "anonymous":
        sign_in(client, records["users"][role])
    ids = {key: value for key, value in records.items() if key != "users"}
    answers = {}
    for template, expected in MATRIX.items():
        url = template.format(**ids)
        answers[template] = (client.get(url).status_code, expected[role_index])
    wrong = {template: got for template, (got, want) in answers.items() if got != want}
    assert not wrong, f"{role}: unexpected answers (route: got) {wrong}"

"""Signing pages: the commissioner asks for signatures and follows them; a signer opens their link, proves
it is them with a code, reads the plan and signs (or declines); or signs in person on the staff member's
device. Every public page answers a used, expired or made-up link the same way, saying nothing more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from forms.signing import (
    CancelForm,
    CodeForm,
    DeclineForm,
    RequestSignaturesForm,
    SendCodeForm,
    SignForm,
    VerifyForm,
)
from service.access import public, roles_required
from service.audit import services as audit
from service.auth.models import User
from service.documents import services as documents
from service.documents.jobs import produce_document
from service.documents.models import Document
from service.extensions import db, limiter
from service.files import sha256_of
from service.mail.jobs import deliver_message
from service.mail.models import MessageStatus, OutboxMessage
from service.placements.access import placement_or_404
from service.placements.models import Placement
from service.providers import contacts as provider_contacts
from service.queue import enqueue_after_commit
from service.rules.roles import Role
from service.signing import identity, rounds, verification
from service.signing import signatures as signed
from service.signing.models import (
    RequestStatus,
    SignatureRequest,
    Signer,
    SignerRole,
    SigningMethod,
)
from service.storage import BadKey, current_storage, send_stored

bp = Blueprint("signing", __name__, template_folder="templates")

SESSION_KEY = "signing_confirmed"  # the signers whose code was confirmed in this browser


def _output_dir() -> Path:
    return Path(current_app.config["APDOCS_OUTPUT_DIR"])


def _client() -> tuple[str, str]:
    return request.remote_addr or "", request.headers.get("User-Agent", "")


#: The request token's action for "Ask for signatures" (``documents.earlier_request``).
ASK_ACTION = "ask_signatures"


def _enqueue(messages: list[OutboxMessage]) -> None:
    for message in messages:
        enqueue_after_commit(deliver_message, message.id)


# -- the commissioner ------------------------------------------------------------------------------------


@bp.route("/placements/<int:placement_id>/signatures", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def signatures(placement_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=request.method == "GET")
    contact = provider_contacts.contact_check(placement.commissioning_organisation_id, placement.provider)
    form = RequestSignaturesForm()
    if not form.is_submitted():
        form = RequestSignaturesForm(formdata=None, data={"signers": _suggestions(placement, contact, user)})
    local_authority = placement.commissioned_by_la
    for row in form.signers:  # the LA signs as the LA, not as a school
        row.form.role.choices = [(r.value, r.label_for(local_authority)) for r in SignerRole]
    status = 200
    token = request.form.get("request_token") if form.is_submitted() else None
    if form.is_submitted():
        status = 400
        if form.validate():
            if documents.earlier_request(token, ASK_ACTION, placement) is not None:
                # The same form sent twice (a double click): the first one's round, and its emails, are the answer.
                earlier_round = rounds.latest_request(placement)
                db.session.commit()
                flash(_asked_message(rounds.request_messages(earlier_round) if earlier_round else []), "success")
                return redirect(url_for("signing.signatures", placement_id=placement_id))
            try:
                _request, messages = rounds.request_signatures(user, placement, _chosen(form))
            except rounds.SigningError as error:
                db.session.rollback()
                _attach_error(form, error)
            else:
                documents.record_request(token, ASK_ACTION, user, placement)
                _enqueue(messages)
                db.session.commit()
                for message in messages:  # the outbox's state now, after delivery was asked for
                    db.session.refresh(message)
                flash(_asked_message(messages), "success")
                return redirect(url_for("signing.signatures", placement_id=placement_id))
    else:
        db.session.commit()  # the audit record of this view
    return render_template(
        "signing/signatures.html",
        placement=placement,
        form=form,
        rounds=rounds.requests_for(placement),
        open_round=rounds.open_request(placement),
        not_signable=rounds.why_not_signable(placement),
        signed_round=rounds.signed_round(placement),
        commissioner_role=SignerRole.SCHOOL_REPRESENTATIVE.label_for(local_authority).lower(),
        contact_changed=contact.needs_confirmation,
        cancel_form=CancelForm(formdata=None),
        request_token=token or documents.new_request_token(),
    ), status


def _suggestions(placement: Placement, contact: provider_contacts.ContactCheck, asker: User) -> list[dict[str, Any]]:
    rows = [
        {"include": True, "name": s.name, "role": s.role.value, "method": s.method.value, "email": s.email}
        for s in rounds.suggested_signers(placement, contact, asker)
    ]
    rows.append({"include": False, "name": "", "role": SignerRole.PUPIL.value, "method": "in_person", "email": ""})
    return rows


def _chosen(form: RequestSignaturesForm) -> list[rounds.SignerDetails]:
    return [
        rounds.SignerDetails(
            name=row.form.name.data or "",
            role=SignerRole(row.form.role.data),
            method=SigningMethod(row.form.method.data or SigningMethod.LINK.value),
            email=row.form.email.data or "",
        )
        for row in form.signers
        if row.form.include.data
    ]


def _attach_error(form: RequestSignaturesForm, error: rounds.SigningError) -> None:
    """Put each error next to its field (``signers-<n>-<field>`` counts the ticked rows only; ``signers`` is the
    list as a whole), and let the error summary see them: a FieldList keeps the errors it found when it was
    validated, so they are gathered again. The error summary links a message about the whole list to the list
    (``RequestSignaturesForm.form_errors_href``)."""
    problems = error.problems if isinstance(error, rounds.SigningProblems) else [error]
    ticked = [row for row in form.signers if row.form.include.data]
    for problem in problems:
        if problem.field.startswith("signers-") and problem.field.count("-") == 2:
            _, number, name = problem.field.split("-")
            if number.isdigit() and int(number) < len(ticked):
                field = getattr(ticked[int(number)].form, name)
                field.errors = [*field.errors, problem.message]
                continue
        form.form_errors.append(problem.message)  # about the signers as a whole, shown above them
    rows = [row.form.errors for row in form.signers]
    form.signers.errors = rows if any(rows) else []


def _asked_message(messages: list[OutboxMessage]) -> str:
    """What "Ask for signatures" answers: the signing emails as the outbox has them now. An email waiting in the
    outbox is not called sent (the mail server may never take it)."""
    if not messages:
        return "Signatures asked for. Everyone signs in person: open each name below when they are with you."
    state = emails_state(messages, "with a signing link")
    return f"Signatures asked for: {state} Their progress is in the outbox."


def emails_state(messages: list[OutboxMessage], what: str) -> str:
    """Words counting ``messages`` by their state in the outbox, e.g. "3 emails with a signing link: 2 sent,
    1 waiting to be sent."."""
    counts: dict[MessageStatus, int] = {}
    for message in messages:
        counts[message.status] = counts.get(message.status, 0) + 1
    words = {
        MessageStatus.SENT: "sent",
        MessageStatus.QUEUED: "waiting to be sent",
        MessageStatus.SENDING: "being sent",
        MessageStatus.MAY_HAVE_BEEN_SENT: "may have been sent (check the outbox)",
        MessageStatus.FAILED: "not sent (check the outbox)",
        MessageStatus.CANCELLED: "cancelled",
    }
    if len(messages) == 1:
        return f"an email {what}, {words[messages[0].status]}."
    parts = [f"{count} {words[status]}" for status, count in counts.items()]
    return f"{len(messages)} emails {what}: " + ", ".join(parts) + "."


def _round_or_404(placement: Placement, request_id: int) -> SignatureRequest:
    found = rounds.get_request(placement, request_id)
    if found is None:
        abort(404)
    return found


def _signer_or_404(round_: SignatureRequest, signer_id: int) -> Signer:
    signer = next((s for s in round_.signers if s.id == signer_id), None)
    if signer is None:
        abort(404)
    return signer


@bp.route("/placements/<int:placement_id>/signatures/<int:request_id>/cancel", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def cancel(placement_id: int, request_id: int) -> Response:
    user, placement = placement_or_404(placement_id, audited=False)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        rounds.cancel_request(user, _round_or_404(placement, request_id), form.reason.data or "")
    except rounds.SigningError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("Cancelled. The signing links no longer work.", "success")
    return redirect(url_for("signing.signatures", placement_id=placement_id))


@bp.route("/placements/<int:placement_id>/signatures/<int:request_id>/signers/<int:signer_id>/remind", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def remind(placement_id: int, request_id: int, signer_id: int) -> Response:
    user, placement = placement_or_404(placement_id, audited=False)
    if not CancelForm().validate_on_submit():  # only its CSRF check
        abort(400)
    signer = _signer_or_404(_round_or_404(placement, request_id), signer_id)
    try:
        message = rounds.remind(user, signer)
    except rounds.SigningError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        enqueue_after_commit(deliver_message, message.id)
        db.session.commit()
        db.session.refresh(message)  # the outbox's state now: never "sent" while it waits
        flash(
            f"Reminder for {signer.name}: {emails_state([message], 'with a new link')} The old link no longer works.",
            "success",
        )
    return redirect(url_for("signing.signatures", placement_id=placement_id))


@bp.route(
    "/placements/<int:placement_id>/signatures/<int:request_id>/signers/<int:signer_id>/in-person",
    methods=["GET", "POST"],
)
@roles_required(Role.COMMISSIONER)
def in_person(placement_id: int, request_id: int, signer_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=request.method == "GET")
    round_ = _round_or_404(placement, request_id)
    signer = _signer_or_404(round_, signer_id)
    if signer.method is not SigningMethod.IN_PERSON or round_.status is not RequestStatus.OPEN:
        abort(404)
    if request.method == "GET":
        db.session.commit()
    return _sign_page(signer, witness=user, action=request.url)


@bp.route("/placements/<int:placement_id>/signatures/<int:request_id>/plan.pdf")
@roles_required(Role.COMMISSIONER)
def round_pdf(placement_id: int, request_id: int) -> Response:
    """The plan version this round asks people to sign, for reading in person."""
    _user, placement = placement_or_404(placement_id)
    round_ = _round_or_404(placement, request_id)
    db.session.commit()
    return _pinned_pdf(round_)


# -- the signer -----------------------------------------------------------------------------------------


def _not_valid() -> tuple[str, int]:
    return render_template("signing/not_valid.html"), 404


def _confirmed_here(signer: Signer) -> bool:
    return signer.identity_confirmed_at is not None and signer.id in session.get(SESSION_KEY, [])


@bp.route("/sign/<token>", methods=["GET", "POST"])
@public
@limiter.limit("60 per minute")
def sign_by_link(token: str) -> ResponseReturnValue:
    signer = identity.signer_for_token(token)
    if signer is None:
        return _not_valid()
    if not _confirmed_here(signer):
        return render_template(
            "signing/confirm.html",
            signer=signer,
            token=token,
            expect_code=_expect_code(signer),
            send_form=SendCodeForm(),
            code_form=CodeForm(formdata=None),
        )
    return _sign_page(signer, witness=None, action=url_for("signing.sign_by_link", token=token), token=token)


@bp.route("/sign/<token>/code", methods=["POST"])
@public
@limiter.limit("10 per hour")
def send_code(token: str) -> ResponseReturnValue:
    signer = identity.signer_for_token(token)
    if signer is None:
        return _not_valid()
    if not SendCodeForm().validate_on_submit():
        abort(400)
    try:
        message = identity.send_code(signer)
    except rounds.SigningError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        enqueue_after_commit(deliver_message, message.id)
        db.session.commit()
        db.session.refresh(message)  # what the outbox did with it, not what we hope
        flash(*_code_message(message, _masked(signer.email)))
    return redirect(url_for("signing.sign_by_link", token=token) + "#enter-code")


def _code_message(message: OutboxMessage, masked: str) -> tuple[str, str]:
    """What the signer is told about the code's email, from its state in the outbox (in their words: no outbox)."""
    if message.status is MessageStatus.SENT:
        return f"We have emailed a code to {masked}. It works for 15 minutes.", "success"
    if message.status in (MessageStatus.QUEUED, MessageStatus.SENDING):
        return (
            f"A code is on its way to {masked}: it can take a few minutes to arrive. It works for 15 minutes.",
            "success",
        )
    return f"We could not email a code to {masked} just now. Try again in a few minutes.", "error"


@bp.route("/sign/<token>/confirm", methods=["POST"])
@public
@limiter.limit("20 per hour")
def confirm(token: str) -> ResponseReturnValue:
    signer = identity.signer_for_token(token)
    if signer is None:
        return _not_valid()
    code_form = CodeForm()
    if code_form.validate_on_submit():
        try:
            identity.confirm_code(signer, code_form.code.data or "")
        except rounds.SigningError as error:
            db.session.commit()  # the attempt counts
            code_form.code.errors = [error.message]
        else:
            db.session.commit()
            session[SESSION_KEY] = [*session.get(SESSION_KEY, []), signer.id][-10:]
            return redirect(url_for("signing.sign_by_link", token=token))
    page = render_template(
        "signing/confirm.html",
        signer=signer,
        token=token,
        expect_code=_expect_code(signer),
        send_form=SendCodeForm(),
        code_form=code_form,
    )
    return page, 400


def _expect_code(signer: Signer) -> bool:
    """Show the box for the code: one was sent, or is on its way (it is made when its email goes)."""
    return signer.code_sha256 is not None or identity.code_on_its_way(signer)


@bp.route("/sign/<token>/plan.pdf")
@public
def plan_pdf(token: str) -> ResponseReturnValue:
    signer = identity.signer_for_token(token)
    if signer is None or not _confirmed_here(signer):
        return _not_valid()
    signed.record_view(signer, *_client())
    db.session.commit()
    return _pinned_pdf(signer.request)


@bp.route("/sign/<token>/decline", methods=["POST"])
@public
def decline_by_link(token: str) -> ResponseReturnValue:
    signer = identity.signer_for_token(token)
    if signer is None or not _confirmed_here(signer):
        return _not_valid()
    return _decline(signer, witness=None, back=url_for("signing.sign_by_link", token=token), token=token)


@bp.route(
    "/placements/<int:placement_id>/signatures/<int:request_id>/signers/<int:signer_id>/decline", methods=["POST"]
)
@roles_required(Role.COMMISSIONER)
def decline_in_person(placement_id: int, request_id: int, signer_id: int) -> ResponseReturnValue:
    user, placement = placement_or_404(placement_id, audited=False)
    signer = _signer_or_404(_round_or_404(placement, request_id), signer_id)
    if signer.method is not SigningMethod.IN_PERSON:
        abort(404)
    back = url_for("signing.in_person", placement_id=placement_id, request_id=request_id, signer_id=signer_id)
    return _decline(signer, witness=user, back=back)


def _masked(address: str) -> str:
    """``p•••@example.com``: enough for the signer to recognise their address, not enough to learn it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def _pinned_pdf(round_: SignatureRequest) -> Response:
    """The PDF the round pinned, only if it is still exactly those bytes."""
    document: Document = round_.document
    storage = current_storage(_output_dir())
    try:
        data = storage.get(document.pdf_path)
    except (FileNotFoundError, BadKey):
        abort(404)
    if sha256_of(data) != round_.document_sha256:
        abort(404)
    response = send_stored(
        storage,
        document.pdf_path,
        mimetype="application/pdf",
        as_attachment=False,
        download_name="ap-support-plan.pdf",
        data=data,  # the bytes whose hash was just checked, not read again
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _sign_page(signer: Signer, *, witness: User | None, action: str, token: str = "") -> ResponseReturnValue:
    form = SignForm()
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            ip, agent = _client()
            try:
                last = signed.sign(
                    signer,
                    drawn=form.drawn.data or "",
                    typed=form.typed.data or "",
                    read_confirmed=bool(form.read_confirmed.data),
                    ip=ip,
                    user_agent=agent,
                    witness=witness,
                )
            except rounds.SigningError as error:
                db.session.rollback()
                fields = {"signature": form.typed, "typed": form.typed, "read_confirmed": form.read_confirmed}
                for problem in error.problems if isinstance(error, rounds.SigningProblems) else [error]:
                    field = fields.get(problem.field)
                    if field is not None:
                        field.errors = [*field.errors, problem.message]
                    else:
                        form.form_errors.append(problem.message)
            else:
                document = signed.complete(signer.request, _output_dir()) if last else None
                if document is not None:
                    enqueue_after_commit(produce_document, document.id)  # sealed when made; then the parents get it
                db.session.commit()
                if witness is not None:
                    flash(f"{signer.name} has signed.", "success")
                    return redirect(url_for("signing.signatures", placement_id=signer.request.placement_id))
                return render_template("signing/done.html", signer=signer, everyone=last)
    elif witness is None:
        signed.record_view(signer, *_client())
        db.session.commit()
    plan_url = (
        url_for("signing.plan_pdf", token=token)
        if token
        else url_for("signing.round_pdf", placement_id=signer.request.placement_id, request_id=signer.request_id)
    )
    decline_url = (
        url_for("signing.decline_by_link", token=token)
        if token
        else url_for(
            "signing.decline_in_person",
            placement_id=signer.request.placement_id,
            request_id=signer.request_id,
            signer_id=signer.id,
        )
    )
    return render_template(
        "signing/sign.html",
        signer=signer,
        placement=signer.request.placement,
        form=form,
        decline_form=DeclineForm(formdata=None),
        action=action,
        plan_url=plan_url,
        decline_url=decline_url,
        witness=witness,
    ), status


def _decline(signer: Signer, *, witness: User | None, back: str, token: str = "") -> ResponseReturnValue:
    form = DeclineForm()
    if form.validate_on_submit():
        ip, agent = _client()
        try:
            signed.decline(signer, form.reason.data or "", ip=ip, user_agent=agent, witness=witness)
        except rounds.SigningError as error:
            db.session.rollback()
            form.reason.errors = [error.message]
        else:
            db.session.commit()
            if witness is not None:
                flash(f"{signer.name} declined to sign. Their reason is below.", "success")
                return redirect(url_for("signing.signatures", placement_id=signer.request.placement_id))
            return render_template("signing/declined.html", signer=signer)
    return render_template(
        "signing/sign.html",
        signer=signer,
        placement=signer.request.placement,
        form=SignForm(formdata=None),
        decline_form=form,
        action=back,
        plan_url=url_for("signing.plan_pdf", token=token)
        if token
        else url_for("signing.round_pdf", placement_id=signer.request.placement_id, request_id=signer.request_id),
        decline_url=request.path,
        witness=witness,
    ), 400


# -- verifying ------------------------------------------------------------------------------------------


@bp.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit("30 per hour", methods=["POST"])
def verify() -> ResponseReturnValue:
    """Anyone holding a signed plan can check it; only people allowed to see the placement learn which it is."""
    form = VerifyForm()
    result = None
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            data = form.pdf.data.read()
            user = current_user if current_user.is_authenticated else None
            result = verification.check(data, user)
            audit.record(
                "verify",
                "document",
                result.document.id if result.document else None,
                user,
                {"genuine": result.genuine},
                organisation_id=result.document.placement.commissioning_organisation_id if result.document else None,
            )
            db.session.commit()
            status = 200
    return render_template("signing/verify.html", form=form, result=result), status

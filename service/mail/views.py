"""Outbox screens for commissioners, and the public pages behind a secure link.

The outbox is the organisation's own: a commissioner sees only their organisation's messages, and
another organisation's message is 404. It never shows a signing link, a one-time code or a secure
link: the body is shown with a note where each went, and the ``.eml`` copy is rebuilt from the row
the same way (the delivered file, which holds them, is the recipient's, never offered here). A
secure link's pages show one document's title and nothing else; an expired, revoked or made-up
token gets one and the same page, which says nothing about which it was.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from service.access import current, public, roles_required
from service.audit import services as audit
from service.extensions import db
from service.mail import compose, jobs, links, message_secrets, services
from service.mail.models import Delivery, MessageStatus, OutboxMessage
from service.queue import enqueue_after_commit
from service.rules.roles import Role
from service.storage import current_storage, send_stored

bp = Blueprint("mail", __name__, template_folder="templates")


class ConfirmForm(FlaskForm):
    """A button that changes something: the CSRF token only."""


def _output_dir() -> Path:
    return Path(current_app.config["APDOCS_OUTPUT_DIR"])


def _message_or_404(message_id: int) -> OutboxMessage:
    message = services.get_message_for(current(), message_id)
    if message is None:
        abort(404)
    return message


@bp.route("/outbox")
@roles_required(Role.COMMISSIONER)
def outbox() -> str:
    user = current()
    raw = request.args.get("status", "")
    try:
        status = MessageStatus(raw) if raw else None
    except ValueError:
        status = None
    messages = services.messages_for(user, status)
    return render_template(
        "mail/outbox.html",
        messages=messages,
        status=status,
        statuses=list(MessageStatus),
        attention=services.needing_attention(user),
        purpose_label=services.purpose_label,
    )


@bp.route("/outbox/<int:message_id>")
@roles_required(Role.COMMISSIONER)
def show_message(message_id: int) -> str:
    user = current()
    message = _message_or_404(message_id)
    audit.record("view", "outbox_message", message.id, user)
    db.session.commit()
    return render_template(
        "mail/message.html",
        message=message,
        body=message_secrets.shown_body(message),
        secret_state=message_secrets.secret_state_label,
        can_stop=message_secrets.can_stop(message),
        purpose_label=services.purpose_label,
        Delivery=Delivery,
        attachment_name=compose.attachment_name,
    )


@bp.route("/outbox/<int:message_id>/resend", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def resend(message_id: int) -> Response:
    user = current()
    message = _message_or_404(message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.resend(message, user)
    except services.OutboxError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("mail.show_message", message_id=message_id))
    enqueue_after_commit(jobs.deliver_message, message_id)
    db.session.commit()
    flash("The message is being sent again.", "success")
    return redirect(url_for("mail.show_message", message_id=message_id))


@bp.route("/outbox/<int:message_id>/mark-sent", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def mark_sent(message_id: int) -> Response:
    user = current()
    message = _message_or_404(message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.mark_sent(message, user)
    except services.OutboxError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("mail.show_message", message_id=message_id))
    db.session.commit()
    flash("The message is recorded as sent.", "success")
    return redirect(url_for("mail.show_message", message_id=message_id))


@bp.route("/outbox/<int:message_id>/stop-links", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def stop_links(message_id: int) -> Response:
    """Stop the links a message carries (it went to the wrong person, say): audited, and final."""
    user = current()
    message = _message_or_404(message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    stopped = links.revoke_links(message, user)
    db.session.commit()
    if stopped:
        flash("The link no longer works. Anyone who opens it is told it is not valid.", "success")
    else:
        flash("There was no working link to stop.", "success")
    return redirect(url_for("mail.show_message", message_id=message_id))


@bp.route("/outbox/<int:message_id>/eml")
@roles_required(Role.COMMISSIONER)
def download_eml(message_id: int) -> ResponseReturnValue:
    """A copy of the message rebuilt from the outbox row, without its links and codes (never the delivered file)."""
    user = current()
    message = _message_or_404(message_id)
    data = compose.staff_copy(message)
    audit.record("download", "outbox_message", message.id, user, {"kind": "eml"})
    db.session.commit()
    response = Response(data, mimetype="message/rfc822")
    response.headers["Content-Disposition"] = f'attachment; filename="message-{message.id}.eml"'
    return response


def _not_valid() -> tuple[str, int, dict[str, str]]:
    return render_template("mail/link_not_valid.html"), 404, {"Referrer-Policy": "no-referrer"}


@bp.route("/shared/<token>")
@public
def shared(token: str) -> ResponseReturnValue:
    link = links.find_link(token)
    if link is None:
        return _not_valid()
    document = link.document
    audit.record(
        "view",
        "secure_link",
        link.id,
        None,
        {"document_id": document.id},
        organisation_id=document.placement.commissioning_organisation_id,
    )
    db.session.commit()
    page = render_template("mail/shared.html", title=document.title, token=token)
    return page, 200, {"Referrer-Policy": "no-referrer"}


@bp.route("/shared/<token>/pdf")
@public
def shared_pdf(token: str) -> ResponseReturnValue:
    link = links.find_link(token)
    if link is None:
        return _not_valid()
    document = link.document
    storage = current_storage(_output_dir())
    if not storage.exists(document.pdf_path):
        return _not_valid()
    links.open_link(token)
    audit.record(
        "download",
        "secure_link",
        link.id,
        None,
        {"document_id": document.id, "kind": "pdf"},
        organisation_id=document.placement.commissioning_organisation_id,
    )
    db.session.commit()
    response = send_stored(
        storage, document.pdf_path, mimetype="application/pdf", download_name=compose.attachment_name(document)
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response

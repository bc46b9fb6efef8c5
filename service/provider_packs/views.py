"""The provider information pack's pages: fill it in, preview it as the provider will read it, send it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from forms.provider_packs import QUESTIONS, ProviderPackForm
from service.access import keeps_answers, roles_required
from service.auth.kept_answers import kept_formdata
from service.documents import services as documents
from service.documents.jobs import produce_document
from service.documents.kinds.provider_pack import build_provider_pack_context
from service.documents.types import DocumentType
from service.extensions import db
from service.mail.jobs import deliver_message
from service.placements.access import placement_or_404
from service.provider_packs import services
from service.queue import enqueue_after_commit
from service.rules.provider_pack import PackSection, PackState
from service.rules.roles import Role

bp = Blueprint("provider_packs", __name__, template_folder="templates")


@bp.route("/placements/<int:placement_id>/provider-pack", methods=["GET", "POST"])
@keeps_answers
@roles_required(Role.COMMISSIONER)
def edit_pack(placement_id: int) -> Any:
    user, placement = placement_or_404(placement_id, audited=False)
    pack = services.pack_of(placement)
    form = ProviderPackForm(obj=pack)
    if not form.is_submitted():
        kept = kept_formdata()
        if kept:
            db.session.commit()  # handed back once
            form = ProviderPackForm(formdata=kept)
        elif pack is not None:
            form.withheld.data = list(pack.withheld or [])
            for section, field in services.REASON_FIELDS.items():
                getattr(form, field).data = pack.reason_for(section)
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            answers = {name: getattr(form, name).data for name in services.ANSWER_FIELDS}
            answers["withheld"] = form.withheld.data or []
            answers.update({field: getattr(form, field).data for field in services.REASON_FIELDS.values()})
            try:
                services.save_pack(user, placement, answers)
            except services.PackAnswersRefused as error:
                db.session.rollback()
                for field, message in error.problems.items():
                    getattr(form, field).errors = [message]
            else:
                db.session.commit()
                flash("Pack saved. Preview it to see what the provider will get.", "success")
                return redirect(url_for("provider_packs.preview_pack", placement_id=placement_id))
    return render_template(
        "provider_packs/edit.html",
        placement=placement,
        form=form,
        questions=QUESTIONS,
        pack_status=services.status_of(placement, date.today()),
        plan_out_of_step=services.plan_shows_what_is_kept_out(placement),
        kept_out=services.kept_out_with_reasons(placement),
    ), status


@bp.route("/placements/<int:placement_id>/provider-pack/preview")
@roles_required(Role.COMMISSIONER)
def preview_pack(placement_id: int) -> str:
    user, placement = placement_or_404(placement_id)
    db.session.commit()  # the audit record of this view
    today = date.today()
    check = services.contact_check(placement)  # once, for the status, the recipient and how it goes
    context = build_provider_pack_context(
        placement, on=today, version=documents.next_version(placement.id, DocumentType.PROVIDER_PACK)
    )
    return render_template(
        "provider_packs/preview.html",
        placement=placement,
        pack=context,
        pack_status=services.status_of(placement, today, check=check),
        plan_out_of_step=services.plan_shows_what_is_kept_out(placement),
        recipient=services.placement_contact(placement, check),
        delivery=services.delivery_of(placement, check),
        sections=PackSection,
        kept_out=services.kept_out_with_reasons(placement),
        sent=[d for d in documents.documents_for(placement) if d.doc_type is DocumentType.PROVIDER_PACK],
        request_token=documents.new_request_token(),  # "Send the pack now" clicked twice sends one pack
    )


@bp.route("/placements/<int:placement_id>/provider-pack/status")
@roles_required(Role.COMMISSIONER)
def pack_status(placement_id: int) -> Response:
    """Where the pack stands now, for the page that shows it (js/pack-status.mjs) while its email is in the outbox:
    the SENCO who pressed "Send the pack now" sees it go without reloading, as a document's status does."""
    _, placement = placement_or_404(placement_id, audited=False)
    status = services.status_of(placement, date.today())
    html = render_template("provider_packs/_status.html", placement=placement, pack_status=status, fragment=True)
    return jsonify({"state": status.state.value, "finished": status.state is not PackState.SENDING, "html": html})


@bp.route("/placements/<int:placement_id>/provider-pack/send", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def send_pack(placement_id: int) -> Response:
    user, placement = placement_or_404(placement_id, audited=False)
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = request.form.get("request_token")
    if documents.earlier_request(token, services.SEND_ACTION, placement) is not None:
        db.session.commit()  # "Send the pack now" clicked twice: the first click's pack is the one on its way
        flash(*services.send_outcome(services.pack_messages([placement_id]).get(placement_id)))
        return redirect(url_for("provider_packs.preview_pack", placement_id=placement_id))
    try:
        document, message = services.send_pack(user, placement, Path(current_app.config["APDOCS_OUTPUT_DIR"]))
    except services.PackNotReady as error:
        db.session.rollback()
        for problem in error.problems:
            flash(problem, "error")
        return redirect(url_for("provider_packs.preview_pack", placement_id=placement_id))
    documents.record_request(token, services.SEND_ACTION, user, placement, document)
    enqueue_after_commit(produce_document, document.id)
    enqueue_after_commit(deliver_message, message.id)  # it waits for the PDF
    db.session.commit()
    db.session.refresh(message)  # the outbox's state now: still waiting, or already delivered by the time we answer
    flash(*services.send_outcome(message))
    return redirect(url_for("provider_packs.preview_pack", placement_id=placement_id))

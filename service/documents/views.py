"""Document screens: ask for a document, watch it being made, download it, try again if it failed."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import InputRequired

from forms.templates import TemplateUploadForm
from service.access import current, roles_required
from service.audit import services as audit
from service.documents import jobs, word_templates
from service.documents import services as documents
from service.documents.models import DocumentStatus
from service.documents.types import DocumentType
from service.extensions import db
from service.placements.access import placement_or_404
from service.queue import enqueue_after_commit
from service.rules.roles import Role
from service.storage import current_storage, send_stored

bp = Blueprint("documents", __name__, template_folder="templates")

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class DocumentRequestForm(FlaskForm):
    doc_type = StringField(validators=[InputRequired()])
    #: Which of the placement's reviews a review record is of (ignored for the other types).
    review_id = StringField()
    #: The page's request token (``documents.new_request_token``): the same form sent twice makes one document.
    request_token = StringField()


class ConfirmForm(FlaskForm):
    """A button that changes something: nothing to fill in, the CSRF token only."""


def _output_dir() -> Path:
    return Path(current_app.config["APDOCS_OUTPUT_DIR"])


@bp.route("/placements/<int:placement_id>/documents", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def request_document(placement_id: int) -> Response:
    user, placement = placement_or_404(placement_id, audited=False)
    form = DocumentRequestForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        doc_type = DocumentType(form.doc_type.data)
    except ValueError:
        flash("Choose a document to produce", "error")
        return redirect(url_for("placements.show_placement", placement_id=placement_id))
    review = None
    if doc_type in documents.PER_REVIEW_TYPES:
        raw = (form.review_id.data or "").strip()
        review = documents.review_of(placement, int(raw)) if raw.isascii() and raw.isdigit() else None
        if review is None:  # no review named, or not one of this placement's: nothing to say which exists
            abort(404)
    token, action = form.request_token.data, f"produce:{doc_type.value}:{review.id if review else ''}"
    earlier = documents.earlier_request(token, action, placement)
    if earlier is not None and earlier.document is not None:  # a double click: the first click's document
        db.session.commit()
        flash(f"{earlier.document.title} is being made.", "success")
        return redirect(url_for("placements.show_placement", placement_id=placement_id, _anchor="documents"))
    try:
        document = documents.request_document(user, placement, doc_type, _output_dir(), review=review)
    except ValueError as error:  # this type has no context builder yet
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("placements.show_placement", placement_id=placement_id))
    documents.record_request(token, action, user, placement, document)
    enqueue_after_commit(jobs.produce_document, document.id)
    db.session.commit()
    flash(f"{document.title} is being made.", "success")
    return redirect(url_for("placements.show_placement", placement_id=placement_id, _anchor="documents"))


@bp.route("/documents/<int:document_id>/status")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def document_status(document_id: int) -> ResponseReturnValue:
    document = documents.get_document_for(current(), document_id)
    if document is None:
        abort(404)
    ready = document.status is DocumentStatus.READY
    return jsonify(
        {
            "status": document.status.value,
            "label": document.status.label,
            "finished": document.status.is_finished,
            "error": document.error,
            "docx_url": url_for("documents.download", document_id=document.id, kind="docx") if ready else None,
            "pdf_url": url_for("documents.download", document_id=document.id, kind="pdf") if ready else None,
        }
    )


@bp.route("/documents/<int:document_id>/<any(docx, pdf):kind>")
@roles_required(Role.COMMISSIONER, Role.PROVIDER_STAFF)
def download(document_id: int, kind: str) -> ResponseReturnValue:
    user = current()
    document = documents.get_document_for(user, document_id)
    if document is None or document.status is not DocumentStatus.READY:
        abort(404)
    key = document.docx_path if kind == "docx" else document.pdf_path
    storage = current_storage(_output_dir())
    if not storage.exists(key):  # a row's path that is missing, or not a plain path inside the store
        abort(404)
    audit.record("download", "document", document.id, user, {"kind": kind, "placement_id": document.placement_id})
    db.session.commit()
    # Through this view only, after its checks: never a link to the object store itself.
    return send_stored(storage, key, mimetype=MIME[kind], download_name=f"{document.file_stem}.{kind}")


@bp.route("/documents/<int:document_id>/retry", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def retry(document_id: int) -> Response:
    user = current()
    document = documents.get_document_for(user, document_id)
    if document is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if documents.make_again(user, document):
        enqueue_after_commit(jobs.produce_document, document.id)
        db.session.commit()
        flash(f"{document.title} is being made again.", "success")
    elif not document.status.is_finished:  # "Try again" clicked twice: the first click's try is under way
        db.session.commit()
        flash(f"{document.title} is being made again.", "success")
    return redirect(url_for("placements.show_placement", placement_id=document.placement_id, _anchor="documents"))


@bp.route("/templates", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def manage_templates() -> ResponseReturnValue:
    admin = current()
    form = TemplateUploadForm()
    producible = list(documents.context_builders())
    form.doc_type.choices = [(t.value, t.label) for t in producible]
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.template.data
        try:
            word_templates.upload_template(
                admin, DocumentType(form.doc_type.data), upload.filename or "", upload.read(), _output_dir()
            )
        except word_templates.TemplateRejected as rejected:
            db.session.rollback()
            problems = [str(problem) for problem in rejected.problems]
            form.template.errors = [*form.template.errors, rejected.message]
        else:
            db.session.commit()
            flash("The template passed every check and is now used for new documents.", "success")
            return redirect(url_for("documents.manage_templates"))
    uploaded = word_templates.templates_of(admin.organisation_id)
    return render_template(
        "documents/templates.html", form=form, problems=problems, uploaded=uploaded, producible=producible
    )


@bp.route("/templates/<int:template_id>/use", methods=["POST"])
@roles_required(Role.ADMIN)
def use_template(template_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    template = word_templates.activate(current(), template_id)
    if template is None:
        abort(404)
    db.session.commit()
    flash(f"New {template.doc_type.label} documents now use {template.file_name}.", "success")
    return redirect(url_for("documents.manage_templates"))


@bp.route("/templates/default/<doc_type>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def default_template(doc_type: str) -> ResponseReturnValue:
    """GET: download the default template to start from. POST: go back to using it."""
    try:
        kind = DocumentType(doc_type)
    except ValueError:
        abort(404)
    path = word_templates.DEFAULT_TEMPLATES_DIR / kind.default_template
    if not path.is_file():
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return send_file(path, mimetype=MIME["docx"], as_attachment=True, download_name=path.name)
    word_templates.use_default(current(), kind)
    db.session.commit()
    flash(f"New {kind.label} documents now use the default template.", "success")
    return redirect(url_for("documents.manage_templates"))

"""Uploading an organisation's own Word template."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from service.documents.engine.upload_check import MAX_TEMPLATE_BYTES


class TemplateUploadForm(FlaskForm):
    doc_type = RadioField(
        "Which document is this template for?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select the document this template is for")],
    )
    template = FileField(
        "Word template (.docx)",
        widget=GovFileInput(),
        description="It is checked before it is used. A template with any problem is not used.",
        validators=[
            FileRequired("Select a Word .docx file"),
            FileSize(MAX_TEMPLATE_BYTES, message="The template must be smaller than 5 MB"),
        ],
    )
    submit = SubmitField("Check and use this template", widget=GovSubmitInput())

"""docs/template-fields.md is generated from the field schema; the committed file must match the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.documents import kinds
from service.documents.engine.schema import Field, Kind
from service.documents.kinds import context_problems, example_context, render_markdown
from service.documents.types import DocumentType

DOC = Path(__file__).resolve().parents[2] / "docs" / "template-fields.md"


def test_the_committed_reference_matches_the_code() -> None:
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/template-fields.md is out of date: run `python -m service.documents.kinds > docs/template-fields.md`"
    )


def test_every_field_and_filter_is_in_the_reference() -> None:
    text = render_markdown()
    for name in (
        "`pupil.display_name`",
        "`pupil.legal_name`",
        "`s.day`",
        "`p.parental_responsibility`",
        "`support.review_meeting_date`",
        "`o.objective`",
        "`o.due_by`",
        "`assessment.desired_outcomes.destination`",
        "`agreement.registration_override_reason`",
        "`r.extension_agreed`",
        "`signatures.parent_carer.name`",
        "`review.attendance.percent`",
        "`review.next_review_date`",
        "`p.rating`",
    ):
        assert name in text
    for name in ("yes_no", "uk_date", "one_line", "or_dash"):
        assert f"| `{name}` |" in text


@pytest.mark.parametrize("doc_type", list(DocumentType))
def test_the_examples_make_a_complete_context(doc_type: DocumentType) -> None:
    assert context_problems(doc_type, example_context(doc_type)) == []


def test_every_document_with_a_schema_has_its_section_in_the_reference() -> None:
    text = render_markdown()

    assert "## AP Support Plan (`support-plan`)" in text
    assert "## Review record (`review-record`)" in text
    assert "templates_docx/review_record.docx" in text
    assert "## Provider information pack (`provider-pack`)" in text
    assert "templates_docx/provider_pack.docx" in text
    for name in ("`shared.medical`", "`needs.send_needs`", "`safeguarding.concern_procedure`", "`e.phone`"):
        assert name in text
    assert "## End-of-placement report (`end-of-placement-report`)" in text
    assert "templates_docx/end_of_placement_report.docx" in text
    for name in ("`end.destination`", "`end.accreditation_maths`", "`o.outcome`", "`w.week_beginning`"):
        assert name in text
    assert "| `attendance.chart_image` | image |" in text
    assert "No fields yet" not in text


def test_context_problems_finds_missing_extra_and_mistyped_fields() -> None:
    context = example_context(DocumentType.SUPPORT_PLAN)
    del context["pupil"]["upn"]
    context["pupil"]["shoe_size"] = "5"
    context["pupil"]["looked_after"] = "No"
    context["sessions"][1]["hours"] = 3

    assert context_problems(DocumentType.SUPPORT_PLAN, context) == [
        "pupil.upn: missing",
        "pupil.looked_after: expected True or False, got str",
        "pupil.shoe_size: not in the schema",
        "sessions[1].hours: expected text, got int",
    ]


@pytest.mark.parametrize("name", ["items", "keys", "get", "loop", "_private", "not valid"])
def test_names_that_would_clash_in_a_template_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="cannot be a template field name"):
        Field(name, "x")


def test_only_groups_and_lists_have_sub_fields() -> None:
    with pytest.raises(ValueError):
        Field("x", "x", kind=Kind.GROUP)
    with pytest.raises(ValueError):
        Field("x", "x", kind=Kind.TEXT, fields=(Field("y", "y"),))


def test_every_document_type_has_a_label_and_default_template() -> None:
    assert DocumentType.SUPPORT_PLAN.label == "AP Support Plan"
    assert DocumentType.SUPPORT_PLAN.default_template == "support_plan.docx"
    assert DocumentType("end-of-placement-report").default_template == "end_of_placement_report.docx"
    assert set(kinds.SCHEMAS) == set(DocumentType)

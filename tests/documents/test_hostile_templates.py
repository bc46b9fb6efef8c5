"""Templates that can only fail or exhaust the worker are refused at upload, with a reason naming the problem.

The four templates of the finding, each built as a real DOCX, go through ``check_template``, through
``apdocs check-template`` and through an admin's upload on ``/templates``: before this change all four passed
("The template is good") and then failed every render, or spent seconds of processor time and hundreds of MB
of memory in the worker that serves the web.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from service.cli import main
from service.documents.kinds import check_template
from service.documents.models import DocumentTemplate
from service.documents.types import DocumentType
from tests.documents.test_template_check import template
from tests.helpers import csrf_token, text

PLAN = DocumentType.SUPPORT_PLAN

#: The finding's four templates, and a word the reason for refusing each must contain.
ATTACKS = {
    "python-internals": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__"),
    "module-globals": ("{{ cycler.__init__.__globals__ }}", "cycler"),
    "twelve-megabytes-of-lorem-ipsum": ("{{ lipsum(100000) }}", "lipsum"),
    "a-hundred-million-loop-turns": (
        "{% for i in range(100000) %}{% for j in range(1000) %}{{ i }}{% endfor %}{% endfor %}",
        "range",
    ),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_finding_s_templates_are_refused_by_the_check(name: str) -> None:
    tag, word = ATTACKS[name]

    problems = check_template(template("Plan for {{ pupil.display_name }}", tag), PLAN)

    assert problems, "the template was accepted"
    assert any(word in problem.message for problem in problems), problems
    assert all(problem.tag and problem.tag in tag for problem in problems), problems


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_finding_s_templates_are_refused_by_apdocs_check_template(name: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    tag, word = ATTACKS[name]
    path = tmp_path / f"{name}.docx"
    path.write_bytes(template("Plan for {{ pupil.display_name }}", tag))

    result = CliRunner().invoke(main, ["check-template", str(path), "--type", "support-plan"])

    assert result.exit_code == 1, result.output
    assert "The template is good." not in result.output
    assert word in result.output
    assert "this template cannot be used" in result.output


def _upload(client, data: bytes):  # type: ignore[no-untyped-def]
    page = client.get("/templates")
    return client.post(
        "/templates",
        data={
            "csrf_token": csrf_token(page),
            "doc_type": "support-plan",
            "template": (io.BytesIO(data), "our-plan.docx"),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.usefixtures("default_templates")
@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_finding_s_templates_are_refused_at_upload(name: str, as_admin, db_session) -> None:  # type: ignore[no-untyped-def]
    tag, word = ATTACKS[name]

    response = _upload(as_admin, template("Plan for {{ pupil.display_name }}", tag))

    body = text(response)
    assert response.status_code == 200
    assert "This template cannot be used" in body
    assert word in body
    assert "Traceback" not in body
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DocumentTemplate)) == 0

"""Every render runs in a worker process under limits; going over one fails that render with a plain reason and
the next render works. The limits are set low here (a second of processor time, 256 MB, 5 MB of output) so that
templates that pass every check that can be made without running them are stopped quickly; the templates use
only what the static check allows (no ``range``, no ``lipsum``), as a determined author would."""

from __future__ import annotations

import io
import os
import signal
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from service.cli import main
from service.documents import word_templates
from service.documents.engine import render_pool
from service.documents.engine.render_pool import RenderPool
from service.documents.engine.rendering import RenderError, RenderLimitExceeded
from service.documents.engine.sample_context import sample_context
from service.documents.kinds import check_template, schema_for
from service.documents.models import Document, DocumentStatus, DocumentTemplate
from service.documents.types import DocumentType
from service.rules.placement_status import PlacementStatus
from service.settings import RenderLimits
from tests import factories
from tests.documents.test_hostile_templates import ATTACKS
from tests.documents.test_template_check import template
from tests.helpers import csrf_token

PLAN = DocumentType.SUPPORT_PLAN
LIMITS = RenderLimits(cpu_s=1, memory_mb=256, timeout_s=120, max_output_mb=5, workers=1)

#: Ten billion turns of a loop that prints nothing: only processor time.
SPINS = '{% for a in "x" * 100000 %}{% for b in "x" * 100000 %}{% endfor %}{% endfor %}'
#: One string of 900 million spaces.
HUGE = "{{ pupil.display_name|center(900000000) }}"
#: A hundred thousand copies of a name a thousand times over: about a gigabyte of text, bit by bit.
FLOOD = '{% for a in "x" * 100000 %}{{ pupil.display_name * 1000 }}{% endfor %}'


@pytest.fixture(scope="module")
def pool():  # type: ignore[no-untyped-def]
    with RenderPool(LIMITS) as limited:
        yield limited


@pytest.fixture(scope="module")
def good(default_templates: Path) -> bytes:
    return (default_templates / "support_plan.docx").read_bytes()


def only_message(problems: list) -> str:  # type: ignore[type-arg]
    assert len(problems) == 1, problems
    return problems[0].message


def test_processor_time_is_limited(pool: RenderPool, good: bytes) -> None:
    message = only_message(check_template(template("{{ pupil.display_name }}", SPINS), PLAN, renderer=pool))

    assert message.startswith("The template took longer than 1 second of processor time to fill in")
    assert "example data" in message
    assert check_template(good, PLAN, renderer=pool) == []


def test_memory_is_limited(pool: RenderPool, good: bytes) -> None:
    message = only_message(check_template(template(HUGE), PLAN, renderer=pool))

    assert message.startswith("The template used more than 256 MB of memory to fill in")
    assert check_template(good, PLAN, renderer=pool) == []


def test_the_size_of_the_filled_in_document_is_limited(pool: RenderPool, good: bytes) -> None:
    message = only_message(check_template(template(FLOOD), PLAN, renderer=pool))

    assert message.startswith("The filled-in document would be larger than 5 MB")
    assert check_template(good, PLAN, renderer=pool) == []


def test_a_template_that_fails_with_example_data_is_refused_with_the_reason(pool: RenderPool) -> None:
    message = only_message(check_template(template("Share: {{ 100 // (parents|length - 3) }}"), PLAN, renderer=pool))

    assert message.startswith("The template failed when filled in with example data: ")
    assert "ZeroDivisionError" in message
    assert "Share:" in message  # where: the paragraph it is in


def test_the_clock_is_limited_and_the_stuck_worker_replaced(good: bytes) -> None:
    with RenderPool(RenderLimits(cpu_s=600, memory_mb=256, timeout_s=5, max_output_mb=5, workers=1)) as slow:
        slow.start()
        before = slow.process_ids()

        message = only_message(check_template(template(SPINS), PLAN, renderer=slow))

        assert message.startswith("The template took longer than 5 seconds to fill in")
        assert check_template(good, PLAN, renderer=slow) == []
        assert slow.process_ids() and slow.process_ids() != before
        assert slow.stats()["time"] == 1


def test_the_finding_s_templates_rendered_anyway_fail_plainly_and_the_worker_carries_on(
    pool: RenderPool, good: bytes
) -> None:
    """A template stored before the upload check knew them is still stopped when a real document is made."""
    context = sample_context(schema_for(PLAN))
    for tag, _word in ATTACKS.values():
        with pytest.raises(RenderError) as failure:
            pool.render(template(tag), context)
        assert "/" not in failure.value.message.replace("//", "")  # no server path
        assert "Traceback" not in failure.value.message
    assert pool.render(good, context).startswith(b"PK")


def test_a_worker_killed_in_the_middle_of_a_render_fails_that_render_only(good: bytes) -> None:
    with RenderPool(RenderLimits(cpu_s=600, memory_mb=256, timeout_s=600, max_output_mb=5, workers=1)) as pool:
        pool.start()
        (pid,) = pool.process_ids()
        outcome: list[BaseException] = []

        def render() -> None:
            try:
                pool.render(template(SPINS), sample_context(schema_for(PLAN)))
            except RenderError as error:
                outcome.append(error)

        thread = threading.Thread(target=render)
        thread.start()
        while _cpu_ticks(pid) < 20:  # until it is busy with the template
            thread.join(0.05)
        os.kill(pid, signal.SIGKILL)
        thread.join(60)

        assert [str(e) for e in outcome] == [render_pool.STOPPED]
        assert not isinstance(outcome[0], RenderLimitExceeded)
        assert pool.render(good, sample_context(schema_for(PLAN))).startswith(b"PK")
        assert pool.process_ids() != [pid]


def test_a_worker_that_died_while_idle_is_replaced_without_failing_a_render(good: bytes) -> None:
    with RenderPool(RenderLimits(workers=1)) as pool:
        pool.start()
        (pid,) = pool.process_ids()
        os.kill(pid, signal.SIGKILL)

        assert pool.render(good, sample_context(schema_for(PLAN))).startswith(b"PK")
        assert pool.stats()["failed"] == 0


def test_two_renders_at_once_use_two_workers(good: bytes) -> None:
    with RenderPool(RenderLimits(workers=2)) as pool:
        results: list[bytes] = []
        barrier = threading.Barrier(2)

        def render() -> None:
            barrier.wait()
            results.append(pool.render(good, sample_context(schema_for(PLAN))))

        threads = [threading.Thread(target=render) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

        assert len(results) == 2 and all(r.startswith(b"PK") for r in results)
        assert pool.stats()["rendered"] == 2


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 1_000_000
    return int(fields[11]) + int(fields[12])


# -- production renders ------------------------------------------------------------------------------


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The process's render pool, with the low limits, for renders made by the web and the command line."""
    pool = RenderPool(LIMITS)
    monkeypatch.setattr(render_pool, "_shared", pool)
    monkeypatch.setattr(render_pool, "_shared_pid", os.getpid())
    yield pool
    pool.close()


@pytest.fixture
def placement(school, provider):  # type: ignore[no-untyped-def]
    return factories.PlacementFactory(
        pupil=factories.PupilFactory(organisation=school), provider=provider, status=PlacementStatus.AGREED
    )


def _plant(app, school, tag: str) -> None:  # type: ignore[no-untyped-def]
    """An organisation's active template stored before the upload check ran templates (so never checked)."""
    from service.extensions import db

    data = template("Plan for {{ pupil.display_name }}", tag)
    sha = word_templates.store_template_bytes(Path(app.config["APDOCS_OUTPUT_DIR"]), data)
    db.session.add(
        DocumentTemplate(
            organisation_id=school.id, doc_type=PLAN, file_name="old.docx", sha256=sha, size=len(data), is_active=True
        )
    )
    db.session.commit()


@pytest.mark.usefixtures("default_templates")
@pytest.mark.parametrize(
    ("tag", "reason"),
    [
        (SPINS, "The template took longer than 1 second of processor time to fill in"),
        (HUGE, "The template used more than 256 MB of memory to fill in"),
        (FLOOD, "The filled-in document would be larger than 5 MB"),
    ],
)
def test_a_production_render_over_a_limit_fails_that_document_only(
    app, limited, school, placement, as_commissioner, admin, db_session, tag: str, reason: str
) -> None:  # type: ignore[no-untyped-def]
    _plant(app, school, tag)
    page = as_commissioner.get(f"/placements/{placement.id}")
    as_commissioner.post(
        f"/placements/{placement.id}/documents", data={"csrf_token": csrf_token(page), "doc_type": "support-plan"}
    )
    failed = db_session.scalar(sa.select(Document).order_by(Document.id.desc()))
    assert failed.status is DocumentStatus.FAILED
    assert failed.error == reason
    assert reason in as_commissioner.get(f"/placements/{placement.id}").get_data(as_text=True)

    # The admin goes back to the default template; the next document is made by the same pool.
    db_session.execute(sa.update(DocumentTemplate).values(is_active=False))
    db_session.commit()
    page = as_commissioner.get(f"/placements/{placement.id}")
    as_commissioner.post(
        f"/placements/{placement.id}/documents", data={"csrf_token": csrf_token(page), "doc_type": "support-plan"}
    )
    db_session.expire_all()
    ready = db_session.scalar(sa.select(Document).order_by(Document.id.desc()))
    assert ready.status is DocumentStatus.READY, ready.error
    assert limited.stats()["rendered"] >= 1


@pytest.mark.usefixtures("default_templates", "limited")
def test_apdocs_render_reports_a_render_over_a_limit(app, school, placement, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APDOCS_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("APDOCS_OUTPUT_DIR", app.config["APDOCS_OUTPUT_DIR"])
    _plant(app, school, SPINS)

    result = CliRunner().invoke(
        main, ["render", "support-plan", "--placement", str(placement.id), "--out", str(tmp_path / "out")]
    )

    assert result.exit_code == 1
    assert "The template took longer than 1 second of processor time to fill in" in result.output
    assert "Traceback" not in result.output
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "CPU_S": "3",
        "MEMORY_MB": "300",
        "TIMEOUT_S": "9",
        "MAX_OUTPUT_MB": "7",
        "WORKERS": "1",
    }.items():
        monkeypatch.setenv(f"APDOCS_RENDER_{name}", value)

    assert RenderLimits.from_env() == RenderLimits(cpu_s=3, memory_mb=300, timeout_s=9, max_output_mb=7, workers=1)


def test_a_nonsense_limit_stops_the_service_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APDOCS_RENDER_CPU_S", "0")
    with pytest.raises(ValueError, match="APDOCS_RENDER_CPU_S"):
        RenderLimits.from_env()
    monkeypatch.setenv("APDOCS_RENDER_CPU_S", "lots")
    with pytest.raises(ValueError, match="APDOCS_RENDER_CPU_S"):
        RenderLimits.from_env()


def test_the_output_limit_also_holds_in_process() -> None:
    """``render_docx`` counts what a template prints as it prints it, without a worker too."""
    from service.documents.engine.rendering import render_docx

    with pytest.raises(RenderLimitExceeded) as failure:
        render_docx(template(FLOOD), sample_context(schema_for(PLAN)), max_output_bytes=1024 * 1024)
    assert failure.value.limit == "output"
    assert (
        io.BytesIO(render_docx(template("{{ pupil.display_name }}"), sample_context(schema_for(PLAN)))).read(2) == b"PK"
    )


def test_the_upload_check_itself_runs_under_the_limits(pool: RenderPool, good: bytes) -> None:
    """A 0.2 MB upload whose document unpacks to 49 MB of XML: reading it is work too, done in the worker."""
    import zipfile

    small = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template("x"))) as source, zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                paragraph = b"<w:p><w:r><w:t>hello</w:t></w:r></w:p>"
                data = data.replace(b"<w:body>", b"<w:body>" + paragraph * 1_300_000)
            out.writestr(info, data)
    assert len(small.getvalue()) < 1024 * 1024

    message = only_message(check_template(small.getvalue(), PLAN, renderer=pool))

    assert message.startswith("The template used more than 256 MB of memory")
    assert check_template(good, PLAN, renderer=pool) == []


@pytest.mark.usefixtures("default_templates", "limited")
def test_an_upload_over_a_limit_is_refused_with_the_limit_named(as_admin, db_session) -> None:  # type: ignore[no-untyped-def]
    page = as_admin.get("/templates")

    response = as_admin.post(
        "/templates",
        data={
            "csrf_token": csrf_token(page),
            "doc_type": "support-plan",
            "template": (io.BytesIO(template("{{ pupil.display_name }}", SPINS)), "spins.docx"),
        },
        content_type="multipart/form-data",
    )

    body = response.get_data(as_text=True)
    assert "This template cannot be used" in body
    assert "The template took longer than 1 second of processor time to fill in with example data" in body
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DocumentTemplate)) == 0

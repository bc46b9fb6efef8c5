"""The processes that handle templates and documents (the render worker, LibreOffice and its UNO worker) inherit
no secrets from the service.

They are started with real pools while the service's environment holds an SMTP password, a secret key and a
database URL with its password; each process's environment, read from ``/proc/<pid>/environ``, must hold none
of them (neither the names nor the values).
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from service.documents.engine.converter import ConverterPool, PoolSettings, soffice_available, uno_python_available
from tests.helpers import require

SECRETS = {
    "APDOCS_SMTP_PASSWORD": "smtp-password-never-in-a-child",
    "APDOCS_SECRET_KEY": "secret-key-never-in-a-child",
    "APDOCS_DATABASE_URL": "postgresql+psycopg://apdocs:db-password-never-in-a-child@db.internal/apdocs",
    "APDOCS_SIGNING_PKCS12_PASSWORD": "pkcs12-password-never-in-a-child",
    "DATABASE_URL": "postgresql://u:db-url-never-in-a-child@db/x",
    "SECRET_KEY": "bare-secret-key-never-in-a-child",
}


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = [item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item]
    return {name.decode(errors="replace"): value.decode(errors="replace") for name, value in pairs}


def assert_no_secrets(pid: int) -> dict[str, str]:
    env = environment_of(pid)
    leaked = [name for name in env if name.startswith("APDOCS_") or name in SECRETS]
    assert leaked == [], f"process {pid} inherited {leaked}"
    flat = "\n".join(f"{k}={v}" for k, v in env.items())
    for value in SECRETS.values():
        assert value not in flat, f"process {pid} holds a secret value"
    return env


@pytest.fixture
def libreoffice() -> None:
    settings = PoolSettings.from_env()
    if not (soffice_available(settings) and uno_python_available(settings)):
        require("LibreOffice or python3-uno is not installed")


@pytest.fixture
def secrets_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("libreoffice", "secrets_in_the_environment")
def test_libreoffice_and_its_worker_inherit_no_secrets(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("A letter")
    source = tmp_path / "letter.docx"
    document.save(str(source))
    settings = PoolSettings(**{**PoolSettings.from_env().__dict__, "size": 1})

    with ConverterPool(settings) as converter:
        converter.convert(source, tmp_path / "letter.pdf")
        ids = converter.process_ids()
        assert ids["workers"] and ids["soffice"]
        processes = set(ids["all"]) | set(ids["workers"]) | set(ids["soffice"])
        assert len(processes) >= 2
        for pid in processes:
            env = assert_no_secrets(pid)
            assert "PATH" in env

        worker = environment_of(ids["workers"][0])
        home = Path(worker["HOME"])
        assert home.name.startswith("apdocs-lo-"), "HOME is the instance's own folder"
        assert Path(worker["TMPDIR"]).is_relative_to(home)
    assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.usefixtures("secrets_in_the_environment")
def test_the_render_worker_inherits_no_secrets(default_templates: Path) -> None:
    from service.documents.engine.render_pool import RenderPool
    from service.documents.engine.sample_context import sample_context
    from service.documents.kinds import schema_for
    from service.documents.types import DocumentType
    from service.settings import RenderLimits

    with RenderPool(RenderLimits(workers=1)) as pool:
        plan = (default_templates / "support_plan.docx").read_bytes()
        assert pool.render(plan, sample_context(schema_for(DocumentType.SUPPORT_PLAN))).startswith(b"PK")
        (pid,) = pool.process_ids()
        env = assert_no_secrets(pid)
        assert Path(env["HOME"]).name.startswith("apdocs-render-")
        assert Path(f"/proc/{pid}/cwd").resolve() == Path(env["HOME"]).resolve()

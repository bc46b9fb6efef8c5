"""``apdocs import-pupils FILE --organisation NAME`` against the test database: exit 1 and line numbers, or exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from service.cli import main
from service.pupils.models import Pupil

HEADER = "upn,legal_first_name,legal_last_name,date_of_birth,sen_status,parent1_name,parent1_parental_responsibility"


@pytest.fixture
def cli_env(app, school, db_session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    """The CLI builds its own app from APDOCS_* variables: point it at the test database, and commit the school."""
    monkeypatch.setenv("APDOCS_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("APDOCS_SECRET_KEY", "test-secret-key-not-for-production")
    monkeypatch.setenv("APDOCS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("APDOCS_OUTPUT_DIR", str(tmp_path / "output"))
    db_session.commit()
    return tmp_path


def _run(path: Path, organisation: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["import-pupils", str(path), "--organisation", organisation])


def _count(db_session) -> int:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalar(sa.select(sa.func.count()).select_from(Pupil))


def test_cli_reports_bad_lines_and_imports_nothing(cli_env, school, db_session):
    path = cli_env / "bad.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                "F931200124001,Amara,Okafor,2012-03-14,K,Ngozi Okafor,Y",
                "F931200124002,Bad,Upn,2012-03-14,N,,",
                "V931200124002,Lee,Lee,2030-01-01,N,,",
                "J931200124003,Kit,Cole,2011-05-05,Q,,",
            ]
        ),
        encoding="utf-8",
    )
    result = _run(path, school.name)
    assert result.exit_code == 1
    assert "line 3: upn is not a valid UPN" in result.output
    assert "line 4: date_of_birth is in the future" in result.output
    assert "line 5: sen_status must be N, K or E" in result.output
    assert "3 problem(s) found: nothing was imported." in result.output
    assert _count(db_session) == 0


def test_cli_imports_a_good_file_and_commits_it(cli_env, school, db_session):
    path = cli_env / "good.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + f"{HEADER}\r\nF931200124001,Amara,Okafor,14/03/2012,K,Ngozi Okafor,Y\r\n".encode()
    )
    result = _run(path, school.name)
    assert result.exit_code == 0, result.output
    assert "Imported 1 new and updated 0 existing pupils." in result.output
    assert _count(db_session) == 1
    pupil = db_session.scalars(sa.select(Pupil)).one()
    assert (pupil.organisation_id, pupil.school_id, pupil.parents[0].name) == (school.id, school.id, "Ngozi Okafor")

    again = _run(path, school.name)
    assert again.exit_code == 0
    assert "Imported 0 new and updated 1 existing pupils." in again.output
    assert _count(db_session) == 1


def test_cli_refuses_an_unknown_organisation(cli_env, db_session):
    path = cli_env / "good.csv"
    path.write_text(f"{HEADER}\nF931200124001,Amara,Okafor,2012-03-14,K,,\n", encoding="utf-8")
    result = _run(path, "No Such School")
    assert result.exit_code == 1
    assert "No organisation has that name" in result.output
    assert _count(db_session) == 0


def test_cli_lists_the_first_hundred_problems_and_counts_the_rest(cli_env, school, db_session):
    path = cli_env / "many-bad.csv"
    path.write_text("\n".join([HEADER, *(f"F931200124001,Amara,Okafor,2012-13-{n % 28 + 1},K,," for n in range(150))]))
    result = _run(path, school.name)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == "line 2: date_of_birth is not a real date in the form YYYY-MM-DD or DD/MM/YYYY"
    assert lines[-2:] == ["and 50 more", "150 problem(s) found: nothing was imported."]
    assert len(lines) == 102
    assert _count(db_session) == 0

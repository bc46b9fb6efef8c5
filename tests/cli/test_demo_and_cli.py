"""The README's promises: `apdocs init` and `apdocs demo` set up a database in which each demo
sign-in sees what its role should see and nothing else; `apdocs create-user` makes an account."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from service.auth.models import User
from service.cli import main
from service.demo.world import DEMO_ACCOUNTS, DEMO_PASSWORD
from service.organisations.models import Organisation
from tests.conftest import sign_in
from tests.helpers import text

#: The tests' database is not the embedded default: loading demo data into it must be asked for in so many words.
NOT_LIVE = "--i-know-this-is-not-live"


@pytest.fixture
def cli_env(app, monkeypatch, tmp_path):
    monkeypatch.setenv("APDOCS_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("APDOCS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("APDOCS_OUTPUT_DIR", str(tmp_path / "output"))
    return CliRunner()


def test_init_is_idempotent(cli_env):
    first = cli_env.invoke(main, ["init"])
    second = cli_env.invoke(main, ["init"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0
    assert "Database is up to date." in second.output


def test_demo_loads_once_and_prints_sign_ins(cli_env, db_session):
    first = cli_env.invoke(main, ["demo", "--if-empty", NOT_LIVE])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    for account in DEMO_ACCOUNTS:
        assert account.email in first.output
    assert DEMO_PASSWORD in first.output
    count = db_session.scalar(sa.select(sa.func.count()).select_from(User))
    again = cli_env.invoke(main, ["demo", "--if-empty", NOT_LIVE])
    assert again.exit_code == 0
    assert "already loaded" in again.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == count
    refused = cli_env.invoke(main, ["demo", NOT_LIVE])
    assert refused.exit_code == 1


def test_demo_data_goes_into_no_other_database_unless_told_it_is_not_live(cli_env, db_session):
    """`make run` against an empty live database must not create accounts with the published demo password."""
    quiet = cli_env.invoke(main, ["demo", "--if-empty"])  # what `make run` does
    assert quiet.exit_code == 0  # so that `make run` goes on to serve
    assert "Not loading demo data" in quiet.output
    assert DEMO_PASSWORD not in quiet.output
    assert cli_env.invoke(main, ["demo"]).exit_code == 1
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def test_demo_data_goes_into_the_embedded_default_database(monkeypatch, tmp_path):
    """With no database configured, the embedded SQLite file is the one demo data goes into, unasked."""
    monkeypatch.delenv("APDOCS_DATABASE_URL", raising=False)
    monkeypatch.setenv("APDOCS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("APDOCS_OUTPUT_DIR", str(tmp_path / "output"))
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    result = runner.invoke(main, ["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'instance' / 'apdocs.sqlite3'}")
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT COUNT(*) FROM users")) == len(DEMO_ACCOUNTS)
    engine.dispose()


# email -> (names that must be on the dashboard, names that must not be anywhere on it)
EXPECTED_DASHBOARDS = {
    "senco@northbridge.example": (["Ellie Whitfield", "Mo Al-Rashid", "Zoë O&#39;Connor-Smith"], ["Jayden Clarke"]),
    "officer@westshire.example": (["Jayden Clarke", "Lily-Mae Harper"], ["Ellie Whitfield", "Mo Al-Rashid"]),
    "staff@horizon.example": (["Ellie Whitfield", "Kacper Nowak"], ["Amara Nwosu", "Zoë", "Jayden", "Mo Al-Rashid"]),
    "governor@northbridge.example": (["Placements by status"], ["Ellie", "Whitfield", "Mo Al-Rashid", "Zoë"]),
    "admin@northbridge.example": (["Accounts"], ["Ellie", "Whitfield", "Mo Al-Rashid"]),
}


@pytest.mark.parametrize("email", list(EXPECTED_DASHBOARDS))
def test_each_demo_sign_in_sees_what_its_role_should(cli_env, client, db_session, email):
    assert cli_env.invoke(main, ["demo", "--if-empty", NOT_LIVE]).exit_code == 0
    user = db_session.scalar(sa.select(User).where(User.email == email))
    sign_in(client, user, DEMO_PASSWORD)
    page = text(client.get("/"))
    must_see, must_not_see = EXPECTED_DASHBOARDS[email]
    for name in must_see:
        assert name in page, f"{email} should see {name}"
    for name in must_not_see:
        assert name not in page, f"{email} must not see {name}"


def test_create_user_makes_an_account_that_can_sign_in(cli_env, client, db_session):
    result = cli_env.invoke(
        main,
        [
            "create-user",
            "--email",
            "New.Admin@Example.org",
            "--name",
            "New Admin",
            "--role",
            "admin",
            "--organisation",
            "Eastgate School",
            "--create-organisation",
            "school",
        ],
        input="a-long-enough-password\na-long-enough-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db_session.scalar(sa.select(User).where(User.email == "new.admin@example.org"))
    assert user is not None
    assert db_session.get(Organisation, user.organisation_id).name == "Eastgate School"
    sign_in(client, user, "a-long-enough-password")
    assert "Administration for Eastgate School" in text(client.get("/"))


def test_create_user_refuses_short_password_and_unknown_organisation(cli_env, db_session):
    short = cli_env.invoke(
        main,
        [
            "create-user",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "admin",
            "--organisation",
            "X",
            "--create-organisation",
            "school",
        ],
        input="short\nshort\n",
    )
    assert short.exit_code != 0
    assert "at least 12 characters" in short.output
    unknown = cli_env.invoke(
        main,
        ["create-user", "--email", "b@example.org", "--name", "B", "--role", "admin", "--organisation", "Nowhere"],
        input="a-long-enough-password\na-long-enough-password\n",
    )
    assert unknown.exit_code != 0
    assert "No organisation has that name" in unknown.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == 0

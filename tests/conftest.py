"""Shared fixtures: the app on a migrated database (SQLite, or PostgreSQL when
``APDOCS_TEST_DATABASE_URL`` is set), a client, and signed-in users of every role.

The schema is built once per run by the real Alembic migrations, so every run also proves the
migrations; each test then starts from empty tables.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

# Background jobs run at once, in the request that enqueues them, on the same real code path.
os.environ.setdefault("APDOCS_QUEUE_URL", "immediate")

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.app import create_app
from service.db import Base
from service.schema import migrate_database
from service.settings import Settings
from tests import factories

TEST_PASSWORD = factories.TEST_PASSWORD


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the database, so ``make test`` can run them again on PostgreSQL."""
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("APDOCS_TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'apdocs-test.sqlite3'}"
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:  # a configured server that is down is a failure, never a skip
        pytest.exit(f"test database is unreachable: {type(error).__name__}", returncode=3)
    finally:
        engine.dispose()
    migrate_database(url)
    return url


@pytest.fixture(scope="session")
def base_settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    os.environ.setdefault("APDOCS_SECRET_KEY", "test-secret-key-not-for-production")
    instance = tmp_path_factory.mktemp("instance")
    return replace(
        Settings.from_env(),
        instance_dir=instance,
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",
        cookie_secure=True,
        ratelimit_storage_url="memory://",
        smtp_host="",  # never a real mail server from the environment: the mail tests start their own
    )


@pytest.fixture
def app(base_settings: Settings, tmp_path: Path) -> Iterator[Flask]:
    settings = replace(base_settings, output_dir=tmp_path / "output")
    application = create_app(settings, overrides={"TESTING": True})  # binds the queue to it (service.queue)
    with application.app_context():
        yield application
        _empty_all_tables(application)


def _empty_all_tables(application: Flask) -> None:
    from service.extensions import db

    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
    # Each test's app has its own engine: close its pooled connections now rather than whenever the app is
    # collected, or a long run on PostgreSQL reaches the server's connection limit.
    db.engine.dispose()


@pytest.fixture
def db_session(app: Flask):  # type: ignore[no-untyped-def]
    from service.extensions import db

    return db.session


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The test itself holds an app context for its factories; without this, requests would share the
    test's ``g`` and database session, and a view that forgot to commit would still pass.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:  # type: ignore[override]
        if not args or isinstance(args[0], str):  # a path, not a prepared request or environ
            kwargs.setdefault("base_url", "https://localhost")
        return contextvars.Context().run(super().open, *args, **kwargs)


def browser(app: Flask) -> FlaskClient:
    """A browser of its own (its own cookies) on this app.

    Every request is HTTPS, as in production: secure cookies round-trip, and Flask-WTF's strict check
    wants a same-origin Referer on each post, which browsers send under our Referrer-Policy.
    """
    app.test_client_class = IsolatedClient
    test_client = app.test_client()
    test_client.environ_base["HTTP_REFERER"] = "https://localhost/"
    return test_client


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return browser(app)


def sign_in(client: FlaskClient, user: object, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real form (CSRF included), as a person would."""
    from tests.helpers import form_data

    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data=form_data(page, {"email": user.email, "password": password}),  # type: ignore[attr-defined]
    )
    assert response.status_code == 302, "sign-in failed"


@pytest.fixture
def school(db_session):  # type: ignore[no-untyped-def]
    return factories.SchoolFactory(name="Northbridge Academy")


@pytest.fixture
def other_school(db_session):  # type: ignore[no-untyped-def]
    return factories.SchoolFactory(name="Southfield High School")


@pytest.fixture
def local_authority(school):  # type: ignore[no-untyped-def]
    """The LA that ``school`` belongs to (its admin chose it), with its AP and SEN team contacts."""
    la = factories.LocalAuthorityFactory(
        name="Westshire Council",
        ap_contact_name="AP team",
        ap_contact_email="ap@westshire.example",
        sen_contact_name="SEN team",
        sen_contact_email="sen@westshire.example",
    )
    school.local_authority = la
    factories.db.session.commit()
    return la


@pytest.fixture
def la_officer(local_authority):  # type: ignore[no-untyped-def]
    """A commissioner at the school's LA."""
    return factories.UserFactory(organisation=local_authority, role=factories.Role.COMMISSIONER, name="Lee Officer")


@pytest.fixture
def as_la_officer(client, la_officer) -> FlaskClient:  # type: ignore[no-untyped-def]
    sign_in(client, la_officer)
    return client


@pytest.fixture
def provider_org(db_session):  # type: ignore[no-untyped-def]
    return factories.ProviderOrganisationFactory(name="Horizon Skills CIC")


@pytest.fixture
def provider(provider_org):  # type: ignore[no-untyped-def]
    return factories.ProviderFactory(name=provider_org.name, organisation=provider_org)


@pytest.fixture
def commissioner(school):  # type: ignore[no-untyped-def]
    return factories.UserFactory(organisation=school, role=factories.Role.COMMISSIONER, name="Sam Senco")


@pytest.fixture
def other_commissioner(other_school):  # type: ignore[no-untyped-def]
    return factories.UserFactory(organisation=other_school, role=factories.Role.COMMISSIONER, name="Olu Other")


@pytest.fixture
def admin(school):  # type: ignore[no-untyped-def]
    return factories.UserFactory(organisation=school, role=factories.Role.ADMIN, name="Ada Admin")


@pytest.fixture
def viewer(school):  # type: ignore[no-untyped-def]
    return factories.UserFactory(organisation=school, role=factories.Role.VIEWER, name="Gita Governor")


@pytest.fixture
def provider_user(provider):  # type: ignore[no-untyped-def]
    return factories.UserFactory(
        organisation=provider.organisation, role=factories.Role.PROVIDER_STAFF, name="Pat Provider"
    )


@pytest.fixture
def as_commissioner(client, commissioner) -> FlaskClient:  # type: ignore[no-untyped-def]
    sign_in(client, commissioner)
    return client


@pytest.fixture
def as_admin(client, admin) -> FlaskClient:  # type: ignore[no-untyped-def]
    sign_in(client, admin)
    return client


@pytest.fixture
def as_viewer(client, viewer) -> FlaskClient:  # type: ignore[no-untyped-def]
    sign_in(client, viewer)
    return client


@pytest.fixture
def as_provider(client, provider_user) -> FlaskClient:  # type: ignore[no-untyped-def]
    sign_in(client, provider_user)
    return client


@pytest.fixture(scope="session")
def default_templates() -> Path:
    """The default Word templates, built from source as `make` builds them when one is missing or older than
    its source: a template left over from before a change to ``templates_docx/*.py`` must not be tested stale."""
    from tests.documents.conftest import FOLDER, SOURCES, build_module

    module = build_module()
    wanted = [FOLDER / name for name in module.TEMPLATES]
    source_time = max(source.stat().st_mtime for source in SOURCES)
    if not all(path.exists() and path.stat().st_mtime >= source_time for path in wanted):
        module.build(FOLDER)
    return FOLDER

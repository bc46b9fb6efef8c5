"""``enqueue_after_commit``: background work asked for in a transaction runs only once it has committed.

The jobs here are real Huey tasks on the process's queue (immediate in tests, so they run in the commit), each in
the bound app's context with its own session and connection, as a worker's job is: what they find is what another
process would find. Marked ``db`` (they use the ``app`` fixture), so they run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest

from service.extensions import db
from service.organisations.models import Organisation
from service.queue import app_task, enqueue_after_commit
from tests import factories

#: What ``look_for`` found, one entry per run: whether the organisation's row was there.
found: list[bool] = []


@app_task()
def look_for(organisation_id: int) -> None:
    """A job that needs a row: it reads it through its own session, as a worker would."""
    found.append(db.session.get(Organisation, organisation_id) is not None)


def _new_organisation() -> int:
    organisation = factories.SchoolFactory.build()
    db.session.add(organisation)
    db.session.flush()
    return organisation.id


@pytest.fixture(autouse=True)
def _nothing_found_yet() -> None:
    found.clear()


def test_the_job_runs_after_the_commit_and_finds_the_committed_row(app):
    organisation_id = _new_organisation()
    enqueue_after_commit(look_for, organisation_id)
    assert found == []  # asked for, not run: the row is not committed yet

    db.session.commit()

    assert found == [True]
    db.session.commit()
    assert found == [True]  # once only: the next commit has nothing waiting


def test_a_rollback_drops_the_job(app):
    enqueue_after_commit(look_for, _new_organisation())
    db.session.rollback()

    db.session.commit()

    assert found == []


def test_a_rolled_back_savepoint_drops_only_its_own_jobs(app):
    kept = _new_organisation()
    enqueue_after_commit(look_for, kept)
    savepoint = db.session.begin_nested()
    enqueue_after_commit(look_for, _new_organisation())
    savepoint.rollback()

    db.session.commit()

    assert found == [True]  # the job asked for outside the savepoint, which found its row


def test_a_session_closed_without_commit_drops_the_job(app):
    enqueue_after_commit(look_for, _new_organisation())
    db.session.close()

    db.session.commit()

    assert found == []


def test_a_failing_call_does_not_stop_the_others_nor_the_commit(app, caplog):
    def broken(_organisation_id: int) -> None:
        raise ConnectionError("the queue's server is down")

    first, second = _new_organisation(), _new_organisation()
    enqueue_after_commit(broken, first)
    enqueue_after_commit(look_for, second)

    db.session.commit()  # does not raise: the data is committed whatever the queue does

    assert found == [True]
    assert db.session.get(Organisation, first) is not None
    assert "ConnectionError" in caplog.text
    assert "server is down" not in caplog.text  # the type only: a message may quote personal data

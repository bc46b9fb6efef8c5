"""Same-day alerts: a pupil marked N today, a session lost to a provider's closure, a session over with no mark;
one digest per organisation and run, listing each session once, never twice (also when two runs overlap), naming
no pupil; and a fixed number of statements however many placements."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from service.attendance import alerts, closures
from service.attendance.jobs import send_attendance_alerts_now
from service.attendance.models import AlertedSession, AttendanceMark, MarkSource
from service.mail.models import OutboxMessage
from service.rules.attendance_codes import Session
from service.rules.dates import UK
from tests import factories
from tests.attendance.conftest import full_time_placement
from tests.mail.test_migration_0015 import _alembic, empty_database  # noqa: F401 - the fixture

WEDNESDAY = date(2026, 3, 4)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(WEDNESDAY, time(hour, minute), tzinfo=UK).astimezone(UTC)


def _setup(school, provider):  # type: ignore[no-untyped-def]
    school.attendance_contact_email = "attendance@northbridge.example"
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Eleanor", preferred_name="Ellie")
    return full_time_placement(pupil, provider, date(2026, 2, 2))


def _mark(placement, session, code):  # type: ignore[no-untyped-def]
    from service.extensions import db

    db.session.add(
        AttendanceMark(placement_id=placement.id, on=WEDNESDAY, session=session, code=code, source=MarkSource.GRID)
    )
    db.session.commit()


def _alerts(db_session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return list(
        db_session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.purpose == "attendance_alert").order_by(OutboxMessage.id)
        )
    )


def test_a_pupil_marked_absent_without_a_reason_today_alerts_the_commissioner_once(app, school, provider, db_session):
    placement = _setup(school, provider)
    _mark(placement, Session.AM, "N")
    [alert] = alerts.unexplained_today(school.id, WEDNESDAY)
    assert (alert.placement.id, alert.session) == (placement.id, Session.AM)
    assert alerts.unexplained_today(provider.organisation_id, WEDNESDAY)[0].placement.id == placement.id
    assert alerts.unexplained_today(school.id, WEDNESDAY + timedelta(days=1)) == []

    assert send_attendance_alerts_now(_at(11, 0)) == 1
    [message] = _alerts(db_session)
    assert message.to_addresses == ["attendance@northbridge.example"]
    assert message.subject == "Attendance: 1 session needs attention at 1 provider"
    assert f"AP-{placement.id}: marked absent without a reason this morning" in message.body_text
    assert provider.name in message.body_text
    assert "Ellie" not in message.subject + message.body_text and "Eleanor" not in message.body_text
    assert f"/placements/{placement.id}/attendance" in message.body_text
    [sent] = db_session.scalars(sa.select(AlertedSession))
    assert (sent.placement_id, sent.kind, sent.outbox_message_id) == (placement.id, "unexplained", message.id)

    assert send_attendance_alerts_now(_at(11, 10)) == 0  # never twice
    assert send_attendance_alerts_now(_at(13, 0)) == 0
    assert len(_alerts(db_session)) == 1


def test_a_session_with_no_mark_after_it_ended_alerts_but_not_before(app, school, provider, db_session):
    placement = _setup(school, provider)
    assert alerts.unmarked_sessions(school.id, _at(12, 29)) == []
    assert send_attendance_alerts_now(_at(12, 29)) == 0

    [alert] = alerts.unmarked_sessions(school.id, _at(12, 30))
    assert (alert.kind, alert.placement.id, alert.session) == ("unmarked", placement.id, Session.AM)
    assert send_attendance_alerts_now(_at(12, 40)) == 1
    assert send_attendance_alerts_now(_at(12, 50)) == 0

    _mark(placement, Session.PM, "\\")
    assert [a.session for a in alerts.unmarked_sessions(school.id, _at(16, 30))] == [Session.AM]
    [message] = _alerts(db_session)
    assert f"AP-{placement.id}: not marked this morning" in message.body_text
    assert "ask the provider to record the register" in message.body_text
    assert "absent without a reason" not in message.body_text
    assert "Ellie" not in message.subject + message.body_text


def test_no_alert_at_the_weekend_before_the_start_or_without_a_contact(app, school, provider, db_session):
    placement = _setup(school, provider)
    saturday = datetime(2026, 3, 7, 17, 0, tzinfo=UK)
    assert alerts.unmarked_sessions(school.id, saturday) == []
    placement.actual_start = WEDNESDAY + timedelta(days=1)
    db_session.commit()
    assert alerts.unmarked_sessions(school.id, _at(17, 0)) == []
    placement.actual_start = date(2026, 2, 2)
    school.attendance_contact_email = ""
    db_session.commit()
    assert len(alerts.unmarked_sessions(school.id, _at(17, 0))) == 2  # still listed for the dashboard
    assert send_attendance_alerts_now(_at(17, 0)) == 0  # but nobody to email


def test_an_unscheduled_session_is_not_chased(app, school, provider, db_session):
    placement = _setup(school, provider)
    placement.sessions[2].ends_at = time(12, 0)  # Wednesday mornings only
    db_session.commit()
    assert [a.session for a in alerts.unmarked_sessions(school.id, _at(17, 0))] == [Session.AM]


def test_a_closure_reported_today_says_the_provider_was_closed_not_that_the_pupil_was_absent(
    app, school, provider, provider_user, db_session
):
    """The same-day alert for a session lost to the provider's closure tells the commissioner what happened."""
    placement = _setup(school, provider)
    details = closures.ClosureDetails(None, WEDNESDAY, "morning", "Boiler failed")
    closures.report_closure(provider_user, details, WEDNESDAY)
    db_session.commit()

    assert send_attendance_alerts_now(_at(11, 0)) == 1
    [message] = _alerts(db_session)
    assert message.subject == "Attendance: 1 session needs attention at 1 provider"
    assert f"AP-{placement.id}: unable to attend this morning: the provider reported it was closed" in message.body_text
    assert "stays a possible session, marked N, until you record its code" in message.body_text
    assert "absent without a reason" not in message.body_text  # nobody needs to find out why
    assert "Boiler failed" not in message.subject + message.body_text

    # The provider's own N linked to the closure later keeps the same key: no second email for the session.
    assert send_attendance_alerts_now(_at(11, 10)) == 0


def _caseload(school, providers, count: int) -> list:  # type: ignore[no-untyped-def]
    """``count`` full-time placements of ``school``, shared between ``providers``, pupils named "Secret<n>"."""
    return [
        full_time_placement(
            factories.PupilFactory(organisation=school, legal_first_name=f"Secret{n}", preferred_name=f"Hidden{n}"),
            providers[n % len(providers)],
            date(2026, 2, 2),
        )
        for n in range(count)
    ]


def _mark_all(placements, session, code) -> None:  # type: ignore[no-untyped-def]
    from service.extensions import db

    db.session.add_all(
        AttendanceMark(placement_id=p.id, on=WEDNESDAY, session=session, code=code, source=MarkSource.GRID)
        for p in placements
    )
    db.session.commit()


def test_the_first_run_on_a_large_caseload_sends_one_digest_listing_them_and_then_only_what_is_new(
    app, school, provider, db_session
):
    """60 placements, each with an N this morning and nothing this afternoon: one email to the contact, not 120."""
    school.attendance_contact_email = "attendance@northbridge.example"
    riverside = factories.ProviderFactory(name="Riverside Tuition")
    placements = _caseload(school, [provider, riverside], 60)
    _mark_all(placements, Session.AM, "N")

    assert send_attendance_alerts_now(_at(17, 0)) == 1
    [digest] = _alerts(db_session)
    assert digest.to_addresses == ["attendance@northbridge.example"]
    assert digest.subject == "Attendance: 120 sessions need attention at 2 providers"
    body = digest.body_text
    listed = [line for line in body.splitlines() if line.startswith("- AP-")]
    assert len(listed) == alerts.MAX_LINES == 50
    assert f"- AP-{placements[0].id}: marked absent without a reason this morning; not marked this afternoon" in body
    assert "And 10 more placements (20 sessions): see the dashboard: " in body
    assert f"- {provider.name}: 60 sessions at 30 placements\n- Riverside Tuition: 60 sessions at 30 placements" in body
    assert body.index(f"\n{provider.name}\n") < body.index("\nRiverside Tuition\n")  # grouped by provider, by name
    assert "Secret" not in digest.subject + body and "Hidden" not in body
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AlertedSession)) == 120
    assert set(db_session.scalars(sa.select(AlertedSession.outbox_message_id))) == {digest.id}

    assert send_attendance_alerts_now(_at(17, 10)) == 0  # a second run: nothing new

    # The provider marks one afternoon N: the next digest lists that one session only.
    _mark_all(placements[7:8], Session.PM, "N")
    assert send_attendance_alerts_now(_at(17, 20)) == 1
    new = _alerts(db_session)[-1]
    assert new.subject == "Attendance: 1 session needs attention at 1 provider"
    assert [line for line in new.body_text.splitlines() if line.startswith("- AP-")] == [
        f"- AP-{placements[7].id}: marked absent without a reason this afternoon "
        f"{app.config['APDOCS_BASE_URL']}/placements/{placements[7].id}/attendance"
    ]
    assert send_attendance_alerts_now(_at(17, 30)) == 0
    assert len(_alerts(db_session)) == 2


def test_only_the_commissioner_with_a_contact_is_emailed_each_its_own_digest(
    app, school, other_school, provider, db_session
):
    school.attendance_contact_email = "attendance@northbridge.example"
    other_school.attendance_contact_email = "office@southfield.example"
    ours = _caseload(school, [provider], 2)
    theirs = _caseload(other_school, [provider], 3)
    assert send_attendance_alerts_now(_at(12, 40)) == 2
    by_address = {m.to_addresses[0]: m for m in _alerts(db_session)}
    assert by_address["attendance@northbridge.example"].subject == "Attendance: 2 sessions need attention at 1 provider"
    assert by_address["office@southfield.example"].subject == "Attendance: 3 sessions need attention at 1 provider"
    assert f"AP-{theirs[0].id}" not in by_address["attendance@northbridge.example"].body_text
    assert f"AP-{ours[0].id}" not in by_address["office@southfield.example"].body_text
    assert provider.organisation.attendance_contact_email in ("", None)  # the provider's own organisation: no email


def _statements(app, run) -> int:  # type: ignore[no-untyped-def]
    from service.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]  # noqa: ARG001
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_job_runs_the_same_statements_for_6_and_60_placements(app, school, other_school, provider, db_session):
    """No query per alert or per placement: the day's keys in one query, the claims in one insert."""
    school.attendance_contact_email = "attendance@northbridge.example"
    small = _caseload(school, [provider], 6)
    _mark_all(small, Session.AM, "N")
    db_session.expire_all()
    few = _statements(app, lambda: send_attendance_alerts_now(_at(17, 0)))

    other_school.attendance_contact_email = "office@southfield.example"
    large = _caseload(other_school, [provider], 60)
    _mark_all(large, Session.AM, "N")
    db_session.expire_all()
    many = _statements(app, lambda: send_attendance_alerts_now(_at(17, 10)))

    assert len(_alerts(db_session)) == 2
    assert few == many


def test_two_runs_that_overlap_list_each_session_once(app, school, provider, db_session):
    """Run B has read what is new when run A queues and commits the same sessions: the unique key leaves them out
    of B's digest, and B sends nothing."""
    placement = _setup(school, provider)
    _mark(placement, Session.AM, "N")
    found_by_b = alerts.find_new_alerts(_at(17, 0))
    assert [a.kind for a in found_by_b] == ["unexplained", "unmarked"]

    with app.app_context():  # run A: a session of its own, committed in between
        assert send_attendance_alerts_now(_at(17, 0)) == 1

    assert alerts.queue_digests(found_by_b, _at(17, 0)) == []
    db_session.commit()
    [message] = _alerts(db_session)
    assert message.subject == "Attendance: 2 sessions need attention at 1 provider"


def test_two_workers_running_at_once_send_one_email(app, school, provider, db_session):
    _caseload(school, [provider], 4)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait()
                results.append(send_attendance_alerts_now(_at(17, 0)))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, 1]
    [message] = _alerts(db_session)
    assert message.subject == "Attendance: 8 sessions need attention at 1 provider"


def _row(connection: sa.Connection, table: sa.Table, values: dict[str, object]) -> int:
    """A row with the values given and a stand-in for every other required column, as the schema is at 0026."""
    row = dict(values)
    stand_ins = {str: "x", int: 0, bool: False, date: date(2026, 1, 5), datetime: datetime(2026, 1, 5, 9), list: []}
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        row[column.name] = stand_ins[column.type.python_type if not isinstance(column.type, sa.JSON) else list]
    return int(connection.execute(sa.insert(table).values(**row).returning(table.c.id)).scalar_one())


@pytest.mark.db
def test_upgrading_to_0027_keeps_the_alerts_already_sent_as_sent(empty_database: str) -> None:  # noqa: F811
    """The keys in the bodies of the emails sent one per session before digests become rows of
    ``attendance_alerts``, linked to their email: the first run after the upgrade does not send them again."""
    config = _alembic(empty_database)
    command.upgrade(config, "0026")
    engine = sa.create_engine(empty_database)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        t = metadata.tables
        with engine.begin() as connection:
            school = _row(connection, t["organisations"], {"name": "Northbridge Academy"})
            provider = _row(connection, t["providers"], {"name": "Horizon Skills CIC"})
            pupil = _row(connection, t["pupils"], {"organisation_id": school})
            placement = _row(
                connection,
                t["placements"],
                {"pupil_id": pupil, "provider_id": provider, "commissioning_organisation_id": school},
            )
            key = f"attendance-alert:AP-{placement}:2026-03-04:am:unexplained"
            old = {"organisation_id": school, "placement_id": placement, "to_addresses": ["a@school.example"]}
            first = _row(
                connection,
                t["outbox_messages"],
                {**old, "purpose": "attendance_alert", "message_id": "<1@x>", "body_text": f"A pupil...\n\n{key}\n"},
            )
            _row(  # the same key twice (two workers before the unique key): the first email keeps it
                connection,
                t["outbox_messages"],
                {**old, "purpose": "attendance_alert", "message_id": "<2@x>", "body_text": f"Again\n\n{key}\n"},
            )
            _row(  # not an alert: whatever its body quotes, not copied
                connection,
                t["outbox_messages"],
                {**old, "purpose": "parent_plan", "message_id": "<3@x>", "body_text": key.replace("am", "pm")},
            )

        command.upgrade(config, "0027")

        with engine.connect() as connection:
            table = sa.Table("attendance_alerts", sa.MetaData(), autoload_with=connection)
            rows = connection.execute(
                sa.select(
                    table.c.key,
                    table.c.organisation_id,
                    table.c.placement_id,
                    table.c.on_date,
                    table.c.session,
                    table.c.kind,
                    table.c.outbox_message_id,
                )
            ).all()
            assert [tuple(r) for r in rows] == [(key, school, placement, date(2026, 3, 4), "am", "unexplained", first)]
            unique = [c["column_names"] for c in sa.inspect(connection).get_unique_constraints("attendance_alerts")]
            assert ["key"] in unique
        with engine.begin() as connection, pytest.raises(sa.exc.IntegrityError):
            connection.execute(
                sa.text(
                    "INSERT INTO attendance_alerts (key, organisation_id, placement_id, on_date, session, kind, "
                    "created_at) VALUES (:key, :o, :p, '2026-03-04', 'am', 'unexplained', '2026-03-04 10:00:00')"
                ),
                {"key": key, "o": school, "p": placement},
            )

        command.downgrade(config, "0026")
        with engine.connect() as connection:
            assert "attendance_alerts" not in sa.inspect(connection).get_table_names()
    finally:
        engine.dispose()


def test_a_session_alerted_before_the_upgrade_is_not_alerted_again(app, school, provider, db_session):
    """As migration 0027 leaves it: the old email, and its key as a row; the next run lists only what is new."""
    placement = _setup(school, provider)
    _mark(placement, Session.AM, "N")
    key = f"attendance-alert:AP-{placement.id}:{WEDNESDAY.isoformat()}:am:unexplained"
    db_session.add(
        AlertedSession(
            key=key,
            organisation_id=school.id,
            placement_id=placement.id,
            on=WEDNESDAY,
            session=Session.AM,
            kind="unexplained",
        )
    )
    db_session.commit()
    assert send_attendance_alerts_now(_at(11, 0)) == 0
    assert send_attendance_alerts_now(_at(12, 40)) == 0  # the morning is marked (N): nothing unmarked either
    assert send_attendance_alerts_now(_at(16, 10)) == 1
    [message] = _alerts(db_session)
    assert message.subject == "Attendance: 1 session needs attention at 1 provider"
    assert f"AP-{placement.id}: not marked this afternoon" in message.body_text


def test_a_contact_address_the_outbox_refuses_does_not_stop_the_other_digests(
    app, school, other_school, provider, db_session
):
    school.attendance_contact_email = "not an address"
    other_school.attendance_contact_email = "office@southfield.example"
    ours = _caseload(school, [provider], 1)
    _caseload(other_school, [provider], 1)
    assert send_attendance_alerts_now(_at(12, 40)) == 1
    [theirs] = _alerts(db_session)
    assert theirs.to_addresses == ["office@southfield.example"]

    school.attendance_contact_email = "attendance@northbridge.example"  # fixed: its alerts were kept for it
    db_session.commit()
    assert send_attendance_alerts_now(_at(12, 50)) == 1
    ours_message = _alerts(db_session)[-1]
    assert ours_message.to_addresses == ["attendance@northbridge.example"]
    assert f"AP-{ours[0].id}: not marked this morning" in ours_message.body_text

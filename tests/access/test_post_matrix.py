"""Every route that changes something, posted by every role with a valid CSRF token: the answer is the expected
one, and a refused post changes nothing at all in the database.

The GET matrix (``test_route_matrix.py``) proves who can see what; a view that checks its role on GET and forgets
on POST would pass it. Here each post carries a real CSRF token from the poster's own session and, where it is
cheap to write, a body that would change something if it were accepted, so "nothing changed" means something.
A new POST route fails ``test_post_matrix_covers_every_post_route`` until it is added here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from service.db import Base
from service.extensions import db
from tests.access.test_route_matrix import METHOD, RULES, records  # noqa: F401 - the shared records fixture
from tests.conftest import browser, sign_in
from tests.helpers import csrf_token
from tests.providers.conftest import complete_form

ROLES = ("anonymous", "admin", "commissioner", "other_commissioner", "provider_staff", "viewer")
OK, FOUND, BAD, FORBIDDEN, MISSING = 200, 302, 400, 403, 404
#: Answers that refuse the poster: the post must leave the database exactly as it was. (A 400 is a form with
#: mistakes from someone allowed to post it: a support-plan step saves what it can, by design, so it is not here.)
REFUSALS = {FORBIDDEN, MISSING, METHOD}
#: Tables that change on any signed-in request, whatever it is (the session's last-seen time).
VOLATILE_TABLES = {"user_sessions"}

# route template -> (expected answer per role in ROLES order, the body posted besides the CSRF token).
# Anonymous posts to a closed page are sent to sign in (302) and change nothing.
POST_MATRIX: dict[str, tuple[tuple[int, ...], dict[str, Any]]] = {
    "/sign-in": ((OK, FOUND, FOUND, FOUND, FOUND, FOUND), {"email": "nobody@example.org", "password": "wrong"}),
    "/sign-out": ((FOUND,) * 6, {}),
    "/pupils": ((FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN), {"search": "Example"}),
    "/pupils/new": ((FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN), {"legal_first_name": "Mallory"}),
    "/pupils/import": ((FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN), {}),
    "/pupils/{pupil}/edit": ((FOUND, FORBIDDEN, OK, MISSING, FORBIDDEN, FORBIDDEN), {"legal_first_name": "Mallory"}),
    "/pupils/{pupil}/exclusions/new": ((FOUND, FORBIDDEN, BAD, MISSING, FORBIDDEN, FORBIDDEN), {"kind": "permanent"}),
    "/users/new": (
        (FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        {"name": "Mallory", "email": "mallory@example.org", "role": "admin"},
    ),
    "/users/{user}": ((FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN), {"role": "admin", "active": ""}),
    "/users/{other_user}": ((FOUND, MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN), {"role": "admin"}),
    "/providers/new": ((FOUND, FOUND, FOUND, FOUND, FORBIDDEN, FORBIDDEN), "provider_form"),  # type: ignore[dict-item]
    "/providers/{provider}/edit": ((FOUND, FOUND, FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN), "provider_form"),  # type: ignore[dict-item]
    "/providers/{provider}/confirm-contact": ((FOUND, FORBIDDEN, FOUND, FOUND, FORBIDDEN, FORBIDDEN), {}),
    "/placements/new": ((FOUND, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN), {"reason_for_referral": "x"}),
    "/placements/{placement}/register-and-census": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {"dual_registered": "no", "census_reason": "suspension"},
    ),
    "/placements/{placement}/status": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {"new_status": "cancelled", "note": "Posted by the access test"},
    ),
    "/placements/{placement}/documents": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {"doc_type": "provider-pack"},
    ),
    "/documents/{document}/retry": ((FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/templates": ((FOUND, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN), {"doc_type": "support-plan"}),
    "/templates/{document}/use": ((FOUND, MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN), {}),
    "/templates/default/support-plan": ((FOUND, FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN), {}),
    # An incomplete form is refused with its messages (400) and saves nothing, for any role that may post it.
    "/placements/{placement}/plan/views": (
        (FOUND, FORBIDDEN, BAD, MISSING, FORBIDDEN, FORBIDDEN),
        {"child_views": "Posted by the access test", "action": "save"},
    ),
    # Only a senior leader overrides: the plain commissioner is refused like everyone else.
    "/placements/{placement}/plan/override": (
        (FOUND, FORBIDDEN, FORBIDDEN, MISSING, FORBIDDEN, FORBIDDEN),
        {"check": "registration", "override_reason": "Posted by the access test, with a long enough reason."},
    ),
    "/placements/{placement}/plan/desktop-review": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {
            **{f"reviewed_on-{k}": v for k, v in (("day", "1"), ("month", "9"), ("year", "2025"))},
            "reviewed_by": "Access test",
            **{f"reported_on-{k}": v for k, v in (("day", "2"), ("month", "9"), ("year", "2025"))},
            "reported_by": "Access test",
        },
    ),
    "/placements/{placement}/plan/agree": ((FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/placements/{placement}/reviews/new": ((FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/term-dates": ((FOUND, BAD, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN), {"name": "Spring 1"}),
    "/term-dates/{term}/delete": ((FOUND, FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN), {}),
    "/placements/{placement}/provider-pack": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {"transport": "Posted by the access test"},
    ),
    "/placements/{placement}/provider-pack/send": ((FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/organisation": ((FOUND, BAD, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN), {"dsl_name": "Mallory"}),
    "/placements/{placement}/signatures": ((FOUND, FORBIDDEN, BAD, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/placements/{placement}/signatures/{round}/cancel": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {"reason": "Posted by the access test"},
    ),
    "/placements/{placement}/signatures/{round}/signers/{link_signer}/remind": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {},
    ),
    "/placements/{placement}/signatures/{round}/signers/{in_person_signer}/in-person": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {"typed": "Mallory", "read_confirmed": "y"},
    ),
    "/placements/{placement}/signatures/{round}/signers/{in_person_signer}/decline": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {"reason": "Posted by the access test"},
    ),
    # The signer's own pages are public: the link is the key, and a made-up one is the same 404 for everyone.
    "/sign/{guessed_token}": ((MISSING,) * 6, {"typed": "Mallory", "read_confirmed": "y"}),
    "/sign/{guessed_token}/code": ((MISSING,) * 6, {}),
    "/sign/{guessed_token}/confirm": ((MISSING,) * 6, {"code": "123456"}),
    "/sign/{guessed_token}/decline": ((MISSING,) * 6, {"reason": "Posted by the access test"}),
    "/verify": ((BAD,) * 6, {}),  # public; no file to check
    "/placements/{placement}/visits/new": ((FOUND, FORBIDDEN, BAD, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/decisions/{placement}": ((FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN), {"outcome": "agree"}),
    "/placements/{active_placement}/end": ((FOUND, FORBIDDEN, BAD, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/outbox/{message}/resend": ((FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/outbox/{message}/mark-sent": ((FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/outbox/{message}/stop-links": ((FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN), {}),
    "/placements/{placement}/attendance/week/2026-01-05": (
        (FOUND, FORBIDDEN, BAD, MISSING, BAD, FORBIDDEN),  # referred, not started: no mark can be recorded yet
        {"mark-2026-01-06-am": "N", "mark-2026-01-05-am": "/"},
    ),
    "/placements/{placement}/attendance/marks/{mark}/decision": (
        (FOUND, FORBIDDEN, FOUND, MISSING, FORBIDDEN, FORBIDDEN),
        {"code": "O"},
    ),
    "/attendance/import": ((FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN), {}),
    "/attendance/closures/new": (  # only the provider's own staff report its closure; a commissioner codes it
        (FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FOUND, FORBIDDEN),
        {"closed_on-day": "5", "closed_on-month": "1", "closed_on-year": "2026", "part": "day", "reason": "Flood"},
    ),
    "/placements/{active_placement}/progress-reports/2026-summer/edit": (  # a draft saved
        (FOUND, FORBIDDEN, FOUND, MISSING, FOUND, FORBIDDEN),
        {"attendance_engagement": "Posted by the access test", "action": "save"},
    ),
    "/placements/{active_placement}/progress-reports/2026-spring/correct": (
        (FOUND, FORBIDDEN, BAD, MISSING, BAD, FORBIDDEN),
        {},
    ),
}


def _body(name: str, body: Any) -> dict[str, Any]:
    """The post's fields: a whole provider form with one change for the catalogue's two forms."""
    if body == "provider_form":  # not registered, so no URN can clash between two accepted posts
        return complete_form(name="Renamed by the access test", dfe_registered="no", urn=None)
    return dict(body)


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but the volatile ones), in a stable order: what "nothing changed" compares."""
    db.session.expire_all()
    tables = {}
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(sa.select(table).order_by(*order)).all()
            tables[table.name] = [tuple(row) for row in rows]
    return tables


def _token(client, role: str) -> str:  # type: ignore[no-untyped-def]
    """A valid CSRF token from the poster's own session: the sign-in form, or the sign-out form that every page
    carries for a signed-in user (a not-found page is the cheapest)."""
    return csrf_token(client.get("/sign-in" if role == "anonymous" else "/no-such-page"))


def _clients(app: Flask, users: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for number, role in enumerate(ROLES, start=1):
        client = browser(app)
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number}"  # each its own sign-in rate limit
        if role != "anonymous":
            sign_in(client, users[role])
        yield role, client


def test_post_matrix_covers_every_post_route(app):
    posts = {rule.rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    covered = {route for route in posts if route in POST_MATRIX or RULES.get(route) in POST_MATRIX}
    covered |= {route for route in posts if route.startswith("/sign/<token>")}  # made-up tokens stand for them
    assert posts - covered == set(), f"POST routes with no expected answers: {sorted(posts - covered)}"


@pytest.mark.parametrize("route", list(POST_MATRIX))
def test_every_post_answers_as_expected_and_a_refusal_changes_nothing(app, records, route):  # noqa: F811
    expected, body = POST_MATRIX[route]
    ids = {key: value for key, value in records.items() if key != "users"}
    url = route.format(**ids)
    clients = dict(_clients(app, records["users"]))
    tokens = {role: _token(client, role) for role, client in clients.items()}
    # Refused roles first, so an accepted post cannot hide what a refused one would have done.
    order = sorted(range(len(ROLES)), key=lambda i: expected[i] not in REFUSALS and ROLES[i] != "anonymous")
    wrong: dict[str, str] = {}
    for index in order:
        role, client = ROLES[index], clients[ROLES[index]]
        refused = expected[index] in REFUSALS or (role == "anonymous" and expected[index] == FOUND)
        before = _snapshot() if refused else None
        response = client.post(url, data={"csrf_token": tokens[role], **_body(route, body)})
        if response.status_code != expected[index]:
            wrong[role] = f"answered {response.status_code}, expected {expected[index]}"
            continue
        if role == "anonymous" and expected[index] == FOUND and route not in ("/sign-out",):
            assert "/sign-in" in response.headers["Location"], f"{route}: anonymous not sent to sign in"
        if before is not None:
            after = _snapshot()
            changed = sorted(name for name in before if before[name] != after[name])
            if changed:
                wrong[role] = f"refused, but changed {changed}"
    assert not wrong, f"{route}: {wrong}"

"""A CSV import and the weekly register saving the same session at the same moment.

The import reads which of its sessions are already marked, then writes; the register does the same for its week.
When the other request commits a mark for one of those sessions in between, the database's unique constraint
refuses the second write. Whichever loses must say so in words and keep nothing of its own half-done work: the
winner's mark stays, the import stays all-or-nothing, and no error page is shown.

The race is made to happen, not hoped for: the first request is held just after its read (by wrapping the function
that reads) while a second browser, in another thread, saves the same session through the web and commits.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from service.attendance import importer, services
from service.attendance.models import AttendanceMark, MarkSource
from service.extensions import db
from tests.attendance.conftest import cell, upload_marks, week_url
from tests.conftest import browser, sign_in
from tests.helpers import form_data, text


def _in_another_thread(app, action) -> None:  # type: ignore[no-untyped-def]
    """Run ``action`` (a request through its own browser) to the end in another thread, as a second user would."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                action()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the second request did not finish"
    assert not failures, failures


class _FormFields(HTMLParser):
    """Every field a browser would send with the page's form: inputs with their values, selects with the chosen
    option (the register's hidden "shown" fields included)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") and found.get("type") not in ("submit", "file"):
            self.fields[found["name"] or ""] = found.get("value") or ""
        elif tag == "select":
            self._select = found.get("name")
            self.fields.setdefault(self._select or "", "")
        elif tag == "option" and self._select and "selected" in found:
            self.fields[self._select] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _as_a_browser_posts(page, changes: dict[str, str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    parser = _FormFields()
    parser.feed(text(page))
    return {**parser.fields, **changes}


def _marks() -> list[tuple[str, str, MarkSource]]:
    db.session.expire_all()
    return [
        (m.session.value, m.code, m.source)
        for m in db.session.scalars(sa.select(AttendanceMark).order_by(AttendanceMark.session))
    ]


def _save_on_the_register(app, provider_user, placement, monday, code: str) -> None:  # type: ignore[no-untyped-def]
    other = browser(app)
    sign_in(other, provider_user)
    page = other.get(week_url(placement, monday))
    answer = other.post(week_url(placement, monday), data=form_data(page, {cell(monday, "am"): code}))
    assert answer.status_code == 302, answer.status_code


def test_an_import_that_loses_the_race_to_the_register_says_so_and_saves_nothing(
    app, as_provider, provider_user, placement, last_monday, monkeypatch: pytest.MonkeyPatch
):
    read = importer._existing_marks

    def read_then_let_the_register_save(rows):  # type: ignore[no-untyped-def]
        found = read(rows)
        _in_another_thread(app, lambda: _save_on_the_register(app, provider_user, placement, last_monday, "/"))
        return found

    monkeypatch.setattr(importer, "_existing_marks", read_then_let_the_register_save)
    content = (
        "placement_reference,date,session,code\n"
        f"AP-{placement.id},{last_monday.isoformat()},am,L\n"
        f"AP-{placement.id},{last_monday.isoformat()},pm,\\\n"
    )

    response = upload_marks(as_provider, content)

    assert response.status_code == 409
    page = text(response)
    assert "saved (on the weekly register or by another import) while the file was being imported" in page
    assert "Nothing from the file was saved" in page
    html = response.get_data(as_text=True)
    assert "<title>Error: Import attendance" in html and 'href="#file"' in html  # summary linked to the field
    assert _marks() == [("am", "/", MarkSource.GRID)]  # the register's mark, and not the file's afternoon


def test_a_register_save_that_loses_the_race_to_an_import_says_so_and_shows_the_week_as_saved(
    app, as_provider, provider_user, placement, last_monday, monkeypatch: pytest.MonkeyPatch
):
    grid = services.week_grid
    raced = []

    def read_then_let_the_import_save(*args, **kwargs):  # type: ignore[no-untyped-def]
        days = grid(*args, **kwargs)
        if not raced:  # only the save's own read, not the page shown afterwards
            raced.append(True)

            def import_it() -> None:
                other = browser(app)
                sign_in(other, provider_user)
                content = f"placement_reference,date,session,code\nAP-{placement.id},{last_monday.isoformat()},am,L\n"
                assert upload_marks(other, content).status_code == 302

            _in_another_thread(app, import_it)
        return days

    page = as_provider.get(week_url(placement, last_monday))
    monkeypatch.setattr(services, "week_grid", read_then_let_the_import_save)
    fields = {cell(last_monday, "am"): "/", cell(last_monday + timedelta(days=1), "am"): "/"}
    response = as_provider.post(week_url(placement, last_monday), data=form_data(page, fields))

    assert response.status_code == 409
    body = text(response)
    assert "was saved by someone else while you were marking" in body
    assert "<title>Error: Attendance, week of" in response.get_data(as_text=True)
    assert _marks() == [("am", "L", MarkSource.CSV)]  # the import's mark; nothing of the half-saved week


def test_a_mark_changed_by_someone_else_while_the_page_was_open_is_not_overwritten_unseen(
    app, as_provider, provider_user, placement, last_monday
):
    page = as_provider.get(week_url(placement, last_monday))  # Monday morning not recorded yet
    _save_on_the_register(app, provider_user, placement, last_monday, "L")  # a colleague records it meanwhile

    changed = as_provider.post(
        week_url(placement, last_monday), data=_as_a_browser_posts(page, {cell(last_monday, "am"): "/"})
    )

    assert changed.status_code == 409
    assert "was saved by someone else while you were marking" in text(changed)
    assert _marks() == [("am", "L", MarkSource.GRID)]


def test_a_cell_left_as_it_was_keeps_the_mark_someone_else_saved_and_the_rest_is_saved(
    app, as_provider, provider_user, placement, last_monday
):
    page = as_provider.get(week_url(placement, last_monday))
    _save_on_the_register(app, provider_user, placement, last_monday, "L")
    tuesday = last_monday + timedelta(days=1)

    saved = as_provider.post(
        week_url(placement, last_monday), data=_as_a_browser_posts(page, {cell(tuesday, "am"): "/"})
    )

    assert saved.status_code == 302
    assert _marks() == [("am", "L", MarkSource.GRID), ("am", "/", MarkSource.GRID)]

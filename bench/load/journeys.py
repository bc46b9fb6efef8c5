"""What the people of ``make load`` do, as plain HTTP through the real pages and forms: commissioners browsing the
dashboard, placements and their registers, writing plan steps and reviews and asking for documents; provider staff
marking weeks on their registers.

Why plain functions over a small :class:`Client` and not Locust tasks: Locust patches the standard library (gevent)
when it is imported, so it cannot run inside the test suite. The Locust users (``bench/locustfile.py``) only wrap
the tables at the bottom of this file (:data:`COMMISSIONER_JOURNEYS`, :data:`PROVIDER_JOURNEYS`), and
``tests/load/test_locustfile.py`` runs every journey of both tables once against the app, so a page that changes
under a journey fails a test rather than ``make load`` on the day someone measures.

Each journey reads the page a person would, fills in the form found there as a browser would send it (CSRF and
request tokens included, every other field as the page showed it) and checks where it lands: a form that comes back
with an error, a redirect that did not happen or a link that is not on the page raises :class:`JourneyError`.

Writes are spread so that two simulated people never change the same placement at once (``Person.mine``): two
people saving the same register week at the same moment is answered "saved meanwhile" (409) by design, and the load
measures the service, not such collisions.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Protocol

#: Accounts of the load (made by ``bench/load/accounts.py``): ``load-commissioner-<i>`` at the LA that commissions
#: the generated caseload, ``load-provider-<i>`` at the generated provider ``i % len(providers)``.
COMMISSIONER_EMAIL = "load-commissioner-{index}@scale.example"
PROVIDER_EMAIL = "load-provider-{index}@scale.example"
#: The share of the users who are commissioners (the rest are provider staff marking registers).
COMMISSIONER_SHARE = 0.6
#: How many providers the generated caseload has (``service.demo.scale.PROVIDERS``; ``accounts.py`` checks it).
PROVIDER_ORGANISATIONS = 6

_PLACEMENT_LINK = re.compile(r'href="/placements/(\d+)"')
_PAGE_LINK = re.compile(r"[?&]amp;page=(\d+)|[?&]page=(\d+)")
_DOCUMENT_STATUS = re.compile(r"/documents/(\d+)/status")


def split(users: int) -> tuple[int, int]:
    """How many of ``users`` are commissioners and how many provider staff (at least one of each from two users)."""
    commissioners = max(1, round(users * COMMISSIONER_SHARE)) if users > 1 else users
    return commissioners, users - commissioners


def commissioner(number: int, commissioners: int, password: str) -> Person:
    """The ``number``-th commissioner (from 0) of ``commissioners``: they share the LA's whole caseload."""
    email = COMMISSIONER_EMAIL.format(index=number)
    return Person(email, password, index=number, count=commissioners, rng=random.Random(email))


def provider_staff(number: int, providers: int, password: str) -> Person:
    """The ``number``-th provider staff (from 0) of ``providers``: at provider ``number % PROVIDER_ORGANISATIONS``,
    sharing its placements with the others there."""
    organisation = number % PROVIDER_ORGANISATIONS
    colleagues = len(range(organisation, providers, PROVIDER_ORGANISATIONS))
    email = PROVIDER_EMAIL.format(index=number)
    return Person(email, password, index=number // PROVIDER_ORGANISATIONS, count=colleagues, rng=random.Random(email))


class JourneyError(Exception):
    """The page did not offer what a person would have used, or a form did not land where it should."""


@dataclass
class Page:
    """An answer as the person sees it: the status and address after any redirect, and whether one was followed."""

    status: int
    url: str
    text: str
    redirected: bool


class Client(Protocol):
    """One person's browser (its own cookies), following redirects. ``name`` groups the figures by page, never by
    record (``/placements/[id]``). A status of 400 or more is reported as a failure by the client itself."""

    def get(self, path: str, *, name: str) -> Page: ...

    def post(self, path: str, fields: list[tuple[str, str]], *, name: str) -> Page: ...


@dataclass
class Person:
    """Who is at the keyboard: the account, its place among the people of its role (``index`` of ``count``), and
    what it has learnt (how many pages each list has)."""

    email: str
    password: str
    index: int
    count: int
    rng: random.Random = field(default_factory=random.Random)
    last_page: dict[str, int] = field(default_factory=dict)

    def mine(self, placement_id: int) -> bool:
        """The placements this person changes, among those they see: no two people who see a placement both write
        to it. By a hash of the id, not the id itself: the caseload gives placements to providers in turn, so a
        plain remainder could leave someone none."""
        return zlib.crc32(str(placement_id).encode()) % self.count == self.index


# -- reading forms as a browser sends them ------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    #: The controls a browser would send as they stand (checked boxes and radios, selected options, text).
    values: list[tuple[str, str]] = field(default_factory=list)
    #: Every radio group and select with the values it offers.
    choices: dict[str, list[str]] = field(default_factory=dict)
    #: Submit buttons: (name, value).
    buttons: list[tuple[str, str]] = field(default_factory=list)
    textareas: list[str] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.values if n == name), None)

    def names(self) -> list[str]:
        return [n for n, _ in self.values]

    def submit(self, changes: dict[str, str], button: str | None = None) -> list[tuple[str, str]]:
        """The fields sent when the person changes ``changes`` and clicks the submit button named ``button``."""
        sent = [(n, changes.get(n, v)) for n, v in self.values]
        present = {n for n, _ in sent}
        sent += [(n, v) for n, v in changes.items() if n not in present]
        if button is not None:
            pressed = next(((n, v) for n, v in self.buttons if n == button), None)
            if pressed is None:
                raise JourneyError(f"the form has no {button!r} button")
            sent.append(pressed)
        return sent


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_default: str | None = None
        self._select_chosen = False
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                form.buttons.append((name, a.get("value", "")))
            elif kind in ("radio", "checkbox"):
                if kind == "radio":
                    form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.values.append((name, a.get("value", "on")))
            elif kind not in ("button", "reset", "file"):
                form.values.append((name, a.get("value", "")))
        elif tag == "button" and name and a.get("type", "submit").lower() == "submit":
            form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._select_default, self._select_chosen = name, None, False
            form.choices[name] = []
        elif tag == "option" and self._select is not None:
            # An option without a value sends its text (read at its end).
            self._option, self._option_text = (a.get("value"), "selected" in a), ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "form":
            self._form = None
        elif form is None:
            return
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one line break that may follow <textarea>.
            text = self._text[1:] if self._text.startswith("\n") else self._text
            form.values.append((self._textarea, text))
            form.textareas.append(self._textarea)
            self._textarea = None
        elif tag == "option" and self._select is not None and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._close_option()
            if not self._select_chosen and self._select_default is not None:
                form.values.append((self._select, self._select_default))  # a browser sends the first option
            self._select = None

    def _close_option(self) -> None:
        assert self._form is not None and self._select is not None and self._option is not None
        value, selected = self._option
        value = self._option_text.strip() if value is None else value
        self._form.choices[self._select].append(value)
        if self._select_default is None:
            self._select_default = value
        if selected and not self._select_chosen:
            self._form.values.append((self._select, value))
            self._select_chosen = True
        self._option = None


def forms(page: Page) -> list[Form]:
    parser = _FormParser()
    parser.feed(page.text)
    parser.close()
    return parser.forms


def form_with(page: Page, field_name: str) -> Form:
    """The page's form that has the control ``field_name`` (or a button of that name)."""
    for form in forms(page):
        if field_name in form.names() or field_name in form.choices or any(n == field_name for n, _ in form.buttons):
            return form
    raise JourneyError(f"{page.url} has no form with {field_name!r}")


# -- steps shared by the journeys ---------------------------------------------------------------------------------


def expect(page: Page, redirected_to: str, what: str) -> Page:
    """The form was accepted: the browser was sent on to ``redirected_to`` (a part of the address)."""
    if not page.redirected or redirected_to not in page.url:
        raise JourneyError(f"{what}: expected to be sent to {redirected_to}, got {page.status} at {page.url}")
    return page


def sign_in(client: Client, person: Person) -> None:
    form_page = client.get("/sign-in", name="/sign-in")
    form = form_with(form_page, "email")
    answer = client.post(
        "/sign-in", form.submit({"email": person.email, "password": person.password}), name="/sign-in (post)"
    )
    if "/sign-in" in answer.url:
        raise JourneyError(f"{person.email} could not sign in ({answer.status})")


def _list_page(client: Client, person: Person, status: str) -> Page:
    """A page of the placement list in ``status``, as someone paging through it would land on one."""
    last = person.last_page.get(status)
    number = person.rng.randint(1, last) if last else 1
    page = client.get(f"/placements?status={status}&page={number}", name="/placements?status=[status]")
    numbers = [int(a or b) for a, b in _PAGE_LINK.findall(page.text)]
    person.last_page[status] = max([number, *numbers])
    return page


def _placements_on(page: Page) -> list[int]:
    return list(dict.fromkeys(int(found) for found in _PLACEMENT_LINK.findall(page.text)))


def _pick(client: Client, person: Person, statuses: tuple[str, ...], mine: bool, tries: int = 6) -> int:
    """A placement in one of ``statuses`` from the list, one of this person's to change when ``mine``."""
    for _ in range(tries):
        page = _list_page(client, person, person.rng.choice(statuses))
        found = [pid for pid in _placements_on(page) if person.mine(pid) or not mine]
        if found:
            return person.rng.choice(found)
    raise JourneyError(f"no placement in {statuses} for {person.email} after {tries} pages")


# -- commissioners ------------------------------------------------------------------------------------------------


def dashboard(client: Client, person: Person) -> None:
    """Open the dashboard (To do today)."""
    page = client.get("/", name="/")
    if "/sign-in" in page.url:
        raise JourneyError("the dashboard sent the person to sign in")


def placement_list(client: Client, person: Person) -> None:
    """Page through the placements of one status."""
    _list_page(client, person, person.rng.choice(("active", "under_review", "ended", "agreed", "referred")))


def placement_and_register(client: Client, person: Person) -> None:
    """From the list, open a running placement and its attendance register."""
    placement_id = _pick(client, person, ("active", "under_review"), mine=False)
    client.get(f"/placements/{placement_id}", name="/placements/[id]")
    client.get(f"/placements/{placement_id}/attendance", name="/placements/[id]/attendance")


def write_plan_step(client: Client, person: Person) -> None:
    """Write part of a plan still being set up: the pupil's and parents' views, saved as a draft."""
    placement_id = _pick(client, person, ("draft", "referred"), mine=True)
    client.get(f"/placements/{placement_id}/plan", name="/placements/[id]/plan")
    path = f"/placements/{placement_id}/plan/views"
    page = client.get(path, name="/placements/[id]/plan/[step]")
    form = form_with(page, "child_views")
    stamp = f"Spoke with the pupil on {date.today():%d/%m/%Y} (visit {person.rng.randint(1, 999)})."
    changes = {"child_views": _appended(form.value("child_views"), stamp)}
    if not (form.value("parental_views") or "").strip():
        changes["parental_views"] = "Parents support the placement and want regular updates."
    answer = client.post(path, form.submit(changes, "save_draft"), name="/placements/[id]/plan/[step] (post)")
    expect(answer, f"/placements/{placement_id}/plan", "saving a plan step as a draft")


def _appended(text: str | None, line: str) -> str:
    """The text with ``line`` as its last line, kept short however often it is written."""
    lines = [kept for kept in (text or "").splitlines() if kept.strip()][-4:]
    return "\n".join([*lines, line])


def record_review(client: Client, person: Person) -> None:
    """Record a review meeting of a running placement, with progress against each objective: the review record is
    produced."""
    placement_id = _pick(client, person, ("active", "under_review"), mine=True)
    client.get(f"/placements/{placement_id}", name="/placements/[id]")
    path = f"/placements/{placement_id}/reviews/new"
    page = client.get(path, name="/placements/[id]/reviews/new")
    if page.redirected:  # no agreed plan to review against: the placement page says why
        return
    form = form_with(page, "present")
    today = date.today()
    changes = {
        "meeting_date-day": str(today.day),
        "meeting_date-month": str(today.month),
        "meeting_date-year": str(today.year),
        "present": "Pupil, parent, SENCO, provider's key worker",
        "pupil_views": "Enjoys the practical sessions and wants to keep going.",
        "parent_views": "Pleased with attendance since the last review.",
        "extension_agreed": "no",
    }
    for name, offered in form.choices.items():
        if name.startswith("progress-") and name.endswith("-rating") and offered:
            changes[name] = person.rng.choice(offered)
            changes[name.removesuffix("-rating") + "-evidence"] = "Register, work samples and the provider's report."
    answer = client.post(path, form.submit(changes), name="/placements/[id]/reviews/new (post)")
    expect(answer, f"/placements/{placement_id}/reviews/", "recording a review")


def produce_document(client: Client, person: Person) -> None:
    """Ask for a document from a placement's page (its "Produce the …" button): the plan when it has one."""
    placement_id = _pick(client, person, ("active", "under_review", "agreed"), mine=True)
    page = client.get(f"/placements/{placement_id}", name="/placements/[id]")
    form = form_with(page, "doc_type")
    offered = [value for name, value in form.buttons if name == "doc_type"]
    doc_type = "support_plan" if "support_plan" in offered else offered[0]
    fields = [*form.submit({}), ("doc_type", doc_type)]
    answer = client.post(f"/placements/{placement_id}/documents", fields, name="/placements/[id]/documents (post)")
    expect(answer, f"/placements/{placement_id}", "asking for a document")
    # The page watches the new document being made (documents.js asks for its status).
    made = _DOCUMENT_STATUS.findall(answer.text)
    if made:
        client.get(f"/documents/{max(int(d) for d in made)}/status", name="/documents/[id]/status")


# -- provider staff -----------------------------------------------------------------------------------------------


def provider_placement(client: Client, person: Person) -> None:
    """Open one of the provider's running placements."""
    placement_id = _pick(client, person, ("active",), mine=False)
    client.get(f"/placements/{placement_id}", name="/placements/[id]")


def mark_week(client: Client, person: Person) -> None:
    """Mark this week on one of the provider's registers: every session not yet recorded present, or, when the week
    is already marked, correct one mark (present to late, late to present). Goes back a week when a week has nothing
    to record (a holiday)."""
    placement_id = _pick(client, person, ("active",), mine=True)
    monday = date.today() - timedelta(days=date.today().weekday())
    for weeks_back in range(4):
        week = monday - timedelta(weeks=weeks_back)
        path = f"/placements/{placement_id}/attendance/week/{week.isoformat()}"
        page = client.get(path, name="/placements/[id]/attendance/week/[monday]")
        form = next((f for f in forms(page) if any(name.startswith("mark-") for name in f.choices)), None)
        if form is None:  # nothing to record in this week
            continue
        cells = [name for name in form.choices if name.startswith("mark-")]
        changes = {name: "/" if name.endswith("-am") else "\\" for name in cells if not form.value(name)}
        if not changes:  # all marked: correct one present or late mark (absences are the commissioner's to decide)
            present = {name: "/" if name.endswith("-am") else "\\" for name in cells}
            correctable = [name for name in cells if form.value(name) in (present[name], "L")]
            if not correctable:
                continue
            name = person.rng.choice(correctable)
            changes[name] = "L" if form.value(name) == present[name] else present[name]
        answer = client.post(path, form.submit(changes), name="/placements/[id]/attendance/week/[monday] (post)")
        expect(answer, path, "saving a register week")
        return
    raise JourneyError(f"placement {placement_id} has no week to mark in the last four")


Journey = Callable[[Client, Person], None]

#: The commissioners' journeys and how often each is taken (Locust's task weights).
COMMISSIONER_JOURNEYS: dict[Journey, int] = {
    dashboard: 4,
    placement_list: 3,
    placement_and_register: 4,
    write_plan_step: 2,
    record_review: 1,
    produce_document: 1,
}
#: Provider staff's journeys and their weights.
PROVIDER_JOURNEYS: dict[Journey, int] = {
    dashboard: 2,
    provider_placement: 2,
    mark_week: 3,
}

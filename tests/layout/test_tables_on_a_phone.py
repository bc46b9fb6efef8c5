"""Every table a person reaches fits a phone (390 px) without the page scrolling sideways (WCAG 1.4.10 Reflow).

Each table either stacks on a phone (class ``apdocs-table-stack``: every cell after the record's name carries the
``data-label`` of its column, which the stylesheet prints before the value; an empty one on a cell of buttons) or
scrolls inside its own region (``div.app-table-scroll`` with ``role="region"``, ``tabindex="0"`` so a keyboard
can scroll it, and an ``aria-labelledby`` that names it). The pages are the demo's, as each role sees them, so
every table has rows. Widths themselves are measured in a real browser by the browser suite; here the pattern is
pinned per page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from service import demo
from service.attendance.models import AttendanceMark
from service.auth.models import User
from service.demo.world import DEMO_PASSWORD
from service.extensions import db
from service.placements.models import Placement
from service.progress_reports.models import ProgressReport, ReportStatus
from service.providers.models import Provider
from service.reviews.models import Review
from service.support_plans.models import SupportPlan
from tests.conftest import browser, sign_in
from tests.signing.conftest import SIGNERS, ask_for_signatures, placement, pool  # noqa: F401 - an agreed plan with its real PDF, to put to signature

SENCO, OFFICER, STAFF, GOVERNOR, ADMIN = (
    "senco@northbridge.example",
    "officer@westshire.example",
    "staff@horizon.example",
    "governor@northbridge.example",
    "admin@northbridge.example",
)


def tables_that_would_overflow(html: str) -> list[str]:
    """Each table on the page that neither stacks nor scrolls in a labelled, focusable region, with why."""
    page = lxml.html.fromstring(html)
    problems = []
    for n, table in enumerate(page.xpath("//table[contains(@class, 'govuk-table')]")):
        headings = [th.text_content().strip() for th in table.xpath("./thead//th")]
        name = f"table {n + 1} ({', '.join(headings[:3])}…)"
        if "apdocs-table-stack" in table.classes:
            for row in table.xpath("./tbody/tr"):
                cells = row.xpath("./td|./th")
                if len(cells) == 1 and cells[0].get("colspan"):
                    continue  # "None in this period": one cell across the table
                # An empty data-label is deliberate: a cell of buttons or links that say what they do.
                unlabelled = [c.text_content().strip()[:30] for c in cells[1:] if c.get("data-label") is None]
                if unlabelled:
                    problems.append(f"{name}: stacked, but cells without data-label: {unlabelled}")
            continue
        region = table.getparent()
        if region is None or "app-table-scroll" not in region.classes:
            problems.append(f"{name}: neither stacked nor in a scrolling region")
            continue
        if region.get("role") != "region" or region.get("tabindex") != "0":
            problems.append(f"{name}: its region needs role=region and tabindex=0")
        label = page.get_element_by_id(region.get("aria-labelledby") or "", None)
        if label is None or not label.text_content().strip():
            problems.append(f"{name}: its region is not named by an element on the page")
    return problems


def count_tables(html: str) -> int:
    return len(lxml.html.fromstring(html).xpath("//table[contains(@class, 'govuk-table')]//tbody/tr"))


@pytest.fixture
def demo_world(app, db_session):  # type: ignore[no-untyped-def]
    """The demo's organisations, accounts, pupils, placements, marks, messages and events."""
    demo.load()
    db.session.commit()


def _as(app, email: str) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = browser(app)
    user = db.session.scalars(sa.select(User).where(User.email == email)).one()
    sign_in(client, user, password=DEMO_PASSWORD)
    return client


def _school() -> int:
    return db.session.scalars(sa.select(User.organisation_id).where(User.email == SENCO)).one()


def _placement_with_marks() -> int:
    """One of the school's placements with marks in its register."""
    query = (
        sa.select(AttendanceMark.placement_id)
        .join(Placement)
        .where(Placement.commissioning_organisation_id == _school())
    )
    return db.session.scalars(query.order_by(AttendanceMark.placement_id)).first()


def _placement_with_objectives() -> int:
    """One of the school's placements whose plan has objectives (the check page lists them in a table)."""
    query = sa.select(SupportPlan).join(Placement).where(Placement.commissioning_organisation_id == _school())
    return next(
        plan.placement_id for plan in db.session.scalars(query.order_by(SupportPlan.placement_id)) if plan.objectives
    )


def _review() -> str:
    """One of the school's recorded reviews (its objectives' progress is a table)."""
    query = sa.select(Review).join(Placement).where(Placement.commissioning_organisation_id == _school())
    review = db.session.scalars(query.order_by(Review.id)).first()
    return f"{review.placement_id}/reviews/{review.number}"


def _progress_report() -> str:
    """A termly progress report on one of the school's placements, submitted (the demo's are drafts)."""
    query = sa.select(ProgressReport).join(Placement).where(Placement.commissioning_organisation_id == _school())
    report = next(r for r in db.session.scalars(query.order_by(ProgressReport.id)) if r.objectives)
    report.status, report.submitted_at = ReportStatus.SUBMITTED, datetime(2026, 12, 1, 10, tzinfo=UTC)
    db.session.commit()
    return f"{report.placement_id}/progress-reports/{report.term_key}"


def _provider_with_contacts() -> int:
    return next(p.id for p in db.session.scalars(sa.select(Provider).order_by(Provider.id)) if p.contacts)


PAGES = [
    (SENCO, "/pupils"),
    (SENCO, "/exclusions"),
    (SENCO, "/providers"),
    (SENCO, "/providers/{provider}"),
    (SENCO, "/summary"),
    (SENCO, "/outbox"),
    (SENCO, "/placements/{marked}/attendance"),
    (SENCO, "/placements/{planned}/plan/check"),
    (SENCO, "/placements/{review}"),
    (SENCO, "/placements/{report}"),
    (OFFICER, "/pupils"),
    (OFFICER, "/summary"),
    (OFFICER, "/local-authority/placements"),
    (STAFF, "/providers"),
    (GOVERNOR, "/summary"),
    (ADMIN, "/users"),
    (ADMIN, "/audit"),
    (ADMIN, "/term-dates"),
]


@pytest.mark.parametrize(("email", "path"), PAGES)
def test_each_table_stacks_or_scrolls_in_its_own_region(app, demo_world, email: str, path: str) -> None:
    ids = {
        "marked": _placement_with_marks,
        "planned": _placement_with_objectives,
        "provider": _provider_with_contacts,
        "review": _review,
        "report": _progress_report,
    }
    path = path.format(**{key: find() for key, find in ids.items() if "{" + key + "}" in path})
    page = _as(app, email).get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert count_tables(html), "the page shows no table rows: nothing was checked"
    assert tables_that_would_overflow(html) == []


def test_the_signatures_table_stacks_so_sign_now_in_person_stays_on_a_phone(
    as_commissioner,
    placement,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    """An open round with a signer in person: the link to sign now is in a labelled cell of a stacked row."""
    long_address = "a.very.long.address.for.the.placement.contact@provider.example"
    rows = [*SIGNERS[:2], {**SIGNERS[2], "email": long_address}]
    assert ask_for_signatures(as_commissioner, placement, rows).status_code == 302

    html = as_commissioner.get(f"/placements/{placement.id}/signatures").get_data(as_text=True)
    assert tables_that_would_overflow(html) == []
    [link] = lxml.html.fromstring(html).xpath("//a[starts-with(normalize-space(.), 'Sign now, in person')]")
    cell = link.xpath("ancestor::td")[0]
    assert cell.get("data-label") is not None and "apdocs-table-stack" in cell.xpath("ancestor::table")[0].classes

"""Saving a review, and ending a placement, make numbered rows and a document from one button: "Save" clicked twice
saves one review with one review record, two different saves at once are numbered 1 and 2 (never an error), and
"End the placement" clicked twice ends it once with one report. Real requests from their own threads."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from service.documents.models import Document
from service.documents.types import DocumentType
from service.end_of_placement.models import EndOfPlacement
from service.extensions import db
from service.reviews.models import Review
from tests import factories
from tests.documents.test_double_click import at_once, request_token, signed_in_browsers
from tests.helpers import csrf_token, text
from tests.reviews.test_reviews import _review_fields, agreed  # noqa: F401 - the reviews tests' placement

__all__ = ["agreed"]


def _numbers(placement_id: int) -> list[int]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(Review.number).where(Review.placement_id == placement_id).order_by(Review.number))
    )


def _records(placement_id: int) -> list[Document]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Document).where(
                Document.placement_id == placement_id, Document.doc_type == DocumentType.REVIEW_RECORD
            )
        )
    )


def test_save_clicked_twice_saves_one_review_and_both_clicks_get_its_page(
    app,
    agreed,
    commissioner,
    default_templates,  # noqa: F811
):
    placement_id, fields = agreed.id, _review_fields(agreed)
    first, second = signed_in_browsers(app, commissioner, 2)
    url = f"/placements/{placement_id}/reviews/new"
    token = request_token(first.get(url))
    forms = [{**fields, "csrf_token": csrf_token(c.get(url)), "request_token": token} for c in (first, second)]
    results = at_once([lambda c=c, f=f: c.post(url, data=f) for c, f in zip((first, second), forms, strict=True)])
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302, 302]
    assert {r.headers["Location"] for r in results if not isinstance(r, str)} == {
        f"/placements/{placement_id}/reviews/1"
    }
    assert _numbers(placement_id) == [1]
    assert len(_records(placement_id)) == 1
    for client in (first, second):
        assert "Review 1 saved." in text(client.get(f"/placements/{placement_id}/reviews/1"))


def test_two_saves_at_once_are_numbered_one_and_two(app, agreed, commissioner, default_templates):  # noqa: F811
    placement_id, fields = agreed.id, _review_fields(agreed)
    first, second = signed_in_browsers(app, commissioner, 2)
    url = f"/placements/{placement_id}/reviews/new"
    forms = []
    for client in (first, second):
        page = client.get(url)
        forms.append({**fields, "csrf_token": csrf_token(page), "request_token": request_token(page)})
    results = at_once([lambda c=c, f=f: c.post(url, data=f) for c, f in zip((first, second), forms, strict=True)])
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302, 302]
    assert _numbers(placement_id) == [1, 2]
    assert len(_records(placement_id)) == 2


def _ending(school, provider):  # type: ignore[no-untyped-def]
    from tests.end_of_placement.test_ending import _placement

    return _placement(school, provider, date(2011, 3, 14))


def test_end_the_placement_clicked_twice_ends_it_once_with_one_report(
    app, school, provider, commissioner, default_templates
):
    from tests.end_of_placement.test_ending import _fields

    placement_id = _ending(school, provider).id
    db.session.commit()
    first, second = signed_in_browsers(app, commissioner, 2)
    url = f"/placements/{placement_id}/end"
    page = first.get(url)
    token = request_token(page)
    fields = _fields(page, date.today() - timedelta(days=1))
    forms = [{**fields, "csrf_token": csrf_token(c.get(url)), "request_token": token} for c in (first, second)]
    results = at_once([lambda c=c, f=f: c.post(url, data=f) for c, f in zip((first, second), forms, strict=True)])
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302, 302]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EndOfPlacement)) == 1
    reports = db.session.scalars(
        sa.select(Document).where(Document.doc_type == DocumentType.END_OF_PLACEMENT_REPORT)
    ).all()
    assert len(reports) == 1
    for client in (first, second):
        assert "The placement has ended." in text(client.get(f"/placements/{placement_id}"))


def test_two_different_ends_at_once_end_it_once_and_the_other_is_told(
    app, school, provider, commissioner, default_templates
):
    from tests.end_of_placement.test_ending import _fields

    placement_id = _ending(school, provider).id
    db.session.commit()
    first, second = signed_in_browsers(app, commissioner, 2)
    url = f"/placements/{placement_id}/end"
    forms = []
    for client in (first, second):
        page = client.get(url)
        forms.append({**_fields(page, date.today() - timedelta(days=1)), "csrf_token": csrf_token(page)})
        forms[-1]["request_token"] = request_token(page)
    results = at_once([lambda c=c, f=f: c.post(url, data=f) for c, f in zip((first, second), forms, strict=True)])
    assert sorted(r if isinstance(r, str) else r.status_code for r in results) == [302, 400]
    [refused] = [r for r in results if not isinstance(r, str) and r.status_code == 400]
    assert "This placement has ended already." in text(refused)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EndOfPlacement)) == 1


def test_agree_clicked_twice_agrees_once_and_tells_the_la_once(
    app,
    client,
    local_authority,
    school,
    provider,
    commissioner,
    default_templates,  # noqa: F811
):
    from service.la_notices.models import LaNotice
    from tests.conftest import sign_in
    from tests.la_notices.conftest import pupil_of
    from tests.support_plans.test_journey import _fill_everything

    placement_id = factories.PlacementFactory(
        pupil=pupil_of(school), provider=provider, planned_start=date(2026, 1, 5)
    ).id
    db.session.commit()
    sign_in(client, commissioner)
    _fill_everything(client, placement_id)
    first, second = signed_in_browsers(app, commissioner, 2)
    url = f"/placements/{placement_id}/plan/check"
    token = request_token(first.get(url))
    forms = [{"csrf_token": csrf_token(c.get(url)), "request_token": token} for c in (first, second)]
    agree = f"/placements/{placement_id}/plan/agree"
    results = at_once([lambda c=c, f=f: c.post(agree, data=f) for c, f in zip((first, second), forms, strict=True)])
    assert [r if isinstance(r, str) else r.status_code for r in results] == [302, 302]
    db.session.expire_all()
    plans = db.session.scalars(sa.select(Document).where(Document.doc_type == DocumentType.SUPPORT_PLAN)).all()
    assert [d.version for d in plans] == [1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LaNotice)) == 1
    for browser_ in (first, second):
        assert "The plan is agreed." in text(browser_.get(f"/placements/{placement_id}"))

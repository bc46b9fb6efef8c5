"""What a page says about an email is what the outbox says about it: the placement page says the local authority
"was told" only once the email is sent; while it waits for its next try it says so, and one that may have arrived
is shown as such with a link to it. Through the real form and a real SMTP server on loopback."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.mail.models import MessageStatus
from tests.helpers import form_data, text
from tests.la_notices.conftest import running_placement, smtp  # noqa: F401 - the real SMTP server
from tests.la_notices.test_telling import _end_fields, _la_messages

pytestmark = pytest.mark.usefixtures("default_templates")


def _end(client, placement) -> str:  # type: ignore[no-untyped-def]
    url = f"/placements/{placement.id}/end"
    page = client.get(url)
    response = client.post(url, data=form_data(page, _end_fields(page, date.today() - timedelta(days=1))))
    assert response.status_code == 302, text(response)
    return text(client.get(f"/placements/{placement.id}"))


def test_an_la_email_waiting_for_its_next_try_is_not_called_told(
    as_commissioner,
    local_authority,
    school,
    provider,
    commissioner,
    smtp,  # noqa: F811
):
    smtp.data_reply = "451 4.3.0 Try again later"
    page = _end(as_commissioner, running_placement(school, provider, commissioner))
    [message] = _la_messages()
    assert message.status is MessageStatus.QUEUED
    assert "The local authority was told" not in page
    assert "The local authority is being told that the placement ended" in page
    assert "the email is waiting to be sent" in page


def test_an_la_email_that_may_have_arrived_is_not_called_told(
    as_commissioner,
    local_authority,
    school,
    provider,
    commissioner,
    smtp,  # noqa: F811
):
    smtp.drop_after_data = True
    page = _end(as_commissioner, running_placement(school, provider, commissioner))
    [message] = _la_messages()
    assert message.status is MessageStatus.MAY_HAVE_BEEN_SENT
    assert "The local authority was told" not in page
    assert "An email telling the local authority that the placement ended was written on" in page
    assert "May have been sent — check" in page and "Check the email in the outbox" in page


def test_an_la_email_sent_is_called_told(
    as_commissioner,
    local_authority,
    school,
    provider,
    commissioner,
    smtp,  # noqa: F811
):
    page = _end(as_commissioner, running_placement(school, provider, commissioner))
    [message] = _la_messages()
    assert message.status is MessageStatus.SENT
    assert "The local authority was told that the placement ended on" in page

"""The verify page names the seal's certificate as people read a name, its name then its organisation
("apdocs document seal (self-signed), Northbridge Academy"), never as "Common Name: …, Organization: …"."""

from __future__ import annotations

import io

from tests.helpers import form_data, text
from tests.signing.test_sealing import identity, instance, plan_pdf, sealed  # noqa: F401 - the fixtures


def test_the_verify_page_shows_the_seals_name_as_people_read_it(client, sealed):  # noqa: F811
    page = client.get("/verify")
    response = client.post(
        "/verify",
        data=form_data(page, {"pdf": (io.BytesIO(sealed), "plan.pdf")}),
        content_type="multipart/form-data",
    )
    body = text(response)
    assert "Sealed by" in body
    assert "apdocs document seal (self-signed), Northbridge Academy" in body
    assert "Common Name" not in body and "Organization:" not in body

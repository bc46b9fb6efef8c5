"""An agreed plan with its real PDF (docxtpl and LibreOffice), ready to be signed, and helpers to act as a
signer: read the emails apdocs sent, and draw a signature."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.documents import jobs
from service.documents import services as documents
from service.documents.models import DocumentStatus
from service.documents.types import DocumentType
from service.mail.models import OutboxMessage
from service.placements.models import Placement
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.documents.conftest import pool  # noqa: F401 - real PDF/A files to seal, from the documents tests' pool
from tests.helpers import form_data
from tests.mail.conftest import smtp, smtp_server  # noqa: F401 - a real SMTP server on loopback, as the mail tests use


@pytest.fixture
def placement(app, school, provider, commissioner, default_templates) -> Placement:  # type: ignore[no-untyped-def]
    from service.extensions import db

    pupil = factories.PupilFactory(organisation=school, legal_first_name="Eleanor", preferred_name="Ellie")
    factories.ParentCarerFactory(pupil=pupil, name="Pat Parent", email="pat@example.com")
    factories.ProviderContactFactory(provider=provider, name="Alex Jones", email="alex@provider.example")
    placement = factories.PlacementFactory(pupil=pupil, provider=provider, status=PlacementStatus.AGREED)
    factories.SupportPlanFactory(
        placement=placement, agreed_at=datetime(2025, 12, 8, 10, tzinfo=UTC), agreed_by_id=commissioner.id
    )
    document = documents.request_document(
        commissioner, placement, DocumentType.SUPPORT_PLAN, Path(app.config["APDOCS_OUTPUT_DIR"])
    )
    db.session.commit()
    jobs.produce_document(document.id)
    db.session.refresh(document)
    assert document.status is DocumentStatus.READY, document.error
    return placement


def messages_to(db_session, address: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    rows = db_session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [m for m in rows if address in m.to_addresses]


def delivered_text(message: OutboxMessage) -> str:
    """The text of the email as the recipient got it: the .eml file the embedded transport wrote for this
    message (it stands for their mailbox), decoded. The outbox row never holds a link or a code."""
    from email import message_from_bytes, policy

    from flask import current_app

    assert message.eml_path, f"message {message.id} was not delivered: {message.status} {message.last_error}"
    from service.storage import storage_for

    data = storage_for(current_app.config).get(message.eml_path)  # the output folder, or the object store
    email = message_from_bytes(data, policy=policy.default)
    return email.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def link_token(message: OutboxMessage) -> str:
    [token] = re.findall(r"/sign/([A-Za-z0-9_-]{40,})", delivered_text(message))
    return token


def code_in(message: OutboxMessage) -> str:
    [code] = re.findall(r"Your code is (\d{6})", delivered_text(message))
    return code


def drawn_signature() -> str:
    """A real 40 x 10 PNG, as a signature pad posts it."""
    width, height = 40, 10
    rows = b"".join(
        b"\x00" + bytes([0, 0, 0, 255] * (width if y == 5 else 0) + [255, 255, 255, 255] * (0 if y == 5 else width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    import base64

    return "data:image/png;base64," + base64.b64encode(png).decode()


#: The three signers a plan needs: the parent by link, the school's representative in person, the provider by link.
SIGNERS = [
    {"include": "y", "name": "Pat Parent", "role": "parent_carer", "method": "link", "email": "pat@example.com"},
    {"include": "y", "name": "Ms K Owen", "role": "school_representative", "method": "in_person", "email": ""},
    {
        "include": "y",
        "name": "Alex Jones",
        "role": "provider_representative",
        "method": "link",
        "email": "alex@provider.example",
    },
]


def ask_for_signatures(client, placement, rows=None):  # type: ignore[no-untyped-def]
    """Post "Ask for signatures" through the page's own form (its CSRF and request tokens) for ``rows``."""
    page = client.get(f"/placements/{placement.id}/signatures")
    assert page.status_code == 200
    fields = {f"signers-{n}-{k}": v for n, row in enumerate(rows or SIGNERS) for k, v in row.items()}
    return client.post(f"/placements/{placement.id}/signatures", data=form_data(page, fields))

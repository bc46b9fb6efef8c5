"""The demo's signed plan: one AP Support Plan signed by everyone and sealed, so a new user can open it,
check it on the verify page, and see what a signed plan looks like.

It runs the real journey, not a shortcut: the plan's PDF is made, a round of signatures asked for, each
person signs in person witnessed by the SENCO, and the signed plan is made, with its certificate, and
sealed. Documents are made here and now with a converter pool of one (about ten seconds, once).
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from pathlib import Path

import sqlalchemy as sa

from service.auth.models import User
from service.documents import services as documents
from service.documents.engine.converter import ConverterPool, PoolSettings
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.extensions import db
from service.placements.models import Placement
from service.pupils.models import Pupil
from service.signing import rounds, signatures
from service.signing.models import SignerRole, SigningMethod


def signed_plan_placement() -> tuple[Placement, User]:
    """The demo placement whose plan is signed and sealed (Ellie's), and the SENCO who witnessed it."""
    senco = db.session.scalars(sa.select(User).where(User.email == "senco@northbridge.example")).one()
    placement = db.session.scalars(
        sa.select(Placement).join(Pupil).where(Pupil.legal_last_name == "Whitfield").order_by(Placement.id)
    ).first()
    assert placement is not None
    return placement, senco


def sign_plan(placement: Placement, senco: User, output_dir: Path) -> Document:
    """Produce, sign and seal ``placement``'s plan. Commits as it goes; returns the sealed document."""
    settings = PoolSettings.from_env()
    with ConverterPool(PoolSettings(**{**settings.__dict__, "size": 1})) as pool:
        plan = documents.request_document(senco, placement, DocumentType.SUPPORT_PLAN, output_dir)
        db.session.commit()
        plan = documents.produce(plan.id, pool, output_dir)
        if plan.status is not DocumentStatus.READY:
            raise RuntimeError(plan.error)
        parent = placement.pupil.parents[0]
        support_plan = placement.support_plan
        assert support_plan is not None
        people = [
            rounds.SignerDetails(parent.name, SignerRole.PARENT_CARER, SigningMethod.IN_PERSON),
            rounds.SignerDetails(support_plan.school_rep, SignerRole.SCHOOL_REPRESENTATIVE, SigningMethod.IN_PERSON),
            rounds.SignerDetails(
                next(
                    (c.name for c in placement.provider.contacts if c.is_placement_contact), support_plan.provider_rep
                ),
                SignerRole.PROVIDER_REPRESENTATIVE,
                SigningMethod.IN_PERSON,
            ),
        ]
        request, _no_emails = rounds.request_signatures(senco, placement, people)
        for n, signer in enumerate(request.signers):
            signatures.sign(
                signer,
                drawn=_scribble(seed=n) if n != 2 else "",
                typed=signer.name if n == 2 else "",
                read_confirmed=True,
                ip="127.0.0.1",
                user_agent="apdocs demo: signed on the SENCO's laptop at the planning meeting",
                witness=senco,
            )
        sealed = signatures.complete(request, output_dir)
        db.session.commit()
        return documents.produce(sealed.id, pool, output_dir)


def _scribble(seed: int, width: int = 360, height: int = 90) -> str:
    """A signature-like line drawn as a PNG (a data URL, as the signature pad posts it)."""
    ink = set()
    for step in range(2400):
        t = step / 2400
        x = 20 + t * (width - 40)
        y = height / 2 + math.sin(t * (9 + seed) * math.pi) * 22 * (1 - t / 2) + math.sin(t * 31) * 6
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                ink.add((int(x) + dx, int(y) + dy))
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += b"\x0b\x0c\x0c\xff" if (x, y) in ink else b"\xff\xff\xff\x00"

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()

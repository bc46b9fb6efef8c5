"""A placement ready for its provider pack: agreed plan, a placement contact, a parent, the school's DSL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from service.documents.models import Document
from service.documents.types import DocumentType
from service.extensions import db
from service.mail.models import OutboxMessage
from service.placements.models import Placement
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.mail.conftest import smtp, smtp_server  # noqa: F401 - the real SMTP server, for the sending tests

HOSTILE = "Tom & Jerry <script>alert('x')</script> “quoted” 😀 مرحبا بالعالم"


@pytest.fixture
def contact(provider):  # type: ignore[no-untyped-def]
    return factories.ProviderContactFactory(provider=provider, email="placements@provider.example")


@pytest.fixture
def placement(school, provider, contact) -> Placement:  # type: ignore[no-untyped-def]
    pupil = factories.PupilFactory(organisation=school, legal_first_name="Eleanor", preferred_name="Ellie")
    factories.ParentCarerFactory(pupil=pupil, name="Pat Parent", relationship_to_pupil="Mother", phone="07700 900456")
    placement = factories.PlacementFactory(
        pupil=pupil, provider=provider, status=PlacementStatus.AGREED, planned_start=date(2027, 6, 4)
    )
    plan = factories.SupportPlanFactory(placement=placement)
    factories.PlanObjectiveFactory(support_plan=plan, objective="Attend every session")
    factories.ProviderPackFactory(placement=placement)
    return placement


def packs_made(placement_id: int) -> tuple[list[Document], list[OutboxMessage]]:
    """The placement's provider pack documents and pack emails, read afresh."""
    db.session.expire_all()
    documents = db.session.scalars(
        sa.select(Document).where(
            Document.placement_id == placement_id, Document.doc_type == DocumentType.PROVIDER_PACK
        )
    ).all()
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.placement_id == placement_id, OutboxMessage.purpose == "provider_pack"
        )
    ).all()
    return list(documents), list(messages)

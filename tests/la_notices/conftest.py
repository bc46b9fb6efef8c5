"""The LA-told tests: a real SMTP server on loopback, as the mail tests use, and placements of the school whose
LA is ``local_authority`` (tests/conftest.py: contacts ap@westshire.example and sen@westshire.example)."""

from __future__ import annotations

from datetime import date, timedelta

from service.db import utcnow
from service.extensions import db
from service.placements.models import Placement
from service.pupils.models import SenStatus
from service.rules.placement_status import PlacementStatus
from tests import factories
from tests.mail.conftest import smtp, smtp_server  # noqa: F401 - a real SMTP server on loopback

#: The pupils' names, which must never reach a subject (nor, here, a body).
FIRST, LAST, PREFERRED = "Eleanor", "Quennell-Byrne", "Ellie"


def pupil_of(school, *, ehcp: bool = False):  # type: ignore[no-untyped-def]
    return factories.PupilFactory(
        organisation=school,
        legal_first_name=FIRST,
        legal_last_name=LAST,
        preferred_name=PREFERRED,
        sen_status=SenStatus.EHCP if ehcp else SenStatus.NONE,
    )


def running_placement(school, provider, commissioner, *, ehcp: bool = False) -> Placement:  # type: ignore[no-untyped-def]
    """An active placement with an agreed plan (one objective), started three months ago."""
    placement = factories.PlacementFactory(
        pupil=pupil_of(school, ehcp=ehcp),
        provider=provider,
        status=PlacementStatus.ACTIVE,
        planned_start=date.today() - timedelta(days=90),
    )
    plan = factories.SupportPlanFactory(placement=placement, agreed_at=utcnow(), agreed_by_id=commissioner.id)
    factories.PlanObjectiveFactory(support_plan=plan, objective="Attend every session")
    factories.PlanInterventionFactory(support_plan=plan)
    db.session.commit()
    return placement

"""Every model, imported in one place so Alembic and the app see the whole schema."""

from service.audit.models import AuditEvent
from service.auth.models import Role, User
from service.documents.models import Document, DocumentStatus, DocumentTemplate
from service.organisations.models import LocalAuthorityTeam, Organisation, OrganisationKind
from service.placements.models import Placement, PlacementSession, PlacementStatusChange, Weekday
from service.providers.models import (
    ApprovalCriterion,
    ApprovedListStatus,
    OfstedGrade,
    Provider,
    ProviderContact,
    ProviderCriterion,
    ProviderSite,
    QaOutcome,
)
from service.pupils.models import ParentCarer, Pupil, SafeguardingStatus, SenStatus

__all__ = [
    "ApprovalCriterion",
    "ApprovedListStatus",
    "AuditEvent",
    "Document",
    "DocumentStatus",
    "DocumentTemplate",
    "LocalAuthorityTeam",
    "OfstedGrade",
    "Organisation",
    "OrganisationKind",
    "ParentCarer",
    "Placement",
    "PlacementSession",
    "PlacementStatusChange",
    "Provider",
    "ProviderContact",
    "ProviderCriterion",
    "ProviderSite",
    "Pupil",
    "QaOutcome",
    "Role",
    "SafeguardingStatus",
    "SenStatus",
    "User",
    "Weekday",
]

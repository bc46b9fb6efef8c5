"""Every model, imported in one place so Alembic and the app see the whole schema."""

from service.attendance.models import AttendanceMark, MarkSource
from service.audit.models import AuditEvent
from service.auth.models import User
from service.documents.models import Document, DocumentStatus, DocumentTemplate
from service.end_of_placement.models import EndOfPlacement, ObjectiveOutcome
from service.exclusions.models import Exclusion
from service.la_decisions.models import LaDecision
from service.la_notices.models import LaEvent, LaNotice
from service.mail.models import Delivery, MessageStatus, OutboxAttachment, OutboxMessage, SecureLink
from service.organisations.models import LocalAuthorityTeam, Organisation
from service.placements.models import Placement, PlacementSession, PlacementStatusChange, Weekday
from service.progress_reports.models import ProgressReport, ReportObjective, ReportStatus
from service.provider_packs.models import ProviderPack
from service.providers.models import (
    ApprovalCriterion,
    ApprovedListStatus,
    ContactConfirmation,
    OfstedGrade,
    Provider,
    ProviderContact,
    ProviderCriterion,
    ProviderSite,
    QaOutcome,
)
from service.pupils.models import ParentCarer, Pupil, SafeguardingStatus, SenStatus
from service.reviews.models import ObjectiveProgress, Review
from service.rules.delivery import MailDelivery
from service.rules.full_time import DeliveredBy
from service.rules.organisations import OrganisationKind
from service.rules.outcomes import OutcomeArea, ProgressRating
from service.rules.placement_end import Destination, EndReason
from service.rules.provider_pack import PackSection
from service.rules.roles import Role
from service.signing.models import RequestStatus, SignatureRequest, Signer, SignerRole, SignerStatus, SigningMethod
from service.support_plans.models import PlanIntervention, PlanObjective, SupportPlan
from service.support_plans.overrides import DesktopReview, PlanOverride
from service.term_dates.models import TermDate
from service.visits.models import Visit

__all__ = [
    "ApprovalCriterion",
    "ApprovedListStatus",
    "AttendanceMark",
    "ContactConfirmation",
    "DeliveredBy",
    "Delivery",
    "DesktopReview",
    "AuditEvent",
    "Destination",
    "Document",
    "DocumentStatus",
    "DocumentTemplate",
    "EndOfPlacement",
    "EndReason",
    "Exclusion",
    "LaEvent",
    "LaNotice",
    "LaDecision",
    "LocalAuthorityTeam",
    "MarkSource",
    "MessageStatus",
    "MailDelivery",
    "ObjectiveOutcome",
    "ObjectiveProgress",
    "OfstedGrade",
    "OutcomeArea",
    "PackSection",
    "Organisation",
    "OutboxAttachment",
    "OutboxMessage",
    "OrganisationKind",
    "ParentCarer",
    "Placement",
    "PlacementSession",
    "PlacementStatusChange",
    "PlanIntervention",
    "PlanObjective",
    "PlanOverride",
    "ProgressRating",
    "ProgressReport",
    "Provider",
    "ProviderContact",
    "ProviderCriterion",
    "ProviderPack",
    "ProviderSite",
    "Pupil",
    "QaOutcome",
    "RequestStatus",
    "ReportObjective",
    "ReportStatus",
    "Review",
    "Role",
    "SafeguardingStatus",
    "SecureLink",
    "SignatureRequest",
    "Signer",
    "SignerRole",
    "SignerStatus",
    "SigningMethod",
    "SenStatus",
    "SupportPlan",
    "TermDate",
    "User",
    "Visit",
    "Weekday",
]

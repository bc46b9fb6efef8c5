"""factory_boy factories for every record. They commit, so the requests a test makes (each in its own
session, as in production) see them."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from service.auth.models import User
from service.auth.services import hash_password
from service.documents.models import Document, DocumentStatus
from service.documents.types import DocumentType
from service.end_of_placement.models import EndOfPlacement, ObjectiveOutcome
from service.extensions import db
from service.la_decisions.models import LaDecision
from service.organisations.models import Organisation
from service.placements.models import Placement, PlacementSession, PlacementStatusChange
from service.progress_reports.models import ProgressReport, ReportStatus
from service.provider_packs.models import ProviderPack
from service.providers import contacts
from service.providers.models import ApprovedListStatus, Provider, ProviderContact, QaOutcome
from service.pupils.models import ParentCarer, Pupil
from service.reviews.models import ObjectiveProgress, Review
from service.rules.decision import Circumstance, DecisionMaker, LaOutcome
from service.rules.full_time import DeliveredBy
from service.rules.organisations import OrganisationKind
from service.rules.outcomes import OutcomeArea, ProgressRating
from service.rules.placement_end import Destination, EndReason
from service.rules.placement_status import PlacementStatus
from service.rules.plan_requirements import HealthSafetyOutcome
from service.rules.roles import Role
from service.rules.upn import make_upn
from service.support_plans.models import PlanIntervention, PlanObjective, SupportPlan

__all__ = ["Role"]

TEST_PASSWORD = "correct horse battery staple"
_TEST_HASH = hash_password(TEST_PASSWORD)  # hashed once: argon2 is deliberately slow


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class SchoolFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"School {n}")
    kind = OrganisationKind.SCHOOL
    la_code = "931"
    dsl_name = "Mrs P Grant"
    dsl_phone = "01632 960001"
    deputy_dsl_name = "Mr D Shah"
    deputy_dsl_phone = "01632 960002"
    child_protection_expectations = "Follow the school's child protection policy and KCSIE 2025."
    concern_procedure = "Phone the DSL the same day; record the concern in writing within 24 hours."
    attendance_contact_name = "Attendance office"
    attendance_contact_phone = "01632 960010"
    attendance_contact_email = "attendance@school.example"


class LocalAuthorityFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"LA team {n}")
    kind = OrganisationKind.LOCAL_AUTHORITY


class ProviderOrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Provider organisation {n}")
    kind = OrganisationKind.PROVIDER


class UserFactory(Base):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"User {n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    role = Role.COMMISSIONER
    organisation = factory.SubFactory(SchoolFactory)
    password_hash = _TEST_HASH


class ProviderFactory(Base):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    organisation = factory.SubFactory(ProviderOrganisationFactory)
    approved_list_status = ApprovedListStatus.APPROVED
    # A provider that meets every check that stops a plan (``rules.provider_checks.provider_blocks``): a lead and a
    # deputy trained within two years, vetting confirmed, insured for years after any test's start, QA satisfactory.
    # Tests of a failing check set the one they need.
    dsl_name = "Dee Safeguarding"
    dsl_phone = "01632 960001"
    dsl_training_date = factory.LazyFunction(lambda: date.today() - timedelta(days=365))
    deputy_dsl_name = "Dan Deputy"
    deputy_dsl_phone = "01632 960002"
    deputy_dsl_training_date = factory.LazyFunction(lambda: date.today() - timedelta(days=365))
    vetting_confirmed = True
    vetting_confirmed_on = factory.LazyFunction(lambda: date.today() - timedelta(days=365))
    insurance_expiry = factory.LazyFunction(lambda: date.today() + timedelta(days=3650))
    qa_outcome = QaOutcome.SATISFACTORY
    qa_date = factory.LazyFunction(lambda: date.today() - timedelta(days=365))


class ProviderContactFactory(Base):
    """The provider's placement contact: the person the provider pack is emailed to."""

    class Meta:
        model = ProviderContact

    provider = factory.SubFactory(ProviderFactory)
    name = "Alex Jones"
    role = "Centre manager"
    phone = "01632 960100"
    email = factory.Sequence(lambda n: f"placements{n}@provider.example")
    is_placement_contact = True


class PupilFactory(Base):
    class Meta:
        model = Pupil

    organisation = factory.SubFactory(SchoolFactory)
    school = factory.SelfAttribute("organisation")
    legal_first_name = factory.Sequence(lambda n: f"Pupil{n}")
    legal_last_name = "Example"
    date_of_birth = date(2011, 3, 14)
    upn = factory.Sequence(lambda n: make_upn(931, 4001, 19, n % 1000))


class ParentCarerFactory(Base):
    class Meta:
        model = ParentCarer

    pupil = factory.SubFactory(PupilFactory)
    name = "Pat Parent"
    relationship_to_pupil = "Mother"
    phone = "07700 900123"


class PlacementFactory(Base):
    class Meta:
        model = Placement

    pupil = factory.SubFactory(PupilFactory)
    provider = factory.SubFactory(ProviderFactory)
    commissioning_organisation = factory.SelfAttribute("pupil.organisation")
    circumstance = Circumstance.ON_ROLL
    decision_maker = DecisionMaker.SCHOOL_SENIOR_LEADERSHIP
    # Who in the school's senior leadership decided: without it a school-decided plan cannot be agreed.
    decided_by = "Jo Patel, Deputy Headteacher"
    status = PlacementStatus.DRAFT
    planned_start = date(2026, 1, 5)
    # A plan is agreed with an end date (rules.plan_requirements). Two years on, so that tests counting school days
    # up to a date of their own (attendance, To do today) never reach it.
    planned_end = factory.LazyAttribute(lambda placement: placement.planned_start + timedelta(weeks=104))
    reason_for_referral = "Struggling in mainstream lessons."

    @factory.post_generation
    def with_sessions(self, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: ARG002
        if extracted is False:
            return
        self.sessions.append(PlacementSession(weekday=1, starts_at=time(9, 0), ends_at=time(12, 0)))
        if extracted != "provider_only":
            # The rest of the pupil's week is at the home school, so the week is full time day by day (9:00-15:00
            # every school day across all settings: service.rules.full_time); the provider's own timetable, its
            # register and its hours stay Tuesday 9:00-12:00.
            for day in (0, 2, 3, 4):
                self.sessions.append(
                    PlacementSession(weekday=day, starts_at=time(9), ends_at=time(15), setting=DeliveredBy.SCHOOL)
                )
            self.sessions.append(
                PlacementSession(weekday=1, starts_at=time(12), ends_at=time(15), setting=DeliveredBy.SCHOOL)
            )
        self.history.append(PlacementStatusChange(from_status=None, to_status=self.status))
        if create:
            db.session.commit()

    @factory.post_generation
    def contact_confirmed(self, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: ARG002
        """As ``create_placement`` does: the first placement confirms the provider's contact of the day."""
        if create and extracted is not False:
            contacts.note_first_use(self.commissioning_organisation_id, self.provider, None)
            db.session.commit()


class LaDecisionFactory(Base):
    """The local authority's "agree", with the EHCP review and the health input given (the placement's LA records
    it; pass ``local_authority`` when the placement's school has none)."""

    class Meta:
        model = LaDecision

    placement = factory.SubFactory(PlacementFactory)
    local_authority = factory.LazyAttribute(
        lambda o: o.placement.commissioning_organisation.local_authority or o.placement.commissioning_organisation
    )
    outcome = LaOutcome.AGREE
    decided_on = date(2025, 12, 10)
    officer_name = "Lee Officer, SEN casework officer"
    ehcp_review_date = date(2025, 12, 3)
    health_input_by = "Dr A Khan, consultant paediatrician"
    health_input_on = date(2025, 12, 1)


class DocumentFactory(Base):
    """A document row as the engine leaves it, without running LibreOffice (for access and recovery tests)."""

    class Meta:
        model = Document

    placement = factory.SubFactory(PlacementFactory)
    doc_type = DocumentType.SUPPORT_PLAN
    version = factory.Sequence(lambda n: n + 1)
    template_name = "support_plan.docx"
    template_sha256 = "0" * 64
    context = factory.LazyFunction(dict)
    status = DocumentStatus.QUEUED


class SupportPlanFactory(Base):
    """A support plan with every Appendix A answer filled in (objectives and interventions added separately)."""

    class Meta:
        model = SupportPlan

    placement = factory.SubFactory(PlacementFactory)
    planning_meeting_date = date(2025, 12, 8)
    school_rep = "Ms K Owen, SENCO"
    provider_rep = "Alex Jones, Centre manager"
    other_professionals = "Educational psychologist"
    pupil_details_confirmed = True
    child_views = "I like making things with my hands."
    parental_views = "Mornings are hard at home."
    academic_progress = "Working below the expected level in English."
    risks = "Has left the school site twice."
    separate_risk_assessment = True
    outcome_attendance = "Attend every session."
    outcome_attitude = "Feel confident in a group."
    outcome_attainment = "Entry level 3 functional skills English."
    outcome_behaviour = "No removals from class."
    outcome_destination = "Back in lessons full time."
    school_links = "Weekly phone call from the SENCO."
    attendance_arrangements = "The provider reports attendance twice daily."
    agreed_actions = "Referral to the school nurse."
    review_date = date(2026, 2, 9)
    # The plan itself (rules.plan_requirements): no off-site direction; the risks it lists jointly assessed.
    off_site_direction = False
    risks_identified = True
    joint_risk_assessment_date = date(2025, 12, 8)
    joint_risk_assessment_by = "Ms K Owen (SENCO), Alex Jones (centre manager)"
    joint_risk_assessment_attached = True
    health_safety_check_date = date(2025, 12, 1)
    health_safety_outcome = HealthSafetyOutcome.SATISFACTORY
    # The factory's timetable (Tuesday morning at the provider, school the rest of the week) is not what the
    # interventions added in each test say, so the plan says why they differ (service.rules.full_time.hours_check).
    hours_difference_reason = "The timetable is the first half-term's; the interventions are the plan's target."


class ProviderPackFactory(Base):
    """A provider information pack with every answer filled in and nothing withheld."""

    class Meta:
        model = ProviderPack

    placement = factory.SubFactory(PlacementFactory)
    send_needs = "Dyslexia: needs instructions given one at a time."
    literacy = "Reading age 9 years 2 months; uses a coloured overlay."
    medical_needs = "Asthma: inhaler in the front pocket of the bag."
    what_works = "Praise in private; a job to do when arriving."
    what_to_avoid = "Reading aloud in front of the group."
    behaviours_that_challenge = "Walks out when frustrated."
    strategies_that_worked = "An agreed time-out card and a quiet space."
    aptitudes_interests = "Bikes, drawing, looking after animals."
    transport = "Taxi arranged by the LA, pick-up 08:30 from home."
    other_emergency_contacts = "Aunt: Grace Hill 07700 900123"
    withheld = factory.LazyFunction(list)


class PlanObjectiveFactory(Base):
    class Meta:
        model = PlanObjective

    support_plan = factory.SubFactory(SupportPlanFactory)
    position = factory.Sequence(lambda n: n)
    area = OutcomeArea.ATTENDANCE
    objective = "Attend every session"
    baseline = "62% attendance last half-term"
    target = "95% attendance"
    measure = "The provider's register"
    due_by = date(2026, 2, 13)


class PlanInterventionFactory(Base):
    class Meta:
        model = PlanIntervention

    support_plan = factory.SubFactory(SupportPlanFactory)
    position = factory.Sequence(lambda n: n)
    intervention_type = "Construction skills"
    hours_per_week = Decimal("15")
    delivered_by = DeliveredBy.PROVIDER
    start_date = date(2026, 1, 5)


class ReviewFactory(Base):
    class Meta:
        model = Review

    placement = factory.SubFactory(PlacementFactory)
    number = factory.Sequence(lambda n: n + 1)
    meeting_date = date(2026, 2, 9)
    present = "Ms K Owen (SENCO), Alex Jones (provider), Pat Smith (parent)"
    attendance_from = date(2026, 1, 5)
    attendance_to = date(2026, 2, 6)
    sessions_possible = 50
    sessions_attended = 44
    pupil_views = "I like the workshop."
    parent_views = "Much happier in the mornings."
    notes = "Good start."


class ObjectiveProgressFactory(Base):
    class Meta:
        model = ObjectiveProgress

    review = factory.SubFactory(ReviewFactory)
    position = factory.Sequence(lambda n: n)
    objective_text = "Attend every session"
    rating = ProgressRating.SOME
    evidence = "88% attendance this half-term."


class EndOfPlacementFactory(Base):
    """A placement's end, with every answer given (objective outcomes added separately)."""

    class Meta:
        model = EndOfPlacement

    placement = factory.SubFactory(PlacementFactory)
    ended_on = date(2026, 7, 17)
    reason = EndReason.COMPLETED
    reason_detail = "The placement ran its planned two terms."
    accreditation_english = "Functional Skills English Entry Level 3"
    accreditation_maths = "Functional Skills maths Level 1"
    accreditation_other = "BTEC Level 1 construction (two units)"
    behaviour_change = "No removals from lessons this term; three last year."
    personal_development = "Joined the youth club; travels alone by bus."
    pupil_assessment = "I liked doing real work. I want to do the college course."
    destination = Destination.FURTHER_EDUCATION
    destination_detail = "Westshire College, construction foundation course, September."


class ObjectiveOutcomeFactory(Base):
    class Meta:
        model = ObjectiveOutcome

    end_of_placement = factory.SubFactory(EndOfPlacementFactory)
    position = factory.Sequence(lambda n: n)
    objective_text = "Attend every session"
    baseline = "62% attendance last half-term"
    target = "95% attendance"
    rating = ProgressRating.GOOD
    outcome = "91% attendance over the placement"


class ProgressReportFactory(Base):
    """A termly progress report, a draft for the spring term 2026 unless told otherwise (rows added separately)."""

    class Meta:
        model = ProgressReport

    placement = factory.SubFactory(PlacementFactory)
    term_key = "2026-spring"
    term_name = "Spring term 2026"
    term_starts_on = date(2026, 1, 1)
    term_ends_on = date(2026, 3, 31)
    version = 1
    status = ReportStatus.DRAFT
    meeting_date = date(2026, 3, 20)
    consulted_pupil = True
    consulted_parents = True
    consulted = "Pat Smith (mother), Ms K Owen (SENCO)"
    attendance_engagement = "Attended 44 of 50 sessions; keen in the workshop."
    pupil_view = "I like the workshop."
    next_steps = "Start the Level 1 English unit."

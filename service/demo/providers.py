"""The demo's provider catalogue, keyed by the short names the demo's story uses."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from service.organisations.models import Organisation
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
from service.rules.organisations import OrganisationKind


def catalogue(today: date) -> dict[str, Provider]:
    """Horizon, Oak Tree and Riverside approved (Riverside registered with the DfE), each meeting every check that
    stops a plan; Fresh Start Farm not on the list, its approval criteria outstanding, and its insurance lapsed ten
    days ago: the provider check that blocks Tyler's draft plan (``demo.provider_checks``)."""

    def criteria(met_all: bool) -> list[ProviderCriterion]:
        return _criteria(today, met_all)

    org = _organisation

    recent = today - timedelta(days=200)
    return {
        "horizon": Provider(
            name="Horizon Skills CIC",
            organisation=org("Horizon Skills CIC"),
            address="Unit 4, Canal Side Works\nWestshire",
            postcode="WS1 4HX",
            phone="01632 960111",
            email="office@horizon.example",
            dfe_registered=False,
            ukprn="10098765",
            approved_list_status=ApprovedListStatus.APPROVED,
            criteria=criteria(True),
            dsl_name="Marie Dubois",
            dsl_phone="01632 960112",
            dsl_training_date=recent,
            deputy_dsl_name="Owen Price",
            deputy_dsl_phone="01632 960113",
            deputy_dsl_training_date=recent,
            vetting_confirmed=True,
            vetting_confirmed_on=recent,
            insurance_expiry=today + timedelta(days=240),
            qa_outcome=QaOutcome.SATISFACTORY,
            qa_date=recent,
            services_offered="Vocational courses: construction, motor vehicle, hair and beauty",
            subjects_offered="Functional skills English and maths; BTEC Level 1 construction",
            hours_available_per_week=Decimal("25"),
            availability_notes="Monday to Friday, 9:00 to 15:00",
            sites=[ProviderSite(name="Canal Side Works", address="Unit 4, Canal Side Works", postcode="WS1 4HX")],
            contacts=[
                ProviderContact(
                    name="Pat Quinn",
                    role="Placements coordinator",
                    phone="01632 960114",
                    email="placements@horizon.example",
                    is_placement_contact=True,
                )
            ],
        ),
        "oak": Provider(
            name="Oak Tree Tutoring Ltd",
            organisation=org("Oak Tree Tutoring Ltd"),
            address="12 Market Street\nEastbury",
            postcode="EB2 7TT",
            phone="01632 960221",
            email="hello@oaktree.example",
            dfe_registered=False,
            approved_list_status=ApprovedListStatus.APPROVED,
            criteria=criteria(True),
            dsl_name="Hannah Reid",
            dsl_phone="01632 960222",
            dsl_training_date=recent,
            deputy_dsl_name="Imran Shah",
            deputy_dsl_phone="01632 960223",
            deputy_dsl_training_date=recent,
            vetting_confirmed=True,
            vetting_confirmed_on=recent,
            insurance_expiry=today + timedelta(days=90),
            qa_outcome=QaOutcome.SATISFACTORY,
            qa_date=recent,
            services_offered="One-to-one and small-group tuition, in person and online",
            subjects_offered="English, maths, science to GCSE",
            hours_available_per_week=Decimal("15"),
            contacts=[
                ProviderContact(
                    name="Hannah Reid",
                    role="Director",
                    phone="01632 960222",
                    email="hannah@oaktree.example",
                    is_placement_contact=True,
                )
            ],
        ),
        "riverside": Provider(
            name="Riverside Learning Centre",
            organisation=org("Riverside Learning Centre"),
            address="Riverside Road\nWestshire",
            postcode="WS3 9RL",
            phone="01632 960331",
            email="admin@riverside.example",
            dfe_registered=True,
            urn="145678",
            ofsted_grade=OfstedGrade.GOOD,
            ofsted_date=today - timedelta(days=400),
            approved_list_status=ApprovedListStatus.APPROVED,
            criteria=criteria(True),
            dsl_name="Carl Jensen",
            dsl_phone="01632 960332",
            dsl_training_date=recent,
            deputy_dsl_name="Beth Morris",
            deputy_dsl_phone="01632 960333",
            deputy_dsl_training_date=recent,
            vetting_confirmed=True,
            vetting_confirmed_on=recent,
            insurance_expiry=today + timedelta(days=300),
            qa_outcome=QaOutcome.SATISFACTORY,
            qa_date=recent,
            services_offered="Full-time pupil referral unit",
            subjects_offered="Full curriculum to GCSE",
            hours_available_per_week=Decimal("30"),
        ),
        "farm": Provider(
            name="Fresh Start Farm",
            organisation=None,
            address="Long Lane\nHighcombe",
            postcode="HC4 2FF",
            phone="01632 960441",
            dfe_registered=False,
            approved_list_status=ApprovedListStatus.NOT_ON_LIST,
            criteria=criteria(False),
            dsl_name="Rob Fenton",
            dsl_phone="01632 960442",
            dsl_training_date=recent,
            deputy_dsl_name="Gwen Fenton",
            deputy_dsl_phone="01632 960443",
            deputy_dsl_training_date=recent,
            vetting_confirmed=True,
            vetting_confirmed_on=recent,
            insurance_expiry=today - timedelta(days=10),
            qa_outcome=QaOutcome.ACTIONS_REQUIRED,
            qa_date=recent,
            services_offered="Outdoor and land-based learning",
        ),
    }


def pupil_referral_unit(today: date) -> Provider:
    """Brook House, the LA's pupil referral unit: a registered school (its URN lets a pupil be dual registered there,
    so the home school's register records D), approved and meeting every check that stops a plan, as Riverside does.
    Added by ``demo.dual_registration`` after the rest of the demo, so the other records keep their ids."""
    recent = today - timedelta(days=200)
    return Provider(
        name="Brook House Pupil Referral Unit",
        organisation=_organisation("Brook House Pupil Referral Unit"),
        address="Brook Lane\nWestshire",
        postcode="WS2 5BH",
        phone="01632 960551",
        email="office@brookhouse.example",
        dfe_registered=True,
        urn="146789",
        ofsted_grade=OfstedGrade.GOOD,
        ofsted_date=today - timedelta(days=500),
        approved_list_status=ApprovedListStatus.APPROVED,
        criteria=_criteria(today, True),
        dsl_name="Ruth Okonjo",
        dsl_phone="01632 960552",
        dsl_training_date=recent,
        deputy_dsl_name="Gareth Lewis",
        deputy_dsl_phone="01632 960553",
        deputy_dsl_training_date=recent,
        vetting_confirmed=True,
        vetting_confirmed_on=recent,
        insurance_expiry=today + timedelta(days=270),
        qa_outcome=QaOutcome.SATISFACTORY,
        qa_date=recent,
        services_offered="Pupil referral unit: short placements with dual registration and a planned return to school",
        subjects_offered="English, maths, science, PSHE; BTEC Level 1 sport",
        hours_available_per_week=Decimal("25"),
        availability_notes="Monday to Friday, 9:00 to 15:00",
        sites=[ProviderSite(name="Brook House", address="Brook Lane", postcode="WS2 5BH")],
        contacts=[
            ProviderContact(
                name="Ruth Okonjo",
                role="Head of centre",
                phone="01632 960552",
                email="admissions@brookhouse.example",
                is_placement_contact=True,
            )
        ],
    )


def _criteria(today: date, met_all: bool) -> list[ProviderCriterion]:
    """Every approval criterion, met with evidence from four months ago, or only the first four."""
    return [
        ProviderCriterion(
            criterion=c,
            met=met_all or i < 4,
            evidence_date=today - timedelta(days=120) if met_all or i < 4 else None,
        )
        for i, c in enumerate(ApprovalCriterion)
    ]


def _organisation(name: str) -> Organisation:
    return Organisation(name=name, kind=OrganisationKind.PROVIDER)

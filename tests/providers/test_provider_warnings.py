"""What a commissioner must see before using a provider: ``provider_warnings`` on a fixed day, then on the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.providers.models import (
    ApprovalCriterion,
    ApprovedListStatus,
    ProviderCriterion,
    QaOutcome,
)
from service.providers.services import provider_warnings
from tests import factories
from tests.helpers import text

ON = date(2025, 3, 3)


def test_fully_compliant_provider_has_no_warnings(make_compliant):
    assert provider_warnings(make_compliant(ON), ON) == []


def _criteria_with(which: ApprovalCriterion, **row: object) -> list[ProviderCriterion]:
    rows = [ProviderCriterion(criterion=c, met=True, evidence_date=date(2025, 1, 1)) for c in ApprovalCriterion]
    rows[list(ApprovalCriterion).index(which)] = ProviderCriterion(criterion=which, **row)
    return rows


WARNING_CASES = [
    pytest.param(
        {"approved_list_status": ApprovedListStatus.NOT_ON_LIST},
        "Not on the approved list. Using a provider not on the approved list must be reported to the Virtual AP "
        "Headteacher",
        id="not-on-list",
    ),
    pytest.param(
        {"approved_list_status": ApprovedListStatus.REMOVED},
        "Removed from the list. Using a provider not on the approved list must be reported to the Virtual AP "
        "Headteacher",
        id="removed-from-list",
    ),
    pytest.param(
        {"criteria": _criteria_with(ApprovalCriterion.REFERENCES, met=False)},
        "Approval criterion not met: Acceptable references",
        id="criterion-not-met",
    ),
    pytest.param(
        {"criteria": _criteria_with(ApprovalCriterion.RECORD_KEEPING, met=True, evidence_date=None)},
        "No evidence date recorded for approval criterion: Record keeping",
        id="criterion-met-without-evidence-date",
    ),
    pytest.param(
        {"criteria": [ProviderCriterion(criterion=c, met=True, evidence_date=ON) for c in ApprovalCriterion][:-1]},
        "Approval criterion not met: Record keeping",
        id="criterion-never-recorded",
    ),
    pytest.param({"dsl_name": ""}, "No designated safeguarding lead recorded", id="no-dsl"),
    pytest.param({"deputy_dsl_name": "  "}, "No deputy designated safeguarding lead recorded", id="no-deputy"),
    pytest.param(
        {"dsl_training_date": None},
        "No safeguarding training date recorded for the designated safeguarding lead",
        id="dsl-training-missing",
    ),
    pytest.param(
        {"deputy_dsl_training_date": date(2023, 3, 2)},
        "The deputy designated safeguarding lead's safeguarding training is out of date: it was last done on "
        "2 March 2023 and should have been refreshed by 2 March 2025 (at least every 2 years)",
        id="deputy-training-two-years-and-a-day",
    ),
    pytest.param(
        {"vetting_confirmed": False, "vetting_confirmed_on": None},
        "No written confirmation that the provider's staff have enhanced DBS checks",
        id="no-vetting-confirmation",
    ),
    pytest.param({"insurance_expiry": None}, "No insurance expiry date recorded", id="no-insurance"),
    pytest.param({"insurance_expiry": date(2025, 3, 2)}, "Insurance expired on 2 March 2025", id="insurance-expired"),
    pytest.param(
        {"insurance_expiry": ON},
        "Insurance expires today, within 30 days: ask for the renewal",
        id="insurance-expires-today",
    ),
    pytest.param(
        {"insurance_expiry": date(2025, 4, 2)},
        "Insurance expires on 2 April 2025, within 30 days: ask for the renewal",
        id="insurance-expires-in-30-days",
    ),
    pytest.param(
        {"dfe_registered": False, "urn": None},
        "Not registered with the DfE as an independent school: it must not give full-time education to 5 or more "
        "pupils of compulsory school age, or to 1 who is looked after or has an EHC plan",
        id="unregistered-note",
    ),
    pytest.param(
        {"qa_outcome": QaOutcome.UNSATISFACTORY, "qa_date": date(2025, 1, 10)},
        "Quality assurance outcome on 10 January 2025 was unsatisfactory",
        id="qa-unsatisfactory",
    ),
    pytest.param(
        {"qa_outcome": QaOutcome.NOT_YET_ASSESSED, "qa_date": None},
        "The provider has not been quality assured yet",
        id="qa-not-assessed",
    ),
]


@pytest.mark.parametrize(("change", "expected"), WARNING_CASES)
def test_each_gap_gives_exactly_its_warning(make_compliant, change: dict[str, object], expected: str) -> None:
    assert provider_warnings(make_compliant(ON, **change), ON) == [expected]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"dsl_training_date": date(2023, 3, 3)}, id="training-exactly-two-years-ago-today-is-current"),
        pytest.param({"insurance_expiry": date(2025, 4, 3)}, id="insurance-31-days-out-is-fine"),
        pytest.param({"qa_outcome": QaOutcome.ACTIONS_REQUIRED}, id="qa-actions-required-is-not-a-warning"),
        pytest.param({"approved_list_status": ApprovedListStatus.APPROVED, "ukprn": "10012345"}, id="ukprn-only"),
    ],
)
def test_edge_days_that_are_still_fine(make_compliant, change: dict[str, object]) -> None:
    assert provider_warnings(make_compliant(ON, **change), ON) == []


def test_warnings_depend_on_the_day_asked_about_not_the_clock(make_compliant):
    provider = make_compliant(ON, insurance_expiry=date(2025, 6, 30))
    assert provider_warnings(provider, date(2025, 5, 30)) == []  # 31 days before
    assert provider_warnings(provider, date(2025, 5, 31)) == [
        "Insurance expires on 30 June 2025, within 30 days: ask for the renewal"
    ]
    assert provider_warnings(provider, date(2025, 7, 1)) == ["Insurance expired on 30 June 2025"]


def test_commissioner_sees_warnings_for_an_unapproved_uninsured_provider_with_old_training(as_commissioner):
    today = date.today()
    provider = factories.ProviderFactory(
        name="Risky Tutors",
        approved_list_status=ApprovedListStatus.NOT_ON_LIST,
        insurance_expiry=today - timedelta(days=40),
        dsl_training_date=today - timedelta(days=3 * 365),
    )
    body = text(as_commissioner.get(f"/providers/{provider.id}"))
    assert "Check before you use this provider" in body
    assert body.count("govuk-warning-text__text") >= 3
    assert "Using a provider not on the approved list must be reported to the Virtual AP Headteacher" in body
    assert "Insurance expired on" in body
    assert "safeguarding training is out of date" in body
    assert "This provider&#39;s due-diligence record has no gaps today." not in body

    listing = text(as_commissioner.get("/providers"))
    row = listing[listing.index("Risky Tutors") : listing.index("</tr>", listing.index("Risky Tutors"))]
    expected = len(provider_warnings(provider, today))
    assert f">{expected}</td>" in row


def test_commissioner_sees_no_warnings_for_a_fully_compliant_provider(as_commissioner, compliant_provider):
    body = text(as_commissioner.get(f"/providers/{compliant_provider.id}"))
    assert "govuk-warning-text" not in body
    assert "Check before you use this provider" not in body
    assert "This provider&#39;s due-diligence record has no gaps today." in body


def test_provider_staff_see_the_gaps_in_their_own_record(as_provider, provider, db_session):
    provider.insurance_expiry = None  # the factory's provider meets every check: make the gap this test shows
    db_session.commit()
    body = text(as_provider.get(f"/providers/{provider.id}"))
    assert "Gaps in this record" in body
    assert "No insurance expiry date recorded" in body

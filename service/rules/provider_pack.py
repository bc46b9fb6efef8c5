"""When the provider information pack must go, and where a pack stands.

Why: the Oxfordshire commissioning guidance and the EOTAS guidance for English schools require the provider to have, in
writing and before the pupil arrives, what it needs to keep the pupil safe and taught; SENCOs send it late or not at
all. A send date a fixed number of working days before the start (default 5, set per organisation) gives the provider
time to read it and ask questions, and lets the dashboard show a late pack before the pupil turns up, not after.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date

from service.rules.calendar import add_working_days, working_days_between

DEFAULT_LEAD_WORKING_DAYS = 5
#: A placement "starting soon" starts within this many working days: too soon to wait for the schedule.
STARTING_SOON_WORKING_DAYS = 5


def pack_send_date(starts_on: date, lead_working_days: int = DEFAULT_LEAD_WORKING_DAYS) -> date:
    """The working day ``lead_working_days`` working days before the start (weekends and England's bank
    holidays skipped). A lead of 0 is the start day itself, or the working day after it when it is not one."""
    if lead_working_days < 0:
        raise ValueError("the pack cannot be sent after the placement starts")
    return add_working_days(starts_on, -lead_working_days)


class PackSection(enum.StrEnum):
    """The sections of the pack a commissioner may keep out of it. The safeguarding procedure, the DSL
    contacts, attendance reporting, emergency contacts, objectives, timetable and review dates always go:
    without them the provider cannot keep the pupil safe or report on them. A rule: which sections may be kept out is
    the guidance's, and the pack document, the form and the records all read it (UK GDPR art. 5(1)(c))."""

    SEN = "sen"
    LITERACY = "literacy"
    MEDICAL = "medical"
    WHAT_WORKS = "what_works"
    BEHAVIOUR = "behaviour"
    RISKS = "risks"
    INTERESTS = "interests"
    SAFEGUARDING_STATUS = "safeguarding_status"
    FSM = "fsm"
    TRANSPORT = "transport"

    @property
    def label(self) -> str:
        return {
            "sen": "Special educational needs",
            "literacy": "Literacy",
            "medical": "Medical needs",
            "what_works": "What works and what to avoid",
            "behaviour": "Behaviours that challenge and strategies that have worked",
            "risks": "Risks (from the support plan)",
            "interests": "Aptitudes and interests",
            "safeguarding_status": "Safeguarding status (early help, child in need, child protection plan)",
            "fsm": "Free school meal eligibility",
            "transport": "Transport",
        }[self.value]


class PackState(enum.StrEnum):
    WAITING = "waiting"  # the send date is still ahead
    DUE = "due"  # the send date has come, the pupil has not started, nothing sent
    LATE = "late"  # the placement has started with no pack sent
    SENDING = "sending"  # a message is in the outbox and not yet delivered
    SENT = "sent"
    FAILED = "failed"  # the last message failed, or may have been sent: a person must look

    @property
    def label(self) -> str:
        return {
            "waiting": "Not due yet",
            "due": "Due",
            "late": "Not sent — placement started",
            "sending": "Sending",
            "sent": "Sent",
            "failed": "Not sent, or may have been sent — check the outbox",
        }[self.value]

    @property
    def needs_action(self) -> bool:
        return self in (PackState.DUE, PackState.LATE, PackState.FAILED)


class PackMessage(enum.StrEnum):
    """What the latest pack message did: nothing yet, in the outbox, delivered, or needing a person."""

    NONE = "none"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    PROBLEM = "problem"


def pack_state(*, today: date, starts_on: date, send_on: date, message: PackMessage) -> PackState:
    """Where the pack stands on ``today``, from its dates and what happened to its latest message."""
    if message is PackMessage.DELIVERED:
        return PackState.SENT
    if message is PackMessage.IN_PROGRESS:
        return PackState.SENDING
    if message is PackMessage.PROBLEM:
        return PackState.FAILED
    if today >= starts_on:
        return PackState.LATE
    if today >= send_on:
        return PackState.DUE
    return PackState.WAITING


def due_for_automatic_sending(*, today: date, starts_on: date, send_on: date) -> bool:
    """The scheduler sends from the send date up to the start day itself (a day missed because the server
    was down is made up the next day). After the start a pack is sent only when a person asks, so that a
    months-old placement never gets an unexpected pack."""
    return send_on <= today <= starts_on


def starting_soon(*, today: date, starts_on: date) -> bool:
    """The placement starts today or within the next few working days."""
    return today <= starts_on and working_days_between(today, starts_on) <= STARTING_SOON_WORKING_DAYS


# -- what the pack must carry, and what it must say ------------------------------------------------------

#: The sections the pack always carries unless the commissioner records why the provider does not need one.
#: Why: the school stays responsible for the pupil's safeguarding while they are away (Keeping Children Safe in
#: Education), and must share with the provider what it needs to keep the pupil safe and meet their needs: the
#: safeguarding status, the risks and the special educational needs (DfE, Arranging alternative provision
#: (February 2025); the Oxfordshire commissioning guidance: "sharing all relevant information with the provider
#: including any information on SEND, literacy, safeguarding"). Data minimisation (UK GDPR art. 5(1)(c)) still
#: allows one to be kept out, but only as a recorded decision with its reason, never by an unticked box.
ALWAYS_CARRIED: tuple[PackSection, ...] = (PackSection.SAFEGUARDING_STATUS, PackSection.RISKS, PackSection.SEN)
#: A reason shorter than this says nothing ("n/a", "no").
MIN_REASON_LENGTH = 10
#: The first national curriculum year and the last in which a school must secure careers guidance for a pupil.
CAREERS_GUIDANCE_FROM_YEAR = 8
CAREERS_GUIDANCE_TO_YEAR = 13


def needs_reason(section: PackSection) -> bool:
    """Whether keeping ``section`` out of the pack needs a recorded reason (see ``ALWAYS_CARRIED``)."""
    return section in ALWAYS_CARRIED


def kept_out_problems(withheld: Iterable[str], reasons: Mapping[str, str]) -> dict[PackSection, str]:
    """For each section kept out that needs a reason and has none (or too short a one), the message to show next
    to its reason. Empty when every kept-out section is explained. Unknown section names are ignored: the form
    refuses them before this is asked."""
    known = {section.value: section for section in PackSection}
    problems: dict[PackSection, str] = {}
    for value in withheld:
        section = known.get(value)
        if section is None or not needs_reason(section):
            continue
        if len((reasons.get(value) or "").strip()) < MIN_REASON_LENGTH:
            problems[section] = (
                f"Say why the provider does not need the {SECTION_NAMES[section]}: the pack carries it unless you "
                "record a reason (or untick it to share it)"
            )
    return problems


#: How each section that needs a reason is named in a sentence.
SECTION_NAMES = {
    PackSection.SAFEGUARDING_STATUS: "pupil's safeguarding status",
    PackSection.RISKS: "risks from the support plan",
    PackSection.SEN: "pupil's special educational needs",
}


def withheld_sentence(commissioner: str) -> str:
    """What the pack says in place of a section the home school kept out: that it was withheld and by whom,
    never what it holds or why (the reason is the school's record, not the provider's)."""
    return (
        f"Withheld by {commissioner}: we decided you do not need this to keep the pupil safe and taught. If you "
        "think you do, ask our designated safeguarding lead."
    )


def exclusion_sentence(pupil_name: str, home_school: str, commissioner: str) -> str:
    """Who may suspend or exclude the pupil, as the pack says it to the provider.

    Why: a pupil in alternative provision stays on the roll of their school, and only the headteacher of that school
    can suspend or permanently exclude them (Education Act 2002 s51A; DfE, Suspension and permanent
    exclusion from maintained schools, academies and pupil referral units in England). The Oxfordshire commissioning
    guidance says it plainly: "pupils are legally on the roll of a school and therefore only the pupil's home school
    can sanction these". A provider that sends a pupil away as a sanction excludes them unlawfully, and the
    commissioner loses track of where the pupil is. A pupil on no school's roll cannot be excluded at all.
    """
    if home_school:
        return (
            f"Only {home_school}, the pupil's home school, can suspend or permanently exclude {pupil_name}: they "
            "stay on its roll while they are with you, and only its headteacher can decide. You cannot exclude or "
            f"suspend them. If you think they should not attend, or the placement cannot go on, phone {commissioner} "
            "the same day."
        )
    return (
        f"{pupil_name} is not on a school's roll, so no one can suspend or exclude them: you cannot send them away "
        f"as a sanction. If you think they should not attend, or the placement cannot go on, phone {commissioner} "
        "the same day."
    )


def careers_guidance_due(year_group: int) -> bool:
    """Whether the pupil is entitled to independent careers guidance, which the school must secure.

    Why: Education Act 1997 s42A puts the duty on schools for pupils in Years 8 to 13 (DfE, Careers guidance and
    access for education and training providers, statutory guidance); the Oxfordshire commissioning guidance keeps
    it with the commissioning school while the pupil is in alternative provision ("schools to ensure pupils receive
    their full entitlement to careers information, advice and guidance").
    """
    return CAREERS_GUIDANCE_FROM_YEAR <= year_group <= CAREERS_GUIDANCE_TO_YEAR


def careers_guidance_sentence(pupil_name: str, year_group: int, home_school: str, commissioner: str) -> str:
    """What the pack says about careers guidance: "" before Year 8 (and after Year 13)."""
    if not careers_guidance_due(year_group):
        return ""
    who = home_school or commissioner
    return (
        f"From Year 8 {pupil_name} is entitled to independent careers guidance, and {who} must make sure they "
        "get it while they are with you. Please help them go to their careers guidance sessions, and tell us what "
        "they are good at and interested in: it helps plan what they do next."
    )


def register_code_reason(code: str, *, arranged_by: str, provider: str) -> str:
    """Why the home school's register records ``code`` (``rules.attendance_codes.off_site_register_code``) for the
    pupil's sessions at ``provider``: a clause for the pack and the placement page ("..., because <this>").

    Why say it: the 2024 registration regulations give three codes for the same journey, and the choice turns on
    two facts a provider and a SENCO can check: whether the pupil is also on the provider's register (dual
    registration, at a pupil referral unit or an AP academy: ``D``, and the provider keeps its own register of the
    sessions), and otherwise who arranged the place (the local authority ``K``, the school ``B``).
    """
    if code == "D":
        return f"the pupil is dual registered at {provider}, which records their attendance in its own register"
    if code == "K":
        return (
            f"{arranged_by}, the local authority, arranged the placement and the pupil is not registered at {provider}"
        )
    return f"{arranged_by} arranged the placement and the pupil is not registered at {provider}"

"""When the provider information pack must go, and where a pack stands.

Why: the Oxfordshire commissioning guidance and the EOTAS guidance for English schools require the provider to have, in
writing and before the pupil arrives, what it needs to keep the pupil safe and taught; SENCOs send it late or not at
all. A send date a fixed number of working days before the start (default 5, set per organisation) gives the provider
time to read it and ask questions, and lets the dashboard show a late pack before the pupil turns up, not after.
"""

from __future__ import annotations

import enum
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
            "failed": "Failed — check the outbox",
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

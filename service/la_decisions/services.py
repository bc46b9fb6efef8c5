"""Where each placement's decision stands, the LA officer's list of decisions waiting, and recording one.

Who decides is ``service.rules.decision.who_decides`` (read live, from the pupil's SEN status today, not from what
was stored when the placement was made); whether they have decided is ``decision_status``. This module only
gathers the facts: the LA's record, who commissions the placement, and which LA may record it.

Scope: an LA officer (a commissioner at a local-authority organisation) decides on the placements of the schools
that chose that LA (``Organisation.local_authority_id``: the school's choice, never the LA's claim) and on the
placements the LA commissions itself, and only where the LA decides. Anything else answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from service.access import is_la_officer
from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.extensions import db
from service.la_decisions.models import LaDecision
from service.organisations.services import schools_of
from service.pagination import Page, page_number
from service.placements.models import Placement
from service.pupils.models import Pupil, SenStatus
from service.rules.decision import (
    Commissioner,
    DecisionState,
    DecisionStatus,
    LaDecisionFacts,
    LaOutcome,
    decision_status,
    local_authority_decides,
    record_problems,
    routes_needing_local_authority,
    who_decides,
)
from service.rules.organisations import OrganisationKind
from service.rules.placement_status import LIVE_STATUSES
from service.sql import among

#: How many placements one page of the officer's list shows.
PER_PAGE = 50

#: What the officer still has to do: no decision, or one that leaves out what the route needs.
WAITING_STATES = (DecisionState.WAITING, DecisionState.INCOMPLETE)


class DecisionErrors(ValueError):
    """What is wrong with a decision being recorded, by form field (every problem at once)."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = dict(problems)


# -- the state of one placement's decision ------------------------------------------------------------------------


def commissioner_of(placement: Placement) -> Commissioner:
    kind = placement.commissioning_organisation.kind
    return Commissioner.LOCAL_AUTHORITY if kind is OrganisationKind.LOCAL_AUTHORITY else Commissioner.SCHOOL


def deciding_local_authority_id(placement: Placement) -> int | None:
    """The LA whose officers record this placement's decision: the LA commissioning it, or the school's LA."""
    organisation = placement.commissioning_organisation
    if organisation.kind is OrganisationKind.LOCAL_AUTHORITY:
        return organisation.id
    return organisation.local_authority_id


def has_ehcp(placement: Placement) -> bool:
    return placement.pupil.sen_status is SenStatus.EHCP


def decision_of(placement: Placement) -> LaDecision | None:
    return db.session.scalar(sa.select(LaDecision).where(LaDecision.placement_id == placement.id))


def decisions_of(placement_ids: Iterable[int]) -> dict[int, LaDecision]:
    """The recorded decisions of many placements, in one query."""
    ids = list(placement_ids)
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(LaDecision).where(among(LaDecision.placement_id, ids)))
    return {row.placement_id: row for row in rows}


_UNSET: Any = object()


def status_of(placement: Placement, decision: LaDecision | None = _UNSET) -> DecisionStatus:
    """Where the decision on this placement stands (pass ``decision`` when it is already loaded)."""
    if decision is _UNSET:
        decision = decision_of(placement)
    ehcp = has_ehcp(placement)
    return decision_status(
        who_decides(placement.circumstance, ehcp).decision_maker,
        ehcp,
        commissioner_of(placement),
        placement.decided_by or "",
        decision.facts if decision is not None else None,
        local_authority_known=deciding_local_authority_id(placement) is not None,
    )


def school_waiting(placements: Iterable[Placement]) -> list[tuple[Placement, DecisionStatus]]:
    """A school's live placements still waiting for their LA's decision (or holding an incomplete one), for its
    To do today: one query for the decisions, whatever the number of placements."""
    live = [
        p
        for p in placements
        if p.status in LIVE_STATUSES
        and local_authority_decides(who_decides(p.circumstance, has_ehcp(p)).decision_maker)
    ]
    decisions = decisions_of(p.id for p in live)
    found = [(p, status_of(p, decisions.get(p.id))) for p in live]
    return [(p, status) for p, status in found if status.state in WAITING_STATES]


# -- the LA officer's scope and list ------------------------------------------------------------------------------


def _la_route() -> sa.ColumnElement[bool]:
    """The placements the LA decides, as SQL, built from ``who_decides`` itself (``routes_needing_local_authority``)."""
    return sa.or_(
        *(
            sa.and_(
                Placement.circumstance == circumstance,
                Pupil.sen_status == SenStatus.EHCP if ehcp else Pupil.sen_status != SenStatus.EHCP,
            )
            for circumstance, ehcp in routes_needing_local_authority()
        )
    )


def decidable_by(user: User) -> sa.Select[tuple[Placement]]:
    """The live placements this LA officer may decide on: their schools' and their own, where the LA decides.
    Deny by default: anyone but an LA officer gets nothing."""
    stmt = sa.select(Placement).join(Pupil, Placement.pupil_id == Pupil.id)
    if not is_la_officer(user):
        return stmt.where(sa.false())
    la_id = user.organisation_id
    return stmt.where(
        sa.or_(
            Placement.commissioning_organisation_id == la_id,
            Placement.commissioning_organisation_id.in_(schools_of(la_id)),
        ),
        Placement.status.in_(LIVE_STATUSES),
        _la_route(),
    )


def _waiting_ids(user: User) -> list[int]:
    """Every placement waiting for this officer, oldest planned start first: one query of plain columns (an LA
    may have thousands of placements), each judged by the rule. The rule is pure and most rows share their facts
    (no decision recorded yet, a handful of circumstances), so it is worked out once per distinct set of facts."""
    stmt = (
        decidable_by(user)
        .outerjoin(LaDecision, LaDecision.placement_id == Placement.id)
        .with_only_columns(
            Placement.id,
            Placement.circumstance,
            Pupil.sen_status,
            LaDecision.id.label("decision_id"),
            LaDecision.outcome,
            LaDecision.decided_on,
            LaDecision.officer_name,
            LaDecision.ehcp_review_date,
            LaDecision.health_input_by,
            LaDecision.health_input_on,
        )
        .order_by(Placement.planned_start, Placement.id)
    )
    waiting = []
    judged: dict[tuple[object, bool, LaDecisionFacts | None], bool] = {}
    for row in db.session.execute(stmt):
        ehcp = row.sen_status == SenStatus.EHCP
        facts = (
            None
            if row.decision_id is None
            else LaDecisionFacts(
                outcome=row.outcome,
                decided_on=row.decided_on,
                officer=row.officer_name,
                ehcp_review_date=row.ehcp_review_date,
                health_input_by=row.health_input_by,
                health_input_on=row.health_input_on,
            )
        )
        key = (row.circumstance, ehcp, facts)
        if key not in judged:
            maker = who_decides(row.circumstance, ehcp).decision_maker
            # Whoever commissions, the officer's own list counts what the LA has still to record.
            status = decision_status(maker, ehcp, Commissioner.LOCAL_AUTHORITY, "", facts)
            judged[key] = status.state in WAITING_STATES
        if judged[key]:
            waiting.append(row.id)
    return waiting


def count_waiting(user: User) -> int:
    """How many decisions wait for this officer (for To do today): one query."""
    return len(_waiting_ids(user)) if is_la_officer(user) else 0


def waiting_page(user: User, page: int = 1, per_page: int = PER_PAGE) -> Page[tuple[Placement, DecisionStatus]]:
    """One page of the decisions waiting for this officer, in a fixed number of queries."""
    ids = _waiting_ids(user)
    page = page_number(page, len(ids), per_page)
    chosen = ids[(page - 1) * per_page : page * per_page]
    rows: list[tuple[Placement, DecisionStatus]] = []
    if chosen:
        placements = db.session.scalars(
            sa.select(Placement)
            .where(Placement.id.in_(chosen))
            .options(
                selectinload(Placement.pupil),
                selectinload(Placement.provider),
                selectinload(Placement.commissioning_organisation),
            )
        ).all()
        by_id = {p.id: p for p in placements}
        decisions = decisions_of(chosen)
        rows = [(by_id[i], status_of(by_id[i], decisions.get(i))) for i in chosen]
    return Page(rows, page, len(ids), per_page)


def placement_to_decide(user: User, placement_id: int) -> Placement | None:
    """One placement this officer may decide on, with what the read-only view shows; None (404) otherwise.
    Audits the viewing: an LA officer opening a school's pupil is a view of that pupil's placement."""
    placement = db.session.scalar(
        decidable_by(user)
        .where(Placement.id == placement_id)
        .options(
            selectinload(Placement.sessions),
            selectinload(Placement.provider),
            selectinload(Placement.commissioning_organisation),
            selectinload(Placement.support_plan),
        )
    )
    if placement is not None:
        audit.record("view", "placement", placement.id, user, {"as": "local_authority"})
    return placement


# -- recording the decision ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionAnswers:
    outcome: str
    decided_on: date | None
    officer_name: str
    ehcp_review_date: date | None
    health_input_by: str
    health_input_on: date | None
    notes: str


def record_decision(user: User, placement: Placement, answers: DecisionAnswers, today: date) -> LaDecision:
    """Record (or replace) the LA's decision on a placement the officer may decide on. Every problem is raised at
    once (``DecisionErrors``), named by field. Audited in the LA's log and in the commissioning school's. The
    caller commits."""
    if placement_to_decide_id(user, placement.id) is None:
        raise PermissionError("not a placement this officer decides on")  # the view found it in scope first
    ehcp = has_ehcp(placement)
    maker = who_decides(placement.circumstance, ehcp).decision_maker
    facts = LaDecisionFacts(
        outcome=answers.outcome,
        decided_on=answers.decided_on,
        officer=answers.officer_name,
        ehcp_review_date=answers.ehcp_review_date,
        health_input_by=answers.health_input_by,
        health_input_on=answers.health_input_on,
    )
    problems = record_problems(maker, ehcp, facts, today)
    if problems:
        raise DecisionErrors(problems)
    decision = decision_of(placement)
    action = "update" if decision is not None else "create"
    if decision is None:
        decision = LaDecision(placement_id=placement.id)
        db.session.add(decision)
    assert answers.decided_on is not None  # record_problems checked it
    decision.local_authority_id = user.organisation_id
    decision.outcome = LaOutcome(answers.outcome)
    decision.decided_on = answers.decided_on
    decision.officer_id = user.id
    decision.officer_name = answers.officer_name.strip()
    decision.ehcp_review_date = answers.ehcp_review_date
    decision.health_input_by = answers.health_input_by.strip()
    decision.health_input_on = answers.health_input_on
    decision.notes = answers.notes.strip()
    decision.recorded_at = utcnow()
    db.session.flush()
    detail = {"placement_id": placement.id, "outcome": decision.outcome.value}
    audit.record(action, "la_decision", decision.id, user, detail)
    if placement.commissioning_organisation_id != user.organisation_id:
        # The school's admin sees in its own log that its LA decided on one of its placements.
        audit.record(
            action, "la_decision", decision.id, user, detail, organisation_id=placement.commissioning_organisation_id
        )
    return decision


def placement_to_decide_id(user: User, placement_id: int) -> int | None:
    return db.session.scalar(decidable_by(user).where(Placement.id == placement_id).with_only_columns(Placement.id))

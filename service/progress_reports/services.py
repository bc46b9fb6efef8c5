"""Termly progress reports: which are owed, writing one as a draft, submitting it, correcting it, reading it.

Why: the Oxfordshire commissioning guidance asks the provider for a progress report every term, prepared from a
review meeting with the pupil, parents and professionals and focused on progress against the outcomes agreed
at the start. So a report belongs to one placement and one term (``rules.progress_reports``), rates progress
against every objective of the agreed plan, and says who was consulted, how attendance and engagement went,
what the pupil thinks and what happens next.

The provider's staff write it; the commissioner reads it, and may write it for the provider (from a paper
report, say), which the report then says. A draft can be saved with gaps and finished later; submitting
checks that nothing is missing, tells the commissioner by email (no pupil's name: the placement's reference),
and freezes it. A mistake found later is corrected by a new version, which supersedes the old one and says
why; every version stays readable, so what the commissioner was told is never rewritten.

Who may reach a placement is decided once, by ``service.placements.views.placement_or_404``; the functions
here trust the placement they are given, and ``can_write`` checks the role against it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from service.attendance import services as attendance
from service.audit import services as audit
from service.auth.models import Role, User
from service.db import utcnow
from service.errors import FieldError
from service.extensions import db
from service.formatting import uk_date
from service.mail import services as mail
from service.mail.models import OutboxMessage
from service.placements.models import Placement
from service.progress_reports.models import ProgressReport, ReportObjective, ReportStatus
from service.reviews.models import ProgressRating
from service.reviews.reminders import commissioner_emails
from service.rules.placement_status import PlacementStatus
from service.rules.progress_reports import ReportDue, reports_due
from service.rules.review_dates import HalfTerm
from service.support_plans.models import PlanObjective
from service.term_dates.services import term_dates, term_dates_of

#: A report is owed once the pupil has started at the provider; an ended placement still owes its last term's.
REPORTING_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW, PlacementStatus.ENDED)
PURPOSE = "progress_report"


class ReportIncomplete(Exception):
    """A report that cannot be submitted yet: every problem, each with the field it belongs to."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


@dataclass
class ObjectiveAnswer:
    objective_id: int
    rating: ProgressRating | None
    comment: str = ""


@dataclass
class ReportDetails:
    meeting_date: date | None = None
    consulted_pupil: bool = False
    consulted_parents: bool = False
    consulted_professionals: bool = False
    consulted: str = ""
    attendance_engagement: str = ""
    pupil_view: str = ""
    next_steps: str = ""
    objectives: list[ObjectiveAnswer] = field(default_factory=list)


@dataclass(frozen=True)
class TermRow:
    """One term on the placement's page: what is owed, and the report so far (its latest version), if any."""

    due: ReportDue
    report: ProgressReport | None

    @property
    def state(self) -> str:
        """``submitted``, ``draft``, ``overdue`` or ``due``: the tag the page shows."""
        if self.report is not None and self.report.submitted:
            return "submitted"
        if self.due.overdue:
            return "overdue"
        return "draft" if self.report is not None else "due"


@dataclass(frozen=True)
class ReportOwed:
    """A report not yet submitted: the placement, the term and its due date, and whether a draft is started."""

    placement: Placement
    due: ReportDue
    draft: bool

    @property
    def reference(self) -> str:
        return f"AP-{self.placement.id}"


# --- what is owed ------------------------------------------------------------------------------------------


def active_period(placement: Placement) -> tuple[date, date | None] | None:
    """When the pupil was at the provider: from the start to the end (None while it runs); None if not started."""
    if placement.status not in REPORTING_STATUSES:
        return None
    start = attendance.first_day(placement)
    end = (attendance.last_day(placement) or start) if placement.status is PlacementStatus.ENDED else None
    return start, end


def due_for(placement: Placement, today: date, half_terms: Sequence[HalfTerm] | None = None) -> list[ReportDue]:
    """The terms this placement owes a report for, up to the one running today, oldest first."""
    period = active_period(placement)
    if period is None:
        return []
    if half_terms is None:
        half_terms = term_dates(placement.commissioning_organisation_id)
    return reports_due(period[0], period[1], today, half_terms)


def term_for(placement: Placement, term_key: str, today: date) -> ReportDue | None:
    """The term ``term_key`` if this placement owes a report for it; None (the view answers 404) otherwise."""
    return next((due for due in due_for(placement, today) if due.term.key == term_key), None)


def versions(placement: Placement, term_key: str) -> list[ProgressReport]:
    """Every version of one term's report, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ProgressReport)
            .where(ProgressReport.placement_id == placement.id, ProgressReport.term_key == term_key)
            .order_by(ProgressReport.version)
        )
    )


def current_report(placement: Placement, term_key: str) -> ProgressReport | None:
    """The latest version of one term's report (a correction's draft, once started), or None."""
    found = versions(placement, term_key)
    return found[-1] if found else None


def latest_submitted(placement: Placement, term_key: str) -> ProgressReport | None:
    return next((r for r in reversed(versions(placement, term_key)) if r.submitted), None)


def _latest_by_term(placement_ids: Iterable[int]) -> dict[tuple[int, str], ProgressReport]:
    """The latest version of each report of these placements, in one query."""
    ids = list(placement_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(ProgressReport)
        .where(ProgressReport.placement_id.in_(ids))
        .order_by(ProgressReport.placement_id, ProgressReport.term_key, ProgressReport.version)
    )
    return {(r.placement_id, r.term_key): r for r in rows}


def section_for(placement: Placement, today: date) -> list[TermRow]:
    """The placement page's "Progress reports" section: each term owed, newest first, with its report so far."""
    latest = _latest_by_term([placement.id])
    rows = [TermRow(due, latest.get((placement.id, due.term.key))) for due in due_for(placement, today)]
    return list(reversed(rows))


def owed_among(
    placements: Iterable[Placement], today: date, half_terms: Mapping[int, list[HalfTerm]] | None = None
) -> list[ReportOwed]:
    """The reports these placements still owe (due or overdue, not submitted), soonest due first.

    For placements the caller already has (the dashboard's): only those that have started count. Each follows
    its commissioner's term dates, from ``half_terms`` when the caller has them, else in one query; then one
    query for the reports, whatever the number of placements. Pupils and providers should be loaded already.
    """
    reporting = [p for p in placements if p.status in REPORTING_STATUSES]
    if not reporting:
        return []
    if half_terms is None:
        half_terms = term_dates_of(p.commissioning_organisation_id for p in reporting)
    latest = _latest_by_term(p.id for p in reporting)
    owed = []
    for placement in reporting:
        for due in due_for(placement, today, half_terms.get(placement.commissioning_organisation_id, [])):
            report = latest.get((placement.id, due.term.key))
            if report is None or not report.submitted:
                owed.append(ReportOwed(placement, due, draft=report is not None))
    return sorted(owed, key=lambda o: (o.due.due_by, o.placement.id))


def reports_owed(provider_id: int, today: date) -> list[ReportOwed]:
    """The reports a provider still owes (due or overdue, not submitted), soonest due first.

    The caller has checked the provider is the user's. Three queries whatever the number of placements
    (placements, every commissioning organisation's term dates, reports).
    """
    placements = db.session.scalars(
        sa.select(Placement)
        .where(Placement.provider_id == provider_id, Placement.status.in_(REPORTING_STATUSES))
        .options(joinedload(Placement.pupil), joinedload(Placement.provider))
    )
    return owed_among(list(placements), today)


def overdue_reports(organisation_id: int, today: date) -> list[ReportOwed]:
    """The commissioning organisation's placements whose provider has not submitted a report now overdue.

    For the dashboard's "To do today": oldest due first. Three queries whatever the number of placements
    (placements with their pupils and providers, the organisation's term dates, the reports).
    """
    placements = db.session.scalars(
        sa.select(Placement)
        .where(
            Placement.commissioning_organisation_id == organisation_id,
            Placement.status.in_(REPORTING_STATUSES),
        )
        .options(joinedload(Placement.pupil), joinedload(Placement.provider))
    )
    return [owed for owed in owed_among(list(placements), today) if owed.due.overdue]


def term_register(placement: Placement, due: ReportDue, today: date) -> attendance.Register | None:
    """The register over the part of the term the pupil was at the provider, up to today: the provider writes
    "attendance and engagement" with the figures in front of them. None before the term has a day to count."""
    start = max(due.term.starts_on, attendance.first_day(placement))
    end = min(due.term.ends_on, attendance.last_day(placement) or today, today)
    if end < start:
        return None
    return attendance.register(placement, start, end)


# --- writing ----------------------------------------------------------------------------------------------


def can_write(user: User, placement: Placement) -> bool:
    """The provider's staff, or the commissioner (on the provider's behalf), of a placement that has started."""
    if active_period(placement) is None:
        return False
    if user.role is Role.PROVIDER_STAFF:
        return placement.provider.organisation_id == user.organisation_id
    if user.role is Role.COMMISSIONER:
        return placement.commissioning_organisation_id == user.organisation_id
    return False


def plan_objectives(placement: Placement) -> list[PlanObjective]:
    """The agreed plan's objectives the report rates; none until the plan is agreed."""
    plan = placement.support_plan
    if plan is None or plan.agreed_at is None:
        return []
    return list(plan.objectives)


def _check_draft(placement: Placement, details: ReportDetails, today: date) -> None:
    period = active_period(placement)
    if details.meeting_date is not None:
        if details.meeting_date > today:
            raise FieldError("meeting_date", "The review meeting must be today or in the past")
        if period is not None and details.meeting_date < period[0]:
            raise FieldError(
                "meeting_date", f"The review meeting must be on or after the placement started ({uk_date(period[0])})"
            )
    wanted = sorted(o.id for o in plan_objectives(placement))
    if sorted(a.objective_id for a in details.objectives) != wanted:
        raise FieldError("objectives", "The plan's objectives have changed since this page was opened: check them")


def missing_for_submit(details: ReportDetails) -> list[FieldError]:
    """Everything a report needs before it is submitted, each named against its field."""
    errors = []
    if details.meeting_date is None:
        errors.append(FieldError("meeting_date", "Enter the date of the review meeting this report comes from"))
    if not (details.consulted_pupil or details.consulted_parents or details.consulted_professionals) and not (
        details.consulted.strip()
    ):
        errors.append(FieldError("consulted_with", "Select who was consulted, or name them"))
    for index, answer in enumerate(details.objectives):
        if answer.rating is None:
            errors.append(FieldError(f"objectives-{index}-rating", "Select the progress made against this objective"))
        if not answer.comment.strip():
            errors.append(FieldError(f"objectives-{index}-comment", "Enter the evidence for this rating"))
    for name, message in (
        ("attendance_engagement", "Enter how the pupil's attendance and engagement have been this term"),
        ("pupil_view", "Enter the pupil's view of their progress"),
        ("next_steps", "Enter the next steps"),
    ):
        if not getattr(details, name).strip():
            errors.append(FieldError(name, message))
    return errors


_FIELDS = (
    "meeting_date",
    "consulted_pupil",
    "consulted_parents",
    "consulted_professionals",
    "consulted",
    "attendance_engagement",
    "pupil_view",
    "next_steps",
)


def save_draft(user: User, placement: Placement, due: ReportDue, details: ReportDetails, today: date) -> ProgressReport:
    """Save the term's report as a draft (the caller commits). Gaps are allowed; a future date is not.

    A submitted report is never changed here: the caller starts a correction first (``start_correction``).
    """
    if not can_write(user, placement):
        raise FieldError("meeting_date", "Only the provider or the commissioner can write this report")
    _check_draft(placement, details, today)
    report = current_report(placement, due.term.key)
    if report is not None and report.submitted:
        raise FieldError(
            "meeting_date", "This report has been submitted, so it cannot be changed: correct it to make a new version"
        )
    created = report is None
    if report is None:
        report = ProgressReport(
            placement_id=placement.id,
            term_key=due.term.key,
            term_name=due.term.name,
            term_starts_on=due.term.starts_on,
            term_ends_on=due.term.ends_on,
            version=1,
            status=ReportStatus.DRAFT,
            written_by_id=user.id,
        )
        db.session.add(report)
    changed = [name for name in _FIELDS if created or getattr(report, name) != _clean(getattr(details, name))]
    for name in _FIELDS:
        setattr(report, name, _clean(getattr(details, name)))
    if user.role is Role.COMMISSIONER:
        report.on_behalf_of_provider = True
    if _set_objectives(report, placement, details.objectives):
        changed.append("objectives")
    db.session.flush()
    if created:
        audit.record(
            "create", "progress_report", report.id, user, {"placement_id": placement.id, "term": report.term_key}
        )
    elif changed:
        audit.record("update", "progress_report", report.id, user, {"fields": changed})
    return report


def _clean(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _set_objectives(report: ProgressReport, placement: Placement, answers: list[ObjectiveAnswer]) -> bool:
    """Rows in the plan's order, with the objective's words copied; whether any answer changed."""
    objectives = {o.id: o for o in plan_objectives(placement)}
    before = [(r.objective_id, r.rating, r.comment) for r in report.objectives]
    rows = []
    for position, answer in enumerate(answers):
        objective = objectives[answer.objective_id]
        rows.append(
            ReportObjective(
                objective_id=objective.id,
                position=position,
                objective_text=objective.objective,
                baseline=objective.baseline,
                target=objective.target,
                rating=answer.rating,
                comment=answer.comment.strip(),
            )
        )
    report.objectives = rows
    return before != [(r.objective_id, r.rating, r.comment) for r in rows]


def submit(
    user: User, placement: Placement, due: ReportDue, details: ReportDetails, today: date
) -> tuple[ProgressReport, OutboxMessage | None]:
    """Save and submit the term's report (the caller commits, then enqueues the returned message's delivery).

    Raises ``ReportIncomplete`` with every missing answer, or ``FieldError``; the caller rolls back, so the
    draft saved before stays as it was. When the provider submits, the commissioner is emailed.
    """
    errors = missing_for_submit(details)
    if errors:
        raise ReportIncomplete(errors)
    report = save_draft(user, placement, due, details, today)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = utcnow()
    report.submitted_by_id = user.id
    db.session.flush()
    audit.record(
        "submit", "progress_report", report.id, user, {"placement_id": placement.id, "version": report.version}
    )
    message = _notify(placement, report) if user.role is Role.PROVIDER_STAFF else None
    return report, message


def _notify(placement: Placement, report: ProgressReport) -> OutboxMessage | None:
    """Queue the email to the commissioner: the reference and the term, never the pupil's name."""
    to = commissioner_emails(placement)
    if not to:
        return None
    ref = f"AP-{placement.id}"
    corrected = report.version > 1
    subject = f"Progress report {'corrected' if corrected else 'submitted'}: {report.term_name} (ref {ref})"
    base_url = current_app.config.get("APDOCS_BASE_URL", "")
    body = (
        f"{placement.provider.name} has {'corrected' if corrected else 'submitted'} the progress report for placement "
        f"{ref} for the {report.term_name}"
        + (f" (version {report.version})" if corrected else "")
        + ".\n\nRead it in apdocs:\n"
        f"{base_url}/placements/{placement.id}/progress-reports/{report.term_key}\n"
    )
    return mail.queue_message(
        organisation_id=placement.commissioning_organisation_id,
        to=to,
        subject=subject,
        body=body,
        purpose=PURPOSE,
        placement_id=placement.id,
    )


def start_correction(user: User, placement: Placement, term_key: str, reason: str) -> ProgressReport:
    """Start a correction of a submitted report: a new draft version, a copy of the last one, with the reason.

    The submitted version is kept as it was; the new one supersedes it once submitted. The caller commits.
    """
    if not can_write(user, placement):
        raise FieldError("reason", "Only the provider or the commissioner can correct this report")
    if not reason.strip():
        raise FieldError("reason", "Enter what needs correcting")
    last = current_report(placement, term_key)
    if last is None or not last.submitted:
        raise FieldError("reason", "Only a submitted report is corrected: finish the draft instead")
    copy = ProgressReport(
        placement_id=placement.id,
        term_key=last.term_key,
        term_name=last.term_name,
        term_starts_on=last.term_starts_on,
        term_ends_on=last.term_ends_on,
        version=last.version + 1,
        status=ReportStatus.DRAFT,
        written_by_id=user.id,
        on_behalf_of_provider=last.on_behalf_of_provider or user.role is Role.COMMISSIONER,
        correction_reason=reason.strip(),
        **{name: getattr(last, name) for name in _FIELDS},
    )
    copy.objectives = [
        ReportObjective(
            objective_id=row.objective_id,
            position=row.position,
            objective_text=row.objective_text,
            baseline=row.baseline,
            target=row.target,
            rating=row.rating,
            comment=row.comment,
        )
        for row in last.objectives
    ]
    db.session.add(copy)
    db.session.flush()
    audit.record("create", "progress_report", copy.id, user, {"placement_id": placement.id, "version": copy.version})
    return copy


def details_from(report: ProgressReport | None, placement: Placement) -> ReportDetails:
    """A form's starting answers: the saved report's, with a row for every objective of the plan."""
    saved = {r.objective_id: r for r in report.objectives} if report is not None else {}
    details = ReportDetails(
        **({name: getattr(report, name) for name in _FIELDS} if report is not None else {}),
    )
    details.objectives = [
        ObjectiveAnswer(
            o.id,
            saved[o.id].rating if o.id in saved else None,
            saved[o.id].comment if o.id in saved else "",
        )
        for o in plan_objectives(placement)
    ]
    return details


def read_report(user: User, placement: Placement, term_key: str, version: int | None = None) -> ProgressReport | None:
    """One version of a term's report (the latest when ``version`` is None), audited as seen; the caller commits."""
    found = versions(placement, term_key)
    report = found[-1] if version is None and found else next((r for r in found if r.version == version), None)
    if report is not None:
        audit.record(
            "view", "progress_report", report.id, user, {"placement_id": placement.id, "version": report.version}
        )
    return report

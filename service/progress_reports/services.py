"""Termly progress reports: writing one as a draft, submitting it, correcting it, reading it.

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

Which reports are owed is ``service.progress_reports.schedule``'s.

Who may reach a placement is decided once, by ``service.placements.views.placement_or_404``; the functions
here trust the placement they are given, and ``can_write`` checks the role against it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.errors import FieldError
from service.extensions import db
from service.mail.models import OutboxMessage
from service.mail.outbox import queue_message
from service.placements.models import Placement
from service.progress_reports.models import ProgressReport, ReportObjective, ReportStatus
from service.progress_reports.schedule import active_period, current_report, versions
from service.reviews.reminders import commissioner_emails
from service.rules.dates import uk_date
from service.rules.outcomes import ProgressRating
from service.rules.progress_reports import ReportDue
from service.rules.roles import Role
from service.support_plans.models import PlanObjective

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
    return queue_message(
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

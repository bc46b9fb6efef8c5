"""Which termly progress reports a placement owes, and each term's reports so far.

Apart from writing a report because the placement page, the provider's list and the dashboard all ask what is
owed for many placements at once, in a fixed number of queries, and never write anything. A report is owed for
each term of the commissioner's term dates the pupil was at the provider (``rules.progress_reports``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from service.attendance import services as attendance
from service.extensions import db
from service.placements.models import Placement
from service.progress_reports.models import ProgressReport
from service.rules.placement_status import PlacementStatus
from service.rules.progress_reports import ReportDue, reports_due
from service.rules.review_dates import HalfTerm
from service.sql import among
from service.term_dates.services import term_dates, term_dates_of

#: A report is owed once the pupil has started at the provider; an ended placement still owes its last term's.
REPORTING_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.UNDER_REVIEW, PlacementStatus.ENDED)


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
        .where(among(ProgressReport.placement_id, ids))
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
    # Placements of one organisation that started (and ended) on the same days owe the same terms: worked out once.
    # An LA's thousands of placements share a few hundred start dates.
    worked_out: dict[tuple[int, date, date | None], list[ReportDue]] = {}
    owed = []
    for placement in reporting:
        period = active_period(placement)
        if period is None:
            continue
        key = (placement.commissioning_organisation_id, *period)
        if key not in worked_out:
            organisation_terms = half_terms.get(placement.commissioning_organisation_id, [])
            worked_out[key] = reports_due(period[0], period[1], today, organisation_terms)
        for due in worked_out[key]:
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

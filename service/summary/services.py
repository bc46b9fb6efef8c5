"""A summary of an organisation's use of alternative provision and its outcomes, and the census AP export.

Why: the Oxfordshire commissioning guidance recommends that "a summary of use of AP provision, and in particular
analysis of outcomes for children and young people, is regularly considered by the senior leaders in schools, governors
and local authority officers". They need counts, not children: the summary is aggregated and carries no pupil's name or
identifier, so a viewer (a governor) may see it. The school census export is the exception: it is one row per placement
with the pupil's UPN, name and date of birth, so only a commissioner may download it.

Every query is scoped to the user's own organisation (``Placement.commissioning_organisation_id``), and the
whole summary takes a fixed number of queries however many placements there are: an LA officer has 400.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import joinedload, selectinload

from service.attendance.models import AttendanceMark
from service.attendance.services import RECORDING_STATUSES, first_day, last_day, scheduled_sessions
from service.audit import services as audit
from service.auth.models import Role, User
from service.end_of_placement.models import Destination, EndOfPlacement, EndReason, ObjectiveOutcome
from service.extensions import db
from service.formatting import spreadsheet_cell
from service.placements.models import Placement
from service.pupils.models import SenStatus
from service.reviews.models import ProgressRating
from service.rules import census
from service.rules.attendance_codes import Summary, attendance_summary
from service.rules.decision import Circumstance, DecisionMaker
from service.rules.full_time import package_check
from service.rules.placement_status import PlacementStatus
from service.rules.progress_reports import entered_terms
from service.rules.review_dates import HalfTerm
from service.rules.school_age import school_year_start, year_group_label
from service.term_dates.models import TermDate

#: Roles that may see the summary: it is aggregated, so governors (viewers) may.
SUMMARY_ROLES = (Role.COMMISSIONER, Role.VIEWER)
#: Drafts are unfinished paperwork and cancelled placements never ran: neither is a use of AP.
COUNTED_STATUSES = tuple(s for s in PlacementStatus if s not in (PlacementStatus.DRAFT, PlacementStatus.CANCELLED))

Cell = str | int | Decimal | None


class PeriodError(ValueError):
    """The period asked for in the URL is not one the organisation has: a message for the page."""


# --- periods ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A stretch of time to summarise, both ends inclusive; ``None`` ends for all time. ``key`` goes in URLs
    and file names: it is made of a year and a season, never anything personal."""

    key: str
    label: str
    start: date | None
    end: date | None


ALL_TIME = Period("all", "All time", None, None)
_TERM_KEY = re.compile(r"(\d{4})-(autumn|spring|summer)")
_YEAR_KEY = re.compile(r"year-(\d{4})")


def school_year(start_year: int) -> Period:
    return Period(
        f"year-{start_year}",
        f"School year {start_year} to {start_year + 1}",
        date(start_year, 9, 1),
        date(start_year + 1, 8, 31),
    )


def terms(term_dates: Iterable[TermDate]) -> list[Period]:
    """The organisation's terms, each from its first half-term's start to its last one's end, newest first
    (grouped as progress reports group them, ``rules.progress_reports.entered_terms``).

    Why terms and not half-terms: governors and LA panels meet termly, and a half-term is too short a window
    for attendance and outcomes to mean much."""
    half_terms = [HalfTerm(row.name, row.starts_on, row.ends_on) for row in term_dates]
    return [Period(t.key, t.name, t.starts_on, t.ends_on) for t in reversed(entered_terms(half_terms))]


def period_choices(organisation_id: int, today: date) -> list[Period]:
    """This school year, the organisation's terms, and all time: the choices on the page (one query)."""
    term_dates = db.session.scalars(
        sa.select(TermDate).where(TermDate.organisation_id == organisation_id).order_by(TermDate.starts_on)
    )
    this_year = school_year(school_year_start(today).year)
    return [
        Period(this_year.key, f"This school year ({this_year.label[12:]})", this_year.start, this_year.end),
        *terms(term_dates),
        ALL_TIME,
    ]


def resolve_period(choices: Sequence[Period], key: str | None) -> Period:
    """The period a ``?term=`` key names; no key means the first choice (this school year).

    A well-formed school year key is accepted for any year (a governor may want last year's); a term must be
    one the organisation has entered dates for. Anything else raises :class:`PeriodError`.
    """
    if key is None or not key.strip():
        return choices[0]
    key = key.strip().lower()
    for period in choices:
        if period.key == key:
            return period
    year = _YEAR_KEY.fullmatch(key)
    if year and 2000 <= int(year.group(1)) <= 2100:
        return school_year(int(year.group(1)))
    if _TERM_KEY.fullmatch(key):
        raise PeriodError(
            "Your organisation has no term dates for that term. Choose a period from the list, or ask your "
            "administrator to enter the term dates."
        )
    raise PeriodError("That is not a period the summary knows. Choose a period from the list.")


def overlaps(placement: Placement, period: Period) -> bool:
    """A placement counts in a period if it ran during any of it: it started by the period's end and had not
    ended before its start. Actual dates, falling back to planned ones."""
    start, end = first_day(placement), last_day(placement)
    if period.end is not None and start > period.end:
        return False
    return not (period.start is not None and end is not None and end < period.start)


def _within(day: date, period: Period) -> bool:
    return (period.start is None or day >= period.start) and (period.end is None or day <= period.end)


# --- the queries --------------------------------------------------------------------------------------------------


def _conditions(user: User, period: Period, statuses: Sequence[PlacementStatus]) -> list[sa.ColumnElement[bool]]:
    """The user's organisation's placements in these statuses that overlapped the period, as SQL."""
    if user.role not in SUMMARY_ROLES:  # deny by default: no other role has an organisation's placements here
        return [sa.false()]
    first = sa.func.coalesce(Placement.actual_start, Placement.planned_start)
    last = sa.func.coalesce(Placement.actual_end, Placement.planned_end)
    conditions = [Placement.commissioning_organisation_id == user.organisation_id, Placement.status.in_(statuses)]
    if period.end is not None:
        conditions.append(first <= period.end)
    if period.start is not None:
        conditions.append(sa.or_(last.is_(None), last >= period.start))
    return conditions


def _placements(user: User, period: Period, statuses: Sequence[PlacementStatus]) -> list[Placement]:
    """One query for the placements with their pupil and provider, one for all their timetables."""
    stmt = (
        sa.select(Placement)
        .where(*_conditions(user, period, statuses))
        .options(joinedload(Placement.pupil), joinedload(Placement.provider), selectinload(Placement.sessions))
        .order_by(Placement.id)
    )
    return list(db.session.scalars(stmt).unique())


# --- the summary ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One table of the summary: on the page (with its chart), in the CSV and as a sheet of the workbook.

    ``chart`` is the column drawn as bars (None for no chart); ``unit`` is written after each bar's number."""

    key: str
    sheet: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    chart: int | None = 1
    unit: str = ""

    @property
    def bars(self) -> list[tuple[str, Decimal | int | None]]:
        if self.chart is None:
            return []
        return [(str(row[0]), row[self.chart]) for row in self.rows]  # type: ignore[misc]

    @property
    def anything_to_draw(self) -> bool:
        """A chart of nothing but zeros says less than its table: the page leaves it out."""
        return any(value for _, value in self.bars)


@dataclass(frozen=True)
class UseSummary:
    period: Period
    placements: int
    pupils: int
    attendance: Summary
    persistent: int  # placements below 90% over the period
    severe: int  # placements below 50% over the period
    ended: int
    objectives: int
    objectives_achieved: int
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _year_group(placement: Placement, period: Period) -> int:
    """The pupil's year group on the first day of the placement inside the period (the override if set)."""
    on = first_day(placement)
    if period.start is not None and period.start > on:
        on = period.start
    return placement.pupil.year_group_on(on)


def summarise(user: User, period: Period) -> UseSummary:
    """The summary of the organisation's placements that overlapped the period, in five queries.

    Counts are of placements (a pupil with two placements counts twice) except "pupils", which counts each
    child once. Attendance is over the marks recorded inside the period; outcomes are of the placements whose
    end-of-placement record says they ended inside it.
    """
    placements = [p for p in _placements(user, period, COUNTED_STATUSES) if overlaps(p, period)]
    ids = sa.select(Placement.id).where(*_conditions(user, period, COUNTED_STATUSES)).scalar_subquery()

    marks_stmt = sa.select(AttendanceMark.placement_id, AttendanceMark.code).where(AttendanceMark.placement_id.in_(ids))
    if period.start is not None:
        marks_stmt = marks_stmt.where(AttendanceMark.on >= period.start)
    if period.end is not None:
        marks_stmt = marks_stmt.where(AttendanceMark.on <= period.end)
    codes: dict[int, list[str]] = defaultdict(list)
    for placement_id, code in db.session.execute(marks_stmt):
        codes[placement_id].append(code)

    endings = [
        e
        for e in db.session.scalars(sa.select(EndOfPlacement).where(EndOfPlacement.placement_id.in_(ids)))
        if _within(e.ended_on, period)
    ]
    ended_ids = {e.id for e in endings}
    ratings = Counter(
        rating
        for eop_id, rating in db.session.execute(
            sa.select(ObjectiveOutcome.end_of_placement_id, ObjectiveOutcome.rating).where(
                ObjectiveOutcome.end_of_placement_id.in_(
                    sa.select(EndOfPlacement.id).where(EndOfPlacement.placement_id.in_(ids))
                )
            )
        )
        if eop_id in ended_ids
    )

    known = {p.id for p in placements}
    per_placement = {p.id: attendance_summary(codes.get(p.id, [])) for p in placements}
    overall = attendance_summary(code for pid, cs in codes.items() if pid in known for code in cs)

    by_provider: dict[str, list[Placement]] = defaultdict(list)
    for p in placements:
        by_provider[p.provider.name].append(p)
    providers = sorted(by_provider, key=lambda name: (-len(by_provider[name]), name.lower()))

    status = Counter(p.status for p in placements)
    reason = Counter(p.circumstance for p in placements)
    decided = Counter(p.decision_maker for p in placements)
    sen = Counter(p.pupil.sen_status for p in placements)
    years = Counter(_year_group(p, period) for p in placements)
    full = Counter(package_check([p.hours_per_week], None).full_time for p in placements)
    destination = Counter(e.destination for e in endings)
    end_reason = Counter(e.reason for e in endings)

    tables = [
        Table(
            "overview",
            "Overview",
            "Overview",
            ("Measure", "Value"),
            [
                ("Period", period.label),
                ("From", period.start.isoformat() if period.start else "Earliest record"),
                ("To", period.end.isoformat() if period.end else "Latest record"),
                ("Placements", len(placements)),
                ("Pupils", len({p.pupil_id for p in placements})),
                ("Placements that ended", len(endings)),
            ],
            chart=None,
        ),
        Table(
            "by-provider",
            "Provider",
            "Placements by provider",
            ("Provider", "Placements", "Pupils"),
            [(name, len(by_provider[name]), len({p.pupil_id for p in by_provider[name]})) for name in providers],
        ),
        Table(
            "by-reason",
            "Reason",
            "Placements by reason (where the child stood)",
            ("Reason", "Placements"),
            [(c.label, reason[c]) for c in Circumstance],
        ),
        Table(
            "by-decision-maker",
            "Decision maker",
            "Placements by who decided",
            ("Who decided", "Placements"),
            [(d.label, decided[d]) for d in DecisionMaker],
        ),
        Table(
            "by-year-group",
            "Year group",
            "Placements by year group",
            ("Year group", "Placements"),
            _year_rows(years),
        ),
        Table(
            "by-sen",
            "SEN",
            "Placements by special educational needs",
            ("SEN status", "Placements"),
            [(s.label, sen[s]) for s in SenStatus],
        ),
        Table(
            "by-hours",
            "Full or part time",
            "Full-time and part-time placements (30 hours a week at the provider is full time)",
            ("Hours", "Placements"),
            [("Full time", full[True]), ("Part time", full[False])],
        ),
        Table(
            "by-status",
            "Status",
            "Placements by status today",
            ("Status", "Placements"),
            [(s.label, status[s]) for s in COUNTED_STATUSES],
        ),
        Table(
            "attendance",
            "Attendance",
            "Attendance over the period",
            ("Measure", "Value"),
            [
                ("Attendance (%)", overall.percent),
                ("Possible sessions", overall.possible),
                ("Sessions present or at approved education", overall.present),
                ("Authorised absences", overall.authorised),
                ("Unauthorised absences", overall.unauthorised),
                ("Placements with persistent absence (below 90%)", sum(s.persistent for s in per_placement.values())),
                ("Placements with severe absence (below 50%)", sum(s.severe for s in per_placement.values())),
            ],
            chart=None,
        ),
        Table(
            "attendance-by-provider",
            "Attendance by provider",
            "Attendance by provider",
            ("Provider", "Attendance (%)", "Possible sessions", "Present", "Below 90%", "Below 50%"),
            [_provider_attendance(name, by_provider[name], codes, per_placement) for name in providers],
            unit="%",
        ),
        Table(
            "destinations",
            "Destination",
            "Where pupils went next (placements that ended in the period)",
            ("Destination", "Placements"),
            [(d.label, destination[d]) for d in Destination] + [("Not recorded", destination[None])],
        ),
        Table(
            "end-reasons",
            "End reason",
            "Why placements ended (placements that ended in the period)",
            ("Reason for ending", "Placements"),
            [(r.label, end_reason[r]) for r in EndReason],
        ),
        Table(
            "objectives",
            "Objectives",
            "Progress against objectives at the end of the placement",
            ("Progress", "Objectives"),
            [(r.label, ratings[r]) for r in ProgressRating],
        ),
    ]
    return UseSummary(
        period=period,
        placements=len(placements),
        pupils=len({p.pupil_id for p in placements}),
        attendance=overall,
        persistent=sum(s.persistent for s in per_placement.values()),
        severe=sum(s.severe for s in per_placement.values()),
        ended=len(endings),
        objectives=sum(ratings.values()),
        objectives_achieved=ratings[ProgressRating.ACHIEVED],
        tables=tables,
    )


def _year_rows(years: Counter[int]) -> list[tuple[Cell, ...]]:
    """Youngest first; years that share a label (Year 14 and above are "Year 14+") are one row."""
    rows: dict[str, int] = {}
    for year in sorted(years):
        label = year_group_label(year)
        rows[label] = rows.get(label, 0) + years[year]
    return list(rows.items())


def _provider_attendance(
    name: str, placements: list[Placement], codes: dict[int, list[str]], per_placement: dict[int, Summary]
) -> tuple[Cell, ...]:
    """A provider's attendance pools its placements' sessions (not an average of their percentages)."""
    pooled = attendance_summary(code for p in placements for code in codes.get(p.id, []))
    return (
        name,
        pooled.percent,
        pooled.possible,
        pooled.present,
        sum(per_placement[p.id].persistent for p in placements),
        sum(per_placement[p.id].severe for p in placements),
    )


# --- downloads ----------------------------------------------------------------------------------------------------


def summary_csv(user: User, summary: UseSummary) -> str:
    """Every table one after another, each under its title, with a blank line between; audited."""
    audit.record("export", "ap_summary", None, user, {"period": summary.period.key, "format": "csv"})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for table in summary.tables:
        writer.writerow([spreadsheet_cell(table.title)])
        writer.writerow([spreadsheet_cell(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([spreadsheet_cell(value) for value in row])
        writer.writerow([])
    return out.getvalue()


def summary_xlsx(user: User, summary: UseSummary) -> bytes:
    """One sheet per table, the header row bold, columns as wide as their text; audited.

    Text is stored as text: a provider named "=SUM(...)" must not become a formula (openpyxl would otherwise
    write any string starting with "=" as one)."""
    audit.record("export", "ap_summary", None, user, {"period": summary.period.key, "format": "xlsx"})
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    for table in summary.tables:
        sheet = book.create_sheet(table.sheet[:31])
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        widths = [len(h) for h in table.headers]
        for row_cells in sheet.iter_rows(min_row=2):
            for index, cell in enumerate(row_cells):
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                widths[index] = max(widths[index], len(str(cell.value if cell.value is not None else "")))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 70)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the school census export ----------------------------------------------------------------------------------

CENSUS_COLUMNS = (
    "UPN",
    "Surname",
    "Forename",
    "Date of birth",
    "AP provider URN",
    "AP provider UKPRN",
    "AP setting type",
    "Primary reason for placement",
    "Entry date",
    "Leaving date",
    "Sessions per week",
    "Attendance pattern",
    "Provider name",
    "Reason (apdocs)",
    "apdocs reference",
)


def census_rows(user: User, period: Period) -> list[tuple[str, ...]]:
    """One row per placement that ran (active, under review or ended) in the period: the census AP items.

    Only a commissioner: the rows carry the pupil's UPN, legal name and date of birth. Audited with the period
    and the number of rows, never the pupils."""
    if user.role is not Role.COMMISSIONER:
        raise PermissionError("Only a commissioner may export pupils' census records")
    placements = [p for p in _placements(user, period, RECORDING_STATUSES) if overlaps(p, period)]
    placements.sort(key=lambda p: (p.pupil.legal_last_name.lower(), p.pupil.legal_first_name.lower(), p.id))
    audit.record("export", "census_ap", None, user, {"period": period.key, "placements": len(placements)})
    rows = []
    for p in placements:
        identity = census.provider_identity(p.provider.urn, p.provider.ukprn, p.provider.setting_type)
        rows.append(
            (
                p.pupil.upn or "",
                p.pupil.legal_last_name,
                p.pupil.legal_first_name,
                p.pupil.date_of_birth.isoformat(),
                identity.urn,
                identity.ukprn,
                identity.setting_type,
                census.placement_reason_code(p.circumstance),
                first_day(p).isoformat(),
                p.actual_end.isoformat() if p.actual_end else "",
                str(len(scheduled_sessions(p))),
                census.attendance_pattern(p.hours_per_week),
                p.provider.name,
                p.circumstance.label,
                f"AP-{p.id}",
            )
        )
    return rows


def census_csv(rows: Sequence[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CENSUS_COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return out.getvalue()


def filename(prefix: str, period: Period, extension: str) -> str:
    """``ap-summary-2026-autumn.csv``: the period's key, nothing personal."""
    return f"{prefix}-{period.key}.{extension}"

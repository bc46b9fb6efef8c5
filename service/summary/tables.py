"""The summary's tables: placements, attendance and outcomes counted by each way the page classifies them.

Each table is shown on the page (with its chart), written to the CSV and to a sheet of the workbook, so its
rows are built once, here, and every output reads them. Counts are of placements (a pupil with two placements
counts twice) except "pupils", which counts each child once.

They classify what ``service.summary.queries`` read: placements as rows of the columns shown (``PlacementRow``),
attendance as counts of each code by placement (never a row per mark), endings and ratings as counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from service.attendance.services import first_day
from service.pupils.models import SenStatus
from service.rules.attendance_codes import Summary, attendance_summary_from_counts
from service.rules.decision import Circumstance, DecisionMaker
from service.rules.full_time import package_check
from service.rules.outcomes import ProgressRating
from service.rules.placement_end import Destination, EndReason
from service.rules.school_age import year_group_label
from service.summary.periods import Period
from service.summary.queries import COUNTED_STATUSES, Endings, PlacementRow

Cell = str | int | Decimal | None


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


def by_provider(placements: Sequence[PlacementRow]) -> dict[str, list[PlacementRow]]:
    """The placements grouped by provider name, the provider with most placements first (then by name)."""
    groups: dict[str, list[PlacementRow]] = {}
    for p in placements:
        groups.setdefault(p.provider_name, []).append(p)
    return {name: groups[name] for name in sorted(groups, key=lambda name: (-len(groups[name]), name.lower()))}


def overview_table(period: Period, placements: Sequence[PlacementRow], endings: Endings) -> Table:
    return Table(
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
            ("Placements that ended", endings.count),
        ],
        chart=None,
    )


def placement_tables(
    placements: Sequence[PlacementRow], period: Period, providers: Mapping[str, Sequence[PlacementRow]]
) -> list[Table]:
    """The placements by provider, reason, decision maker, year group, SEN, hours and status."""
    status = Counter(p.status for p in placements)
    reason = Counter(p.circumstance for p in placements)
    decided = Counter(p.decision_maker for p in placements)
    sen = Counter(p.sen_status for p in placements)
    years = Counter(_year_group(p, period) for p in placements)
    full = Counter(package_check([p.hours_per_week], None).full_time for p in placements)
    return [
        Table(
            "by-provider",
            "Provider",
            "Placements by provider",
            ("Provider", "Placements", "Pupils"),
            [(name, len(group), len({p.pupil_id for p in group})) for name, group in providers.items()],
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
            "by-year-group", "Year group", "Placements by year group", ("Year group", "Placements"), _year_rows(years)
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
    ]


def attendance_tables(
    overall: Summary,
    per_placement: Mapping[int, Summary],
    providers: Mapping[str, Sequence[PlacementRow]],
    counts: Mapping[int, Mapping[str, int]],
    lost_to_closure: int = 0,
) -> list[Table]:
    """Attendance over the period for the organisation, then pooled for each provider. ``counts`` is each
    placement's marks counted by code (``queries.attendance_counts``); ``lost_to_closure`` is the sessions the
    providers' closures lost (``queries.closure_sessions``)."""
    return [
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
                ("Placements with attendance of 90% or less", sum(s.persistent for s in per_placement.values())),
                ("Placements with attendance of 50% or less", sum(s.severe for s in per_placement.values())),
                ("Sessions lost to provider closures", lost_to_closure),
            ],
            chart=None,
        ),
        Table(
            "attendance-by-provider",
            "Attendance by provider",
            "Attendance by provider",
            ("Provider", "Attendance (%)", "Possible sessions", "Present", "90% or less", "50% or less"),
            [_provider_attendance(name, group, counts, per_placement) for name, group in providers.items()],
            unit="%",
        ),
    ]


def outcome_tables(endings: Endings, ratings: Counter[ProgressRating]) -> list[Table]:
    """Where pupils went next and why their placements ended (those that ended in the period), and the
    progress against objectives recorded at the end."""
    destination = endings.destinations
    end_reason = endings.reasons
    return [
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


def _year_group(placement: PlacementRow, period: Period) -> int:
    """The pupil's year group on the first day of the placement inside the period (the override if set)."""
    on = first_day(placement)
    if period.start is not None and period.start > on:
        on = period.start
    return placement.year_group_on(on)


def _year_rows(years: Counter[int]) -> list[tuple[Cell, ...]]:
    """Youngest first; years that share a label (Year 14 and above are "Year 14+") are one row."""
    rows: dict[str, int] = {}
    for year in sorted(years):
        label = year_group_label(year)
        rows[label] = rows.get(label, 0) + years[year]
    return list(rows.items())


def pooled_counts(counts: Iterable[Mapping[str, int]]) -> Counter[str]:
    """Several placements' marks counted by code, added together: pooled sessions, not averaged percentages."""
    pooled: Counter[str] = Counter()
    for by_code in counts:
        pooled.update(by_code)
    return pooled


def _provider_attendance(
    name: str,
    placements: Sequence[PlacementRow],
    counts: Mapping[int, Mapping[str, int]],
    per_placement: Mapping[int, Summary],
) -> tuple[Cell, ...]:
    """A provider's attendance pools its placements' sessions (not an average of their percentages)."""
    pooled = attendance_summary_from_counts(pooled_counts(counts.get(p.id, {}) for p in placements))
    return (
        name,
        pooled.percent,
        pooled.possible,
        pooled.present,
        sum(per_placement[p.id].persistent for p in placements),
        sum(per_placement[p.id].severe for p in placements),
    )

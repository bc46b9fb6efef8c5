"""The default review record template: the "Review / Transition Meeting" part of the Oxfordshire commissioning
guidance's Appendix A.
"""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from templates_docx import word as w


def build() -> Document:
    doc = w.new_document(
        "Alternative Provision Review / Transition Meeting",
        "Appendix A: record of a review or transition meeting for a pupil in alternative provision",
        "Review record",
    )
    intro = doc.add_paragraph()
    intro.add_run("Appendix A: record of review {{ review.number }} of the placement of ").italic = True
    intro.add_run("{{ pupil.display_name }}").bold = True
    intro.add_run(" at {{ provider.name }}. Version {{ document.version }}, produced on ").italic = True
    intro.add_run("{{ document.generated_on }}.").italic = True

    for section in (
        _pupil_and_placement,
        _meeting,
        _views_and_notes,
        _progress_against_objectives,
        _changes_agreed,
    ):
        section(doc)
    return doc


def _pupil_and_placement(doc: Document) -> None:
    """Child / young person and placement."""
    w.heading(doc, "Child / young person and placement")
    child = w.new_table(doc, (3.6, 4.9, 3.6, 4.9))
    w.pupil_rows(child)
    w.label_value_rows(
        child,
        (
            ("UPN", "{{ pupil.upn }}", "School", "{{ pupil.school }}"),
            ("SEN status", "{{ pupil.sen_status }}", "Safeguarding status", "{{ pupil.safeguarding_status }}"),
            ("Alternative provider", "{{ provider.name }}", "Commissioned by", "{{ commissioner.name }}"),
            (
                "Placement start",
                "{{ placement.actual_start or placement.planned_start }}",
                "Planned end",
                "{{ placement.planned_end }}",
            ),
            ("Status", "{{ placement.status }}", "Hours a week at the provider", "{{ placement.hours_per_week }}"),
        ),
    )


def _meeting(doc: Document) -> None:
    """Review / transition meeting."""
    w.heading(doc, "Review / transition meeting")
    meeting = w.new_table(doc, (3.6, 4.9, 3.6, 4.9))
    w.label_value_rows(
        meeting,
        (
            ("Review meeting date", "{{ review.meeting_date }}", "Review number", "{{ review.number }}"),
            ("Next review date", "{{ review.next_review_date|or_dash }}", "Recorded by", "{{ review.recorded_by }}"),
        ),
    )
    w.wide_row(meeting, "Present", "{{ review.present|or_dash }}")

    w.subheading(doc, "Attendance")
    attendance = w.new_table(doc, (3.4, 3.4, 3.4, 3.4, 3.4))
    w.column_headings(attendance, "From", "To", "Possible sessions", "Sessions attended", "Attendance")
    w.keep_row_together(
        w.add_row(
            attendance,
            "{{ review.attendance.from_date|or_dash }}",
            "{{ review.attendance.to_date|or_dash }}",
            "{{ review.attendance.sessions_possible|or_dash }}",
            "{{ review.attendance.sessions_attended|or_dash }}",
            "{{ review.attendance.percent|or_dash }}",
            bold=(False, False, False, False, True),
        )
    )
    w.wide_row(attendance, "Notes", "{{ review.attendance.notes|or_dash }}")
    w.begin_if(doc, "review.attendance.chart_image")
    chart = doc.add_paragraph("{{ review.attendance.chart_image }}")
    chart.alignment = WD_ALIGN_PARAGRAPH.CENTER
    chart.paragraph_format.keep_with_next = True
    caption = doc.add_paragraph()
    caption.add_run(
        "The register week by week over the period: each bar is one week, labelled with the date of its Monday. "
        "The red line is 90%: at or below it is DfE's persistent-absence threshold."
    ).italic = True
    caption.runs[0].font.size = Pt(8.5)
    w.end_if(doc)


def _views_and_notes(doc: Document) -> None:
    """Views and notes from the review meeting."""
    w.heading(doc, "Views and notes from the review meeting")
    views = w.new_table(doc, (17.0,))
    # The pupil's and the parents' views are always on the record: a dash, never a blank, when not given.
    w.answer_block(views, "The child / young person's views", "{{ review.pupil_views|or_dash }}", height=1.2)
    w.answer_block(views, "Parents' / carers' views", "{{ review.parent_views|or_dash }}", height=1.2)
    w.answer_block(views, "Notes from the review meeting", "{{ review.notes|or_dash }}", height=1.2)


def _progress_against_objectives(doc: Document) -> None:
    """Progress against objectives."""
    w.heading(doc, "Progress against objectives")
    progress = w.new_table(doc, (4.0, 2.9, 2.9, 3.2, 4.0))
    w.column_headings(progress, "Objective", "Baseline", "Target", "Progress", "Evidence")
    w.loop_rows(
        progress,
        "p in review.progress",
        ("{{ p.objective }}", "{{ p.baseline }}", "{{ p.target }}", "{{ p.rating }}", "{{ p.evidence }}"),
        w.NONE_RECORDED,
    )


def _changes_agreed(doc: Document) -> None:
    """Changes agreed."""
    w.heading(doc, "Changes agreed")
    changes = w.new_table(doc, (4.2, 4.3, 4.2, 4.3))
    for question, value in (
        ("Are there any changes to the assessed need?", "{{ review.changes_to_need|or_dash }}"),
        ("Are there any changes to the desired outcomes or timescales?", "{{ review.changes_to_outcomes|or_dash }}"),
        (
            "Are there any changes to the support plan, including arrangements for reintegration to school?",
            "{{ review.changes_to_plan|or_dash }}",
        ),
    ):
        w.answer_block(changes, question, value, height=1.2)
    w.label_value_rows(
        changes,
        (
            (
                "Extension agreed",
                "{{ review.extension_agreed|yes_no }}",
                "New finish / off-roll date",
                "{{ review.new_end_date|or_dash }}",
            ),
        ),
    )
    w.keep_row_together(changes.rows[-1])

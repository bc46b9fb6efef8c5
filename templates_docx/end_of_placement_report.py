"""The default end-of-placement report template, in plain English: what the placement achieved (attendance with a
weekly chart, progress against each objective, accreditation, behaviour and well-being, the pupil's own view) and
where the pupil goes next.
"""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from templates_docx import word as w


def build() -> Document:
    """What the placement achieved and where the pupil goes next, in plain English for the school, the parents
    and whoever teaches the pupil next (the end-of-placement report the Oxfordshire commissioning guidance asks for)."""
    doc = w.new_document(
        "End-of-placement report",
        "What a pupil's alternative provision placement achieved, and where they go next",
        "End-of-placement report",
    )
    intro = doc.add_paragraph()
    intro.add_run("What the placement of ").italic = True
    intro.add_run("{{ pupil.display_name }}").bold = True
    intro.add_run(
        " at {{ provider.name }} achieved, and where they go next. From {{ commissioner.name }}: version "
        "{{ document.version }}, produced on {{ document.generated_on }}."
    ).italic = True
    w.begin_if(doc, "not end.recorded")
    doc.add_paragraph().add_run(
        "The end of this placement has not been recorded yet, so most of this report is still empty."
    ).bold = True
    w.end_if(doc)

    for section in (
        _about_the_pupil,
        _attendance,
        _progress_against_each_objective,
        _accreditation,
        _behaviour,
        _the_pupils_own_assessment,
        _next_destination,
    ):
        section(doc)
    return doc


def _about_the_pupil(doc: Document) -> None:
    """About the pupil and the placement."""
    w.heading(doc, "About the pupil and the placement")
    about = w.new_table(doc, (3.6, 4.9, 3.6, 4.9))
    w.pupil_rows(about)
    w.label_value_rows(
        about,
        (
            ("School", "{{ pupil.school|or_dash }}", "Placed by", "{{ commissioner.name }}"),
            (
                "Alternative provider",
                "{{ provider.name }}",
                "Hours a week at the provider",
                "{{ placement.hours_per_week|or_dash }}",
            ),
            (
                "Started",
                "{{ (placement.actual_start or placement.planned_start)|or_dash }}",
                "Last day",
                "{{ end.ended_on|or_dash }}",
            ),
        ),
    )
    w.wide_row(about, "Why it ended", "{{ end.reason|or_dash }}")
    w.conditional_rows(
        about, "end.reason_detail", lambda table: w.wide_row(table, "More detail", "{{ end.reason_detail }}")
    )
    w.keep_table_on_one_page(about)


def _attendance(doc: Document) -> None:
    """Attendance."""
    w.heading(doc, "Attendance")
    doc.add_paragraph("{{ attendance.summary }}.").paragraph_format.keep_with_next = True
    w.begin_if(doc, "attendance.chart_image")
    chart = doc.add_paragraph("{{ attendance.chart_image }}")
    chart.alignment = WD_ALIGN_PARAGRAPH.CENTER
    chart.paragraph_format.keep_with_next = True
    caption = doc.add_paragraph()
    caption.add_run(
        "Each bar is one week's attendance, labelled with the date of its Monday. The red line is 90%: at or below "
        "it is DfE's persistent-absence threshold. A week with only a grey mark had no sessions the pupil could "
        "attend."
    ).italic = True
    caption.runs[0].font.size = Pt(8.5)
    w.end_if(doc)
    w.begin_if(doc, "attendance.percent")
    totals = w.new_table(doc, (3.6, 4.9, 3.6, 4.9))
    w.label_value_rows(
        totals,
        (
            ("Possible sessions", "{{ attendance.possible }}", "Sessions attended", "{{ attendance.present }}"),
            (
                "Authorised absence",
                "{{ attendance.authorised }} sessions",
                "Unauthorised absence",
                "{{ attendance.unauthorised }} sessions",
            ),
            (
                "Attendance 90% or less at this placement",
                "{{ attendance.persistent|yes_no }}",
                "Attendance 50% or less at this placement",
                "{{ attendance.severe|yes_no }}",
            ),
        ),
    )
    w.keep_table_on_one_page(totals)
    note = doc.add_paragraph()
    note.add_run(
        "These are the placement's own figures, a local indicator: the pupil's DfE persistent-absence status is "
        "counted by the school over the pupil's whole enrolment."
    ).italic = True
    note.runs[0].font.size = Pt(8.5)
    w.end_if(doc)
    w.begin_if(doc, "attendance.weeks")
    w.subheading(doc, "Week by week")
    weeks = w.new_table(doc, (5.0, 4.0, 4.0, 4.0))
    w.column_headings(weeks, "Week beginning", "Possible sessions", "Sessions attended", "Attendance")
    w.loop_rows(
        weeks,
        "w in attendance.weeks",
        ("{{ w.week_beginning }}", "{{ w.possible }}", "{{ w.present }}", "{{ w.percent or 'No sessions' }}"),
        w.NONE_RECORDED,
    )
    w.end_if(doc)


def _progress_against_each_objective(doc: Document) -> None:
    """Progress against each objective."""
    w.heading(doc, "Progress against each objective")
    doc.add_paragraph(
        "Where the pupil started (the baseline in the support plan), the target, and where they are now."
    ).paragraph_format.keep_with_next = True
    progress = w.new_table(doc, (4.0, 3.0, 2.9, 2.6, 4.5))
    w.column_headings(progress, "Objective", "From (baseline)", "Target", "Progress", "Where they are now")
    w.loop_rows(
        progress,
        "o in outcomes",
        ("{{ o.objective }}", "{{ o.baseline }}", "{{ o.target }}", "{{ o.rating }}", "{{ o.outcome|or_dash }}"),
        w.NONE_RECORDED,
    )


def _accreditation(doc: Document) -> None:
    """Accreditation."""
    w.heading(doc, "Accreditation")
    doc.add_paragraph("Qualifications and awards gained during the placement.").paragraph_format.keep_with_next = True
    accreditation = w.pairs_table(doc)
    w.pair_row(accreditation, "English", "{{ end.accreditation_english|or_dash }}")
    w.pair_row(accreditation, "Maths", "{{ end.accreditation_maths|or_dash }}")
    w.pair_row(accreditation, "Other", "{{ end.accreditation_other|or_dash }}")
    w.keep_table_on_one_page(accreditation)


def _behaviour(doc: Document) -> None:
    """Behaviour, personal development and well-being."""
    w.heading(doc, "Behaviour, personal development and well-being")
    change = w.pairs_table(doc)
    w.pair_row(change, "Change in behaviour", "{{ end.behaviour_change|or_dash }}")
    w.pair_row(change, "Personal development and well-being", "{{ end.personal_development|or_dash }}")


def _the_pupils_own_assessment(doc: Document) -> None:
    """The pupil's own assessment: always on the report, a dash when not given."""
    w.heading(doc, "What the pupil thought of the placement")
    views = w.new_table(doc, (17.0,))
    w.answer_block(views, "In their own words", "{{ end.pupil_assessment|or_dash }}", height=1.2)


def _next_destination(doc: Document) -> None:
    """Next destination."""
    w.heading(doc, "Where the pupil goes next")
    destination = w.pairs_table(doc)
    w.pair_row(destination, "Next destination", "{{ end.destination|or_dash }}")
    w.pair_row(destination, "Details", "{{ end.destination_detail|or_dash }}")
    w.conditional_rows(
        destination,
        "end.neet_follow_up",
        lambda table: w.pair_row(
            table, "What is being done", "{{ end.neet_follow_up }}\nOn {{ end.neet_follow_up_on|or_dash }}"
        ),
    )
    w.keep_table_on_one_page(destination)

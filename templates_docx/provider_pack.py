"""The default provider information pack template, written for the provider's key worker in plain English; it leaves
out entirely each section the commissioner keeps out of the pack, except the safeguarding status, the risks and the
SEN, which it says were withheld (``withheld_note``). It always says who alone can exclude the pupil and, from
Year 8, the pupil's entitlement to careers guidance (``home_school``).
"""

from __future__ import annotations

from docx import Document

from templates_docx import word as w


def build() -> Document:
    """The pack a provider gets before the pupil starts, in plain English for their key worker. A section the
    commissioner keeps out of the pack (``shared.<section>`` false) is left out entirely, heading included."""
    doc = w.new_document(
        "Provider information pack",
        "What an alternative provider needs to keep a pupil safe and taught",
        "Provider information pack",
    )
    intro = doc.add_paragraph()
    intro.add_run("For the staff at {{ provider.name }} who will teach and look after ").italic = True
    intro.add_run("{{ pupil.display_name }}").bold = True
    intro.add_run(
        ". Please read it before the first session, keep it somewhere secure and share it only with the staff "
        "who work with the pupil. From {{ commissioner.name }}: version {{ document.version }}, produced on "
        "{{ document.generated_on }}."
    ).italic = True

    for section in (
        _about_the_pupil,
        _keeping_them_safe,
        _stays_with_us,
        _needs,
        _objectives_and_timetable,
        _attendance,
        _transport_contacts_and_reviews,
    ):
        section(doc)
    return doc


def _about_the_pupil(doc: Document) -> None:
    """About the pupil."""
    w.heading(doc, "About the pupil")
    about = w.new_table(doc, (3.6, 4.9, 3.6, 4.9))
    w.label_value_rows(
        about,
        (
            ("Name", "{{ pupil.display_name }}", "Legal name", "{{ pupil.legal_name }}"),
            ("Date of birth", "{{ pupil.date_of_birth }}", "Year group", "{{ pupil.year_group }}"),
            ("School", "{{ pupil.school|or_dash }}", "In care (looked after)", "{{ pupil.looked_after|yes_no }}"),
            (
                "Placed with you by",
                "{{ commissioner.name }}",
                "Your contact for this placement",
                "{{ provider.contact_name|or_dash }}{% if provider.contact_role %}, {{ provider.contact_role }}"
                "{% endif %}",
            ),
            (
                "Starts",
                "{{ placement.actual_start or placement.planned_start }}",
                "Planned end",
                "{{ placement.planned_end|or_dash }}",
            ),
        ),
    )
    w.keep_table_on_one_page(about)


def _keeping_them_safe(doc: Document) -> None:
    """How to keep them safe."""
    w.heading(doc, "How to keep the pupil safe")
    safe = w.pairs_table(doc)
    w.conditional_rows(
        safe,
        "shared.safeguarding_status",
        lambda table: w.pair_row(table, "Safeguarding status", "{{ safeguarding.status }}"),
    )
    w.conditional_rows(
        safe,
        "not shared.safeguarding_status",
        lambda table: w.pair_row(table, "Safeguarding status", "{{ withheld_note }}"),
    )
    w.pair_row(safe, "What we expect of you", "{{ safeguarding.expectations|or_dash }}")
    w.keep_table_on_one_page(safe)
    w.subheading(doc, "If you are worried about this pupil")
    danger = doc.add_paragraph()
    danger.add_run("If the pupil is in immediate danger, call 999. ").bold = True
    danger.add_run(
        "For any other worry, however small, tell our designated safeguarding lead (DSL), the person in charge "
        "of child protection, or their deputy, the same day."
    )
    danger.paragraph_format.keep_with_next = True
    worry = w.pairs_table(doc)
    w.pair_row(worry, "What to do", "{{ safeguarding.concern_procedure|or_dash }}")
    w.spacer(doc).paragraph_format.keep_with_next = True
    dsl = w.new_table(doc, (6.0, 6.2, 4.8))
    w.column_headings(dsl, "Who to call", "Name", "Phone")
    for label, key in (("Designated safeguarding lead", "dsl"), ("Deputy designated safeguarding lead", "deputy_dsl")):
        w.keep_row_together(
            w.add_row(
                dsl,
                label,
                f"{{{{ safeguarding.{key}_name|or_dash }}}}",
                f"{{{{ safeguarding.{key}_phone|or_dash }}}}",
                fills=(w.LABEL_FILL,),
                bold=(True, False, True),
            )
        )
    w.keep_table_on_one_page(dsl)
    w.subheading(doc, "Risks to be aware of")
    risks = w.pairs_table(doc)
    w.conditional_rows(
        risks,
        "shared.risks",
        lambda table: w.pair_row(table, "Risks identified in the support plan", "{{ needs.risks|or_dash }}"),
    )
    w.conditional_rows(
        risks,
        "not shared.risks",
        lambda table: w.pair_row(table, "Risks identified in the support plan", "{{ withheld_note }}"),
    )


def _stays_with_us(doc: Document) -> None:
    """What the home school keeps: exclusion always; careers guidance from Year 8."""
    w.heading(doc, "What stays with us")
    stays = w.pairs_table(doc)
    w.pair_row(stays, "Suspension and exclusion", "{{ home_school.exclusion }}")
    w.conditional_rows(
        stays,
        "home_school.careers_guidance",
        lambda table: w.pair_row(table, "Careers guidance", "{{ home_school.careers_guidance }}"),
    )
    w.keep_table_on_one_page(stays)


def _needs(doc: Document) -> None:
    """Needs: literacy and medical only if shared; the SEN, or that it was withheld."""
    w.heading(doc, "The pupil's needs")
    needs = w.pairs_table(doc)
    w.conditional_rows(
        needs,
        "shared.sen",
        lambda table: w.pair_row(table, "Special educational needs", "{{ needs.sen_status }}\n{{ needs.send_needs }}"),
    )
    w.conditional_rows(
        needs, "not shared.sen", lambda table: w.pair_row(table, "Special educational needs", "{{ withheld_note }}")
    )
    w.conditional_rows(
        needs, "shared.literacy", lambda table: w.pair_row(table, "Reading and writing", "{{ needs.literacy|or_dash }}")
    )
    w.conditional_rows(
        needs, "shared.medical", lambda table: w.pair_row(table, "Medical needs", "{{ needs.medical_needs|or_dash }}")
    )

    # Pairs read side by side, in one row: it stays on one page (a row taller than a page still flows on).
    for condition, heading, (left, left_field), (right, right_field) in (
        (
            "shared.what_works",
            "What works and what to avoid",
            ("What works", "needs.what_works"),
            ("What to avoid", "needs.what_to_avoid"),
        ),
        (
            "shared.behaviour",
            "Behaviour: what to expect and what helps",
            ("Behaviours that challenge", "needs.behaviours_that_challenge"),
            ("Strategies that have worked", "needs.strategies_that_worked"),
        ),
    ):
        w.begin_if(doc, condition)
        w.heading(doc, heading)
        table = w.new_table(doc, (8.5, 8.5))
        header = w.column_headings(table, left, right)
        for cell in header.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        w.keep_row_together(w.add_row(table, f"{{{{ {left_field}|or_dash }}}}", f"{{{{ {right_field}|or_dash }}}}"))
        w.end_if(doc)

    w.begin_if(doc, "shared.interests")
    w.heading(doc, "Strengths and interests")
    interests = w.pairs_table(doc)
    w.pair_row(interests, "What the pupil is good at and enjoys", "{{ needs.aptitudes_interests|or_dash }}")
    w.end_if(doc)

    w.begin_if(doc, "shared.fsm")
    w.heading(doc, "Free school meals")
    doc.add_paragraph(
        "{% if fsm_eligible %}{{ pupil.display_name }} is eligible for free school meals: please agree with "
        "{{ commissioner.name }} how they get lunch on the days they are with you."
        "{% else %}{{ pupil.display_name }} is not eligible for free school meals.{% endif %}"
    )
    w.end_if(doc)


def _objectives_and_timetable(doc: Document) -> None:
    """Objectives and timetable."""
    w.heading(doc, "What the pupil is working towards")
    doc.add_paragraph(
        "The objectives agreed in the pupil's support plan. Please keep notes of progress towards them: "
        "we will ask for them at each review."
    ).paragraph_format.keep_with_next = True
    w.objectives_table(doc, "objectives", "Where the pupil is now", "How we will know")

    w.heading(doc, "Timetable")
    w.subheading(doc, "Sessions with you each week")
    sessions = w.new_table(doc, (5.0, 4.0, 4.0, 4.0))
    w.column_headings(sessions, "Day", "From", "To", "Hours")
    w.loop_rows(
        sessions,
        "s in sessions",
        ("{{ s.day }}", "{{ s.starts_at }}", "{{ s.ends_at }}", "{{ s.hours }}"),
        w.NONE_RECORDED,
    )
    total = w.add_row(
        sessions, "Hours a week with you", "", "", "{{ placement.hours_per_week }}", bold=(True, False, False, True)
    )
    w.shade(w.merge_cells(total, 0, 2), w.LABEL_FILL)
    w.keep_row_together(total)
    w.week_tables(doc, with_detail=False)
    w.subheading(doc, "Everything in the pupil's week, in every setting")
    interventions = w.new_table(doc, (6.6, 4.8, 2.6, 3.0))
    w.column_headings(interventions, "What", "Where", "Hours a week", "From")
    w.loop_rows(
        interventions,
        "i in interventions",
        ("{{ i.intervention_type }}", "{{ i.delivered_by }}", "{{ i.hours_per_week }}", "{{ i.start_date }}"),
        w.NONE_RECORDED,
    )


def _attendance(doc: Document) -> None:
    """Reporting attendance: twice a day, absences the same day, to whom, and how the register records it."""
    w.heading(doc, "Reporting attendance")
    attendance = w.pairs_table(doc)
    w.pair_row(
        attendance,
        "Twice a day",
        "Tell us every morning and every afternoon the pupil is due with you whether they are there.",
    )
    w.pair_row(
        attendance,
        "If the pupil is absent",
        "Phone us the same day, as soon as you know, if the pupil has not arrived, leaves early or is away for "
        "any reason.",
    )
    w.pair_row(
        attendance,
        "Who to tell",
        "{{ attendance.contact_name|or_dash }}\nPhone: {{ attendance.contact_phone|or_dash }}\n"
        "Email: {{ attendance.contact_email|or_dash }}",
    )
    w.pair_row(
        attendance,
        "How we record it",
        "We record the pupil's attendance at your sessions with code {{ attendance.register_code }}: "
        "{{ attendance.register_code_meaning }}, because {{ attendance.register_code_reason }}. Your reports are "
        "what keep our register right.",
    )
    w.conditional_rows(
        attendance,
        "attendance.arrangements",
        lambda table: w.pair_row(table, "Also agreed", "{{ attendance.arrangements }}"),
    )
    # How to report, whom to tell and how we record it are read together; what the plan adds (free
    # text, perhaps long) may start on the next page.
    for row in attendance.rows[:3]:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True


def _transport_contacts_and_reviews(doc: Document) -> None:
    """Transport (only when shared), emergency contacts and review dates."""
    w.begin_if(doc, "shared.transport")
    w.heading(doc, "Transport")
    transport = w.pairs_table(doc)
    w.pair_row(transport, "Getting to and from you", "{{ transport|or_dash }}")
    w.end_if(doc)

    w.heading(doc, "Emergency contacts")
    contacts = w.new_table(doc, (6.0, 4.6, 6.4))
    w.column_headings(contacts, "Name", "Relationship to the pupil", "Phone")
    w.loop_rows(
        contacts,
        "e in emergency_contacts",
        ("{{ e.name }}", "{{ e.relationship }}", "{{ e.phone }}"),
        w.NONE_RECORDED,
    )
    w.conditional_rows(
        contacts,
        "other_emergency_contacts",
        lambda table: w.wide_row(table, "Other contacts", "{{ other_emergency_contacts }}"),
    )

    w.heading(doc, "Review dates")
    doc.add_paragraph(
        "The placement is reviewed at least every half term. You will be invited: please bring your attendance "
        "records and notes on progress."
    ).paragraph_format.keep_with_next = True
    reviews = w.new_table(doc, (3.6, 4.9, 3.6, 4.9))
    w.label_value_rows(
        reviews,
        (
            (
                "First review",
                "{{ reviews.first_review_date|or_dash }}",
                "Next review",
                "{{ reviews.next_review_date|or_dash }}",
            ),
        ),
    )
    w.wide_row(
        reviews,
        "Reviews held so far",
        "{%p for r in reviews.held %}\n"
        "Review {{ r.number }}: {{ r.meeting_date }}\n"
        "{%p else %}\n"
        "None yet\n"
        "{%p endfor %}",
    )
    w.keep_table_on_one_page(reviews)

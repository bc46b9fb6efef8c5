"""The default AP Support Plan template (the Oxfordshire commissioning guidance's Appendix A): its Initial referral,
Assessment of need and Support plan parts, then the changes agreed at reviews when there are any, and the
agreement and signatures.
"""

from __future__ import annotations

from docx import Document
from docx.shared import Cm
from docx.table import Table

from templates_docx import word as w


def build() -> Document:
    doc = w.new_document(
        "Alternative Provision Support Plan",
        "Appendix A: personalised plan for a pupil in alternative provision",
        "AP Support Plan",
    )
    intro = doc.add_paragraph()
    intro.add_run("Appendix A: personalised plan for ").italic = True
    intro.add_run("{{ pupil.display_name }}").bold = True
    intro.add_run(". Version {{ document.version }}, produced on {{ document.generated_on }}.").italic = True
    intro.add_run("{% if not agreement.agreed %} Draft: this plan has not been agreed yet.{% endif %}").bold = True

    for section in (
        _initial_referral,
        _the_placement,
        _assessment_of_need,
        _support_plan,
        _changes_agreed_at_reviews,
        _checks_overridden,
        _agreement_and_signatures,
    ):
        section(doc)
    return doc


def _initial_referral(doc: Document) -> None:
    """Initial referral: the child or young person, the planning meeting, and the parents' and carers' details."""
    w.heading(doc, "Initial referral")
    w.subheading(doc, "Child / young person")
    child = w.new_table(doc, (3.6, 4.9, 3.6, 4.9))
    w.pupil_rows(child)
    w.label_value_rows(
        child,
        (
            ("UPN", "{{ pupil.upn }}", "Date of the planning meeting", "{{ referral.planning_meeting_date }}"),
            ("School", "{{ pupil.school }}", "Commissioned by", "{{ commissioner.name }}"),
            ("School rep", "{{ referral.school_rep }}", "Alternative provider rep", "{{ referral.provider_rep }}"),
            (
                "SEN status",
                w.if_shared("sen", "{{ pupil.sen_status }}"),
                "Safeguarding status",
                w.if_shared("safeguarding_status", "{{ pupil.safeguarding_status }}"),
            ),
            (
                "Looked after",
                "{{ pupil.looked_after|yes_no }}",
                "Free school meals",
                w.if_shared("fsm", "{{ pupil.fsm_eligible|yes_no }}"),
            ),
        ),
    )
    w.wide_row(
        child,
        "Parents / carers taking part",
        "{%p for p in referral.parents %}\n"
        "{{ p.name }}{% if p.relationship %} ({{ p.relationship }}){% endif %}\n"
        "{%p else %}\n"
        "\n"  # none recorded yet: an empty paragraph, since a table cell must hold one
        "{%p endfor %}",
    )
    w.wide_row(child, "Other professionals", "{{ referral.other_professionals }}")

    w.subheading(doc, "Parents / carers: contact details")
    parents = w.new_table(doc, (3.0, 2.8, 4.2, 4.0, 3.0))
    w.column_headings(parents, "Name", "Relationship", "Phone and email", "Address", "Parental responsibility")
    w.loop_rows(
        parents,
        "p in parents",
        (
            "{{ p.name }}",
            "{{ p.relationship }}",
            "{{ p.phone }}\n{{ p.email }}",
            "{{ p.address }}",
            "{{ p.parental_responsibility|yes_no }}",
        ),
        w.NONE_RECORDED,
    )


def _the_placement(doc: Document) -> None:
    """The placement (still part of the initial referral): the provider, dates, who decides, the weekly timetable."""
    w.subheading(doc, "The placement")
    placement = w.new_table(doc, (3.6, 4.9, 3.6, 4.9))
    w.label_value_rows(
        placement,
        (
            ("Alternative provider", "{{ provider.name }}", "Address", "{{ provider.address }}"),
            (
                "Placement contact",
                "{{ provider.contact_name }}\n{{ provider.contact_role }}",
                "Contact details",
                "{{ provider.contact_phone }}\n{{ provider.contact_email }}",
            ),
            (
                "Designated safeguarding lead",
                "{{ provider.dsl_name }}\n{{ provider.dsl_phone }}",
                "Deputy DSL",
                "{{ provider.deputy_dsl_name }}\n{{ provider.deputy_dsl_phone }}",
            ),
            ("Planned start", "{{ placement.planned_start }}", "Planned end", "{{ placement.planned_end }}"),
            ("Actual start", "{{ placement.actual_start }}", "Actual end", "{{ placement.actual_end }}"),
            ("Pupil's circumstances", "{{ placement.circumstance }}", "Status", "{{ placement.status }}"),
            ("Who decides", "{{ placement.decision_maker }}", "Agreed by", "{{ placement.decided_by }}"),
        ),
    )
    w.subheading(doc, "Weekly timetable at the provider")
    sessions = w.new_table(doc, (5.0, 4.0, 4.0, 4.0))
    w.column_headings(sessions, "Day", "From", "To", "Hours")
    w.loop_rows(
        sessions,
        "s in sessions",
        ("{{ s.day }}", "{{ s.starts_at }}", "{{ s.ends_at }}", "{{ s.hours }}"),
        w.NONE_RECORDED,
    )
    total = w.add_row(
        sessions,
        "Hours a week at the provider",
        "",
        "",
        "{{ placement.hours_per_week }}",
        bold=(True, False, False, True),
    )
    w.shade(w.merge_cells(total, 0, 2), w.LABEL_FILL)
    w.week_tables(doc, with_detail=True)


def _assessment_of_need(doc: Document) -> None:
    """Assessment of need."""
    w.heading(doc, "Assessment of need")
    need = w.new_table(doc, (3.6, 8.2, 5.2))
    # The child's and the parents' views are always on the plan: a dash, never a blank, when not given.
    w.answer_block(need, "Child's views", "{{ assessment.child_views|or_dash }}")
    w.answer_block(need, "Parental views and relevant home background", "{{ assessment.parental_views|or_dash }}")
    w.answer_block(need, "Academic progress including barriers to learning", "{{ assessment.academic_progress }}")
    risks_heading = w.add_row(
        need, "Risks identified, e.g. leaving site", "", "Is a separate risk assessment required?"
    )
    w.merge_cells(risks_heading, 0, 1)
    for cell in (risks_heading.cells[0], risks_heading.cells[2]):
        w.label_cell(cell)
    w.keep_row_together(risks_heading)
    risks_heading.cells[0].paragraphs[0].paragraph_format.keep_with_next = True
    risks = w.add_row(
        need,
        w.if_shared("risks", "{{ assessment.risks }}"),
        "",
        w.if_shared("risks", "{{ assessment.separate_risk_assessment }}"),
    )
    w.merge_cells(risks, 0, 1)
    w.min_height(risks, Cm(1.6))
    _risk_assessment_rows(need)
    w.answer_block(need, "Reason for referral", "{{ assessment.reason_for_referral }}")
    outcomes = w.add_row(need, "Desired outcomes", "", "", fills=[w.LABEL_FILL] * 3, bold=(True,))
    w.merge_cells(outcomes, 0, 2).paragraphs[0].paragraph_format.keep_with_next = True
    w.keep_row_together(outcomes)
    for area, label in (
        ("attendance", "Attendance"),
        ("attitude", "Attitude"),
        ("attainment", "Attainment"),
        ("behaviour", "Behaviour"),
        ("destination", "Destination"),
    ):
        w.wide_row(need, label, f"{{{{ assessment.desired_outcomes.{area} }}}}", height=0.9)


def _risk_assessment_rows(need: Table) -> None:
    """Whether the plan identifies risks, the joint risk assessment with the provider and the provider's
    health-and-safety check (rules.plan_requirements), kept out with the risks when those are."""
    ra = "assessment.risk_assessment"
    identified = w.add_row(
        need, "Risks identified?", w.if_shared("risks", f"{{{{ {ra}.risks_identified }}}}"), "", fills=(w.LABEL_FILL,)
    )
    w.label_cell(identified.cells[0])
    w.merge_cells(identified, 1, 2)
    w.keep_row_together(identified)
    joint = w.add_row(
        need,
        "Joint risk assessment with the provider",
        w.if_shared("risks", f"{{{{ {ra}.joint_assessment_date }}}}\n{{{{ {ra}.joint_assessment_by }}}}"),
        w.if_shared("risks", f"Separate assessment attached: {{{{ {ra}.joint_assessment_attached }}}}"),
    )
    w.label_cell(joint.cells[0])
    w.keep_row_together(joint)
    check = w.add_row(
        need,
        "Provider's health-and-safety check",
        w.if_shared("risks", f"{{{{ {ra}.health_safety_check_date }}}}"),
        w.if_shared("risks", f"{{{{ {ra}.health_safety_outcome }}}}"),
    )
    w.label_cell(check.cells[0])
    w.keep_row_together(check)


def _ehcp_outcomes(doc: Document) -> None:
    """The EHCP outcome each objective serves: only when the plan names one (a pupil with an EHCP)."""
    doc.add_paragraph("{%p if support.objectives|selectattr('ehcp_outcome')|list %}")
    w.subheading(doc, "EHCP outcomes the objectives serve")
    outcomes = w.new_table(doc, (8.5, 8.5))
    w.column_headings(outcomes, "Objective", "EHCP outcome it serves")
    w.loop_rows(
        outcomes,
        "o in support.objectives if o.ehcp_outcome",
        ("{{ o.objective }}", "{{ o.ehcp_outcome }}"),
        w.NONE_RECORDED,
    )
    doc.add_paragraph("{%p endif %}")


def _support_plan(doc: Document) -> None:
    """Support plan."""
    w.heading(doc, "Support plan")
    w.subheading(doc, "Objectives")
    w.objectives_table(doc, "support.objectives", "Baseline: where the pupil is now", "Measured by")
    _ehcp_outcomes(doc)
    w.subheading(doc, "Interventions")
    interventions = w.new_table(doc, (6.6, 4.8, 2.6, 3.0))
    w.column_headings(interventions, "Intervention type", "Delivered by", "Hours a week", "Start date")
    w.loop_rows(
        interventions,
        "i in support.interventions",
        ("{{ i.type }}", "{{ i.delivered_by }}", "{{ i.hours }}", "{{ i.start_date }}"),
        w.NONE_RECORDED,
    )
    w.spacer(doc)
    package = w.new_table(doc, (4.6, 3.9, 4.6, 3.9))
    w.label_value_rows(
        package,
        (
            (
                "Total hours a week, all settings",
                "{{ support.total_hours }}",
                "Hours a week at the alternative provider",
                "{{ support.hours_at_provider }}",
            ),
        ),
    )
    w.wide_row(
        package,
        "Full time?",
        "{% if support.total_hours %}{{ support.full_time|yes_no }}. {% endif %}"
        "Full time is {{ support.full_time_hours }} hours a week across all settings.",
    )

    def part_time(table: Table) -> None:
        w.wide_row(table, "Why the package is below full time", "{{ support.part_time_reason }}")
        w.wide_row(table, "Detail", "{{ support.part_time_detail }}")

    w.conditional_rows(package, "not support.full_time", part_time)
    w.spacer(doc)
    plan = w.new_table(doc, (11.5, 5.5))
    w.answer_block(
        plan,
        "How will the home school maintain links with the child / young person and parents?\n"
        "Shared time in school, in-person visits, review meetings, phone calls?",
        "{{ support.school_links }}",
    )
    w.answer_block(plan, "Arrangements to report and monitor attendance", "{{ support.attendance_arrangements }}")
    w.answer_block(
        plan,
        "Agreed actions\nOther referrals? Special transition arrangements?",
        "{{ support.agreed_actions }}",
    )
    review = w.add_row(plan, "Review meeting date", "{{ support.review_meeting_date }}", fills=(w.LABEL_FILL, None))
    review.cells[0].paragraphs[0].runs[0].bold = True
    w.keep_row_together(review)
    _off_site_direction_row(plan)


def _off_site_direction_row(plan: Table) -> None:
    """Whether the pupil is directed off site, and the maximum duration agreed for the direction."""
    direction = w.add_row(
        plan,
        "Off-site direction by the governing body",
        "{{ support.off_site_direction }}{% if support.off_site_max_weeks %}: for at most "
        "{{ support.off_site_max_weeks }} weeks, to {{ support.off_site_until }}{% endif %}",
        fills=(w.LABEL_FILL, None),
    )
    direction.cells[0].paragraphs[0].runs[0].bold = True
    w.keep_row_together(direction)


def _changes_agreed_at_reviews(doc: Document) -> None:
    """Changes agreed at reviews: only once a review has changed the plan."""
    doc.add_paragraph("{%p if reviews %}")
    w.heading(doc, "Changes agreed at reviews")
    changes = w.new_table(doc, (2.6, 3.6, 3.6, 4.0, 3.2))
    w.column_headings(
        changes,
        "Review",
        "Changes to the assessed need",
        "Changes to desired outcomes or timescales",
        "Changes to the support plan, including reintegration",
        "Extension",
    )
    w.loop_rows(
        changes,
        "r in reviews",
        (
            "Review {{ r.number }}\n{{ r.meeting_date }}",
            "{{ r.changes_to_need|or_dash }}",
            "{{ r.changes_to_outcomes|or_dash }}",
            "{{ r.changes_to_plan|or_dash }}",
            "{{ r.extension_agreed|yes_no }}{% if r.new_end_date %}\nNew finish date: {{ r.new_end_date }}{% endif %}",
        ),
        w.NONE_RECORDED,
    )
    doc.add_paragraph("{%p endif %}")


def _checks_overridden(doc: Document) -> None:
    """Checks overridden: only when a senior leader set a blocking check aside, each with its reason, who and when."""
    doc.add_paragraph("{%p if overrides %}")
    w.heading(doc, "Checks overridden")
    doc.add_paragraph("A senior leader overrode these checks so that the plan could be agreed.")
    table = w.new_table(doc, (3.4, 4.6, 4.6, 2.6, 2.2))
    w.column_headings(table, "Check", "What it said", "Reason", "Overridden by", "On")
    w.loop_rows(
        table,
        "o in overrides",
        (
            "{{ o.check }}",
            "{{ o.what|or_dash }}",
            "{{ o.reason }}{% if o.reported %}\n{{ o.reported }}.{% endif %}",
            "{{ o.by }}",
            "{{ o.on }}",
        ),
        w.NONE_RECORDED,
    )
    doc.add_paragraph("{%p endif %}")


def _agreement_and_signatures(doc: Document) -> None:
    """Agreement and signatures."""
    w.heading(doc, "Agreement and signatures")
    agreement = w.new_table(doc, (4.2, 4.3, 4.2, 4.3))
    w.label_value_rows(
        agreement,
        (
            (
                "Plan agreed",
                "{{ agreement.agreed|yes_no }}{% if agreement.agreed_on %}, on {{ agreement.agreed_on }}{% endif %}",
                "Agreement recorded by",
                "{{ agreement.agreed_by }}",
            ),
        ),
    )
    w.conditional_rows(
        agreement,
        "agreement.registration_override_reason",
        lambda table: w.wide_row(
            table,
            "Agreed despite the registration warning, because",
            "{{ agreement.registration_override_reason }}",
        ),
    )
    # The agreement, this sentence and the whole signature table stay on one page.
    w.keep_table_on_one_page(agreement, with_next=True)
    w.spacer(doc).paragraph_format.keep_with_next = True
    doc.add_paragraph("We agree this plan and will review it on the date above.").paragraph_format.keep_with_next = True
    signatures = w.new_table(doc, (4.2, 4.8, 5.0, 3.0))
    w.column_headings(signatures, "", "Name", "Signature", "Date")
    for key in ("parent_carer", "school_representative", "provider_representative"):
        row = w.add_row(
            signatures,
            f"{{{{ signatures.{key}.role }}}}",
            f"{{{{ signatures.{key}.name }}}}",
            f"{{{{ signatures.{key}.signature_image }}}}{{{{ signatures.{key}.typed_signature }}}}",
            f"{{{{ signatures.{key}.signed_on }}}}",
            fills=(w.LABEL_FILL,),
            bold=(True,),
        )
        w.min_height(row, Cm(1.5))
        w.keep_row_together(row)
    w.keep_table_on_one_page(signatures)

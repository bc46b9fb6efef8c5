"""Initial schema: organisations, users, pupils and parents, providers, placements, audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("school", "local_authority", "provider", name="organisationkind", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "la_team",
            sa.Enum(
                "sen",
                "access_to_learning",
                "virtual_school",
                "hospital_school",
                name="localauthorityteam",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("urn", sa.String(length=10), nullable=True),
        sa.Column("la_code", sa.String(length=3), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("dfe_registered", sa.Boolean(), nullable=False),
        sa.Column("urn", sa.String(length=10), nullable=True),
        sa.Column("ukprn", sa.String(length=8), nullable=True),
        sa.Column(
            "ofsted_grade",
            sa.Enum(
                "outstanding",
                "good",
                "requires_improvement",
                "inadequate",
                "not_inspected",
                name="ofstedgrade",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("ofsted_date", sa.Date(), nullable=True),
        sa.Column(
            "approved_list_status",
            sa.Enum(
                "approved", "pending", "not_on_list", "removed", name="approvedliststatus", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("dsl_name", sa.String(length=200), nullable=False),
        sa.Column("dsl_phone", sa.String(length=40), nullable=False),
        sa.Column("dsl_training_date", sa.Date(), nullable=True),
        sa.Column("deputy_dsl_name", sa.String(length=200), nullable=False),
        sa.Column("deputy_dsl_phone", sa.String(length=40), nullable=False),
        sa.Column("deputy_dsl_training_date", sa.Date(), nullable=True),
        sa.Column("vetting_confirmed", sa.Boolean(), nullable=False),
        sa.Column("vetting_confirmed_on", sa.Date(), nullable=True),
        sa.Column("insurance_expiry", sa.Date(), nullable=True),
        sa.Column(
            "qa_outcome",
            sa.Enum(
                "satisfactory",
                "actions_required",
                "unsatisfactory",
                "not_yet_assessed",
                name="qaoutcome",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("qa_date", sa.Date(), nullable=True),
        sa.Column("services_offered", sa.Text(), nullable=False),
        sa.Column("subjects_offered", sa.Text(), nullable=False),
        sa.Column("hours_available_per_week", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("availability_notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_providers_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
        sa.UniqueConstraint("urn", name=op.f("uq_providers_urn")),
    )
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_providers_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "pupils",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("legal_first_name", sa.String(length=100), nullable=False),
        sa.Column("legal_last_name", sa.String(length=100), nullable=False),
        sa.Column("preferred_name", sa.String(length=100), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("upn", sa.String(length=13), nullable=True),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column(
            "sen_status",
            sa.Enum("none", "sen_support", "ehcp", name="senstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("looked_after", sa.Boolean(), nullable=False),
        sa.Column("fsm_eligible", sa.Boolean(), nullable=False),
        sa.Column(
            "safeguarding_status",
            sa.Enum(
                "none_known",
                "early_help",
                "child_in_need",
                "child_protection_plan",
                name="safeguardingstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("year_group_override", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_pupils_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["school_id"], ["organisations.id"], name=op.f("fk_pupils_school_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pupils")),
        sa.UniqueConstraint("organisation_id", "upn", name="uq_pupils_organisation_upn"),
    )
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pupils_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "commissioner", "provider_staff", "viewer", name="role", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_users_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_audit_events_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audit_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_events_entity", ["entity_type", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_user_id"), ["user_id"], unique=False)

    op.create_table(
        "parent_carers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relationship_to_pupil", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("parental_responsibility", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pupil_id"], ["pupils.id"], name=op.f("fk_parent_carers_pupil_id_pupils"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_carers")),
    )
    with op.batch_alter_table("parent_carers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parent_carers_pupil_id"), ["pupil_id"], unique=False)

    op.create_table(
        "placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("commissioning_organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "circumstance",
            sa.Enum(
                "on_roll",
                "permanently_excluded",
                "no_school_place",
                "medical",
                name="circumstance",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "decision_maker",
            sa.Enum(
                "school_senior_leadership",
                "local_authority_annual_review",
                "local_authority_access_to_learning",
                "local_authority_sen_team",
                "health_and_local_authority",
                name="decisionmaker",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "referred",
                "agreed",
                "active",
                "under_review",
                "ended",
                "cancelled",
                name="placementstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("reason_for_referral", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commissioning_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_placements_commissioning_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_placements_created_by_id_users")),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"], name=op.f("fk_placements_provider_id_providers")),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupils.id"], name=op.f("fk_placements_pupil_id_pupils")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_placements_commissioning_organisation_id"), ["commissioning_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_placements_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_pupil_id"), ["pupil_id"], unique=False)

    op.create_table(
        "provider_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("is_placement_contact", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_contacts_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_contacts")),
    )
    with op.batch_alter_table("provider_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_contacts_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "provider_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column(
            "criterion",
            sa.Enum(
                "relevant_experience",
                "local_capacity",
                "references",
                "financial_integrity",
                "safeguarding_standards",
                "relevant_services",
                "record_keeping",
                name="approvalcriterion",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("evidence_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_criteria_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_criteria")),
        sa.UniqueConstraint("provider_id", "criterion", name="uq_provider_criteria_provider_criterion"),
    )
    with op.batch_alter_table("provider_criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_criteria_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "provider_sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_provider_sites_provider_id_providers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_sites")),
    )
    with op.batch_alter_table("provider_sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_sites_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "placement_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_placement_sessions_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_sessions")),
    )
    with op.batch_alter_table("placement_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_sessions_placement_id"), ["placement_id"], unique=False)

    op.create_table(
        "placement_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "draft",
                "referred",
                "agreed",
                "active",
                "under_review",
                "ended",
                "cancelled",
                name="placementstatus",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "draft",
                "referred",
                "agreed",
                "active",
                "under_review",
                "ended",
                "cancelled",
                name="placementstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_placement_status_changes_changed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_placement_status_changes_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_status_changes")),
    )
    with op.batch_alter_table("placement_status_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_status_changes_placement_id"), ["placement_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("placement_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_status_changes_placement_id"))

    op.drop_table("placement_status_changes")
    with op.batch_alter_table("placement_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_sessions_placement_id"))

    op.drop_table("placement_sessions")
    with op.batch_alter_table("provider_sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_sites_provider_id"))

    op.drop_table("provider_sites")
    with op.batch_alter_table("provider_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_criteria_provider_id"))

    op.drop_table("provider_criteria")
    with op.batch_alter_table("provider_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_contacts_provider_id"))

    op.drop_table("provider_contacts")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placements_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_placements_provider_id"))
        batch_op.drop_index(batch_op.f("ix_placements_commissioning_organisation_id"))

    op.drop_table("placements")
    with op.batch_alter_table("parent_carers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parent_carers_pupil_id"))

    op.drop_table("parent_carers")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_organisation_id"))
        batch_op.drop_index("ix_audit_events_entity")
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_organisation_id"))

    op.drop_table("users")
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pupils_organisation_id"))

    op.drop_table("pupils")
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_providers_organisation_id"))

    op.drop_table("providers")
    op.drop_table("organisations")

"""Provider records owned by one organisation; the placement contact each other organisation has confirmed.

Existing records get an owner: the organisation of the commissioner who added the provider (from the audit
trail), else the organisation with most placements there, else the first local authority, else the first
school. Every organisation already placing pupils with a provider it does not own is taken to have confirmed
the placement contact it has been sending to, so nothing already due is held by the upgrade itself.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.add_column(sa.Column("owner_organisation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_providers_owner_organisation_id_organisations"),
            "organisations",
            ["owner_organisation_id"],
            ["id"],
        )
        batch.create_index(batch.f("ix_providers_owner_organisation_id"), ["owner_organisation_id"], unique=False)
    op.create_table(
        "provider_contact_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_provider_contact_confirmations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_contact_confirmations_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_provider_contact_confirmations_confirmed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_contact_confirmations")),
        sa.UniqueConstraint("organisation_id", "provider_id", name="uq_provider_contact_confirmations_org_provider"),
    )
    with op.batch_alter_table("provider_contact_confirmations") as batch:
        batch.create_index(
            batch.f("ix_provider_contact_confirmations_organisation_id"), ["organisation_id"], unique=False
        )
        batch.create_index(batch.f("ix_provider_contact_confirmations_provider_id"), ["provider_id"], unique=False)
    _backfill(op.get_bind())


def _backfill(connection: sa.engine.Connection) -> None:
    providers = connection.execute(sa.text("SELECT id FROM providers ORDER BY id")).scalars().all()
    if not providers:
        return
    creators = dict(
        connection.execute(
            sa.text(
                "SELECT entity_id, MIN(organisation_id) FROM audit_events "
                "WHERE entity_type = 'provider' AND action = 'create' AND organisation_id IS NOT NULL "
                "GROUP BY entity_id"
            )
        ).all()
    )
    busiest: dict[int, int] = {}
    for provider_id, organisation_id, _count in connection.execute(
        sa.text(
            "SELECT provider_id, commissioning_organisation_id, COUNT(*) AS n FROM placements "
            "GROUP BY provider_id, commissioning_organisation_id ORDER BY provider_id, n DESC, "
            "commissioning_organisation_id"
        )
    ).all():
        busiest.setdefault(provider_id, organisation_id)
    fallback = connection.execute(
        sa.text(
            "SELECT id FROM organisations WHERE kind IN ('local_authority', 'school') "
            "ORDER BY CASE kind WHEN 'local_authority' THEN 0 ELSE 1 END, id LIMIT 1"
        )
    ).scalar()
    for provider_id in providers:
        owner = creators.get(provider_id) or busiest.get(provider_id) or fallback
        if owner is not None:
            connection.execute(
                sa.text("UPDATE providers SET owner_organisation_id = :owner WHERE id = :id"),
                {"owner": owner, "id": provider_id},
            )

    # What each other organisation has been sending to: the contact marked for placements with an address,
    # else the first contact with an address (the rule the packs have always used).
    contacts = connection.execute(
        sa.text(
            "SELECT provider_id, email, is_placement_contact FROM provider_contacts WHERE email <> '' "
            "ORDER BY provider_id, id"
        )
    ).all()
    address: dict[int, str] = {}
    for provider_id, email, marked in contacts:
        if marked and provider_id not in address:
            address[provider_id] = email
    for provider_id, email, _marked in contacts:
        address.setdefault(provider_id, email)
    now = datetime.now(UTC).replace(tzinfo=None)
    pairs = connection.execute(
        sa.text(
            "SELECT DISTINCT pl.commissioning_organisation_id, pl.provider_id FROM placements pl "
            "JOIN providers p ON p.id = pl.provider_id "
            "WHERE p.owner_organisation_id IS NULL OR p.owner_organisation_id <> pl.commissioning_organisation_id"
        )
    ).all()
    for organisation_id, provider_id in pairs:
        if provider_id in address:
            connection.execute(
                sa.text(
                    "INSERT INTO provider_contact_confirmations (organisation_id, provider_id, email, confirmed_at) "
                    "VALUES (:organisation_id, :provider_id, :email, :now)"
                ),
                {
                    "organisation_id": organisation_id,
                    "provider_id": provider_id,
                    "email": address[provider_id],
                    "now": now,
                },
            )


def downgrade() -> None:
    op.drop_table("provider_contact_confirmations")
    with op.batch_alter_table("providers") as batch:
        batch.drop_index(batch.f("ix_providers_owner_organisation_id"))
        batch.drop_constraint(batch.f("fk_providers_owner_organisation_id_organisations"), type_="foreignkey")
        batch.drop_column("owner_organisation_id")

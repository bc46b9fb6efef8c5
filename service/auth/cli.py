"""``apdocs create-user``: an account made from the command line, for the first admin of a new organisation."""

from __future__ import annotations

import click
import sqlalchemy as sa

from service.app import create_app
from service.auth import services as accounts
from service.auth.services import MIN_PASSWORD_LENGTH
from service.extensions import db
from service.organisations.models import Organisation
from service.rules.organisations import OrganisationKind
from service.rules.roles import Role


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "commissioner", "provider_staff", "viewer"]), required=True)
@click.option("--organisation", "organisation_name", required=True, help="Name of an existing organisation.")
@click.option(
    "--create-organisation",
    type=click.Choice(["school", "local_authority", "provider"]),
    help="Create the organisation with this kind if it does not exist.",
)
@click.password_option()
def create_user(
    email: str, name: str, role: str, organisation_name: str, create_organisation: str | None, password: str
) -> None:
    """Create an account (for the first admin of a new organisation, for example)."""

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"The password must be at least {MIN_PASSWORD_LENGTH} characters")
    app = create_app()
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation_name))
        if organisation is None:
            if not create_organisation:
                raise click.ClickException("No organisation has that name; add --create-organisation KIND")
            organisation = Organisation(name=organisation_name, kind=OrganisationKind(create_organisation))
            db.session.add(organisation)
            db.session.flush()
        try:
            user = accounts.create_user(
                organisation, accounts.AccountDetails(name=name, email=email, role=Role(role), password=password), None
            )
        except accounts.AccountError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
        click.echo(f"Created account {user.id} ({user.role.label}) in {organisation.name}.")


#: The commands this module adds to ``apdocs``.
COMMANDS: tuple[click.Command, ...] = (create_user,)

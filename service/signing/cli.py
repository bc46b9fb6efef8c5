"""``apdocs verify``: check a sealed PDF against this installation's certificates and records."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service.app import create_app
from service.signing import verification
from service.signing.sealing import SealingError


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    """Check a sealed PDF: exit 0 when it is intact and sealed by this installation, 1 when not. Says which
    placement and version it is, and who signed, from this installation's database."""
    app = create_app()
    with app.app_context():
        try:
            result = verification.check(file.read_bytes(), everything=True)
        except SealingError as error:
            raise click.ClickException(error.message) from error
        for line in verification.describe(result):
            click.echo(line)
    if not result.verification.ok:
        sys.exit(1)


#: The commands this module adds to ``apdocs``.
COMMANDS: tuple[click.Command, ...] = (verify,)

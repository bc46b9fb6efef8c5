"""``apdocs send-packs``: send the provider packs that are due now, without waiting for the worker's hourly run."""

from __future__ import annotations

import click

from service.app import create_app
from service.provider_packs.jobs import send_due_packs_now


@click.command("send-packs")
@click.option("--today", default=None, type=click.DateTime(formats=["%Y-%m-%d"]), help="Defaults to today.")
def send_packs(today: object) -> None:
    """Send the provider packs whose send date has come (the worker does this every hour by itself)."""
    app = create_app()
    with app.app_context():
        count = send_due_packs_now(today.date() if today is not None else None)  # type: ignore[attr-defined]
    click.echo(f"{count} provider pack(s) sent")


#: The commands this module adds to ``apdocs``.
COMMANDS: tuple[click.Command, ...] = (send_packs,)

"""The ``apdocs`` command: set up, load demo data, manage accounts, serve, import pupils.

Each feature declares its commands in its own ``cli`` module (its ``COMMANDS``); ``COMMAND_MODULES`` lists them
once here, as ``register_blueprints`` lists the blueprints.
"""

from __future__ import annotations

import importlib

import click

#: Each command, and the module that declares it. Why by name, imported when the command runs: each module
#: imports its feature, and importing them all takes seconds (the app's views, pyHanko, docxtpl) that
#: ``apdocs init``, run by every ``make run``, has no use for. ``apdocs --help`` imports them all.
COMMAND_MODULES = {
    "init": "service.schema",
    "serve": "service.server",
    "worker": "service.server",
    "demo": "service.demo.cli",
    "create-user": "service.auth.cli",
    "import-pupils": "service.pupils.cli",
    "send-packs": "service.provider_packs.cli",
    "verify": "service.signing.cli",
    "check-template": "service.documents.cli",
    "render": "service.documents.cli",
}


class FeatureCommands(click.Group):
    """The ``apdocs`` group: its commands come from the features' ``cli`` modules in ``COMMAND_MODULES``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMAND_MODULES:
            return None
        module = importlib.import_module(COMMAND_MODULES[cmd_name])
        return next(command for command in module.COMMANDS if command.name == cmd_name)


@click.group(cls=FeatureCommands)
def main() -> None:
    """apdocs: alternative provision placements, documented."""


if __name__ == "__main__":
    main()

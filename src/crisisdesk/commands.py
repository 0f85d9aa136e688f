"""The base of crisisdesk's management commands: refusals end as one line, `crisisdesk: …`.

Django prints a `CommandError` as "CommandError: …". Run from the `crisisdesk` console command,
our commands raise `CommandFailed` instead, which `crisisdesk.cli.main` prints as
"crisisdesk: …" with the error's exit code, like every other refusal of the CLI.
`call_command` (tests, other code) still gets the `CommandError` itself.
"""

from django.core.management.base import BaseCommand as DjangoBaseCommand
from django.core.management.base import CommandError, SystemCheckError

__all__ = ["BaseCommand", "CommandError", "CommandFailed"]


class CommandFailed(Exception):
    """A command's refusal on its way to the console: one line and an exit code."""

    def __init__(self, message: str, returncode: int = 1):
        super().__init__(message)
        self.message = message
        self.returncode = returncode


class BaseCommand(DjangoBaseCommand):
    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback") \
                    or isinstance(exc, SystemCheckError):
                raise
            raise CommandFailed(str(exc), exc.returncode) from None

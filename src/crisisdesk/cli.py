"""The `crisisdesk` console command: Django's management commands, with one-line errors."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisisdesk.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["crisisdesk", *args])
    except KeyboardInterrupt:
        print("crisisdesk: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the CLI's edge: one readable line, never a traceback.
        from crisisdesk.commands import CommandFailed
        from crisisdesk.errors import DomainError

        if isinstance(exc, CommandFailed):
            print(f"crisisdesk: {exc.message}", file=sys.stderr)
            sys.exit(exc.returncode)
        if isinstance(exc, DomainError):
            print(f"crisisdesk: {exc.detail}", file=sys.stderr)
            sys.exit(1)
        if os.environ.get("CRISISDESK_TRACEBACK"):
            raise
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"crisisdesk: {type(exc).__name__}: {message}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

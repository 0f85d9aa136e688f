from django.apps import AppConfig
from django.core import checks


class NoticesConfig(AppConfig):
    name = "crisisdesk.notices"

    def ready(self):
        from crisisdesk.ledger.writer import on_event
        from crisisdesk.notices.actions import on_ledger_event

        on_event(on_ledger_event)
        checks.register(smtp_check, "notices")


STARTUP_COMMANDS = (["runserver"], ["check"], ["notices", "worker"])


def smtp_check(app_configs=None, **kwargs):
    """Report an absent or wrong SMTP configuration at start-up: runserver, `check`, the notices worker.

    Other commands run the system checks too; they stay quiet, so that their one-line output is kept.
    """
    import sys

    from crisisdesk.notices import mailer

    started = any(sys.argv[1:1 + len(command)] == command for command in STARTUP_COMMANDS)
    if kwargs.get("force") is not True and not started:
        return []
    return [checks.Warning(problem, hint="set EMAIL_ENABLED, EMAIL_HOST, EMAIL_PORT and DEFAULT_FROM_EMAIL",
                           id="notices.W001") for problem in mailer.problems()]

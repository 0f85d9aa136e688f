from django.core.management.base import BaseCommand

from crisisdesk.decisions.actions import decisions_settle_due


class Command(BaseCommand):
    help = "Settle decisions whose deadline has passed (run every minute by a timer)."

    def handle(self, *args, **options):
        for decision in decisions_settle_due():
            self.stdout.write(f"decision {decision.pk} on {decision.case.ref}: {decision.outcome}")

from crisisdesk.commands import BaseCommand
from crisisdesk.decisions.actions import decisions_settle_due


class Command(BaseCommand):
    help = ("Settle decisions whose deadline has passed and raise alarms for overdue situation reports "
            "(run every minute by a timer).")

    def handle(self, *args, **options):
        from crisisdesk.sitreps.actions import check_overdue

        for decision in decisions_settle_due():
            self.stdout.write(f"decision {decision.pk} on {decision.case.ref}: {decision.outcome}")
        for alarm in check_overdue(actor="tick"):
            self.stdout.write(f"alarm: {alarm.source} on {alarm.case.ref} is overdue since {alarm.due_at:%Y-%m-%d %H:%M}Z")

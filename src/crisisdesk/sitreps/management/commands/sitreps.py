"""crisisdesk sitreps check-overdue|cadence: reporting cadence from the command line (run from a timer)."""

from crisisdesk import clock
from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.errors import DomainError


class Command(BaseCommand):
    help = "Situation reports: raise alarms for overdue reports, set a source's cadence."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check-overdue", help="raise an alarm and a ledger event for each overdue source")
        check.add_argument("--case", help="only this case (reference)")
        check.add_argument("--at", help="check as of this instant (ISO 8601 with zone), e.g. in an exercise")
        cadence = sub.add_parser("cadence", help="set how often a source must report on a case")
        cadence.add_argument("case")
        cadence.add_argument("source")
        cadence.add_argument("every_hours", type=int)

    def handle(self, *args, action, **options):
        try:
            if action == "check-overdue":
                self._check(options.get("case"), options.get("at"))
            else:
                self._cadence(options["case"], options["source"], options["every_hours"])
        except DomainError as exc:
            raise CommandError(exc.detail, returncode=1) from None

    def _case(self, ref):
        from crisisdesk.cases.models import Case

        case = Case.objects.filter(ref=ref).first()
        if case is None:
            raise CommandError(f"no case {ref!r}", returncode=1)
        return case

    def _check(self, ref, at):
        from crisisdesk.engines.procedures.timing import parse_instant
        from crisisdesk.sitreps.actions import check_overdue

        case = self._case(ref) if ref else None
        now = clock.now()
        if at:
            try:
                now = parse_instant(at)
            except ValueError as exc:  # TimingError is a ValueError
                raise CommandError(f"--at: {exc}", returncode=2) from None
        raised = check_overdue(now=now, case=case)
        for alarm in raised:
            self.stdout.write(f"OVERDUE {alarm.case.ref} {alarm.source}: due {alarm.due_at.isoformat()}")
        self.stdout.write(f"{len(raised)} new alarm(s)")

    def _cadence(self, ref, source, hours):
        from crisisdesk.sitreps.actions import cadence_set

        cadence = cadence_set(user=None, case=self._case(ref), source=source, every_hours=hours, actor="cli")
        self.stdout.write(f"{ref}: {cadence.source} reports every {cadence.every_hours} h")

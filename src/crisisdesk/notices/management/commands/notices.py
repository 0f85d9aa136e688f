import time

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.errors import DomainError


class Command(BaseCommand):
    help = ("Notification duties: crisisdesk notices sync | escalate | worker [--once] | register [--case CASE] "
            "| address CODE EMAIL | smtp")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sync = sub.add_parser("sync", help="open every duty whose trigger is in the ledger (idempotent)")
        sync.add_argument("--case", default=None)
        sub.add_parser("escalate", help="escalate unsent duties past their deadline")
        worker = sub.add_parser("worker", help="sync, escalate and send (with retries) in a loop")
        worker.add_argument("--once", action="store_true")
        worker.add_argument("--interval", type=float, default=30.0)
        register = sub.add_parser("register", help="print the register of notifications")
        register.add_argument("--case", default=None)
        address = sub.add_parser("address", help="set the e-mail address of an external body")
        address.add_argument("code")
        address.add_argument("email")
        address.add_argument("--organisation", default=None)
        sub.add_parser("smtp", help="check the SMTP configuration and connect to the server")

    def handle(self, *args, verb, **options):
        try:
            return getattr(self, f"_{verb}")(options)
        except DomainError as exc:
            raise CommandError(exc.detail) from None

    def _case(self, ref):
        from crisisdesk.cases.models import Case

        if ref is None:
            return None
        case = Case.objects.filter(ref=ref).first()
        if case is None:
            raise CommandError(f"no case {ref!r}")
        return case

    def _sync(self, options):
        from crisisdesk.notices.actions import duties_sync

        made = duties_sync(self._case(options["case"]))
        for duty in made:
            self.stdout.write(f"opened duty {duty.pk} {duty.case.ref}/{duty.key} → {duty.recipient}, "
                              f"due {duty.due_at:%Y-%m-%d %H:%M} UTC")
        self.stdout.write(f"{len(made)} duty(ies) opened")

    def _escalate(self, options):
        from crisisdesk.notices.actions import duties_escalate

        for duty in duties_escalate():
            self.stdout.write(f"ALARM duty {duty.pk} {duty.case.ref}/{duty.key}: overdue since "
                              f"{duty.due_at:%Y-%m-%d %H:%M} UTC, escalated to {duty.escalate_to}")

    def _worker(self, options):
        from crisisdesk.notices import mailer
        from crisisdesk.notices.actions import duties_escalate, duties_send_due, duties_sync

        problem = mailer.probe()
        self.stdout.write(f"SMTP: {problem}" if problem else
                          f"SMTP: {mailer.config().host}:{mailer.config().port} answers")
        while True:
            duties_sync()
            for duty in duties_escalate():
                self.stdout.write(f"ALARM duty {duty.pk} {duty.case.ref}/{duty.key} overdue; escalated")
            for duty in duties_send_due():
                state = "sent" if duty.status == "sent" else f"pending ({duty.last_error})"
                self.stdout.write(f"duty {duty.pk} {duty.case.ref}/{duty.key}: {state}")
            if options["once"]:
                return
            time.sleep(options["interval"])

    def _register(self, options):
        from crisisdesk.notices.models import Duty
        from crisisdesk.notices.queries import fmt_delta, gap, utc

        qs = Duty.objects.select_related("case").order_by("case__ref", "due_at", "pk")
        case = self._case(options["case"])
        if case is not None:
            qs = qs.filter(case=case)
        for d in qs:
            letter = d.approved_letter or d.letter
            self.stdout.write(
                f"{d.pk:>4} {d.case.ref:<20} {d.recipient:<24} {d.duty:<8} {d.status:<12} due {utc(d.due_at)} "
                f"sent {utc(d.sent_at)} gap {fmt_delta(gap(d)):<8} signed {letter.approved_by if letter else '—'} "
                f"ack {utc(d.acknowledged_at)}")

    def _address(self, options):
        from crisisdesk.notices.actions import address_set
        from crisisdesk.organization.queries import current_charter

        organisation = current_charter(options["organisation"]).organisation
        row = address_set(organisation=organisation, code=options["code"], email=options["email"], actor="cli")
        self.stdout.write(f"{organisation.code} {row.code}: {row.email}")

    def _smtp(self, options):
        from crisisdesk.notices import mailer

        problem = mailer.probe()
        if problem:
            raise CommandError(problem)
        cfg = mailer.config()
        self.stdout.write(f"SMTP {cfg.host}:{cfg.port} answers")

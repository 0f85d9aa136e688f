from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.ledger.models import Event
from crisisdesk.ledger.writer import verify_chain


class Command(BaseCommand):
    help = "Verify the ledger: crisisdesk audit verify"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="recompute the hash chain and name the first altered or missing event")

    def handle(self, *args, verb, **options):
        problem = verify_chain()
        if problem is not None:
            raise CommandError(f"ledger broken at {problem}", returncode=1)
        count = Event.objects.count()
        last = Event.objects.order_by("-seq").first()
        self.stdout.write(f"ledger intact: {count} events, head {last.hash[:16] if last else '-'}")

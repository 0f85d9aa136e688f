from crisisdesk.accounts.actions import token_create
from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token: crisisdesk token create USERNAME"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        p = sub.add_parser("create")
        p.add_argument("username")

    def handle(self, *args, verb, username, **options):
        try:
            self.stdout.write(token_create(username=username, actor="cli"))
        except DomainError as exc:
            raise CommandError(exc.detail) from None

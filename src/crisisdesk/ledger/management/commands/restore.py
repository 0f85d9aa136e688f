from pathlib import Path

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.ledger.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup, replacing the database's content, and verify it: crisisdesk restore FILE"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            result = restore(Path(file))
        except BackupError as exc:
            raise CommandError(f"restore failed, nothing changed: {exc}") from None
        self.stdout.write(f"restored {result['objects']} objects; ledger verified ({result['events']} events); "
                          f"{result['signatures_verified']} signatures verified")

from pathlib import Path

from crisisdesk.commands import BaseCommand
from crisisdesk.ledger.backup import backup_write


class Command(BaseCommand):
    help = "Write a verified backup: crisisdesk backup --out FILE"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)

    def handle(self, *args, out, **options):
        manifest = backup_write(Path(out))
        self.stdout.write(f"backup written to {out}: {manifest['objects']} objects, {manifest['events']} events, "
                          f"ledger head {str(manifest['ledger_head'])[:16]}")

import sys
from pathlib import Path

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.errors import DomainError


class Command(BaseCommand):
    help = "CSV for analysts: crisisdesk export ledger|notifications|statements|lessons|sitreps [--case C] [--out F]"

    def add_arguments(self, parser):
        from crisisdesk.notices.exports import KINDS

        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--case", default=None)
        parser.add_argument("--out", "-o", default=None, help="a file (default: standard output)")

    def handle(self, *args, kind, case, out, **options):
        from crisisdesk.cases.models import Case
        from crisisdesk.notices.exports import write_csv

        found = None
        if case:
            found = Case.objects.filter(ref=case).first()
            if found is None:
                raise CommandError(f"no case {case!r}")
        try:
            if out is None:
                write_csv(kind, self.stdout, case=found)
                return
            path = Path(out)
            tmp = path.with_name(path.name + ".tmp")
            with tmp.open("w", encoding="utf-8", newline="") as handle:
                count = write_csv(kind, handle, case=found)
            tmp.replace(path)
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror or exc}") from None
        sys.stderr.write(f"wrote {count} {kind} row(s) to {path}\n")

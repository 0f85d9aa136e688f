from pathlib import Path

from crisisdesk.commands import BaseCommand, CommandError



class Command(BaseCommand):
    help = "The after-action report of a case: crisisdesk report CASE --format html|pdf --out FILE"

    def add_arguments(self, parser):
        parser.add_argument("case")
        parser.add_argument("--format", choices=["html", "pdf"], default="html")
        parser.add_argument("--out", "-o", default=None)

    def handle(self, *args, case, format, out, **options):
        from crisisdesk.cases.models import Case
        from crisisdesk.notices.report import render_html, render_pdf

        found = Case.objects.filter(ref=case).first()
        if found is None:
            raise CommandError(f"no case {case!r}")
        path = Path(out or f"{found.ref}-after-action.{format}")
        content = render_pdf(found) if format == "pdf" else render_html(found).encode("utf-8")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(content)
            tmp.replace(path)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
        self.stdout.write(f"wrote the after-action report of {found.ref} ({format}, {len(content)} bytes) to {path}")

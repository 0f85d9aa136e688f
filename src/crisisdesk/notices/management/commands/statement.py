import json
from pathlib import Path

from crisisdesk.commands import BaseCommand, CommandError



class Command(BaseCommand):
    help = "Public statements: crisisdesk statement list --case CASE [--json] | cap ID --out FILE"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        listing = sub.add_parser("list", help="list a case's statements with their ids")
        listing.add_argument("--case", required=True)
        listing.add_argument("--json", action="store_true")
        cap = sub.add_parser("cap", help="write one alert statement as CAP 1.2 XML")
        cap.add_argument("id")
        cap.add_argument("--out", "-o", required=True)

    def handle(self, *args, verb, **options):
        from crisisdesk.cases.models import Case
        from crisisdesk.notices.models import Statement

        if verb == "list":
            case = Case.objects.filter(ref=options["case"]).first()
            if case is None:
                raise CommandError(f"no case {options['case']!r}")
            rows = [{"id": s.pk, "uid": str(s.uid), "kind": s.kind, "about": s.about, "status": s.status,
                     "headline_en": s.texts.get("en", {}).get("headline", ""),
                     "languages": sorted(s.texts),
                     "published_at": s.published_at.isoformat() if s.published_at else None}
                    for s in Statement.objects.filter(case=case).order_by("drafted_at", "pk")]
            if options["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            else:
                for r in rows:
                    self.stdout.write(f"{r['id']:>4} {r['kind']:<9} {r['about']:<14} {r['status']:<10} "
                                      f"{r['published_at'] or '—':<26} {r['headline_en']}")
            return
        from crisisdesk.notices import cap

        try:
            pk = int(options["id"])
        except ValueError:
            raise CommandError(f"no statement {options['id']!r}") from None
        statement = Statement.objects.select_related("case").filter(pk=pk).first()
        if statement is None:
            raise CommandError(f"no statement {options['id']!r}")
        if statement.kind != "alert":
            raise CommandError(f"statement {pk} is not an alert; only alerts have a CAP export")
        xml = cap.export(statement)
        how, errors = cap.validate(xml)
        if errors:
            raise CommandError(f"the CAP export is invalid ({how}): {errors[0]}")
        out = Path(options["out"])
        try:
            tmp = out.with_name(out.name + ".tmp")
            tmp.write_bytes(xml)
            tmp.replace(out)
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror or exc}") from None
        self.stdout.write(f"wrote statement {pk} as CAP 1.2 to {out} (valid: {how})")

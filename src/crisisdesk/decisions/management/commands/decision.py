import json
from pathlib import Path

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.decisions.export import VerifyError, dumps, export_case, verify_export
from crisisdesk.errors import DomainError


class Command(BaseCommand):
    help = "Decisions: crisisdesk decision export CASE [--out FILE] | verify FILE | sign ..."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        export = sub.add_parser("export", help="write a self-contained file of a case's decisions")
        export.add_argument("case")
        export.add_argument("--out", "-o", default=None)
        verify = sub.add_parser("verify", help="check a decision file offline")
        verify.add_argument("file")
        sign = sub.add_parser("sign", help="sign and record a position with a local private key")
        sign.add_argument("case")
        sign.add_argument("--user", required=True)
        sign.add_argument("--member", required=True)
        sign.add_argument("--position", required=True, choices=["agree", "object", "abstain", "non_participation"])
        sign.add_argument("--reason", default="")
        sign.add_argument("--key", required=True, help="the PEM private key of the post")
        sign.add_argument("--decision", type=int, default=None, help="the decision id (default: the open one)")

    def handle(self, *args, verb, **options):
        if verb == "verify":
            return self._verify(Path(options["file"]))
        from crisisdesk.cases.models import Case

        case = Case.objects.filter(ref=options["case"]).first()
        if case is None:
            raise CommandError(f"no case {options['case']!r}")
        if verb == "export":
            out = Path(options["out"] or f"{case.ref}-decisions.json")
            data = export_case(case)
            tmp = out.with_name(out.name + ".tmp")
            tmp.write_text(dumps(data), encoding="utf-8")
            tmp.replace(out)
            self.stdout.write(f"wrote {len(data['decisions'])} decision(s) of {case.ref} to {out}")
            return
        self._sign(case, options)

    def _verify(self, path: Path):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: not a JSON decision file ({exc})") from None
        try:
            lines = verify_export(data)
        except VerifyError as exc:
            raise CommandError(f"{path}: INVALID: {exc}") from None
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"{path}: valid")

    def _sign(self, case, options):
        from django.contrib.auth import get_user_model

        from crisisdesk.decisions.actions import position_sign
        from crisisdesk.decisions.management.commands.keys import read_private_key
        from crisisdesk.engines import signing

        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        decisions = case.decisions.all()
        decision = (decisions.filter(pk=options["decision"]) if options["decision"] else
                    decisions.filter(outcome="")).order_by("-pk").first()
        if decision is None:
            raise CommandError(f"no open decision on {case.ref}")
        key = read_private_key(Path(options["key"]))
        text = decision.current_text
        message = signing.position_message(case=case.ref, decision=decision.pk, version=text.version, text=text.body,
                                           member=options["member"], position=options["position"],
                                           reason=options["reason"])
        try:
            position_sign(decision=decision, user=user, member=options["member"], position=options["position"],
                          reason=options["reason"], text_sha256=text.sha256, signature=signing.sign(key, message))
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        decision.refresh_from_db()
        self.stdout.write(f"{options['member']} {options['position']} recorded on decision {decision.pk}; "
                          f"outcome: {decision.outcome or 'open'}")

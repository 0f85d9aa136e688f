from pathlib import Path

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.engines.procedures import CharterError, parse_charter
from crisisdesk.engines.procedures.simulate import shipped_charter_path
from crisisdesk.errors import DomainError


def _read(ref: str) -> tuple[Path, str]:
    path = Path(ref)
    if not path.suffix and not path.exists():
        path = shipped_charter_path(ref)
    try:
        return path, path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{ref}: no such file or shipped charter") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{ref}: cannot read ({exc})") from None


class Command(BaseCommand):
    help = "Check or load a charter: crisisdesk charter check|load FILE"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        for verb in ("check", "load"):
            p = sub.add_parser(verb)
            p.add_argument("file", help="a charter YAML file, or a shipped charter name (csto, osce)")

    def handle(self, *args, verb, file, **options):
        path, text = _read(file)
        if verb == "check":
            try:
                charter = parse_charter(text)
            except CharterError as exc:
                for problem in exc.problems:
                    self.stderr.write(f"{path}:{problem.line}: {problem.path + ': ' if problem.path else ''}{problem.message}")
                raise CommandError(f"{path}: {len(exc.problems)} problem(s)", returncode=2) from None
            self.stdout.write(
                f"{path}: charter {charter.name} {charter.version} is valid: {len(charter.members)} members, "
                f"{len(charter.posts)} posts, {len(charter.procedures)} procedures"
            )
            return
        from crisisdesk.organization.actions import charter_load

        try:
            version = charter_load(text=text, actor="cli")
        except CharterError as exc:
            first = exc.problems[0]
            raise CommandError(f"{path}:{first.line}: {first.message} ({len(exc.problems)} problem(s))",
                               returncode=2) from None
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(f"loaded charter {version.organisation.code} {version.version} (sha256 {version.sha256[:12]})")

import json
from pathlib import Path

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.engines.procedures import CharterError, ScenarioError, run_file


class Command(BaseCommand):
    help = "Procedures: crisisdesk procedures simulate SCENARIO.yaml"
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sim = sub.add_parser("simulate", help="run a procedure on a scenario without touching the database")
        sim.add_argument("scenario")

    def handle(self, *args, verb, scenario, **options):
        path = Path(scenario)
        try:
            result = run_file(path)
        except ScenarioError as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from None
        except CharterError as exc:
            raise CommandError(f"{path}: the charter is invalid: {exc.problems[0]}", returncode=2) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

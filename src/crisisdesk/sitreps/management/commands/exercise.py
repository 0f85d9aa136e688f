"""crisisdesk exercise run SCRIPT.yaml|NAME [--speed 60]: play timed injects into an exercise case."""

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.errors import DomainError


class Command(BaseCommand):
    help = "Exercise mode: play a YAML script of timed injects (or a replay) into a case marked as an exercise."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="play an exercise script (a file, or a shipped name such as steppe-shield)")
        run.add_argument("script")
        run.add_argument("--speed", type=float, default=60.0, help="exercise seconds per wall second (0: no waiting)")
        replay = sub.add_parser("replay", help="play a historical replay (e.g. kazakhstan-2022) as an exercise")
        replay.add_argument("name")
        replay.add_argument("--speed", type=float, default=60.0)
        replay.add_argument("--ref", help="reference of the new exercise case")

    def handle(self, *args, action, **options):
        from crisisdesk.sitreps import exercise

        if options["speed"] < 0:
            raise CommandError("--speed must be 0 or more", returncode=2)
        try:
            if action == "run":
                case = exercise.run_script(exercise.load_script(options["script"]), speed=options["speed"],
                                           say=self.stdout.write)
            else:
                case = exercise.run_replay_as_exercise(options["name"], speed=options["speed"], ref=options.get("ref"),
                                                       say=self.stdout.write)
        except DomainError as exc:
            raise CommandError(exc.detail, returncode=1) from None
        except FileNotFoundError as exc:
            raise CommandError(str(exc), returncode=1) from None
        self.stdout.write(f"exercise case {case.ref} done (is_exercise={case.is_exercise})")

"""`crisisdesk airlift plan|check|bounds`: the airlift engine's file interface (issue 4);
`crisisdesk airlift sortie ID --status departed|landed|cancelled [--at ISO] --user U`: track a sortie.

Exit codes: 0 success; 1 invalid input, an invalid plan or a refused change; 2 a valid input with
no plan found.
"""

import json
import math
from pathlib import Path

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.engines.airlift import Infeasible, InvalidInput, check_plan, compute_bounds, greedy, parse_problem, plan, plan_json


def _read_json(path: str, what: str):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {what} {path}: {exc.strerror}", returncode=1) from None
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CommandError(f"{what} {path} is not valid JSON: {exc}", returncode=1) from None


def _problem(path: str):
    try:
        return parse_problem(_read_json(path, "input"))
    except InvalidInput as exc:
        raise CommandError(f"invalid input: {exc}", returncode=1) from None


def _gap(value: float, bound: float) -> str:
    if bound <= 0:
        return "n/a"
    return f"{100 * (value - bound) / bound:.1f} %"


class Command(BaseCommand):
    help = "Plan an airlift, check a plan, print the lower bounds, or record a sortie's status."
    # The file interface needs no database checks, and a warning on stderr would break its one-line errors.
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("plan", help="plan INPUT.json and write PLAN.json")
        p.add_argument("input")
        p.add_argument("--out", required=True)
        p.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
        p.add_argument("--greedy", dest="use_greedy", action="store_true", help="use the first-fit-decreasing baseline")
        c = sub.add_parser("check", help="check PLAN.json against INPUT.json")
        c.add_argument("input")
        c.add_argument("plan")
        b = sub.add_parser("bounds", help="print the lower bounds for INPUT.json")
        b.add_argument("input")
        s = sub.add_parser("sortie", help="record a sortie's departure, landing or cancellation")
        s.add_argument("sortie_id")
        s.add_argument("--status", required=True, choices=["departed", "landed", "cancelled"])
        s.add_argument("--at", default=None, help="ISO 8601 time with a zone (default: now)")
        s.add_argument("--user", required=True, help="the operator's username")

    def handle(self, *args, action, **opts):
        getattr(self, f"_{action}")(**opts)

    def _plan(self, *, input, out, time_limit, use_greedy: bool = False, **_):
        if not math.isfinite(time_limit) or time_limit <= 0:
            raise CommandError("--time-limit must be a positive number of seconds", returncode=1)
        problem = _problem(input)
        try:
            result = greedy(problem) if use_greedy else plan(problem, time_limit=time_limit)
        except Infeasible as exc:
            raise CommandError(f"infeasible: {exc}", returncode=2) from None
        doc = plan_json(result)
        # The planner's output must always pass the checker; refuse to write one that does not.
        reasons = check_plan(problem, doc)
        if reasons:
            raise CommandError(f"internal error: the plan fails the checker: {reasons[0]}", returncode=3)
        try:
            Path(out).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror}", returncode=1) from None
        s, b = doc["summary"], result.bounds
        names = {"release_transit": "release and transit", "fleet_throughput": "fleet throughput",
                 "parking": "parking", "fleet_parking_time": "fleet and parking time",
                 "pattern_parking": "parking time by vehicle mix"}
        parts = ", ".join(f"{names.get(k, k.replace('_', ' '))} {v:.2f}" for k, v in b.makespan_parts.items())
        self.stdout.write(f"lower bounds: sorties {b.sorties}; makespan {b.makespan_h:.2f} h ({parts})")
        self.stdout.write(
            f"plan: {s['sorties']} sorties (gap {_gap(s['sorties'], b.sorties)}), makespan {s['makespan_h']:.2f} h "
            f"(gap {_gap(s['makespan_h'], b.makespan_h)}); proven optimal: {'yes' if s['proven_optimal'] else 'no'}"
            f"{' (time limit reached)' if result.timed_out and not s['proven_optimal'] else ''}; "
            f"{s['solve_s']:.2f} s; written to {out}"
        )

    def _check(self, *, input, plan, **_):
        problem = _problem(input)
        doc = _read_json(plan, "plan")
        reasons = check_plan(problem, doc)
        if reasons:
            for reason in reasons:
                self.stderr.write(reason)
            raise CommandError(f"the plan breaks {len(reasons)} rule(s)", returncode=1)
        summary = doc["summary"]
        self.stdout.write(f"valid: {summary['sorties']} sorties, makespan {summary['makespan_h']} h")

    def _bounds(self, *, input, **_):
        problem = _problem(input)
        b = compute_bounds(problem)
        self.stdout.write(f"sorties >= {b.sorties}")
        for (o, d), n in sorted(b.sorties_by_pair.items()):
            self.stdout.write(f"  {o} -> {d}: >= {n}")
        self.stdout.write(f"makespan >= {b.makespan_h:.2f} h")
        for name, value in b.makespan_parts.items():
            self.stdout.write(f"  {name}: {value:.2f} h")

    def _sortie(self, *, sortie_id, status, at, user, **_):
        from django.contrib.auth import get_user_model

        from crisisdesk.engines.procedures.timing import TimingError, parse_instant
        from crisisdesk.errors import DomainError
        from crisisdesk.forces.actions import sortie_set_status
        from crisisdesk.forces.queries import access_sortie

        operator = get_user_model().objects.filter(username=user).first()
        if operator is None:
            raise CommandError(f"no user {user!r}", returncode=1)
        try:
            when = parse_instant(at) if at else None
        except TimingError as exc:
            raise CommandError(f"--at: {exc}", returncode=1) from None
        try:
            sortie = sortie_set_status(sortie=access_sortie(operator, sortie_id), user=operator, status=status, at=when)
        except DomainError as exc:
            raise CommandError(exc.detail, returncode=1) from None
        moment = {"departed": sortie.departed_at, "landed": sortie.landed_at, "cancelled": sortie.cancelled_at}[status]
        self.stdout.write(f"sortie {sortie.pk} ({sortie.aircraft} {sortie.origin} -> {sortie.destination}) "
                          f"{status} at {moment.isoformat()}")

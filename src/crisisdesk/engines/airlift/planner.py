"""The planner and the greedy baseline, and the PLAN.json they write.

The planner tries several load sets (first-fit decreasing per wave and per pair, and CP-SAT
packings), schedules each in order of earliest possible arrival, then spends the rest of its time
on randomised re-orderings of the best one. It keeps the plan with the smallest makespan and,
among equal makespans, the fewest sorties.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

from .bounds import Bounds, compute_bounds
from .loads import Load, cpsat_loads, ffd_loads
from .model import Infeasible, Problem
from .schedule import TICKS, Schedule, schedule

STALL_ROUNDS = 25


@dataclass
class Result:
    schedule: Schedule
    bounds: Bounds
    proven_optimal: bool
    solve_s: float
    timed_out: bool = False

    @property
    def sorties(self) -> int:
        return len(self.schedule.flights)

    @property
    def makespan_h(self) -> float:
        return self.schedule.makespan / TICKS

    def to_json(self) -> dict:
        return plan_json(self)


def _score(s: Schedule) -> tuple[int, int]:
    return (s.makespan, len(s.flights))


def _earliest_arrival_order(problem: Problem, jitter: float = 0.0, rng: random.Random | None = None):
    """Order loads by the earliest hour they could land, far and heavy loads first on ties."""
    reach: dict[tuple[str, str], float] = {}
    for e in problem.fleet:
        if e.count:
            for code in problem.airfields:
                key = (e.type, code)
                reach[key] = min(reach.get(key, math.inf), problem.flight_h(e.type, e.base, code))

    def key(load: Load) -> tuple:
        tau = problem.flight_h(load.type, load.origin, load.destination)
        eta = max(load.release, reach[(load.type, load.origin)]) + tau
        noise = rng.uniform(0, jitter) if rng and jitter else 0.0
        return (eta + noise, -tau, load.origin, load.destination)

    return key


def plan(problem: Problem, *, time_limit: float = 10.0, seed: int = 0) -> Result:
    """Return the best plan found within `time_limit` seconds (at least one plan, always)."""
    start = time.monotonic()
    deadline = start + time_limit
    bounds = compute_bounds(problem)
    rng = random.Random(seed)
    best: tuple[Schedule, list[Load]] | None = None
    errors: list[str] = []

    def consider(loads: list[Load] | None, order, choose: str = "arrival") -> bool:
        nonlocal best
        if loads is None:
            return False
        try:
            s = schedule(problem, loads, order, choose=choose)
        except Infeasible as exc:
            errors.append(str(exc))
            return False
        if best is None or _score(s) < _score(best[0]):
            best = (s, loads)
            return True
        return False

    order = _earliest_arrival_order(problem)
    # The baseline's own plan is a candidate, so the planner is never worse than the baseline.
    consider(ffd_loads(problem, by_wave=False), _baseline_order(problem), choose="first")
    candidates = [ffd_loads(problem, by_wave=True), ffd_loads(problem, by_wave=False)]
    for loads in candidates:
        consider(loads, order)
    for by_wave, capped, share in ((True, True, 0.4), (False, False, 0.25), (True, False, 0.25)):
        left = deadline - time.monotonic()
        if left <= 0.05:
            break
        caps = _type_caps(problem, best[0].makespan / TICKS) if capped and best else {}
        groups = {e.type: e.count for e in problem.fleet} if capped else {}
        consider(
            cpsat_loads(problem, by_wave=by_wave, time_limit=min(left * share, 20.0), type_caps=caps, group_caps=groups),
            order,
        )
    # Scarce large types: let each wave put up to a share of their airframes on its biggest items.
    counts = {e.type: 0 for e in problem.fleet}
    for e in problem.fleet:
        counts[e.type] += e.count
    for share in (1.0, 0.5):
        if time.monotonic() >= deadline:
            break
        quota = {code: max(1, int(n * share)) for code, n in counts.items()}
        if len(quota) < 2:
            break
        consider(ffd_loads(problem, by_wave=True, quota=quota), order)
    if best is None:
        # The greedy baseline uses another rule and may still succeed where these failed.
        try:
            base = greedy(problem, bounds=bounds)
            best = (base.schedule, [])
        except Infeasible:
            raise Infeasible(errors[0] if errors else "no plan found") from None

    stall = 0
    timed_out = False
    while best[1] and not _meets_bounds(best[0], bounds):
        if time.monotonic() >= deadline:
            timed_out = True
            break
        if stall >= STALL_ROUNDS:
            break
        jitter = rng.choice((0.5, 1.0, 2.0, 4.0))
        improved = consider(best[1], _earliest_arrival_order(problem, jitter, rng))
        stall = 0 if improved else stall + 1

    s = best[0]
    return Result(s, bounds, _meets_bounds(s, bounds), time.monotonic() - start, timed_out)


def _type_caps(problem: Problem, horizon_h: float) -> dict[str, int]:
    """Estimate how many sorties each type can fly by `horizon_h`, to keep loads off scarce types.

    A type with few airframes but a large hold would otherwise take most loads and become the
    bottleneck. Each airframe is allowed one sortie per average cycle from the earliest release.
    """
    pairs = problem.pairs()
    start = min(u.ready_h for us in pairs.values() for u in us)
    caps: dict[str, int] = {}
    for e in problem.fleet:
        kind = problem.aircraft_types[e.type]
        cycle = kind.ground_time_h + sum(2 * problem.flight_h(e.type, o, d) for o, d in pairs) / len(pairs)
        per = max(1, int((horizon_h - start) // cycle)) if cycle > 0 else 1
        caps[e.type] = caps.get(e.type, 0) + e.count * per
    return caps


def _meets_bounds(s: Schedule, bounds: Bounds) -> bool:
    # The plan's times sit on a 0.01 h grid: the first grid value at or above the bound is optimal
    # to the resolution of the plan format.
    return s.makespan <= math.ceil(bounds.makespan_h * TICKS - 1e-6) and len(s.flights) <= bounds.sorties


def greedy(problem: Problem, *, bounds: Bounds | None = None) -> Result:
    """Return the baseline: first-fit-decreasing loads, served in release order, heavy loads first.

    Each load goes to whichever aircraft can depart with it first. It ignores where the parking
    will be full, so it only waits for it rather than planning around it.
    """
    start = time.monotonic()
    bounds = bounds or compute_bounds(problem)
    s = schedule(problem, ffd_loads(problem, by_wave=False), _baseline_order(problem), choose="first")
    return Result(s, bounds, _meets_bounds(s, bounds), time.monotonic() - start)


def _baseline_order(problem: Problem):
    """Order loads by release, heaviest first: the baseline's first-come, first-served rule."""

    def order(load: Load) -> tuple:
        weight = sum(p.cargo_kg + p.personnel * problem.person_kg for p in load.parts)
        return (load.release, -weight)

    return order


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


def plan_json(result: Result) -> dict:
    """Return the PLAN.json document for `result`."""
    sorties = []
    for f in sorted(result.schedule.flights, key=lambda f: (f.depart, f.aircraft)):
        loads = []
        for p in f.load.parts:
            loads.append(
                {
                    "unit": p.unit,
                    "personnel": p.personnel,
                    "vehicles": [{"type": t, "count": n} for t, n in p.vehicles.items() if n],
                    "cargo_kg": _num(p.cargo_kg),
                }
            )
        sorties.append(
            {
                "aircraft": f.aircraft,
                "type": f.type,
                "origin": f.load.origin,
                "destination": f.load.destination,
                "depart_h": round(f.depart / TICKS, 2),
                "arrive_h": round(f.arrive / TICKS, 2),
                "loads": loads,
            }
        )
    return {
        "sorties": sorties,
        "summary": {
            "sorties": len(sorties),
            "makespan_h": round(result.makespan_h, 2),
            "lower_bound_sorties": result.bounds.sorties,
            # Rounding down keeps the written bound a bound.
            "lower_bound_makespan_h": math.floor(result.bounds.makespan_h * 100 + 1e-9) / 100,
            "proven_optimal": result.proven_optimal,
            "solve_s": round(result.solve_s, 2),
        },
    }

"""The planner and the greedy baseline, and the PLAN.json they write.

The planner tries several load sets (first-fit decreasing per wave and per pair, CP-SAT
packings for the fewest sorties and, where parking binds, for the least parking time at the
destinations: see patterns.py), schedules each in order of earliest possible arrival and
also in time order (`schedule.dispatch`, which keeps a binding destination's parking full from
the start: on the 10× instance it, not the list rule, gives the best plan), then spends the rest
of its time on randomised re-orderings of the best one. It keeps the plan with the smallest
makespan and, among equal makespans, the fewest sorties.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from dataclasses import dataclass

from .bounds import Bounds, compute_bounds
from .loads import Load, cpsat_loads, ffd_loads, load_fill, repack
from .model import Infeasible, Problem
from .patterns import pattern_loads
from .schedule import TICKS, Schedule, dispatch, schedule

STALL_ROUNDS = 25
# Shares of the scarce types' estimated airframe time the parking-time packings may use, and
# their deterministic budget (CP-SAT work units) on moderate instances.
PATTERN_SHARES = (1.0, 0.9, 0.85, 0.8, 0.75, 0.7)
PATTERN_WORK = 6.0
# The share of the time left each of them may take; on large instances (no deterministic
# budgets for the sortie packings) enough that the work budget, not the clock, ends them on this
# machine, since where parking binds their load sets are the ones that count.
PATTERN_TIME_SHARE = 0.15
PATTERN_TIME_SHARE_LARGE = 0.3
PATTERN_WORK_SMALL = 0.5
# Up to this sortie bound, CP-SAT runs on one worker with deterministic budgets.
DETERMINISTIC_SORTIES = 150
# Their deterministic budgets (CP-SAT work units) for the three CP-SAT packings.
WORK = (1.0, 0.3, 0.3)
# The sortie-cutting search: schedule evaluations, and the least-filled loads per pair it combines.
MERGE_EVALS = 400
MERGE_WINDOW = 8
# Load sets the search starts from: the best, then others that reach its makespan.
MERGE_STARTS = 2
# Orders tried per move: the earliest-arrival order, then jittered ones.
MERGE_ORDERS = 4
# Randomised routings of the scarce types tried per move.
ROUTE_TRIES = 200
# Head starts (hours) for the scarce types in the time-ordered scheduler (`schedule.dispatch`),
# tried for every load set; the re-ordering search draws one of them per round.
DISPATCH_LEADS = (0.0, 0.5, 1.0)


@dataclass
class Result:
    """A plan and how good it is.

    `proven_optimal`: the plan meets both lower bounds, which proves it optimal. `timed_out`: the
    time limit cut the search short *without* such a proof; the two are never both true.
    """

    schedule: Schedule
    bounds: Bounds
    proven_optimal: bool
    solve_s: float
    timed_out: bool = False

    def __post_init__(self) -> None:
        if self.proven_optimal:
            self.timed_out = False

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
    # A small reserve for writing the result out keeps the whole call within `time_limit`.
    deadline = start + time_limit - min(1.5, 0.03 * time_limit)
    bounds = compute_bounds(problem)
    if not ffd_loads(problem, by_wave=False):  # Nothing to carry: the empty plan is optimal.
        empty = schedule(problem, [], _baseline_order(problem), choose="first")
        return Result(empty, bounds, True, time.monotonic() - start)
    # Moderate instances get fixed work budgets, so that their plan depends on the input only.
    deterministic = bounds.sorties <= DETERMINISTIC_SORTIES
    rng = random.Random(seed)
    best: tuple[Schedule, list[Load]] | None = None
    errors: list[str] = []
    starts: list[tuple[Schedule, list[Load]]] = []
    cost = [0.0]  # the slowest schedule so far: nothing starts that could not finish in time

    def out_of_time() -> bool:
        return time.monotonic() + cost[0] >= deadline

    counts = {e.type: 0 for e in problem.fleet}
    for e in problem.fleet:
        counts[e.type] += e.count
    scarce = {code for code, n in counts.items() if n < max(counts.values())}

    def consider(
        loads: list[Load] | None, order, choose: str = "arrival", leads=DISPATCH_LEADS
    ) -> bool:
        nonlocal best
        if loads is None:
            return False
        tick = time.monotonic()
        found = []
        try:
            found.append(schedule(problem, loads, order, choose=choose))
        except Infeasible as exc:
            errors.append(str(exc))
        # The time-ordered scheduler, with each head start for the scarce types.
        # Without a scarce type every head start gives the same schedule.
        for lead in (leads if scarce else leads[:1]) if choose == "arrival" else ():
            try:
                found.append(dispatch(problem, loads, order, lead={code: lead for code in scarce}))
            except Infeasible as exc:
                errors.append(str(exc))
        cost[0] = max(cost[0], time.monotonic() - tick)
        if not found:
            return False
        s = min(found, key=_score)
        starts.append((s, loads))
        if best is None or _score(s) < _score(best[0]):
            best = (s, loads)
            return True
        return False

    order = _earliest_arrival_order(problem)
    cut = False  # a search phase was skipped for want of time: the result is marked timed out
    # The baseline's own plan is a candidate, so the planner is never worse than the baseline.
    consider(ffd_loads(problem, by_wave=False), _baseline_order(problem), choose="first")
    candidates = [ffd_loads(problem, by_wave=True), ffd_loads(problem, by_wave=False)]
    for loads in candidates:
        consider(loads, order)
    # Loads chosen for the parking time they use at the destinations (patterns.py), with the
    # scarce types' airframe time taken at face value and then cut, since a list schedule never
    # keeps those airframes as busy as the estimate assumes.
    # When parking does not bind, one small packing still gives the sortie search a good start.
    binds = _parking_binds(bounds)
    pattern_time = PATTERN_TIME_SHARE if deterministic else PATTERN_TIME_SHARE_LARGE
    for share in PATTERN_SHARES if binds else PATTERN_SHARES[:1]:
        left = deadline - time.monotonic() - 1.2 * cost[0]
        if left <= 0.05:
            cut = True
            break
        consider(
            pattern_loads(
                problem, time_limit=min(left * pattern_time, 10.0), scarce_share=share,
                deterministic_time=PATTERN_WORK if binds else PATTERN_WORK_SMALL,
            ),
            order,
        )
    # Deterministic budgets (CP-SAT's own work units) keep the result independent of the machine's
    # speed whenever the wall-clock limit is not reached.
    for by_wave, capped, share, work in ((True, True, 0.4, WORK[0]), (False, False, 0.25, WORK[1]), (True, False, 0.25, WORK[2])):
        left = deadline - time.monotonic() - 1.2 * cost[0]
        if left <= 0.05:
            cut = True
            break
        caps = _type_caps(problem, best[0].makespan / TICKS) if capped and best else {}
        groups = {e.type: e.count for e in problem.fleet} if capped else {}
        consider(
            cpsat_loads(
                problem, by_wave=by_wave, time_limit=min(left * share, 20.0), type_caps=caps, group_caps=groups,
                deterministic_time=work if deterministic else None,
            ),
            order,
        )
    # Scarce large types: let each wave put up to a share of their airframes on its biggest items.
    for share in (1.0, 0.5):
        if out_of_time():
            cut = True
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
    timed_out = cut
    while best[1] and not _meets_bounds(best[0], bounds):
        if out_of_time():
            timed_out = True
            break
        if stall >= STALL_ROUNDS:
            break
        jitter = rng.choice((0.5, 1.0, 2.0, 4.0))
        lead = rng.choice(DISPATCH_LEADS) if scarce else DISPATCH_LEADS[0]
        improved = consider(best[1], _earliest_arrival_order(problem, jitter, rng), leads=(lead,))
        stall = 0 if improved else stall + 1

    if best[1] and not timed_out and not _meets_bounds(best[0], bounds):
        # Fewer sorties at the same makespan: search from the best plan, then from the other
        # load sets that reach its makespan, fewest sorties first.
        target = best[0].makespan
        tried: set[int] = set()
        for start_s, start_loads in [best] + sorted(starts, key=lambda c: len(c[0].flights)):
            if id(start_loads) in tried or start_s.makespan > target or len(tried) >= MERGE_STARTS:
                continue
            tried.add(id(start_loads))
            merged = _merge_search(problem, start_loads, target, deadline, seed)
            if merged is not None and _score(merged[0]) < _score(best[0]):
                best = merged
            if time.monotonic() >= deadline:
                break
        timed_out = time.monotonic() >= deadline

    s = best[0]
    return Result(s, bounds, _meets_bounds(s, bounds), time.monotonic() - start, timed_out)


def _merge_search(problem: Problem, loads: list[Load], target: int, deadline: float, seed: int = 0):
    """Cut sorties without losing makespan: re-pack groups of loads of one pair into fewer.

    The makespan comes first, so a move counts only if the new loads still schedule within
    `target` (ticks). Moves, in a fixed order: a whole wave (the loads of one pair and release)
    packed exactly by CP-SAT with as many, or one more, loads on each scarce type, or first-fit
    with one or two more; then two or three of the least-filled loads of a pair, first-fit on the
    most numerous type or with one load on a larger one. A move that the list scheduler cannot fit
    in the makespan gets jittered orders, then a routing of the scarce airframes pinned in place.
    First improvement with a fixed number of evaluations: the result depends on the input only,
    unless the wall-clock deadline cuts it short. Return the improved (schedule, loads), or None.
    """
    current = list(loads)
    result = None
    order = _earliest_arrival_order(problem)
    kinds = sorted(problem.available_types(), key=lambda k: -k.payload_kg)
    quotas = [None] + [{k.code: 1} for k in kinds]
    counts: dict[str, int] = {}
    for e in problem.fleet:
        counts[e.type] = counts.get(e.type, 0) + e.count
    most = max(counts.values())
    scarce = {code for code, n in counts.items() if n < most} if len(counts) > 1 else set()
    failed: set = set()
    rng = random.Random(seed)
    evals = 0
    slowest = 0.0
    budget = MERGE_EVALS
    while evals < budget and time.monotonic() < deadline:
        found = False
        by_pair: dict[tuple[str, str], list[int]] = {}
        for i, load in enumerate(current):
            by_pair.setdefault((load.origin, load.destination), []).append(i)
        fills = [load_fill(problem, load) for load in current]
        moves = []
        # Whole waves (the loads of one pair and release) re-packed with one or two more loads on
        # each larger type, then small combinations of the least-filled loads of a pair.
        waves: dict[tuple, list[int]] = {}
        for i, load in enumerate(current):
            waves.setdefault((load.origin, load.destination, load.release), []).append(i)
        for key, idx in sorted(waves.items()):
            if len(idx) >= 2:
                moves.append((-1.0, key[:2], tuple(idx)))
        for pair, idx in sorted(by_pair.items()):
            idx = sorted(idx, key=lambda i: (fills[i], current[i].release, current[i].type))[:MERGE_WINDOW]
            for size in (2, 3):
                for combo in itertools.combinations(idx, size):
                    moves.append((sum(fills[i] for i in combo), pair, combo))
        moves.sort(key=lambda m: (m[0], m[1], m[2]))
        for _, _, combo in moves:
            group = [current[i] for i in combo]
            options = [(q, False) for q in quotas]
            if len(combo) > 3:
                # A whole wave (small combinations have at most three loads).
                have = {k.code: sum(1 for ld in group if ld.type == k.code) for k in kinds}
                options = [
                    ({k.code: have[k.code] + extra}, True) for extra in (0, 1) for k in kinds if k.code in scarce
                ] + [({k.code: have[k.code] + extra}, False) for extra in (1, 2) for k in kinds if k.code in scarce]
            for quota, exact in options:
                key = (frozenset(_load_key(ld) for ld in group), tuple(sorted((quota or {}).items())), exact)
                if key in failed:
                    continue
                if time.monotonic() + 1.5 * slowest > deadline:
                    break
                tick = time.monotonic()
                packed = repack(problem, group, None if exact else quota, caps=quota if exact else None)
                slowest = max(slowest, time.monotonic() - tick)
                if len(packed) >= len(group):
                    failed.add(key)
                    continue
                trial = [ld for i, ld in enumerate(current) if i not in combo] + packed
                s = None
                for attempt in range(MERGE_ORDERS):
                    if time.monotonic() + 1.5 * slowest > deadline:
                        break
                    tick = time.monotonic()
                    evals += 1
                    # The earliest-arrival order first, then jittered ones.
                    key_fn = order if attempt == 0 else _earliest_arrival_order(problem, (0.25, 0.5, 1.0, 2.0)[attempt % 4], rng)
                    try:
                        s = schedule(problem, trial, key_fn)
                    except Infeasible:
                        s = None
                    slowest = max(slowest, time.monotonic() - tick)
                    if s is not None and s.makespan <= target:
                        break
                if (s is None or s.makespan > target) and scarce and time.monotonic() + 1.5 * slowest < deadline:
                    # The list rule may waste the scarce airframes: route them first, then pin.
                    tick = time.monotonic()
                    route = _route_scarce(problem, trial, scarce, target / TICKS, rng, deadline)
                    slowest = max(slowest, time.monotonic() - tick)
                    if route is not None and time.monotonic() + 1.5 * slowest < deadline:
                        evals += 1
                        pinned, planned = route
                        try:
                            s = schedule(problem, trial, _pinned_order(order, planned), pinned=pinned)
                        except Infeasible:
                            s = None
                if s is not None and s.makespan <= target:
                    current, result, found = trial, (s, trial), True
                    break
                failed.add(key)
                if evals >= budget or time.monotonic() >= deadline:
                    break
            if found or evals >= budget or time.monotonic() >= deadline:
                break
        if not found:
            break
    return result


def _route_scarce(
    problem: Problem, loads: list[Load], scarce: set[str], horizon_h: float, rng: random.Random, deadline: float
):
    """Assign the loads of the scarce types to airframes so that all land by `horizon_h`.

    Parking and the other types are ignored here; the scheduler checks the result. Randomised
    constructions (release order with noise, each load on the airframe that lands it first or on a
    random one that still lands it in time) until one succeeds. Return ({id(load): airframe},
    {id(load): planned landing}) or None.
    """
    mine = [ld for ld in loads if ld.type in scarce]
    if not mine:
        return None
    crafts = [a for a in problem.aircraft() if a.type in scarce]
    g = {code: problem.aircraft_types[code].ground_time_h for code in scarce}
    fly = problem.flight_h
    for attempt in range(ROUTE_TRIES):
        if time.monotonic() >= deadline:
            return None
        noise = 0.0 if attempt == 0 else rng.choice((0.5, 1.0, 2.0, 4.0))
        greedy_share = 1.0 if attempt == 0 else rng.choice((0.5, 0.8, 0.95))
        seq = sorted(mine, key=lambda ld: ld.release + fly(ld.type, ld.origin, ld.destination) + rng.uniform(0, noise))
        state = {a.name: (a.base, None) for a in crafts}  # name -> (location, free from; None = unused)
        pinned, planned = {}, {}
        ok = True
        for ld in seq:
            tau = fly(ld.type, ld.origin, ld.destination)
            options = []
            for a in crafts:
                if a.type != ld.type:
                    continue
                loc, free = state[a.name]
                ready = fly(a.type, loc, ld.origin) + (0.0 if free is None else free)
                options.append((max(ready, ld.release) + tau, a.name))
            options.sort()
            fitting = [o for o in options if o[0] <= horizon_h + 1e-6]
            if not fitting:
                ok = False
                break
            land, name = fitting[0] if rng.random() < greedy_share else rng.choice(fitting)
            state[name] = (ld.destination, land + g[ld.type])
            pinned[id(ld)] = name
            planned[id(ld)] = land
        if ok:
            return pinned, planned
    return None


def _pinned_order(order, planned: dict[int, float]):
    """Order pinned loads by their planned landing and the others by `order`."""

    def key(load: Load) -> tuple:
        base = order(load)
        return (planned[id(load)],) + base[1:] if id(load) in planned else base

    return key


def _load_key(load: Load) -> tuple:
    parts = tuple(sorted((p.unit, p.personnel, p.cargo_kg, tuple(sorted(p.vehicles.items()))) for p in load.parts))
    return (load.type, load.origin, load.destination, parts)


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


def _parking_binds(bounds: Bounds) -> bool:
    """Return whether a parking bound exceeds the release-and-transit bound: then the parking
    time the loads use at the destinations, not their number, sets the makespan."""
    parts = bounds.makespan_parts
    parking = max((parts.get(k, 0.0) for k in ("parking", "fleet_parking_time", "pattern_parking")), default=0.0)
    return parking > parts.get("release_transit", 0.0) + 0.01


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

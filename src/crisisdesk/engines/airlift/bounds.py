"""Lower bounds on the number of sorties and on the makespan.

Every bound here is a relaxation of the rules the checker enforces, so no valid plan can beat it.
The sortie bound is computed per origin–destination pair, because a sortie never mixes pairs:
the larger of an aggregate bound (`pair_sortie_bound`) and an exact vehicle-mix bound
(`patterns.pattern_sortie_bound`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .checker import CARGO_TOL_KG
from .model import AircraftType, Problem, Unit, Vehicle
from .patterns import pattern_parking_bound, pattern_sortie_bound

EPS = 1e-9
# The checker accepts a sortie up to 1e-6 over payload or floor length; the sortie bounds allow
# that, plus a margin for summing in another order than the checker.
CAP_TOL = 1e-6 + 1e-7
# CP-SAT work units (deterministic time) for each pair's pattern sortie model.
PATTERN_SORTIE_WORK = 0.25


@dataclass
class Bounds:
    sorties: int
    makespan_h: float
    sorties_by_pair: dict[tuple[str, str], int] = field(default_factory=dict)
    makespan_parts: dict[str, float] = field(default_factory=dict)


def _items(problem: Problem, units: list[Unit]):
    """Yield each vehicle as (weight, length, vehicle) once per physical vehicle type entry."""
    for unit in units:
        for v in unit.vehicles:
            if v.count:
                yield v


def pair_sortie_bound(problem: Problem, units: list[Unit]) -> int:
    """Return a lower bound on the sorties that carry `units` (all of one pair) over the mixed fleet.

    It solves a tiny integer programme over the number of sorties of each type (see
    `_add_pair_constraints`). Any plan satisfies these constraints, so the optimum is a valid bound.
    """
    kinds = problem.available_types()
    if not any(not u.is_empty() for u in units):
        return 0
    model = cp_model.CpModel()
    x = {k.code: model.NewIntVar(0, 100_000, k.code) for k in kinds}
    _add_pair_constraints(model, problem, units, x)
    model.Minimize(sum(x.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 1
    status = solver.Solve(model)
    if status == cp_model.OPTIMAL:
        return int(round(solver.ObjectiveValue()))
    if status == cp_model.FEASIBLE:
        return int(math.floor(solver.BestObjectiveBound() + EPS))
    return 1


def best_pair_sortie_bound(problem: Problem, units: list[Unit]) -> int:
    """Return the larger of two valid sortie bounds for `units` (all of one pair).

    `pair_sortie_bound` aggregates weight, seats and floor length; `pattern_sortie_bound`
    (patterns.py, with its proof) covers the vehicles exactly by the mixes one sortie can carry.
    Each is at most the pair's sorties in any plan the checker accepts, so their maximum is too.
    """
    return max(pair_sortie_bound(problem, units), pattern_sortie_bound(problem, units, work=PATTERN_SORTIE_WORK))


def _admits(v: Vehicle, k: AircraftType) -> bool:
    """Return whether the checker lets one vehicle `v` board type `k` (with its tolerances).

    Wider than `Vehicle.fits`, which has no tolerance: a bound must not rule out what the
    checker accepts.
    """
    return (
        v.width_m <= k.width_m
        and v.height_m <= k.height_m
        and v.weight_kg <= k.payload_kg + CAP_TOL
        and v.length_m <= k.length_m + CAP_TOL
    )


def _add_pair_constraints(model: cp_model.CpModel, problem: Problem, units: list[Unit], x: dict) -> None:
    """Add what any plan's sorties of each type (`x[code]`) on one pair must satisfy.

    The sorties must together offer enough payload, seats and floor length; items too heavy or
    too long to share with each other need a sortie each; and items that fit only one type need
    enough of that type. Capacities are the checker's (payload and hold length plus CAP_TOL, types
    as `_admits`), the cargo demand is less the checker's cargo tolerance per unit, and demands
    are rounded down and capacities up (in 0.01 kg and cm), so it stays a relaxation.
    """
    kinds = problem.available_types()
    pk = problem.person_kg
    weight = sum(u.cargo_kg + u.personnel * pk for u in units)
    weight += sum(v.count * v.weight_kg for v in _items(problem, units))
    weight -= sum(min(CARGO_TOL_KG, u.cargo_kg) for u in units)
    length = sum(v.count * v.length_m for v in _items(problem, units))
    persons = sum(u.personnel for u in units)
    vehicles = list(_items(problem, units))
    heavy = sum(v.count for v in vehicles if all(2 * v.weight_kg > k.payload_kg + CAP_TOL for k in kinds if _admits(v, k)))
    long_ = sum(v.count for v in vehicles if all(2 * v.length_m > k.length_m + CAP_TOL for k in kinds if _admits(v, k)))
    model.Add(sum(math.ceil((k.payload_kg + CAP_TOL) * 100) * x[k.code] for k in kinds) >= math.floor(weight * 100 - 1e-3))
    model.Add(sum(math.ceil((k.length_m + CAP_TOL) * 100) * x[k.code] for k in kinds) >= math.floor(length * 100 - 1e-3))
    model.Add(sum(k.seats * x[k.code] for k in kinds) >= persons)
    model.Add(sum(x.values()) >= max(heavy, long_, _dff_bound(vehicles, kinds)))
    for k in kinds:
        # Items that no other type can take bound that type's own sorties from below.
        own = [v for v in vehicles if _admits(v, k) and not any(_admits(v, o) for o in kinds if o.code != k.code)]
        if own:
            w = sum(v.count * v.weight_kg for v in own)
            ln = sum(v.count * v.length_m for v in own)
            model.Add(x[k.code] >= math.ceil(w / (k.payload_kg + CAP_TOL) - 1e-6))
            model.Add(x[k.code] >= math.ceil(ln / (k.length_m + CAP_TOL) - 1e-6))
            model.Add(x[k.code] >= sum(v.count for v in own if 2 * v.weight_kg > k.payload_kg + CAP_TOL))
            model.Add(x[k.code] >= sum(v.count for v in own if 2 * v.length_m > k.length_m + CAP_TOL))


def _dff(x: float, k: int) -> float:
    """Return the dual-feasible function u_k(x) of Fekete and Schepers for a size x in [0, 1]."""
    if abs((k + 1) * x - round((k + 1) * x)) < 1e-9:
        return x
    return math.floor((k + 1) * x) / k


def _dff_bound(vehicles: list, kinds: list) -> int:
    """Return the best dual-feasible-function bound on sorties, in weight and in floor length.

    For each item take the smallest transformed size over the types it fits (`_admits`), sizes
    relative to the checker's capacity (plus CAP_TOL); the transformed sizes in any one sortie sum
    to at most 1, so their total bounds the number of sorties.
    """
    best = 0
    for k in (1, 2, 3, 4):
        for dim in ("weight", "length"):
            total = 0.0
            for v in vehicles:
                sizes = [
                    _dff(
                        min(1.0, v.weight_kg / (t.payload_kg + CAP_TOL) if dim == "weight" else v.length_m / (t.length_m + CAP_TOL)),
                        k,
                    )
                    for t in kinds
                    if _admits(v, t)
                ]
                total += v.count * min(sizes)
            best = max(best, math.ceil(total - 1e-6))
    return best


def _reach_h(problem: Problem, origin: str) -> dict[str, float]:
    """Return, per aircraft type, the earliest hour any airframe of that type can stand at `origin`."""
    out: dict[str, float] = {}
    for entry in problem.fleet:
        if entry.count:
            t = problem.flight_h(entry.type, entry.base, origin)
            out[entry.type] = min(out.get(entry.type, math.inf), t)
    return out


def _earliest_arrival(problem: Problem, unit: Unit) -> float:
    """Return the earliest hour at which all of `unit` can have landed, ignoring every other unit."""
    reach = _reach_h(problem, unit.origin)
    kinds = problem.aircraft_types

    def arrival(codes: list[str]) -> float:
        return min(
            (max(unit.ready_h, reach[c]) + problem.flight_h(c, unit.origin, unit.destination) for c in codes),
            default=math.inf,
        )

    needs: list[list[str]] = []
    for v in unit.vehicles:
        if v.count:
            needs.append([c for c in reach if v.fits(kinds[c])])
    if unit.personnel:
        needs.append([c for c in reach if kinds[c].seats > 0 and kinds[c].payload_kg >= problem.person_kg])
    if unit.cargo_kg:
        needs.append(list(reach))
    return max((arrival(codes) for codes in needs), default=0.0)


def compute_bounds(problem: Problem) -> Bounds:
    """Return the sortie bound and the makespan bound (the maximum of its three parts)."""
    pairs = problem.pairs()
    by_pair = {pair: best_pair_sortie_bound(problem, units) for pair, units in pairs.items()}
    parts = {
        "release_transit": max((_earliest_arrival(problem, u) for us in pairs.values() for u in us), default=0.0),
        "fleet_throughput": _throughput_bound(problem, sum(by_pair.values())),
        "parking": _parking_bound(problem, pairs),
    }
    if pairs:
        low = max(parts.values())
        parts["fleet_parking_time"] = _fleet_parking_time_bound(problem, pairs, low)
        # The same parking and airframe-time argument over exact vehicle mixes (patterns.py).
        parts["pattern_parking"] = pattern_parking_bound(problem, max(parts.values()))
    return Bounds(
        sorties=sum(by_pair.values()),
        makespan_h=max(parts.values()) if pairs else 0.0,
        sorties_by_pair=by_pair,
        makespan_parts=parts,
    )


def _parking_bound(problem: Problem, pairs: dict[tuple[str, str], list[Unit]]) -> float:
    """Return the destination parking (MOG) bound, applied to every release threshold.

    For a threshold r, the units ready at r or later need at least N sorties into destination a,
    none landing before the earliest arrival t of those units. Every landing occupies one of the
    `max_on_ground` places for at least the shortest ground time g, so the last of them lands no
    earlier than t + floor((N - 1) / M) * g. The origins give no such bound, because an aircraft
    that arrives empty at an origin may leave at once.
    """
    g = min(k.ground_time_h for k in problem.available_types())
    best = 0.0
    dests = {d for (_, d) in pairs}
    for dest in dests:
        units = [u for (o, d), us in pairs.items() if d == dest for u in us]
        limit = problem.airfields[dest].max_on_ground
        for r in sorted({u.ready_h for u in units}):
            late = [u for u in units if u.ready_h >= r]
            n = sum(
                pair_sortie_bound(problem, [u for u in late if u.origin == o])
                for o in {u.origin for u in late}
            )
            if n == 0:
                continue
            first = min(_earliest_arrival_any(problem, u) for u in late)
            best = max(best, first + ((n - 1) // limit) * g)
    return best


def _earliest_arrival_any(problem: Problem, unit: Unit) -> float:
    """Return the earliest hour at which any sortie carrying part of `unit` can land."""
    reach = _reach_h(problem, unit.origin)
    return min(max(unit.ready_h, reach[c]) + problem.flight_h(c, unit.origin, unit.destination) for c in reach)


def _throughput_bound(problem: Problem, needed: int) -> float:
    """Return the smallest T by which the whole fleet can complete `needed` sorties.

    Between two loaded landings an aircraft spends its ground time, an empty leg and a loaded
    leg; the shortest such cycle over all pairs bounds how often it can land. Its first landing is
    no earlier than its first possible loaded arrival.
    """
    pairs = list(problem.pairs())
    if not needed or not pairs:
        return 0.0
    dests = {d for _, d in pairs}
    ready = {pair: min(u.ready_h for u in us) for pair, us in problem.pairs().items()}
    crafts = []
    for entry in problem.fleet:
        if not entry.count:
            continue
        kind = problem.aircraft_types[entry.type]
        first = min(
            max(ready[(o, d)], problem.flight_h(kind.code, entry.base, o)) + problem.flight_h(kind.code, o, d)
            for o, d in pairs
        )
        cycle = kind.ground_time_h + min(
            problem.flight_h(kind.code, prev, o) + problem.flight_h(kind.code, o, d) for prev in dests for o, d in pairs
        )
        crafts.append((first, cycle, entry.count))

    def capacity(t: float) -> int:
        total = 0
        for first, cycle, count in crafts:
            if t + EPS >= first:
                total += count * (1 + (math.floor((t - first) / cycle + EPS) if cycle > 0 else needed))
        return total

    lo = min(c[0] for c in crafts)
    if capacity(lo) >= needed:
        return lo
    hi = lo + 1.0
    while capacity(hi) < needed:
        hi = lo + 2 * (hi - lo)
    for _ in range(60):
        mid = (lo + hi) / 2
        if capacity(mid) >= needed:
            hi = mid
        else:
            lo = mid
    # Capacity changes only at landing instants; bisection ends just above one, so step back a hair.
    return max(0.0, hi - 1e-6)


def _fleet_parking_time_bound(problem: Problem, pairs: dict[tuple[str, str], list[Unit]], low: float) -> float:
    """Return the smallest T (at least `low`, to 0.01 h) for which the sorties can fit the time.

    Let x[p][k] be the sorties of type k on pair p, subject to each pair's capacity constraints.

    * Airframe time. Between two loaded landings L_i < L_j of one airframe lie a ground time g,
      an empty leg into the next origin o (at least e(o), the shortest flight into o from any
      destination) and the loaded leg τ(p). So each sortie but an airframe's first takes at
      least w(p) = τ(p) + g + e(o_p) of the span from its first landing (at least `first`,
      its earliest possible loaded landing) to T. Summed over airframes:
      Σ_p w(p) x[p][k] ≤ Σ_airframes (T − first + max_p w(p)).
    * Parking. Each landing at destination d keeps one of its M places for at least g_k. The
      landings happen in [e_d, T], e_d the earliest possible landing there; at most M
      aircraft are on the ground at T, each for at most g_max more. So
      Σ_{p→d} g_k x[p][k] ≤ M (T − e_d + g_max).

    Any plan with makespan T satisfies all of these, so if the integer programme is infeasible for
    T, every plan's makespan exceeds T. Feasibility grows with T, so bisection finds the bound.
    Times are in ticks of 0.01 h; coefficients round down and capacities up.
    """
    kinds = problem.available_types()
    dests = sorted({d for _, d in pairs})
    origins = sorted({o for o, _ in pairs})
    ready = {pair: min(u.ready_h for u in us) for pair, us in pairs.items()}

    def ticks_down(h: float) -> int:
        return math.floor(h * 100 + 1e-6)

    airframes = []  # (type, count, first landing h)
    for e in problem.fleet:
        if e.count:
            first = min(
                max(ready[(o, d)], problem.flight_h(e.type, e.base, o)) + problem.flight_h(e.type, o, d) for o, d in pairs
            )
            airframes.append((e.type, e.count, first))
    w = {}
    for k in kinds:
        into = {o: min(problem.flight_h(k.code, d, o) for d in dests) for o in origins}
        for (o, d) in pairs:
            w[(o, d, k.code)] = problem.flight_h(k.code, o, d) + k.ground_time_h + into[o]
    w_max = {k.code: max(w[(o, d, k.code)] for o, d in pairs) for k in kinds}
    earliest = {}
    for (o, d), us in pairs.items():
        for u in us:
            reach = _reach_h(problem, o)
            t = min(max(u.ready_h, reach[c]) + problem.flight_h(c, o, d) for c in reach)
            earliest[d] = min(earliest.get(d, math.inf), t)
    g_max = max(k.ground_time_h for k in kinds)

    def feasible(t: float) -> bool:
        model = cp_model.CpModel()
        x = {}
        for pair, units in pairs.items():
            x[pair] = {k.code: model.NewIntVar(0, 100_000, "") for k in kinds}
            _add_pair_constraints(model, problem, units, x[pair])
        for k in kinds:
            span = sum(n * max(0.0, t - first + w_max[k.code]) for code, n, first in airframes if code == k.code)
            if not any(code == k.code for code, _, _ in airframes):
                continue
            model.Add(sum(ticks_down(w[(o, d, k.code)]) * x[(o, d)][k.code] for o, d in pairs) <= math.ceil(span * 100 + 1e-6))
        for d in dests:
            room = problem.airfields[d].max_on_ground * max(0.0, t - earliest[d] + g_max)
            model.Add(
                sum(ticks_down(k.ground_time_h) * x[(o, dd)][k.code] for o, dd in pairs if dd == d for k in kinds)
                <= math.ceil(room * 100 + 1e-6)
            )
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 2.0
        solver.parameters.num_workers = 1
        status = solver.Solve(model)
        # Unknown counts as feasible, so the bound stays valid when the solver gives up.
        return status != cp_model.INFEASIBLE

    if feasible(low):
        return low
    hi = low + 1.0
    while not feasible(hi):
        hi = low + 2 * (hi - low)
        if hi - low > 1e6:
            return low
    lo = low
    while hi - lo > 0.01:
        mid = (lo + hi) / 2
        if feasible(mid):
            hi = mid
        else:
            lo = mid
    # Every T below `lo` was shown infeasible.
    return lo

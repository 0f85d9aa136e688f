"""Loading patterns: the vehicle mixes one sortie of one type can carry, and what they buy.

When parking at the destinations binds, the makespan is set by the parking time the sorties
use there (ground time × sorties, per destination), not by the sortie count: an An-124 holds a
place for 3 h but carries six BMD-2 where an Il-76 carries three in 2 h. Both the makespan bound
and the parking-aware packing below choose, per group of units, how many sorties of each
pattern to fly, against the destinations' parking and the airframes' flying time.

A pattern is a vector of vehicle counts (one entry per distinct vehicle size in the group) that
fits one aircraft's payload and floor length; persons and cargo fill what the vehicles leave,
in aggregate over the group's sorties (persons are whole, so each sortie seats at most
floor(room / person_kg) of them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from .model import AircraftType, Problem, Unit, Vehicle

# Groups whose patterns exceed this many (over all types) are not modelled; callers fall back.
MAX_PATTERNS = 20_000


class TooManyPatterns(Exception):
    pass


def enumerate_patterns(kind: AircraftType, specs: list[Vehicle], counts: list[int], tol: float, limit: int) -> list[tuple]:
    """Return every vehicle-count vector (at most `counts`) that one `kind` sortie can carry.

    `tol` is added to payload and floor length: the bound uses the checker's tolerance, so that no
    sortie the checker accepts is left out; the planner uses none.
    """
    out: list[tuple] = []
    n = len(specs)
    fits = [v.fits(kind) for v in specs]

    def rec(i: int, vec: list[int], w: float, ln: float) -> None:
        if len(out) > limit:
            raise TooManyPatterns
        if i == n:
            out.append(tuple(vec))
            return
        v = specs[i]
        c = 0
        while c <= counts[i]:
            if c and (not fits[i] or w + c * v.weight_kg > kind.payload_kg + tol or ln + c * v.length_m > kind.length_m + tol):
                break
            vec.append(c)
            rec(i + 1, vec, w + c * v.weight_kg, ln + c * v.length_m)
            vec.pop()
            c += 1

    rec(0, [], 0.0, 0.0)
    return out


@dataclass
class Group:
    """Units that may share sorties: one origin–destination pair (and, for loads, one release)."""

    origin: str
    destination: str
    units: list[Unit]
    specs: list[Vehicle]  # one representative per distinct vehicle size
    counts: list[int]
    persons: int
    cargo_kg: float


def _size(v: Vehicle) -> tuple:
    return (v.weight_kg, v.length_m, v.width_m, v.height_m)


def make_group(origin: str, destination: str, units: list[Unit]) -> Group:
    specs: dict[tuple, list] = {}
    for u in units:
        for v in u.vehicles:
            if v.count:
                specs.setdefault(_size(v), [v, 0])[1] += v.count
    keys = sorted(specs)
    return Group(
        origin, destination, units, [specs[k][0] for k in keys], [specs[k][1] for k in keys],
        sum(u.personnel for u in units), sum(u.cargo_kg for u in units),
    )


def room_for_people(problem: Problem, kind: AircraftType, vehicle_kg: float, tol: float) -> tuple[int, float]:
    """Return (persons, kg) one sortie of `kind` can add to `vehicle_kg` of vehicles."""
    room = kind.payload_kg - vehicle_kg + tol
    pk = problem.person_kg
    seats = kind.seats if pk <= 0 else min(kind.seats, max(0, math.floor(room / pk + 1e-9)))
    return seats, room


def _airframes(problem: Problem, pairs: dict) -> list[tuple[str, int, float]]:
    """Return (type, count, earliest loaded landing) per fleet entry, as in the bounds."""
    ready = {pair: min(u.ready_h for u in us) for pair, us in pairs.items()}
    out = []
    for e in problem.fleet:
        if e.count:
            first = min(
                max(ready[(o, d)], problem.flight_h(e.type, e.base, o)) + problem.flight_h(e.type, o, d) for o, d in pairs
            )
            out.append((e.type, e.count, first))
    return out


def _cycle(problem: Problem, pairs: dict) -> dict[tuple[str, str, str], float]:
    """Return w(o, d, type): the least time one more loaded landing on (o, d) adds to an airframe.

    A ground time at the previous destination, the empty leg into o from the nearest destination,
    and the loaded leg.
    """
    dests = {d for _, d in pairs}
    w = {}
    for k in problem.available_types():
        into = {o: min(problem.flight_h(k.code, d, o) for d in dests) for o, _ in pairs}
        for o, d in pairs:
            w[(o, d, k.code)] = problem.flight_h(k.code, o, d) + k.ground_time_h + into[o]
    return w


def _earliest_landing(problem: Problem, pairs: dict) -> dict[str, float]:
    """Return, per destination, the earliest hour any sortie can land there."""
    out: dict[str, float] = {}
    reach: dict[tuple[str, str], float] = {}
    for e in problem.fleet:
        if e.count:
            for o, _ in pairs:
                key = (e.type, o)
                reach[key] = min(reach.get(key, math.inf), problem.flight_h(e.type, e.base, o))
    for (o, d), units in pairs.items():
        for u in units:
            for (code, oo), t in reach.items():
                if oo == o:
                    out[d] = min(out.get(d, math.inf), max(u.ready_h, t) + problem.flight_h(code, o, d))
    return out


def pattern_parking_bound(problem: Problem, low: float) -> float:
    """Return a makespan bound at least `low` from the pattern relaxation (an LP), or `low`.

    Variables: n[p, k, c] ≥ 0, the sorties of type k on pair p carrying vehicle pattern c, and the
    makespan T ≥ `low` (valid: `low` is itself a bound). Every valid plan with makespan T gives a
    solution (count its sorties by pair, type and vehicle mix), because:

    * each sortie's vehicles form one of the enumerated patterns (all vectors within the pair's
      counts that fit payload and floor length, with the checker's tolerance), so the patterns
      cover each vehicle size exactly;
    * a sortie carrying vehicles of w kg seats at most min(seats, floor((payload − w)/person_kg))
      persons and at most payload − w kg of persons and cargo, so the pair's persons and
      persons-plus-cargo weight fit the sums of these;
    * parking: each landing at destination d keeps one of its M places for at least its ground
      time g_k, inside [e_d, T + g_max], so Σ g_k n ≤ M (T − e_d + g_max) (as in bounds.py);
    * airframe time: as in bounds.py, an airframe's sorties after its first each take at least
      w(p, k) of the span from its first possible landing f to T, so Σ w n ≤ Σ_airframes
      max(0, T − f + w_max). For T ≥ low, max(0, T − a) ≤ max(0, low − a) + (T − low) (the
      function is increasing with slope at most 1), so the linear right-hand side is at least
      the true one and the constraint stays a relaxation.

    The LP optimum (minus a solver tolerance) is therefore at most any plan's makespan.
    """
    pairs = problem.pairs()
    if not pairs:
        return low
    kinds = problem.available_types()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return low
    T = solver.NumVar(low, solver.infinity(), "T")
    park: dict[str, list] = {}
    air: dict[str, list] = {}
    w = _cycle(problem, pairs)
    tol = 1e-6
    total = 0
    try:
        for (o, d), units in sorted(pairs.items()):
            g = make_group(o, d, units)
            cover: list[list] = [[] for _ in g.specs]
            seats, kgs = [], []
            for k in kinds:
                pats = enumerate_patterns(k, g.specs, g.counts, tol, MAX_PATTERNS - total)
                total += len(pats)
                for pat in pats:
                    var = solver.NumVar(0, solver.infinity(), "")
                    vkg = sum(c * v.weight_kg for c, v in zip(pat, g.specs))
                    s, room = room_for_people(problem, k, vkg, tol)
                    for i, c in enumerate(pat):
                        if c:
                            cover[i].append(c * var)
                    seats.append(s * var)
                    kgs.append(room * var)
                    park.setdefault(d, []).append(k.ground_time_h * var)
                    air.setdefault(k.code, []).append(w[(o, d, k.code)] * var)
            for i, n in enumerate(g.counts):
                solver.Add(sum(cover[i]) == n)
            if g.persons:
                solver.Add(sum(seats) >= g.persons)
            solver.Add(sum(kgs) >= g.persons * problem.person_kg + g.cargo_kg)
    except TooManyPatterns:
        return low
    earliest = _earliest_landing(problem, pairs)
    g_max = max(k.ground_time_h for k in kinds)
    for d, terms in park.items():
        solver.Add(sum(terms) <= problem.airfields[d].max_on_ground * (T - earliest[d] + g_max))
    w_max = {k.code: max(w[(o, d, k.code)] for o, d in pairs) for k in kinds}
    for code, terms in air.items():
        cap = sum(n * (max(0.0, low - f + w_max[code]) + (T - low)) for c, n, f in _airframes(problem, pairs) if c == code)
        solver.Add(sum(terms) <= cap)
    solver.Minimize(T)
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return low
    # GLOP's feasibility tolerance is far below this margin.
    return max(low, T.solution_value() - 0.01)


def pattern_loads(
    problem: Problem,
    *,
    time_limit: float,
    deterministic_time: float | None = None,
    scarce_share: float = 1.0,
):
    """Return loads chosen for parking time, or None: per wave, sorties of each type and pattern.

    The model is the relaxation of `pattern_parking_bound` per wave (one pair and release) in
    integers, minimising the makespan estimate T first and the number of sorties second. A type's
    airframe time may be cut to `scarce_share` of the estimate, since a list schedule never keeps
    the few large airframes as busy as the estimate assumes. Persons and cargo then fill the
    sorties in order, so the loads are exact.
    """
    from .loads import _Bin, _to_load, waves

    groups = waves(problem)
    pairs = problem.pairs()
    if not groups:
        return []
    kinds = problem.available_types()
    w = _cycle(problem, pairs)
    model = cp_model.CpModel()
    horizon = 10_000_000
    T = model.NewIntVar(0, horizon, "T")
    park: dict[str, list] = {}
    air: dict[str, list] = {}
    sorties = []
    chosen = []  # (group, kind, pattern, var)
    built = []
    total = 0
    try:
        for (o, d, r), units in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
            g = make_group(o, d, units)
            built.append(g)
            cover: list[list] = [[] for _ in g.specs]
            seats, kgs = [], []
            for k in kinds:
                pats = enumerate_patterns(k, g.specs, g.counts, 1e-9, MAX_PATTERNS - total)
                total += len(pats)
                for pat in pats:
                    if not any(pat) and not g.persons and g.cargo_kg <= 0:
                        continue
                    vkg = sum(c * v.weight_kg for c, v in zip(pat, g.specs))
                    s, room = room_for_people(problem, k, vkg, 0.0)
                    if not any(pat) and s == 0 and math.floor(room) <= 0:
                        continue
                    var = model.NewIntVar(0, sum(g.counts) + g.persons + math.ceil(g.cargo_kg) + 1, "")
                    for i, c in enumerate(pat):
                        if c:
                            cover[i].append(c * var)
                    seats.append(s * var)
                    kgs.append(math.floor(room + 1e-9) * var)
                    park.setdefault(d, []).append(round(k.ground_time_h * 100) * var)
                    air.setdefault(k.code, []).append(math.floor(w[(o, d, k.code)] * 100) * var)
                    sorties.append(var)
                    chosen.append((g, k, pat, var))
            for i, n in enumerate(g.counts):
                model.Add(sum(cover[i]) == n)
            if g.persons:
                model.Add(sum(seats) >= g.persons)
            model.Add(sum(kgs) >= math.ceil(g.persons * problem.person_kg + g.cargo_kg))
    except TooManyPatterns:
        return None
    earliest = _earliest_landing(problem, pairs)
    g_max = max(k.ground_time_h for k in kinds)
    for d, terms in park.items():
        model.Add(sum(terms) <= problem.airfields[d].max_on_ground * (T - math.floor(earliest[d] * 100) + round(g_max * 100)))
    w_max = {k.code: max(w[(o, d, k.code)] for o, d in pairs) for k in kinds}
    counts: dict[str, int] = {}
    for e in problem.fleet:
        counts[e.type] = counts.get(e.type, 0) + e.count
    most = max(counts.values())
    for code, terms in air.items():
        share = scarce_share if counts.get(code, 0) < most else 1.0
        cap = []
        for c, n, f in _airframes(problem, pairs):
            if c == code:
                # span = max(0, T - f + w_max): what the airframes of this entry can fly.
                reach = model.NewIntVar(-horizon, horizon, "")
                model.Add(reach == T - math.floor(f * 100) + math.ceil(w_max[code] * 100))
                span = model.NewIntVar(0, horizon, "")
                model.AddMaxEquality(span, [reach, 0])
                cap.append(n * span)
        if cap:
            model.Add(100 * sum(terms) <= round(100 * share) * sum(cap))
    # Two phases: the makespan estimate alone, then the fewest sorties within it, from the
    # first phase's solution as a hint (so the second always has one to return).
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = 0
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.1, time_limit / 2)
    if deterministic_time is not None:
        solver.parameters.max_deterministic_time = deterministic_time / 2
    model.Minimize(T)
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    model.Add(T <= solver.Value(T))
    for v in [T] + [c[3] for c in chosen]:
        model.AddHint(v, solver.Value(v))
    model.Minimize(sum(sorties))
    first = solver
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = 0
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.1, time_limit / 2)
    if deterministic_time is not None:
        solver.parameters.max_deterministic_time = deterministic_time / 2
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solver = first
    loads = []
    pk = problem.person_kg
    for g in built:
        bins = []
        for gg, k, pat, var in chosen:
            if gg is g:
                bins += [(_Bin(k), pat) for _ in range(solver.Value(var))]
        pool = {
            i: [(u, v) for u in g.units for v in u.vehicles if v.count and _size(v) == _size(spec) for _ in range(v.count)]
            for i, spec in enumerate(g.specs)
        }
        for b, pat in bins:
            for i, c in enumerate(pat):
                for _ in range(c):
                    u, v = pool[i].pop(0)
                    b.weight += v.weight_kg
                    b.lane += v.length_m
                    part = b.part(u.id)
                    part.vehicles[v.type] = part.vehicles.get(v.type, 0) + 1
        for u in g.units:
            left = u.personnel
            for b, _ in bins:
                if not left:
                    break
                room = min(b.kind.seats - b.seats, int((b.kind.payload_kg - b.weight) // pk) if pk else left)
                n = min(room, left)
                if n > 0:
                    b.seats += n
                    b.weight += n * pk
                    b.part(u.id).personnel += n
                    left -= n
            if left:
                return None
        for u in g.units:
            left = u.cargo_kg
            for b, _ in bins:
                if left <= 1e-9:
                    break
                room = math.floor(b.kind.payload_kg - b.weight + 1e-9)
                n = min(room, left)
                if n > 0:
                    b.weight += n
                    b.part(u.id).cargo_kg += n
                    left -= n
            if left > 1e-9:
                return None
        loads += [_to_load(problem, g.origin, g.destination, b) for b, _ in bins if b.parts]
    return loads

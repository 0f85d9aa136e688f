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

from .checker import CARGO_TOL_KG
from .model import AircraftType, Problem, Unit, Vehicle

# Groups whose patterns exceed this many (over all types) are not modelled; callers fall back.
MAX_PATTERNS = 20_000


class TooManyPatterns(Exception):
    pass


def enumerate_patterns(
    kind: AircraftType, specs: list[Vehicle], counts: list[int], tol: float, limit: int, fits: list[bool] | None = None
) -> list[tuple]:
    """Return every vehicle-count vector (at most `counts`) that one `kind` sortie can carry.

    `tol` is added to payload and floor length: the bound uses the checker's tolerance, so that no
    sortie the checker accepts is left out; the planner uses none. `fits[i]` says whether vehicle
    `specs[i]` may board `kind` at all (by default `Vehicle.fits`).
    """
    out: list[tuple] = []
    n = len(specs)
    if fits is None:
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


def _phase_solver(time_limit: float, deterministic_time: float | None) -> cp_model.CpSolver:
    """One worker, a fixed seed and half of each budget: one of pattern_loads' two phases."""
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = 0
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.1, time_limit / 2)
    if deterministic_time is not None:
        solver.parameters.max_deterministic_time = deterministic_time / 2
    return solver


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
    from .loads import waves

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
    solver = _phase_solver(time_limit, deterministic_time)
    model.Minimize(T)
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    model.Add(T <= solver.Value(T))
    for v in [T] + [c[3] for c in chosen]:
        model.AddHint(v, solver.Value(v))
    model.Minimize(sum(sorties))
    first = solver
    solver = _phase_solver(time_limit, deterministic_time)
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solver = first
    loads = []
    for g in built:
        kinds_and_patterns = []
        for gg, k, pat, var in chosen:
            if gg is g:
                kinds_and_patterns += [(k, pat)] * solver.Value(var)
        filled = fill_patterns(problem, g, kinds_and_patterns)
        if filled is None:
            return None
        loads += filled
    return loads


def fill_patterns(problem: Problem, g: Group, kinds_and_patterns: list[tuple[AircraftType, tuple]]):
    """Return the group's loads: one sortie per (type, vehicle pattern), the group's vehicles put
    in by pattern, then persons and cargo in order where room is left; None if they do not fit."""
    from .loads import _Bin, _to_load

    pk = problem.person_kg
    bins = [(_Bin(k), pat) for k, pat in kinds_and_patterns]
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
    return [_to_load(problem, g.origin, g.destination, b) for b, _ in bins if b.parts]


# The checker accepts a sortie whose payload or floor length is over by at most this much.
CHECKER_TOL = 1e-6
# Added to it for the sortie bound, so that summing in another order than the checker's cannot
# leave out a pattern the checker accepts (rounding errors are far smaller).
SUM_MARGIN = 1e-7
# Each pattern count's upper limit in the integer sortie model; that bound is capped there.
SORTIE_CAP = 100_000
# Pairs with more patterns than this get the LP bound only: CP-SAT's presolve would spend its
# whole work budget on them.
CPSAT_PATTERNS = 3_000


def pattern_sortie_bound(problem: Problem, units: list[Unit], *, work: float, limit: int = MAX_PATTERNS) -> int:
    """Return a lower bound on the sorties of any valid plan that carry `units` (all of one pair).

    Returns 0 (no information) when the pair has more than `limit` patterns. The model: n[k, c] ≥ 0
    integer, the sorties of type k carrying vehicle pattern c; minimise Σ n subject to

    (1) Σ_{k,c} c_i n[k, c] = count_i for every vehicle size i (weight, length, width, height);
    (2) Σ seats(k, c) n[k, c] ≥ persons, seats(k, c) = min(seats_k, ⌊room(k, c) / person_kg⌋);
    (3) Σ ⌈100 room(k, c)⌉ n[k, c] ≥ ⌊100 (persons × person_kg + cargo − slack) − 0.001⌋,

    where room(k, c) = payload_k − (kg of c's vehicles) + tol, tol = checker tolerance 1e-6 plus
    SUM_MARGIN, and slack = Σ_units min(CARGO_TOL_KG, cargo_kg).

    Proof that no plan the checker accepts has fewer sorties on the pair. Take such a plan, with
    N sorties on the pair, and let n[k, c] count its sorties of type k whose vehicles, counted by
    size, form the vector c.

    * Each such c is enumerated: the checker admits a vehicle on type k only if its width and
      height are at most the hold's (its only per-vehicle test; `fits` below is exactly that), and
      a sortie only if its vehicles' weight and floor length are at most payload and hold length
      plus 1e-6 (persons and cargo weigh ≥ 0); `enumerate_patterns` keeps every vector within the
      pair's counts that passes these tests with the larger `tol`. A sortie carries only units of
      its pair (the checker refuses others), so c is within the pair's counts.
    * (1) The checker requires every unit's vehicles of each type to be delivered exactly; vehicles
      of one size are interchangeable here, so summing per size gives equality.
    * (2) A sortie of (k, c) carries p persons with p ≤ seats_k and p × person_kg ≤ payload_k +
      1e-6 − vehicle kg ≤ room(k, c) (cargo ≥ 0), so p ≤ seats(k, c) (`room_for_people`, whose
      rounding only raises it); the checker requires all persons delivered exactly.
    * (3) Its persons and cargo weigh at most room(k, c); the checker requires each unit's cargo
      delivered to within CARGO_TOL_KG (and cargo is never negative), so the pair's persons and
      cargo weigh at least persons × person_kg + cargo − slack. Capacities round up and the
      demand rounds down (the 0.001 absorbs floating-point error), so (3) stays implied.

    So the plan's n is feasible and N = Σ n ≥ the model's optimum. Two bounds on that optimum:

    * LP duality, checked exactly. For any y with y ≥ 0 on rows (2) and (3) and Aᵀy ≤ 1 column by
      column, every feasible n ≥ 0 has Σ n ≥ Σ_j n_j (Aᵀy)_j = yᵀAn ≥ yᵀb. GLOP's duals are
      rounded to multiples of 2⁻³⁰, clamped to ≥ 0 on (2) and (3), and divided by
      m = max(1, max_j (Aᵀy)_j), which makes them feasible; yᵀb/m is then evaluated in integer
      arithmetic, so the solver's tolerances cannot make it invalid. The optimum is an integer,
      so the bound rounds up.
    * CP-SAT (at most CPSAT_PATTERNS patterns), with each n ≤ SORTIE_CAP. If N < SORTIE_CAP, the
      plan's n lies within these domains, so CP-SAT's proven objective bound (`BestObjectiveBound`,
      valid whether or not the search finished) is at most N; the value is capped at SORTIE_CAP,
      which covers N ≥ SORTIE_CAP.

    CP-SAT runs on one worker with a deterministic work budget (`work`) and no wall-clock limit,
    GLOP is deterministic, and the patterns are enumerated in a fixed order, so the same input
    gives the same bound.
    """
    units = [u for u in units if not u.is_empty()]
    if not units:
        return 0
    g = make_group(units[0].origin, units[0].destination, units)
    tol = CHECKER_TOL + SUM_MARGIN
    # Columns: one per (type, pattern), as (pattern, seats, kg room in units of 0.01 kg).
    columns: list[tuple[tuple, int, int]] = []
    try:
        for k in problem.available_types():
            fits = [v.width_m <= k.width_m and v.height_m <= k.height_m for v in g.specs]
            for pat in enumerate_patterns(k, g.specs, g.counts, tol, limit - len(columns), fits):
                vkg = sum(c * v.weight_kg for c, v in zip(pat, g.specs))
                s, room = room_for_people(problem, k, vkg, tol)
                columns.append((pat, s, max(0, math.ceil(room * 100))))
    except TooManyPatterns:
        return 0
    slack = sum(min(CARGO_TOL_KG, u.cargo_kg) for u in units)
    demand = max(0, math.floor((g.persons * problem.person_kg + g.cargo_kg - slack) * 100 - 1e-3))
    # Rows as (coefficient per column, right-hand side, is an equality).
    rows = [([pat[i] for pat, _, _ in columns], n, True) for i, n in enumerate(g.counts)]
    rows.append(([s for _, s, _ in columns], g.persons, False))
    rows.append(([kg for _, _, kg in columns], demand, False))
    best = _lp_sortie_bound(rows, len(columns))
    if len(columns) <= CPSAT_PATTERNS:
        best = max(best, _cpsat_sortie_bound(rows, len(columns), work))
    return best


def _lp_sortie_bound(rows: list[tuple[list[int], int, bool]], ncols: int) -> int:
    """Return ⌈yᵀb⌉ for an exactly verified dual-feasible y of min Σ n, rows, n ≥ 0 (else 0)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None or not ncols:
        return 0
    xs = [solver.NumVar(0, solver.infinity(), "") for _ in range(ncols)]
    cons = []
    for coefs, rhs, eq in rows:
        ct = solver.Constraint(rhs, rhs if eq else solver.infinity())
        for x, a in zip(xs, coefs):
            if a:
                ct.SetCoefficient(x, a)
        cons.append(ct)
    objective = solver.Objective()
    for x in xs:
        objective.SetCoefficient(x, 1)
    objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return 0
    scale = 2**30
    ys = []
    for ct, (_, _, eq) in zip(cons, rows):
        d = ct.dual_value()
        if not math.isfinite(d):
            return 0
        y = round(d * scale)
        ys.append(y if eq else max(0, y))
    # Everything below is exact integer arithmetic on y·2³⁰.
    top = max((sum(y * coefs[j] for y, (coefs, _, _) in zip(ys, rows)) for j in range(ncols)), default=0)
    value = sum(y * rhs for y, (_, rhs, _) in zip(ys, rows))
    if value <= 0:
        return 0
    m = max(scale, top)
    return -((-value) // m)  # ⌈value / m⌉


def _cpsat_sortie_bound(rows: list[tuple[list[int], int, bool]], ncols: int, work: float) -> int:
    """Return CP-SAT's proven lower bound on min Σ n, rows, 0 ≤ n ≤ SORTIE_CAP integer (or 0)."""
    model = cp_model.CpModel()
    xs = [model.NewIntVar(0, SORTIE_CAP, "") for _ in range(ncols)]
    for coefs, rhs, eq in rows:
        expr = sum(a * x for a, x in zip(coefs, xs) if a)
        if eq:
            model.Add(expr == rhs)
        elif rhs > 0:
            model.Add(expr >= rhs)
    model.Minimize(sum(xs))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = work
    status = solver.Solve(model)
    if status == cp_model.OPTIMAL:
        value = round(solver.ObjectiveValue())
    elif status in (cp_model.FEASIBLE, cp_model.UNKNOWN) and math.isfinite(solver.BestObjectiveBound()):
        value = math.ceil(solver.BestObjectiveBound() - 1e-6)
    else:
        return 0
    return max(0, min(value, SORTIE_CAP))

"""Load building: pack each origin–destination pair's units into sortie loads.

A load is what one sortie carries. Vehicles are indivisible; persons are whole; cargo is split
freely. Two builders exist: first-fit decreasing (the baseline, and the planner's fallback) and a
CP-SAT model that minimises the number of loads and, second, how late they can leave.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .model import AircraftType, Problem, Unit


@dataclass
class Part:
    unit: str
    personnel: int = 0
    cargo_kg: float = 0.0
    vehicles: dict[str, int] = field(default_factory=dict)


@dataclass
class Load:
    type: str
    origin: str
    destination: str
    release: float
    parts: list[Part]
    # Set by `timed_loads` for scarce types: the airframe that flies the load, which then
    # leaves no earlier than `release` (its planned departure, never before its units are ready).
    aircraft: str | None = None


@dataclass
class _Bin:
    kind: AircraftType
    weight: float = 0.0
    lane: float = 0.0
    seats: int = 0
    parts: dict[str, Part] = field(default_factory=dict)

    def part(self, unit: str) -> Part:
        return self.parts.setdefault(unit, Part(unit))


def waves(problem: Problem) -> dict[tuple[str, str, float], list[Unit]]:
    """Group units by pair and readiness: units of one wave can share sorties without delay."""
    out: dict[tuple[str, str, float], list[Unit]] = {}
    for (o, d), units in problem.pairs().items():
        for u in units:
            out.setdefault((o, d, u.ready_h), []).append(u)
    return out


def _preferred(problem: Problem, candidates: list[AircraftType]) -> AircraftType:
    # The most numerous type keeps the fleet busy evenly; a larger payload breaks ties.
    counts: dict[str, int] = {}
    for e in problem.fleet:
        counts[e.type] = counts.get(e.type, 0) + e.count
    return max(candidates, key=lambda k: (counts.get(k.code, 0), k.payload_kg))


def ffd(
    problem: Problem,
    units: list[Unit],
    kinds: list[AircraftType] | None = None,
    quota: dict[str, int] | None = None,
) -> list[_Bin]:
    """Pack `units` (one pair) first-fit decreasing: vehicles by weight, then persons, then cargo.

    New bins use the most numerous type, except that while `quota` allows, they use the largest
    type with quota left: a few big aircraft then carry the biggest items.
    """
    kinds = kinds or problem.available_types()
    pk = problem.person_kg
    bins: list[_Bin] = []
    left_quota = dict(quota or {})

    def new_bin(candidates: list[AircraftType]) -> _Bin:
        big = [k for k in candidates if left_quota.get(k.code, 0) > 0]
        kind = max(big, key=lambda k: k.payload_kg) if big else _preferred(problem, candidates)
        if big:
            left_quota[kind.code] -= 1
        b = _Bin(kind)
        bins.append(b)
        return b

    vehicles = sorted(
        ((u, v) for u in units for v in u.vehicles for _ in range(v.count)),
        key=lambda uv: (-uv[1].weight_kg, -uv[1].length_m),
    )
    for unit, v in vehicles:
        for b in bins:
            if v.fits(b.kind) and b.weight + v.weight_kg <= b.kind.payload_kg and b.lane + v.length_m <= b.kind.length_m + 1e-9:
                break
        else:
            b = new_bin([k for k in kinds if v.fits(k)])
        b.weight += v.weight_kg
        b.lane += v.length_m
        p = b.part(unit.id)
        p.vehicles[v.type] = p.vehicles.get(v.type, 0) + 1
    seated = [k for k in kinds if k.seats > 0 and k.payload_kg >= pk]
    for unit in units:
        left = unit.personnel
        while left:
            for b in bins:
                room = min(b.kind.seats - b.seats, int((b.kind.payload_kg - b.weight) // pk) if pk else left)
                if room > 0:
                    break
            else:
                b = new_bin(seated)
                room = min(b.kind.seats, int(b.kind.payload_kg // pk) if pk else left)
            n = min(room, left)
            b.seats += n
            b.weight += n * pk
            b.part(unit.id).personnel += n
            left -= n
    for unit in units:
        left = unit.cargo_kg
        while left > 1e-9:
            # Whole kilograms keep the split exact when the plan is written out.
            for b in bins:
                room = math.floor(b.kind.payload_kg - b.weight + 1e-9)
                if room >= 1 or room >= left:
                    break
            else:
                b = new_bin(kinds)
                room = math.floor(b.kind.payload_kg)
            n = min(room, left)
            b.weight += n
            b.part(unit.id).cargo_kg += n
            left -= n
    return bins


def _to_load(problem: Problem, origin: str, dest: str, b: _Bin) -> Load:
    ready = problem.unit_by_id
    parts = [p for p in b.parts.values() if p.personnel or p.cargo_kg > 0 or any(p.vehicles.values())]
    return Load(b.kind.code, origin, dest, max(ready[p.unit].ready_h for p in parts), parts)


def ffd_loads(problem: Problem, by_wave: bool = False, quota: dict[str, int] | None = None) -> list[Load]:
    """Return first-fit-decreasing loads per pair, or per wave when `by_wave` is set."""
    groups = waves(problem) if by_wave else {(o, d, 0.0): us for (o, d), us in problem.pairs().items()}
    loads = []
    for (o, d, _), units in groups.items():
        loads += [_to_load(problem, o, d, b) for b in ffd(problem, units, quota=quota)]
    return loads


def cpsat_loads(
    problem: Problem,
    *,
    by_wave: bool,
    time_limit: float,
    type_caps: dict[str, int] | None = None,
    group_caps: dict[str, int] | None = None,
) -> list[Load] | None:
    """Return loads that minimise the sortie count (then the sum of releases), or None.

    One model covers every group so that `type_caps` can limit a type's loads across all of them.
    Each group gets, per aircraft type, as many slots as first-fit decreasing needs on that type
    alone, which is always enough; the first-fit packing is given as a hint.
    """
    deadline = time.monotonic() + time_limit
    groups = waves(problem) if by_wave else {(o, d, 0.0): us for (o, d), us in problem.pairs().items()}
    kinds = problem.available_types()
    pk = math.ceil(problem.person_kg)
    model = cp_model.CpModel()
    slots = []  # (group key, kind, used, {entry: var}, {unit: (persons, cargo)})
    used_by_type: dict[str, list] = {k.code: [] for k in kinds}
    objective_bins = []
    objective_release = []
    hints = []
    for key, units in groups.items():
        entries = [(u, v) for u in units for v in u.vehicles if v.count]
        hint_bins = ffd(problem, units)
        group_slots = []
        for kind in kinds:
            only = ffd(problem, units, [kind]) if _all_fit(problem, units, kind) else None
            n_slots = len(only) if only is not None else len(ffd(problem, units))
            hinted = [b for b in hint_bins if b.kind.code == kind.code]
            n_slots = max(n_slots, len(hinted))
            if group_caps and kind.code in group_caps:
                n_slots = min(n_slots, max(group_caps[kind.code], len(hinted)))
            prev_used = None
            for s in range(n_slots):
                used = model.NewBoolVar("")
                if prev_used is not None:
                    model.AddImplication(used, prev_used)
                prev_used = used
                y = {}
                for u, v in entries:
                    cap = v.count if v.fits(kind) else 0
                    y[(u.id, v.type)] = model.NewIntVar(0, cap, "")
                pc = {}
                for u in units:
                    p = model.NewIntVar(0, min(u.personnel, kind.seats) if pk <= kind.payload_kg else 0, "")
                    c = model.NewIntVar(0, math.ceil(u.cargo_kg), "")
                    pc[u.id] = (p, c)
                release = model.NewIntVar(0, math.ceil(max(u.ready_h for u in units) * 100), "")
                for u in units:
                    z = model.NewBoolVar("")
                    terms = [y[(u.id, v.type)] for v in u.vehicles if v.count] + list(pc[u.id])
                    for t in terms:
                        model.Add(t == 0).OnlyEnforceIf(z.Not())
                    model.Add(release >= math.ceil(u.ready_h * 100)).OnlyEnforceIf(z)
                weight = sum(math.ceil(v.weight_kg) * y[(u.id, v.type)] for u, v in entries)
                weight += sum(pk * p + c for p, c in pc.values())
                model.Add(weight <= int(kind.payload_kg) * used)
                model.Add(sum(math.ceil(v.length_m * 1000) * y[(u.id, v.type)] for u, v in entries) <= int(kind.length_m * 1000) * used)
                model.Add(sum(p for p, _ in pc.values()) <= kind.seats * used)
                slots.append((key, kind, used, y, pc))
                group_slots.append((y, pc))
                used_by_type[kind.code].append(used)
                objective_bins.append(used)
                objective_release.append(release)
                hb = hinted[s] if s < len(hinted) else None
                hints.append((used, y, pc, hb))
        for u, v in entries:
            model.Add(sum(y[(u.id, v.type)] for y, _ in group_slots) == v.count)
        for u in units:
            model.Add(sum(pc[u.id][0] for _, pc in group_slots) == u.personnel)
            model.Add(sum(pc[u.id][1] for _, pc in group_slots) == math.ceil(u.cargo_kg))
    for code, cap in (type_caps or {}).items():
        if code in used_by_type:
            model.Add(sum(used_by_type[code]) <= cap)
    for used, y, pc, hb in hints:
        model.AddHint(used, hb is not None)
        for (uid, vt), var in y.items():
            model.AddHint(var, hb.parts[uid].vehicles.get(vt, 0) if hb and uid in hb.parts else 0)
        for uid, (p, c) in pc.items():
            part = hb.parts.get(uid) if hb else None
            model.AddHint(p, part.personnel if part else 0)
            model.AddHint(c, math.ceil(part.cargo_kg) if part else 0)
    big = 1 + sum(math.ceil(u.ready_h * 100) for u in problem.units) * max(1, len(objective_bins))
    model.Minimize(big * sum(objective_bins) + sum(objective_release))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, deadline - time.monotonic())
    solver.parameters.num_workers = max(2, min(8, os.cpu_count() or 2))
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    loads = []
    for key, kind, used, y, pc in slots:
        if not solver.Value(used):
            continue
        parts: dict[str, Part] = {}
        for (uid, vt), var in y.items():
            n = solver.Value(var)
            if n:
                parts.setdefault(uid, Part(uid)).vehicles[vt] = n
        for uid, (p, c) in pc.items():
            if solver.Value(p):
                parts.setdefault(uid, Part(uid)).personnel = solver.Value(p)
            if solver.Value(c):
                parts.setdefault(uid, Part(uid)).cargo_kg = float(solver.Value(c))
        if parts:
            b = _Bin(kind, parts=parts)
            loads.append(_to_load(problem, key[0], key[1], b))
    _trim_cargo(problem, loads)
    return loads


def _all_fit(problem: Problem, units: list[Unit], kind: AircraftType) -> bool:
    if any(u.personnel for u in units) and (kind.seats == 0 or kind.payload_kg < problem.person_kg):
        return False
    return all(v.fits(kind) for u in units for v in u.vehicles if v.count)


def _trim_cargo(problem: Problem, loads: list[Load]) -> None:
    """Give back the fraction of a kilogram by which the model rounded each unit's cargo up."""
    for unit in problem.units:
        extra = math.ceil(unit.cargo_kg) - unit.cargo_kg
        if extra <= 0:
            continue
        for load in loads:
            for part in load.parts:
                if part.unit == unit.id and part.cargo_kg >= extra:
                    part.cargo_kg -= extra
                    extra = 0
                    break
            if not extra:
                break


@dataclass
class TimedLimits:
    """Caps that keep a load set schedulable by a target makespan (see `timed_loads`).

    `horizon_h` is the target makespan. `fleet_share` scales how many sorties each aircraft type
    may fly after each release; `parking_share` scales how many loads may land at a destination
    after each instant. At 1.0 the caps are necessary conditions only; lower values leave slack
    for the scheduler.
    """

    horizon_h: float
    fleet_share: dict[str, float] = field(default_factory=dict)
    parking_share: float = 1.0


def _first_at_least(levels: list[float], value: float) -> int | None:
    """Return the index of the first of the sorted `levels` at or above `value`, or None."""
    for j, r in enumerate(levels):
        if r >= value:
            return j
    return None


def _type_cycles(problem: Problem, kind: AircraftType) -> tuple[float, float]:
    """Return (shortest loaded leg, shortest cycle between two loaded landings) for `kind`."""
    pairs = list(problem.pairs())
    dests = {d for _, d in pairs}
    leg = min(problem.flight_h(kind.code, o, d) for o, d in pairs)
    empty = min(problem.flight_h(kind.code, d, o) for d in dests for o, _ in pairs)
    return leg, kind.ground_time_h + empty + leg


def _sorties_per_airframe(problem: Problem, kind: AircraftType, base: str, after: float, limits: TimedLimits) -> int:
    """Return how many sorties one airframe can fly leaving at or after `after` and landing by the horizon."""
    pairs = [(o, d) for (o, d), us in problem.pairs().items() if any(u.ready_h >= after for u in us)]
    if not pairs:
        return 0
    leg, cycle = _type_cycles(problem, kind)
    reach = min(max(after, problem.flight_h(kind.code, base, o)) for o, _ in pairs)
    leg = min(problem.flight_h(kind.code, o, d) for o, d in pairs)
    room = limits.horizon_h + 1e-6 - reach - leg
    if room < 0:
        return 0
    return 1 + (int(room // cycle) if cycle > 0 else 10_000)


def timed_loads(
    problem: Problem,
    limits: TimedLimits,
    *,
    deterministic_time: float,
    wall_limit: float,
    hint: list[Load] | None = None,
    chained: frozenset[str] = frozenset(),
) -> list[Load] | None:
    """Return loads that minimise the sortie count under caps that keep them schedulable.

    Units of one pair may share a load whatever their readiness; a load leaves with its latest
    unit. For the types in `chained` (scarce ones) the model plans each airframe's sequence of
    sorties outright: which pair each trip flies, when it leaves and lands, with the ground time
    and the empty leg between trips, all landing by the horizon; those loads come back pinned to
    their airframe. The other types get per-pair slots and caps: for every release, the loads of
    a type leaving after it against what its airframes can fly by the horizon, and for every
    destination and instant, the loads that cannot land before it against what the parking
    places can take. The search is deterministic: one worker, a fixed seed and a deterministic
    time budget (`wall_limit` only guards against a slow machine).
    """
    groups = problem.pairs()
    pair_list = list(groups)
    kinds = problem.available_types()
    pk = math.ceil(problem.person_kg)
    horizon = limits.horizon_h
    H = math.floor(horizon * 100 + 1e-6)
    model = cp_model.CpModel()
    veh_vars: dict[tuple[str, str], list] = {}
    pers_vars: dict[str, list] = {}
    cargo_vars: dict[str, list] = {}
    unit_pair = {u.id: (o, d) for (o, d), us in groups.items() for u in us}
    slots = []  # (pair or None, kind, used, y, pc, chain info or None)
    timed = []  # (pair, kind, flight hours, release levels, late indicators)
    parking_terms: dict[str, list] = {}  # destination -> [(kind, earliest landing h, bool, (slot, level))]
    chain_trips = []  # (kind, {unit: carries it}) of each chained trip
    objective_bins = []
    objective_release = []
    hint_by_group: dict[tuple[str, str, str], list[Load]] = {}
    for load in hint or []:
        if load.type not in chained:
            hint_by_group.setdefault((load.origin, load.destination, load.type), []).append(load)
    hints = []

    def contents(kind: AircraftType, units: list[Unit], used):
        """Create one load's variables for `units`; return (y, pc, z) with z[unit] = carries it."""
        y, pc, z = {}, {}, {}
        for u in units:
            for v in u.vehicles:
                if v.count:
                    var = model.NewIntVar(0, v.count if v.fits(kind) else 0, "")
                    y[(u.id, v.type)] = var
                    veh_vars.setdefault((u.id, v.type), []).append(var)
            p = model.NewIntVar(0, min(u.personnel, kind.seats) if pk <= kind.payload_kg else 0, "")
            c = model.NewIntVar(0, math.ceil(u.cargo_kg), "")
            pc[u.id] = (p, c)
            pers_vars.setdefault(u.id, []).append(p)
            cargo_vars.setdefault(u.id, []).append(c)
            z[u.id] = model.NewBoolVar("")
            for t in [y[(u.id, v.type)] for v in u.vehicles if v.count] + [p, c]:
                model.Add(t == 0).OnlyEnforceIf(z[u.id].Not())
            model.AddImplication(z[u.id], used)
        entries = [(u, v) for u in units for v in u.vehicles if v.count]
        weight = sum(math.ceil(v.weight_kg) * y[(u.id, v.type)] for u, v in entries)
        weight += sum(pk * p + c for p, c in pc.values())
        model.Add(weight <= int(kind.payload_kg) * used)
        model.Add(sum(math.ceil(v.length_m * 1000) * y[(u.id, v.type)] for u, v in entries) <= int(kind.length_m * 1000) * used)
        model.Add(sum(p for p, _ in pc.values()) <= kind.seats * used)
        return y, pc, z

    # Per-pair slots for the plentiful types.
    for (o, d), units in groups.items():
        levels = sorted({u.ready_h for u in units})
        for kind in kinds:
            if kind.code in chained:
                continue
            tau = problem.flight_h(kind.code, o, d)
            only = ffd(problem, units, [kind]) if _all_fit(problem, units, kind) else None
            n_slots = len(only) if only is not None else len(ffd(problem, units))
            hinted = hint_by_group.get((o, d, kind.code), [])
            n_slots = max(n_slots, len(hinted))
            prev_used = None
            for s in range(n_slots):
                used = model.NewBoolVar("")
                if prev_used is not None:
                    model.AddImplication(used, prev_used)
                prev_used = used
                y, pc, z = contents(kind, units, used)
                # late[j]: the load carries a unit ready at levels[j] or later (late[0] is `used`).
                late = [used] + [model.NewBoolVar("") for _ in levels[1:]]
                for j in range(1, len(levels)):
                    model.AddImplication(late[j], late[j - 1])
                for u in units:
                    model.AddImplication(z[u.id], late[levels.index(u.ready_h)])
                timed.append(((o, d), kind, tau, levels, late))
                for j, r in enumerate(levels):
                    # Counted at every instant up to its earliest landing: see the parking caps.
                    parking_terms.setdefault(d, []).append((kind, r + tau, late[j], (len(slots), j)))
                terms = [(levels[0], used)] + [(levels[j] - levels[j - 1], late[j]) for j in range(1, len(levels))]
                objective_release.append(sum(round(w * 100) * v for w, v in terms))
                slots.append(((o, d), kind, used, y, pc, None))
                objective_bins.append(used)
                hints.append((used, y, pc, hinted[s] if s < len(hinted) else None))

    # Airframe chains for the scarce types.
    all_units = [u for us in groups.values() for u in us]
    for kind in kinds:
        if kind.code not in chained:
            continue
        g = math.ceil(kind.ground_time_h * 100 - 1e-6)
        tau = {p: math.ceil(problem.flight_h(kind.code, *p) * 100 - 1e-6) for p in pair_list}
        first_dep = None
        for craft in problem.aircraft():
            if craft.type != kind.code:
                continue
            trips = _sorties_per_airframe(problem, kind, craft.base, 0.0, limits)
            prev = None
            for i in range(trips):
                used = model.NewBoolVar("")
                x = {p: model.NewBoolVar("") for p in pair_list}
                model.Add(sum(x.values()) == used)
                dep = model.NewIntVar(0, H, "")
                arr = model.NewIntVar(0, H, "")
                model.Add(arr == dep + sum(tau[p] * x[p] for p in pair_list))
                y, pc, z = contents(kind, all_units, used)
                for u in all_units:
                    model.AddImplication(z[u.id], x[unit_pair[u.id]])
                    model.Add(dep >= math.ceil(u.ready_h * 100 - 1e-6)).OnlyEnforceIf(z[u.id])
                for p in pair_list:
                    # A trip flies its pair only if it carries something of it.
                    model.AddBoolOr([z[u.id] for u in groups[p]]).OnlyEnforceIf(x[p])
                if prev is None:
                    for p in pair_list:
                        reach = math.ceil(problem.flight_h(kind.code, craft.base, p[0]) * 100 - 1e-6)
                        model.Add(dep >= reach).OnlyEnforceIf(x[p])
                    if first_dep is not None and craft.base == first_dep[1]:
                        # Airframes of one type and base are interchangeable: order their first trips.
                        model.Add(dep >= first_dep[0])
                    first_dep = (dep, craft.base)
                else:
                    p_used, p_x, p_arr = prev
                    model.AddImplication(used, p_used)
                    for p in pair_list:
                        for q in pair_list:
                            empty = math.ceil(problem.flight_h(kind.code, p[1], q[0]) * 100 - 1e-6)
                            model.Add(dep >= p_arr + g + empty).OnlyEnforceIf([p_x[p], x[q]])
                chain_trips.append((kind, z))
                slots.append((None, kind, used, y, pc, (craft.name, x, dep)))
                objective_bins.append(used)
                objective_release.append(dep)
                prev = (used, x, arr)

    for (uid, vt), vars_ in veh_vars.items():
        model.Add(sum(vars_) == next(v.count for v in problem.unit_by_id[uid].vehicles if v.type == vt))
    for u in all_units:
        model.Add(sum(pers_vars[u.id]) == u.personnel)
        model.Add(sum(cargo_vars[u.id]) == math.ceil(u.cargo_kg))

    # Fleet caps for the per-pair types: the loads of a type that leave at or after r need, each,
    # about a round trip (loaded leg, ground time, return leg; the last needs no return), and
    # together must fit in the time its airframes have between r and the horizon.
    all_levels = sorted({u.ready_h for u in all_units})
    for kind in kinds:
        share = limits.fleet_share.get(kind.code, 1.0)
        mine = [(pair, tau, levels, late) for (pair, k, tau, levels, late) in timed if k.code == kind.code]
        if not mine:
            continue
        back = min(problem.flight_h(kind.code, d, o) for (o, d) in groups)
        for r in all_levels:
            terms = []
            for (o, d), tau, levels, late in mine:
                j = _first_at_least(levels, r)
                if j is not None:
                    terms.append((round((2 * tau + kind.ground_time_h) * 100), late[j]))
            if not terms:
                continue
            avail = 0.0
            for e in problem.fleet:
                if e.type == kind.code and e.count:
                    starts = [max(r, problem.flight_h(kind.code, e.base, o)) for (o, _), *_ in mine]
                    avail += e.count * max(0.0, horizon - min(starts) + kind.ground_time_h + back)
            cap = math.floor(avail * share * 100)
            if cap < sum(w for w, _ in terms):
                model.Add(sum(w * v for w, v in terms) <= cap)

    # Parking caps: loads that cannot land before instant θ at destination d all land in
    # [θ, horizon]; each window of the shortest ground time takes at most max_on_ground of them.
    for d, items in parking_terms.items():
        limit = problem.airfields[d].max_on_ground
        for theta in sorted({round(t, 6) for _, t, _, _ in items}):
            first: dict[int, tuple[int, AircraftType, object]] = {}
            for kind, t, var, (slot, j) in items:
                # A slot counts once, through its first level that lands at or after θ.
                if t >= theta - 1e-9 and (slot not in first or first[slot][0] > j):
                    first[slot] = (j, kind, var)
            members = [(k, v) for _, k, v in first.values()]
            for kind, z in chain_trips:
                late = [
                    z[u.id] for u in all_units
                    if u.destination == d and u.ready_h + problem.flight_h(kind.code, u.origin, d) >= theta - 1e-9
                ]
                if late:
                    w = model.NewBoolVar("")
                    for v in late:
                        model.AddImplication(v, w)
                    members.append((kind, w))
            if not members:
                continue
            g = min(k.ground_time_h for k, _ in members)
            room = horizon + 1e-6 - theta
            cap = 0 if room < 0 else limit * (1 + (int(room // g) if g > 0 else 10_000))
            if cap * limits.parking_share < len(members):
                model.Add(sum(v for _, v in members) <= int(math.floor(cap * limits.parking_share + 1e-9)))

    for used, y, pc, hl in hints:
        model.AddHint(used, hl is not None)
        parts = {p.unit: p for p in hl.parts} if hl else {}
        for (uid, vt), var in y.items():
            model.AddHint(var, parts[uid].vehicles.get(vt, 0) if uid in parts else 0)
        for uid, (p, c) in pc.items():
            part = parts.get(uid)
            model.AddHint(p, part.personnel if part else 0)
            model.AddHint(c, math.ceil(part.cargo_kg) if part else 0)
    top = max(u.ready_h for u in all_units)
    big = 1 + len(objective_bins) * (math.ceil(top * 100) + H)
    model.Minimize(big * sum(objective_bins) + sum(objective_release))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, wall_limit)
    solver.parameters.max_deterministic_time = deterministic_time
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    loads = []
    for pair, kind, used, y, pc, info in slots:
        if not solver.Value(used):
            continue
        parts: dict[str, Part] = {}
        for (uid, vt), var in y.items():
            n = solver.Value(var)
            if n:
                parts.setdefault(uid, Part(uid)).vehicles[vt] = n
        for uid, (p, c) in pc.items():
            if solver.Value(p):
                parts.setdefault(uid, Part(uid)).personnel = solver.Value(p)
            if solver.Value(c):
                parts.setdefault(uid, Part(uid)).cargo_kg = float(solver.Value(c))
        if not parts:
            continue
        if info is None:
            loads.append(_to_load(problem, pair[0], pair[1], _Bin(kind, parts=parts)))
        else:
            name, x, dep = info
            o, d = next(p for p, var in x.items() if solver.Value(var))
            load = _to_load(problem, o, d, _Bin(kind, parts=parts))
            load.aircraft = name
            load.release = max(load.release, solver.Value(dep) / 100)
            loads.append(load)
    _trim_cargo(problem, loads)
    return loads

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

from .model import AircraftType, Problem, Unit, Vehicle


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
    deterministic_time: float | None = None,
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
    # With a deterministic budget: one worker and a fixed seed make the packing reproducible, and
    # the wall-clock limit only guards against a slow machine. Without one (large instances, where
    # one worker finds too little), the parallel portfolio runs against the wall clock.
    solver.parameters.max_time_in_seconds = max(0.1, deadline - time.monotonic())
    solver.parameters.random_seed = 0
    if deterministic_time is not None:
        solver.parameters.max_deterministic_time = deterministic_time
        solver.parameters.num_workers = 1
    else:
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


def load_fill(problem: Problem, load: Load) -> float:
    """Return how full `load` is on its type: the largest share of payload, seats or floor it uses."""
    kind = problem.aircraft_types[load.type]
    units = problem.unit_by_id
    weight = lane = 0.0
    seats = 0
    for p in load.parts:
        vs = {v.type: v for v in units[p.unit].vehicles}
        weight += p.cargo_kg + p.personnel * problem.person_kg + sum(n * vs[t].weight_kg for t, n in p.vehicles.items())
        lane += sum(n * vs[t].length_m for t, n in p.vehicles.items())
        seats += p.personnel
    return max(weight / kind.payload_kg, lane / kind.length_m, seats / kind.seats if kind.seats else 0.0)


def repack(
    problem: Problem,
    loads: list[Load],
    quota: dict[str, int] | None = None,
    *,
    caps: dict[str, int] | None = None,
    work: float = 0.1,
) -> list[Load]:
    """Pack the contents of `loads` (all of one pair) afresh, first-fit decreasing.

    With `quota`, the first new loads use the largest types the quota allows, as in `ffd`. With
    `caps` (loads per type), CP-SAT packs them instead, within `work` deterministic seconds; if
    it finds nothing, the loads come back unchanged.
    """
    origin, dest = loads[0].origin, loads[0].destination
    units = problem.unit_by_id
    merged: dict[str, Part] = {}
    for load in loads:
        for p in load.parts:
            m = merged.setdefault(p.unit, Part(p.unit))
            m.personnel += p.personnel
            m.cargo_kg += p.cargo_kg
            for t, n in p.vehicles.items():
                m.vehicles[t] = m.vehicles.get(t, 0) + n
    pseudo = []
    for uid, m in merged.items():
        u = units[uid]
        vehicles = tuple(
            Vehicle(v.type, m.vehicles.get(v.type, 0), v.weight_kg, v.length_m, v.width_m, v.height_m)
            for v in u.vehicles
            if m.vehicles.get(v.type, 0)
        )
        pseudo.append(Unit(uid, origin, dest, u.ready_h, m.personnel, m.cargo_kg, vehicles))
    if caps is not None:
        sub = Problem(problem.person_kg, problem.aircraft_types, problem.fleet, problem.airfields, pseudo)
        packed = cpsat_loads(sub, by_wave=False, time_limit=10 * work, type_caps=caps, deterministic_time=work)
        return packed if packed is not None else list(loads)
    return [_to_load(problem, origin, dest, b) for b in ffd(problem, pseudo, quota=quota)]

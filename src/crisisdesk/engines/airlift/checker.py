"""The plan checker: validate any PLAN.json against every rule of issue 4.

`check_plan` returns a list of reasons, empty when the plan is valid. It accepts plans from any
tool, so it reads the plan as untrusted JSON and reports malformed parts instead of failing.

Times may be rounded to 0.01 h, so time comparisons allow `TOL` and parking intervals are
shortened by `PARK_TOL` at each end before they are counted. That forgives overlaps shorter than
about a minute, which rounding alone can produce, and nothing longer.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .model import Problem

TOL = 0.011
PARK_TOL = 0.005
CARGO_TOL_KG = 0.01
MAX_REASONS = 50
MAX_COUNT = 10_000_000  # beyond any force; larger "counts" are refused, not multiplied


@dataclass
class _Sortie:
    index: int
    aircraft: str
    type: str
    origin: str
    destination: str
    depart: float
    arrive: float


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float
        return None
    return number if math.isfinite(number) else None


def _code(value: Any) -> str | None:
    """A code (aircraft, airfield, unit, vehicle type) as text, or None: untrusted JSON may hold anything."""
    return value if isinstance(value, str) else None


def _whole(value: Any) -> int | None:
    """A non-negative whole number of a sane size (42 or 42.0), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        return None
    return value


def check_plan(problem: Problem, plan: Any) -> list[str]:
    """Return every broken rule of `plan` for `problem`, as one line each."""
    reasons: list[str] = []
    if not isinstance(plan, dict) or not isinstance(plan.get("sorties"), list):
        return ["plan must be an object with a 'sorties' list"]
    aircraft = {a.name: a for a in problem.aircraft()}
    units = problem.unit_by_id
    delivered_p: dict[str, int] = defaultdict(int)
    delivered_c: dict[str, float] = defaultdict(float)
    delivered_v: dict[tuple[str, str], int] = defaultdict(int)
    sorties: list[_Sortie] = []

    for i, raw in enumerate(plan["sorties"]):
        where = f"sortie {i + 1}"
        if not isinstance(raw, dict):
            reasons.append(f"{where}: must be an object")
            continue
        name, kind = _code(raw.get("aircraft")), raw.get("type")
        origin, dest = _code(raw.get("origin")), _code(raw.get("destination"))
        where = f"sortie {i + 1} ({name}, {origin}→{dest})"
        depart, arrive = _num(raw.get("depart_h")), _num(raw.get("arrive_h"))
        broken = False
        if name not in aircraft:
            reasons.append(f"{where}: unknown aircraft {raw.get('aircraft')!r}")
            broken = True
        elif kind != aircraft[name].type:
            reasons.append(f"{where}: type {kind!r} but {name} is a {aircraft[name].type}")
            broken = True
        for label, code in (("origin", origin), ("destination", dest)):
            if code not in problem.airfields:
                reasons.append(f"{where}: unknown {label} airfield {raw.get(label)!r}")
                broken = True
        if depart is None or arrive is None or depart < 0:
            reasons.append(f"{where}: depart_h and arrive_h must be non-negative numbers")
            broken = True
        if broken:
            continue
        atype = problem.aircraft_types[aircraft[name].type]
        if origin == dest:
            reasons.append(f"{where}: origin and destination are the same")
        tau = problem.flight_h(atype.code, origin, dest)
        if abs(arrive - depart - tau) > TOL:
            reasons.append(f"{where}: flight takes {tau:.2f} h, not {arrive - depart:.2f} h")

        loads = raw.get("loads")
        if not isinstance(loads, list) or not loads:
            reasons.append(f"{where}: carries no loads")
            loads = []
        weight = 0.0
        persons = 0
        lane = 0.0
        for j, load in enumerate(loads):
            lwhere = f"{where}, load {j + 1}"
            if not isinstance(load, dict) or _code(load.get("unit")) not in units:
                reasons.append(f"{lwhere}: unknown unit {load.get('unit') if isinstance(load, dict) else load!r}")
                continue
            unit = units[load["unit"]]
            lwhere = f"{where}, unit {unit.id}"
            if (unit.origin, unit.destination) != (origin, dest):
                reasons.append(f"{lwhere}: the unit moves {unit.origin}→{unit.destination}")
            if depart < unit.ready_h - TOL:
                reasons.append(f"{lwhere}: departs at {depart:.2f} h before the unit is ready at {unit.ready_h:.2f} h")
            p = _whole(load.get("personnel", 0))
            c = _num(load.get("cargo_kg", 0))
            if p is None:
                reasons.append(f"{lwhere}: personnel must be a non-negative whole number")
                p = 0
            if c is None or c < 0:
                reasons.append(f"{lwhere}: cargo_kg must be a non-negative number")
                c = 0.0
            persons += p
            weight += c + p * problem.person_kg
            delivered_p[unit.id] += p
            delivered_c[unit.id] += c
            vtypes = {v.type: v for v in unit.vehicles}
            vlist = load.get("vehicles", [])
            if not isinstance(vlist, list):
                reasons.append(f"{lwhere}: vehicles must be a list")
                vlist = []
            listed: set[str] = set()
            for vraw in vlist:
                vt = _code(vraw.get("type")) if isinstance(vraw, dict) else None
                if vt is not None and vt in listed:
                    reasons.append(f"{lwhere}: vehicle type {vt} is listed twice; list each type once")
                    continue
                listed.add(vt)
                n = _whole(vraw.get("count")) if isinstance(vraw, dict) else None
                if vt not in vtypes:
                    reasons.append(f"{lwhere}: the unit has no vehicle type {vraw.get('type') if isinstance(vraw, dict) else vraw!r}")
                    continue
                if n is None:
                    reasons.append(f"{lwhere}: vehicle {vt} count must be a non-negative whole number")
                    continue
                v = vtypes[vt]
                if n and (v.width_m > atype.width_m or v.height_m > atype.height_m):
                    reasons.append(
                        f"{lwhere}: vehicle {vt} ({v.width_m:g}×{v.height_m:g} m) does not fit the "
                        f"{atype.code} hold ({atype.width_m:g}×{atype.height_m:g} m)"
                    )
                weight += n * v.weight_kg
                lane += n * v.length_m
                delivered_v[(unit.id, vt)] += n
        if loads and persons == 0 and weight == 0 and lane == 0:
            reasons.append(f"{where}: carries nothing; the plan lists loaded flights only")
        if weight > atype.payload_kg + 1e-6:
            reasons.append(f"{where}: overloaded: {weight:g} kg on a {atype.code} that takes {atype.payload_kg:g} kg")
        if persons > atype.seats:
            reasons.append(f"{where}: {persons} persons on a {atype.code} with {atype.seats} seats")
        if lane > atype.length_m + 1e-6:
            reasons.append(f"{where}: vehicles need {lane:g} m of floor; the {atype.code} hold has {atype.length_m:g} m")
        sorties.append(_Sortie(i, name, atype.code, origin, dest, depart, arrive))

    for unit in problem.units:
        if delivered_p[unit.id] != unit.personnel:
            reasons.append(f"unit {unit.id}: {delivered_p[unit.id]} of {unit.personnel} personnel carried")
        if abs(delivered_c[unit.id] - unit.cargo_kg) > CARGO_TOL_KG:
            reasons.append(f"unit {unit.id}: {delivered_c[unit.id]:g} of {unit.cargo_kg:g} kg cargo carried")
        for v in unit.vehicles:
            if delivered_v[(unit.id, v.type)] != v.count:
                reasons.append(f"unit {unit.id}: {delivered_v[(unit.id, v.type)]} of {v.count} {v.type} carried")

    reasons += _check_sequences_and_parking(problem, sorties)
    reasons += _check_summary(plan, sorties)
    if len(reasons) > MAX_REASONS:
        reasons = reasons[:MAX_REASONS] + [f"... and {len(reasons) - MAX_REASONS} more"]
    return reasons


def _check_sequences_and_parking(problem: Problem, sorties: list[_Sortie]) -> list[str]:
    reasons: list[str] = []
    bases = {a.name: a.base for a in problem.aircraft()}
    by_aircraft: dict[str, list[_Sortie]] = defaultdict(list)
    for s in sorties:
        by_aircraft[s.aircraft].append(s)
    # Each interval is (airfield, start, end, aircraft): time on the ground that counts.
    ground: list[tuple[str, float, float, str]] = []
    for name, seq in by_aircraft.items():
        seq.sort(key=lambda s: (s.depart, s.index))
        kind = problem.aircraft_types[seq[0].type]
        g = kind.ground_time_h
        first = seq[0]
        reach = problem.flight_h(kind.code, bases[name], first.origin)
        if first.depart < reach - TOL:
            reasons.append(
                f"{name}: first departure at {first.depart:.2f} h, but the empty flight from its base "
                f"{bases[name]} lands at {first.origin} only at {reach:.2f} h"
            )
        for prev, nxt in zip(seq, seq[1:]):
            empty = problem.flight_h(kind.code, prev.destination, nxt.origin)
            earliest = prev.arrive + g + empty
            if nxt.depart < earliest - TOL:
                reasons.append(
                    f"{name}: sorties {prev.index + 1} and {nxt.index + 1} overlap: departs at "
                    f"{nxt.depart:.2f} h, but can leave {nxt.origin} no earlier than {earliest:.2f} h"
                )
            if prev.destination == nxt.origin:
                ground.append((prev.destination, prev.arrive, nxt.depart, name))
            else:
                ground.append((prev.destination, prev.arrive, prev.arrive + g, name))
                ground.append((nxt.origin, earliest, nxt.depart, name))
        last = seq[-1]
        ground.append((last.destination, last.arrive, last.arrive + g, name))

    by_airfield: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for code, start, end, _ in ground:
        start, end = start + PARK_TOL, end - PARK_TOL
        if end > start:
            by_airfield[code].append((start, 1))
            by_airfield[code].append((end, -1))
    for code, events in sorted(by_airfield.items()):
        limit = problem.airfields[code].max_on_ground
        # Departures sort before arrivals at the same instant: intervals are half-open.
        events.sort()
        count = 0
        for t, delta in events:
            count += delta
            if count > limit:
                reasons.append(f"airfield {code}: {count} aircraft on the ground at {t:.2f} h; the limit is {limit}")
                break
    return reasons


def _check_summary(plan: dict, sorties: list[_Sortie]) -> list[str]:
    summary = plan.get("summary")
    if not isinstance(summary, dict):
        return ["plan has no 'summary' object"]
    reasons = []
    makespan = max((s.arrive for s in sorties), default=0.0)
    n = len(plan["sorties"])
    if summary.get("sorties") != n:
        reasons.append(f"summary: sorties is {summary.get('sorties')!r}, but the plan lists {n}")
    stated = _num(summary.get("makespan_h"))
    if stated is None or abs(stated - makespan) > TOL:
        reasons.append(f"summary: makespan_h is {summary.get('makespan_h')!r}, but the last arrival is {makespan:.2f} h")
    lbs = _num(summary.get("lower_bound_sorties"))
    if lbs is None or lbs < 0 or lbs > n:
        reasons.append(f"summary: lower_bound_sorties {summary.get('lower_bound_sorties')!r} is no bound on {n} sorties")
    lbm = _num(summary.get("lower_bound_makespan_h"))
    if lbm is None or lbm < 0 or lbm > makespan + TOL:
        reasons.append(
            f"summary: lower_bound_makespan_h {summary.get('lower_bound_makespan_h')!r} is no bound on "
            f"a makespan of {makespan:.2f} h"
        )
    if not isinstance(summary.get("proven_optimal"), bool):
        reasons.append("summary: proven_optimal must be true or false")
    return reasons

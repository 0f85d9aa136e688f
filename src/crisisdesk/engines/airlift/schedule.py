"""Scheduling: put loads on aircraft and in time, respecting ground time and parking.

Time runs in ticks of 0.01 h, the plan format's resolution. Flight and ground times are rounded
up, and the parking intervals the scheduler books are rounded outwards, so every interval the
checker derives from the written plan lies inside one the scheduler booked.

Two schedulers share the booking rules: `schedule` books loads in a given order (a list
schedule), `dispatch` always books next the load that can land earliest (a time-ordered one).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .loads import Load
from .model import Infeasible, Problem

TICKS = 100


def up(hours: float) -> int:
    return math.ceil(hours * TICKS - 1e-6)


def down(hours: float) -> int:
    return math.floor(hours * TICKS + 1e-6)


class Parking:
    """Aircraft on the ground per airfield and tick, against each airfield's limit."""

    def __init__(self, problem: Problem):
        self.cap = {c: a.max_on_ground for c, a in problem.airfields.items()}
        self.occ = {c: np.zeros(4096, dtype=np.int32) for c in problem.airfields}

    def _grow(self, code: str, end: int) -> np.ndarray:
        occ = self.occ[code]
        if end > len(occ):
            occ = np.concatenate([occ, np.zeros(max(end, 2 * len(occ)) - len(occ), dtype=np.int32)])
            self.occ[code] = occ
        return occ

    def room(self, code: str, start: int, end: int) -> bool:
        """Return whether one more aircraft fits at `code` throughout [start, end)."""
        if end <= start:
            return True
        return bool(self._grow(code, end)[start:end].max() < self.cap[code])

    def earliest(self, code: str, start: int, length: int) -> int:
        """Return the earliest tick >= start from which one more aircraft fits for `length` ticks."""
        if length <= 0:
            return start
        while True:
            full = np.flatnonzero(self._grow(code, start + length)[start : start + length] >= self.cap[code])
            if not len(full):
                return start
            start += int(full[-1]) + 1

    def add(self, code: str, start: int, end: int) -> None:
        if end > start:
            self._grow(code, end)[start:end] += 1


@dataclass
class Craft:
    name: str
    type: str
    base: str
    used: bool = False
    loc: str = ""
    arrive: int = 0  # tick of the last loaded landing

    def __post_init__(self) -> None:
        self.loc = self.loc or self.base


@dataclass
class Flight:
    aircraft: str
    type: str
    load: Load
    depart: int
    arrive: int


@dataclass
class Schedule:
    flights: list[Flight] = field(default_factory=list)

    @property
    def makespan(self) -> int:
        return max((f.arrive for f in self.flights), default=0)


class _Timing:
    """Cached rounded flight and ground times."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self._cache: dict[tuple[str, str, str], int] = {}
        self.ground = {c: up(k.ground_time_h) for c, k in problem.aircraft_types.items()}

    def fly(self, kind: str, a: str, b: str) -> int:
        key = (kind, a, b)
        if key not in self._cache:
            self._cache[key] = up(self.problem.flight_h(kind, a, b))
        return self._cache[key]


def _ready_at_origin(problem: Problem, timing: _Timing, craft: Craft, origin: str) -> tuple[int, int | None]:
    """Return (earliest departure tick from `origin`, start of the counted wait there or None)."""
    if not craft.used:
        # Before its first departure an aircraft counts nowhere, so its wait is free.
        return timing.fly(craft.type, craft.base, origin), None
    g = timing.ground[craft.type]
    if craft.loc == origin:
        return craft.arrive + g, craft.arrive + g
    exact = craft.arrive / TICKS + problem.aircraft_types[craft.type].ground_time_h
    exact += problem.flight_h(craft.type, craft.loc, origin)
    return up(exact), down(exact)


def _best_option(problem, timing, parking, by_type, load, choose="arrival", want=None):
    """Return (land, key, craft, depart, wait_from) for the aircraft that suits `load` best.

    The rule is `schedule`'s (see there); `want` names the one aircraft allowed. None if none fits.
    """
    tau = timing.fly(load.type, load.origin, load.destination)
    g = timing.ground[load.type]
    release = up(load.release)
    options = []
    seen_unused: set[str] = set()
    for craft in by_type.get(load.type, []):
        if want is not None:
            if craft.name != want:
                continue
        elif not craft.used:
            # Unused aircraft of one type and base are interchangeable: try the first only.
            if craft.base in seen_unused:
                continue
            seen_unused.add(craft.base)
        dep0, wait_from = _ready_at_origin(problem, timing, craft, load.origin)
        options.append((max(dep0, release), wait_from, craft))
    options.sort(key=lambda o: o[0])
    best = None
    # The earliest landing slot at or after t is the same for every t up to it, and the
    # options come in order of t: reuse it rather than scan the booked parking again.
    slot = None
    for dep0, wait_from, craft in options:
        if best is not None and dep0 + tau > best[0]:
            break
        if slot is None or dep0 + tau > slot:
            slot = parking.earliest(load.destination, dep0 + tau, g)
        land = slot
        depart = land - tau
        if wait_from is not None and not parking.room(load.origin, wait_from, depart):
            continue
        wait = 0 if wait_from is None else depart - wait_from
        key = (depart if choose == "first" else land, wait, 0 if craft.used else 1)
        if best is None or key < best[1]:
            best = (land, key, craft, depart, wait_from)
    return best


def _book(timing, parking, result, load, best) -> None:
    land, _, craft, depart, wait_from = best
    if wait_from is not None:
        parking.add(load.origin, wait_from, depart)
    parking.add(load.destination, land, land + timing.ground[load.type])
    craft.used, craft.loc, craft.arrive = True, load.destination, land
    result.flights.append(Flight(craft.name, craft.type, load, depart, land))


def _no_fit(load: Load) -> Infeasible:
    return Infeasible(
        f"no {load.type} can carry a load from {load.origin} to {load.destination} "
        "within the parking limits"
    )


def _setup(problem: Problem):
    timing = _Timing(problem)
    parking = Parking(problem)
    crafts = [Craft(a.name, a.type, a.base) for a in problem.aircraft()]
    by_type: dict[str, list[Craft]] = {}
    for c in crafts:
        by_type.setdefault(c.type, []).append(c)
    return timing, parking, by_type


def schedule(
    problem: Problem,
    loads: list[Load],
    order: Callable[[Load], tuple],
    *,
    choose: str = "arrival",
    pinned: dict[int, str] | None = None,
) -> Schedule:
    """Schedule `loads` one by one in `order`, each on the aircraft that suits it best.

    With `choose="arrival"` a load goes to the aircraft that lands it earliest, preferring the
    one that waits least at the origin; with `choose="first"` it goes to the aircraft that can
    depart first (the baseline's rule). `pinned` maps some loads (by `id`) to the aircraft that
    must fly them. Raise `Infeasible` if some load fits nowhere.
    """
    timing, parking, by_type = _setup(problem)
    result = Schedule()
    for load in sorted(loads, key=order):
        want = (pinned or {}).get(id(load))
        best = _best_option(problem, timing, parking, by_type, load, choose, want)
        if best is None:
            raise _no_fit(load)
        _book(timing, parking, result, load, best)
    return result


def dispatch(
    problem: Problem,
    loads: list[Load],
    order: Callable[[Load], tuple],
    *,
    lead: dict[str | tuple[str, str, str], float] | None = None,
) -> Schedule:
    """Schedule `loads` in time order: always next the load that can land earliest.

    The list rule of `schedule` books loads in a fixed order, so late loads fill the gaps the
    earlier bookings left, and gaps shorter than a ground time stay empty at a full destination.
    Here the parking fills from the start onwards instead. Loads are queued per (type, origin,
    destination) in `order`; only each queue's head competes, by its earliest landing less a head
    start in hours: `lead[(type, origin, destination)]`, else `lead[type]`, else none (for scarce
    types, whose airframes should not wait). Bookings only make landings later, so a head's
    landing computed earlier is a lower bound, and heads are re-evaluated lazily. Raise
    `Infeasible` if some load fits nowhere.
    """
    timing, parking, by_type = _setup(problem)
    result = Schedule()
    queues: dict[tuple, list[Load]] = {}
    for load in sorted(loads, key=order, reverse=True):
        queues.setdefault((load.type, load.origin, load.destination), []).append(load)
    bonus = {k: up(h) for k, h in (lead or {}).items()}
    # Entries: (lower bound on the head's value, tie-break, queue, step it was computed at or -1).
    heap = [(-(1 << 60), n, key, -1) for n, key in enumerate(sorted(queues))]
    step = 0
    while heap:
        _, n, key, seen = heapq.heappop(heap)
        q = queues[key]
        load = q[-1]
        best = _best_option(problem, timing, parking, by_type, load)
        if best is None:
            raise _no_fit(load)
        value = best[0] - bonus.get(key, bonus.get(load.type, 0))
        # Another head may land earlier: queue this one with its exact value (exact until the
        # next booking, so it is taken when it comes up again before one).
        if heap and value > heap[0][0] and seen != step:
            heapq.heappush(heap, (value, n, key, step))
            continue
        _book(timing, parking, result, load, best)
        step += 1
        q.pop()
        if q:
            heapq.heappush(heap, (value, n, key, -1))
    return result

"""The airlift problem: plain dataclasses, input validation and flight times.

The JSON contract is fixed by issue 4. Validation raises `InvalidInput` with one line that names
the offending item, so that the CLI and the web form can show it unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

EARTH_RADIUS_KM = 6371.0


class InvalidInput(ValueError):
    """The input breaks the contract; the message is one line naming the item."""


class Infeasible(ValueError):
    """The input is valid but no plan exists (or none could be found)."""


@dataclass(frozen=True)
class AircraftType:
    code: str
    payload_kg: float
    seats: int
    length_m: float
    width_m: float
    height_m: float
    cruise_kmh: float
    ground_time_h: float


@dataclass(frozen=True)
class FleetEntry:
    type: str
    count: int
    base: str


@dataclass(frozen=True)
class Airfield:
    code: str
    lat: float
    lon: float
    max_on_ground: int


@dataclass(frozen=True)
class Vehicle:
    type: str
    count: int
    weight_kg: float
    length_m: float
    width_m: float
    height_m: float

    def fits(self, kind: AircraftType, person_kg: float = 0.0) -> bool:
        """Return whether one vehicle of this kind fits an empty aircraft of `kind`."""
        return (
            self.weight_kg <= kind.payload_kg
            and self.length_m <= kind.length_m
            and self.width_m <= kind.width_m
            and self.height_m <= kind.height_m
        )


@dataclass(frozen=True)
class Unit:
    id: str
    origin: str
    destination: str
    ready_h: float
    personnel: int
    cargo_kg: float
    vehicles: tuple[Vehicle, ...] = ()

    def is_empty(self) -> bool:
        return self.personnel == 0 and self.cargo_kg == 0 and all(v.count == 0 for v in self.vehicles)


@dataclass(frozen=True)
class Aircraft:
    """One airframe, named TYPE#N as the plan format requires."""

    name: str
    type: str
    base: str


@dataclass
class Problem:
    person_kg: float
    aircraft_types: dict[str, AircraftType]
    fleet: list[FleetEntry]
    airfields: dict[str, Airfield]
    units: list[Unit]
    _tau: dict[tuple[str, str, str], float] = field(default_factory=dict, repr=False)

    @property
    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    def aircraft(self) -> list[Aircraft]:
        """Return every airframe; entries of one type number on from each other in input order."""
        numbers: dict[str, int] = {}
        out = []
        for entry in self.fleet:
            for _ in range(entry.count):
                numbers[entry.type] = numbers.get(entry.type, 0) + 1
                out.append(Aircraft(f"{entry.type}#{numbers[entry.type]}", entry.type, entry.base))
        return out

    def available_types(self) -> list[AircraftType]:
        """Return the aircraft types that have at least one airframe, in input order."""
        codes = {e.type for e in self.fleet if e.count > 0}
        return [t for c, t in self.aircraft_types.items() if c in codes]

    def distance_km(self, a: str, b: str) -> float:
        return haversine_km(self.airfields[a], self.airfields[b])

    def flight_h(self, kind: str, a: str, b: str) -> float:
        """Return the flight time of type `kind` from `a` to `b` in hours (0 when a == b)."""
        key = (kind, a, b)
        if key not in self._tau:
            self._tau[key] = 0.0 if a == b else self.distance_km(a, b) / self.aircraft_types[kind].cruise_kmh
        return self._tau[key]

    def pairs(self) -> dict[tuple[str, str], list[Unit]]:
        """Group the units with something to carry by origin–destination pair."""
        out: dict[tuple[str, str], list[Unit]] = {}
        for unit in self.units:
            if not unit.is_empty():
                out.setdefault((unit.origin, unit.destination), []).append(unit)
        return out


def haversine_km(a: Airfield, b: Airfield) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# -- validation -------------------------------------------------------------------------------


# Upper limits far beyond any airlift (the 10x bench instance: 20,300 persons, 300 aircraft), so
# that an absurd figure is refused by name instead of exhausting time or memory.
LIMITS = {
    "person_kg": 1_000, "payload_kg": 1_000_000, "seats": 10_000, "length_m": 1_000, "width_m": 1_000,
    "height_m": 1_000, "cruise_kmh": 10_000, "ground_time_h": 1_000, "max_on_ground": 10_000,
    "count": 10_000, "weight_kg": 1_000_000, "ready_h": 100_000, "personnel": 1_000_000,
    "cargo_kg": 1_000_000_000,
}


def _number(value: Any, where: str, field: str, *, positive: bool = False, integer: bool = False) -> float:
    """Return `value` as a figure, or refuse it naming `where`; `field` names its upper limit."""
    # Booleans are ints in Python, but `true` is not a figure in the JSON contract.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(f"{where} must be a number, not {json_repr(value)}")
    if math.isnan(value) or math.isinf(value):
        raise InvalidInput(f"{where} must be a finite number, not {value}")
    if value < 0 or (positive and value == 0):
        raise InvalidInput(f"{where} must be {'positive' if positive else 'non-negative'}, not {value}")
    limit = LIMITS[field]
    if value > limit:
        raise InvalidInput(f"{where} must be at most {limit:,}, not {value:g}")
    if integer and value != int(value):
        raise InvalidInput(f"{where} must be a whole number, not {value}")
    return int(value) if integer else float(value)


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where} must be a non-empty string, not {json_repr(value)}")
    return value


def _obj(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be an object, not {json_repr(value)}")
    return value


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise InvalidInput(f"{where} must be a list, not {json_repr(value)}")
    return value


def _get(obj: dict, key: str, where: str) -> Any:
    if key not in obj:
        raise InvalidInput(f"{where}: missing '{key}'")
    return obj[key]


def json_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_problem(data: Any) -> Problem:
    """Validate the INPUT.json structure and return a `Problem`, or raise `InvalidInput`."""
    data = _obj(data, "input")
    person_kg = _number(_get(data, "person_kg", "input"), "person_kg", "person_kg")

    types: dict[str, AircraftType] = {}
    for i, raw in enumerate(_list(_get(data, "aircraft_types", "input"), "aircraft_types")):
        where = f"aircraft_types[{i}]"
        raw = _obj(raw, where)
        code = _code(_get(raw, "code", where), f"{where}.code")
        where = f"aircraft type {code}"
        if code in types:
            raise InvalidInput(f"{where} is listed twice")
        hold = _obj(_get(raw, "hold", where), f"{where}.hold")
        types[code] = AircraftType(
            code=code,
            payload_kg=_number(_get(raw, "payload_kg", where), f"{where}: payload_kg", "payload_kg", positive=True),
            seats=int(_number(_get(raw, "seats", where), f"{where}: seats", "seats", integer=True)),
            length_m=_number(_get(hold, "length_m", where), f"{where}: hold.length_m", "length_m", positive=True),
            width_m=_number(_get(hold, "width_m", where), f"{where}: hold.width_m", "width_m", positive=True),
            height_m=_number(_get(hold, "height_m", where), f"{where}: hold.height_m", "height_m", positive=True),
            cruise_kmh=_number(_get(raw, "cruise_kmh", where), f"{where}: cruise_kmh", "cruise_kmh", positive=True),
            ground_time_h=_number(_get(raw, "ground_time_h", where), f"{where}: ground_time_h", "ground_time_h"),
        )

    airfields: dict[str, Airfield] = {}
    for i, raw in enumerate(_list(_get(data, "airfields", "input"), "airfields")):
        where = f"airfields[{i}]"
        raw = _obj(raw, where)
        code = _code(_get(raw, "code", where), f"{where}.code")
        where = f"airfield {code}"
        if code in airfields:
            raise InvalidInput(f"{where} is listed twice")
        lat, lon = _get(raw, "lat", where), _get(raw, "lon", where)
        for name, value, limit in (("lat", lat, 90), ("lon", lon, 180)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise InvalidInput(f"{where}: {name} must be a finite number, not {json_repr(value)}")
            if abs(value) > limit:
                raise InvalidInput(f"{where}: {name} must lie within ±{limit}, not {value}")
        airfields[code] = Airfield(
            code=code,
            lat=float(lat),
            lon=float(lon),
            max_on_ground=int(_number(_get(raw, "max_on_ground", where), f"{where}: max_on_ground", "max_on_ground",
                                      integer=True)),
        )

    fleet: list[FleetEntry] = []
    for i, raw in enumerate(_list(_get(data, "fleet", "input"), "fleet")):
        where = f"fleet[{i}]"
        raw = _obj(raw, where)
        kind = _code(_get(raw, "type", where), f"{where}.type")
        if kind not in types:
            raise InvalidInput(f"{where}: unknown aircraft type {kind!r}")
        base = _code(_get(raw, "base", where), f"{where}.base")
        if base not in airfields:
            raise InvalidInput(f"{where}: unknown airfield {base!r}")
        count = int(_number(_get(raw, "count", where), f"{where}: count", "count", integer=True))
        fleet.append(FleetEntry(type=kind, count=count, base=base))
    if sum(e.count for e in fleet) == 0:
        raise InvalidInput("fleet is empty: no aircraft to plan with")

    units: list[Unit] = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(_get(data, "units", "input"), "units")):
        where = f"units[{i}]"
        raw = _obj(raw, where)
        uid = _code(_get(raw, "id", where), f"{where}.id")
        where = f"unit {uid}"
        if uid in seen:
            raise InvalidInput(f"{where} is listed twice")
        seen.add(uid)
        origin = _code(_get(raw, "origin", where), f"{where}.origin")
        destination = _code(_get(raw, "destination", where), f"{where}.destination")
        for name, code in (("origin", origin), ("destination", destination)):
            if code not in airfields:
                raise InvalidInput(f"{where}: unknown {name} airfield {code!r}")
        if origin == destination:
            raise InvalidInput(f"{where}: origin and destination are both {origin}")
        vehicles = []
        vtypes: set[str] = set()
        for j, vraw in enumerate(_list(raw.get("vehicles", []), f"{where}.vehicles")):
            vwhere = f"{where}, vehicles[{j}]"
            vraw = _obj(vraw, vwhere)
            vtype = _code(_get(vraw, "type", vwhere), f"{vwhere}.type")
            vwhere = f"{where}, vehicle {vtype}"
            if vtype in vtypes:
                raise InvalidInput(f"{vwhere} is listed twice (list each vehicle type once)")
            vtypes.add(vtype)
            vehicles.append(
                Vehicle(
                    type=vtype,
                    count=int(_number(_get(vraw, "count", vwhere), f"{vwhere}: count", "count", integer=True)),
                    weight_kg=_number(_get(vraw, "weight_kg", vwhere), f"{vwhere}: weight_kg", "weight_kg"),
                    length_m=_number(_get(vraw, "length_m", vwhere), f"{vwhere}: length_m", "length_m"),
                    width_m=_number(_get(vraw, "width_m", vwhere), f"{vwhere}: width_m", "width_m"),
                    height_m=_number(_get(vraw, "height_m", vwhere), f"{vwhere}: height_m", "height_m"),
                )
            )
        units.append(
            Unit(
                id=uid,
                origin=origin,
                destination=destination,
                ready_h=_number(raw.get("ready_h", 0), f"{where}: ready_h", "ready_h"),
                personnel=int(_number(raw.get("personnel", 0), f"{where}: personnel", "personnel", integer=True)),
                cargo_kg=_number(raw.get("cargo_kg", 0), f"{where}: cargo_kg", "cargo_kg"),
                vehicles=tuple(vehicles),
            )
        )

    problem = Problem(person_kg=person_kg, aircraft_types=types, fleet=fleet, airfields=airfields, units=units)
    _check_carriable(problem)
    return problem


def _check_carriable(problem: Problem) -> None:
    """Refuse items that no available aircraft type can carry, naming the first one."""
    available = problem.available_types()
    for unit in problem.units:
        for v in unit.vehicles:
            if v.count and not any(v.fits(k) for k in available):
                raise InvalidInput(
                    f"unit {unit.id}, vehicle {v.type} ({v.weight_kg:g} kg, {v.length_m:g}×{v.width_m:g}"
                    f"×{v.height_m:g} m) fits no aircraft type in the fleet"
                )
        if unit.personnel and not any(k.seats > 0 and k.payload_kg >= problem.person_kg for k in available):
            raise InvalidInput(f"unit {unit.id}: no aircraft type in the fleet has a seat for its personnel")
        if unit.is_empty():
            continue
        if problem.airfields[unit.destination].max_on_ground < 1:
            raise InvalidInput(f"unit {unit.id}: destination {unit.destination} has max_on_ground 0")

"""From pledges to the airlift engine's INPUT.json, and from its PLAN.json back to times.

The engine (crisisdesk.engines.airlift) knows nothing of cases: it plans units in hours from 0.
Here a case's contingents become units (one per pledge, or one per movement element of a pledge),
times become hours from an epoch, and the catalogue supplies aircraft, vehicles and airfields.
Unit ids start with the member's code (`KG`, `RU-45-1`), which is how sorties map to contingents.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from crisisdesk.engines.airlift import instances
from crisisdesk.engines.airlift.model import InvalidInput

# Vehicle classes for the statement of requirements; the catalogue lists types only.
VEHICLE_CLASS = {
    "BTR-MDM": "armoured", "BMD-2": "armoured", "BTR-D": "armoured", "BMD-4M": "armoured", "BTR-80": "armoured",
    "BTR-70": "armoured", "GAZ-233014": "armoured", "KAMAZ-5350": "automotive", "UAZ-469": "automotive",
}
DEFAULT_PARKING = 10
DEFAULT_FLEET = [{"type": t, "count": n, "base": b} for t, n, b in instances.FLEET_2022]


def catalogue() -> dict:
    return instances.catalogue()


def known_airfield(code: str) -> bool:
    return code in catalogue()["airfields"]


def airfield_name(code: str) -> str:
    return catalogue()["airfields"].get(code, {}).get("name", code)


def vehicle_class(vtype: str) -> str:
    return VEHICLE_CLASS.get(vtype, "other")


def complete_vehicle(raw: dict, where: str) -> dict:
    """Return a vehicle entry with weight and dimensions, taking missing ones from the catalogue."""
    vtype = raw.get("type")
    if not isinstance(vtype, str) or not vtype.strip():
        raise InvalidInput(f"{where}: a vehicle needs a type")
    known = catalogue()["vehicles"].get(vtype)
    out = {"type": vtype, "class": raw.get("class") or vehicle_class(vtype), "count": raw.get("count")}
    for key, cat in (("weight_kg", None), ("length_m", "length"), ("width_m", "width"), ("height_m", "height")):
        value = raw.get(key)
        if value is None and known is not None:
            value = known["weight_kg"]["value"] if cat is None else known["size_m"][cat]
        if value is None:
            raise InvalidInput(f"{where}: vehicle type {vtype} is not in the catalogue; give its {key}")
        out[key] = value
    count = out["count"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidInput(f"{where}: vehicle {vtype} count must be a whole number of at least 1, not {count!r}")
    for key in ("weight_kg", "length_m", "width_m", "height_m"):
        value = out[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise InvalidInput(f"{where}: vehicle {vtype} {key} must be a positive number, not {value!r}")
    return out


def hours(moment: datetime, epoch: datetime) -> float:
    return round((moment - epoch).total_seconds() / 3600, 2)


def at_hour(epoch: datetime, h: float) -> datetime:
    return epoch + timedelta(hours=h)


def pledge_units(pledge, epoch: datetime) -> list[dict]:
    """Return the engine units of one pledge: its movement elements, or the pledge as one unit."""
    dims = {v["type"]: v for v in pledge.vehicles}

    def vehicles(counts: dict) -> list[dict]:
        return [{"type": t, "count": n, "weight_kg": dims[t]["weight_kg"], "length_m": dims[t]["length_m"],
                 "width_m": dims[t]["width_m"], "height_m": dims[t]["height_m"]} for t, n in counts.items() if n]

    if pledge.elements:
        units = []
        for e in pledge.elements:
            units.append({
                "id": e["id"], "origin": e["origin"], "destination": e["destination"],
                "ready_h": max(0.0, hours(datetime.fromisoformat(e["ready_at"]), epoch)),
                "personnel": e["personnel"], "cargo_kg": e.get("cargo_kg", 0), "vehicles": vehicles(e["vehicles"]),
            })
        return units
    return [{
        "id": pledge.member, "origin": pledge.home_airfield, "destination": pledge.destination,
        "ready_h": max(0.0, hours(pledge.ready_at, epoch)), "personnel": pledge.personnel,
        "cargo_kg": pledge.cargo_kg, "vehicles": vehicles({v["type"]: v["count"] for v in pledge.vehicles}),
    }]


def build_input(pledges, *, epoch: datetime, fleet: list[dict] | None = None,
                parking: dict[str, int] | None = None, aircraft_types: list[str] | None = None) -> dict:
    """Return INPUT.json for moving `pledges` to their destinations, hour 0 at `epoch`."""
    fleet = [dict(f) for f in (fleet or DEFAULT_FLEET)]
    units = [u for p in pledges for u in pledge_units(p, epoch)]
    if not units:
        raise InvalidInput("there is nothing to move: no contingent has a pledge")
    codes = sorted({u["origin"] for u in units} | {u["destination"] for u in units} | {f.get("base") for f in fleet},
                   key=str)
    parking = parking or {}
    airfields = []
    for code in codes:
        raw = catalogue()["airfields"].get(code)
        if raw is None:
            raise InvalidInput(f"unknown airfield {code!r}: not in the airlift catalogue")
        airfields.append({"code": code, "lat": raw["lat"], "lon": raw["lon"],
                          "max_on_ground": parking.get(code, instances.PARKING_2022.get(code, DEFAULT_PARKING))})
    unknown = [c for c in parking if c not in codes]
    if unknown:
        raise InvalidInput(f"parking given for airfield {unknown[0]!r}, which the plan does not use")
    types = aircraft_types or sorted({f.get("type") for f in fleet}, key=str)
    kinds = []
    for code in types:
        if code not in catalogue()["aircraft"]:
            raise InvalidInput(f"unknown aircraft type {code!r}: not in the airlift catalogue")
        kinds.append(instances.aircraft_type(code))
    return {"person_kg": 100, "aircraft_types": kinds, "fleet": fleet, "airfields": airfields, "units": units}


def withdrawal_input(deployment: dict, *, ready_h: dict[str, float], keep_units: set[str],
                     fleet: list[dict] | None = None) -> dict:
    """Return the reverse movement of `deployment` (via the engine's `instances.reverse`).

    `ready_h` gives each unit's (or member's) ready hour; units not in `keep_units` (e.g. those
    returning by road) are left out.
    """
    out = instances.reverse(deployment)
    out["units"] = [u for u in out["units"] if u["id"] in keep_units]
    for unit in out["units"]:
        member = unit["id"].split("-")[0]
        unit["ready_h"] = max(0.0, float(ready_h.get(unit["id"], ready_h.get(member, 0.0))))
    if fleet is not None:
        out["fleet"] = [dict(f) for f in fleet]
        known = {a["code"] for a in out["airfields"]}
        for f in out["fleet"]:
            if f.get("base") not in known:
                raw = catalogue()["airfields"].get(f.get("base"))
                if raw is None:
                    raise InvalidInput(f"unknown airfield {f.get('base')!r}: not in the airlift catalogue")
                out["airfields"].append({"code": f["base"], "lat": raw["lat"], "lon": raw["lon"],
                                         "max_on_ground": instances.PARKING_2022.get(f["base"], DEFAULT_PARKING)})
                known.add(f["base"])
    if not out["units"]:
        raise InvalidInput("there is nothing to move back by air")
    return out


def member_of_unit(unit_id: str) -> str:
    return unit_id.split("-")[0]

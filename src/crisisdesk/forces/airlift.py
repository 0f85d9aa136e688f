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
DEFAULT_PARKING = instances.DEFAULT_PARKING
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
    units = [u for p in pledges for u in pledge_units(p, epoch)]
    return units_input(units, fleet=fleet, parking=parking, aircraft_types=aircraft_types)


def units_input(units: list[dict], *, fleet: list[dict] | None = None, parking: dict[str, int] | None = None,
                aircraft_types: list[str] | None = None) -> dict:
    """Return INPUT.json for moving `units`, with airfields and aircraft types from the catalogue."""
    fleet = [dict(f) for f in (fleet or DEFAULT_FLEET)]
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


# -- what has moved, and what is left ------------------------------------------------------------
#
# A sortie *moved* its loads once it departed: departed (in the air) or landed. A sortie cancelled
# after it departed (aborted) moved nothing; its loads must be planned again.


def _amounts() -> dict:
    return {"personnel": 0, "cargo_kg": 0.0, "vehicles": {}}


def _add(total: dict, load: dict) -> None:
    total["personnel"] += load["personnel"]
    total["cargo_kg"] += load.get("cargo_kg", 0)
    for v in load["vehicles"]:
        total["vehicles"][v["type"]] = total["vehicles"].get(v["type"], 0) + v["count"]


def moved_by_unit(loads_of_sorties) -> dict[str, dict]:
    """Sum the loads of some sorties per unit id: {unit: {"personnel", "cargo_kg", "vehicles": {type: n}}}."""
    out: dict[str, dict] = {}
    for loads in loads_of_sorties:
        for load in loads:
            _add(out.setdefault(load["unit"], _amounts()), load)
    return out


def moved_by_member(loads_of_sorties) -> dict[str, dict]:
    """Sum the loads of some sorties per member state (the unit id's prefix)."""
    out: dict[str, dict] = {}
    for unit, amounts in moved_by_unit(loads_of_sorties).items():
        total = out.setdefault(member_of_unit(unit), _amounts())
        total["personnel"] += amounts["personnel"]
        total["cargo_kg"] += amounts["cargo_kg"]
        for t, n in amounts["vehicles"].items():
            total["vehicles"][t] = total["vehicles"].get(t, 0) + n
    return out


def _take(unit: dict, amounts: dict) -> None:
    """Take `amounts` off `unit` as far as it holds them, and off `amounts` what was taken."""
    n = min(unit["personnel"], amounts["personnel"])
    unit["personnel"] -= n
    amounts["personnel"] -= n
    c = min(unit["cargo_kg"], amounts["cargo_kg"])
    unit["cargo_kg"] -= c
    amounts["cargo_kg"] -= c
    for v in unit["vehicles"]:
        k = min(v["count"], amounts["vehicles"].get(v["type"], 0))
        v["count"] -= k
        if k:
            amounts["vehicles"][v["type"]] -= k


def remaining_units(units: list[dict], moved: dict[str, dict]) -> list[dict]:
    """Return `units` less what has already moved, leaving out units with nothing left to move.

    `moved` is `moved_by_unit` of the sorties that moved. Loads count first against the unit of
    the same id; what is left over (a unit that shrank, or a pledge whose split into movement
    elements changed) counts against the same member's other units in turn. A unit whose pledge
    grew keeps the difference. Cargo below half a kilogram counts as moved (rounding).
    """
    left = {uid: {"personnel": a["personnel"], "cargo_kg": a["cargo_kg"], "vehicles": dict(a["vehicles"])}
            for uid, a in moved.items()}
    out = [{**u, "vehicles": [dict(v) for v in u["vehicles"]]} for u in units]
    for unit in out:
        if unit["id"] in left:
            _take(unit, left[unit["id"]])
    for uid, amounts in left.items():
        for unit in out:
            if member_of_unit(unit["id"]) == member_of_unit(uid):
                _take(unit, amounts)
    kept = []
    for unit in out:
        unit["cargo_kg"] = round(unit["cargo_kg"], 2) if unit["cargo_kg"] >= 0.5 else 0
        unit["vehicles"] = [v for v in unit["vehicles"] if v["count"] > 0]
        if unit["personnel"] or unit["cargo_kg"] or unit["vehicles"]:
            kept.append(unit)
    return kept


def withdrawal_units(deployment_inputs: list[dict], landed: list[tuple[str, list[dict]]],
                     moved_back: list[tuple[str, list[dict]]], *, ready_h: dict[str, float],
                     skip_members: set[str]) -> list[dict]:
    """Return the units of the withdrawal: what landed, from where it landed, back to its origin.

    - `deployment_inputs`: the INPUT.json of the deployment plans, oldest first; they give each
      unit's origin (its home airfield) and its vehicles' dimensions.
    - `landed`: (airfield, loads) of every deployment sortie that landed there.
    - `moved_back`: (airfield left from, loads) of withdrawal sorties that moved (departed or landed).
    - `ready_h`: ready hour by unit id or member; `skip_members`: e.g. those returning by road.

    A unit that landed at one airfield keeps its id; one that landed at several becomes one unit
    per airfield, `ID-AIRFIELD`. Units are listed in the deployment's order.
    """
    info: dict[str, dict] = {}
    dims: dict[str, dict] = {}
    for doc in deployment_inputs:
        for u in doc["units"]:
            info[u["id"]] = u
            for v in u["vehicles"]:
                dims[v["type"]] = v
    at: dict[tuple[str, str], dict] = {}
    for airfield, loads in landed:
        for load in loads:
            _add(at.setdefault((load["unit"], airfield), _amounts()), load)
    back: dict[tuple[str, str], dict] = {}
    for airfield, loads in moved_back:
        for load in loads:
            _add(back.setdefault((load["unit"], airfield), _amounts()), load)
    units = []
    for uid, u in info.items():
        member = member_of_unit(uid)
        if member in skip_members:
            continue
        airfields = sorted(a for (unit, a) in at if unit == uid)
        order = [v["type"] for v in u["vehicles"]]
        for airfield in airfields:
            wid = uid if len(airfields) == 1 else f"{uid}-{airfield}"
            here = at[(uid, airfield)]
            unit = {"id": wid, "origin": airfield, "destination": u["origin"],
                    "ready_h": max(0.0, float(ready_h.get(wid, ready_h.get(uid, ready_h.get(member, 0.0))))),
                    "personnel": here["personnel"], "cargo_kg": here["cargo_kg"],
                    "vehicles": [{**dims[t], "count": n} for t, n in sorted(
                        here["vehicles"].items(), key=lambda tn: order.index(tn[0]) if tn[0] in order else len(order))
                        if n]}
            for key in {(wid, airfield), (uid, airfield)}:
                if key in back:
                    _take(unit, back[key])
            unit["cargo_kg"] = round(unit["cargo_kg"], 2) if unit["cargo_kg"] >= 0.5 else 0
            unit["vehicles"] = [v for v in unit["vehicles"] if v["count"] > 0]
            if unit["personnel"] or unit["cargo_kg"] or unit["vehicles"]:
                units.append(unit)
    return units


def withdrawal_input(template: dict, units: list[dict], *, fleet: list[dict] | None = None,
                     parking: dict[str, int] | None = None) -> dict:
    """Return INPUT.json for the withdrawal `units`, using the deployment plan `template`'s aircraft,
    fleet (unless `fleet` is given) and airfields with their parking limits (unless `parking` says)."""
    if not units:
        raise InvalidInput("there is nothing to move back by air")
    out = {"person_kg": template.get("person_kg", 100),
           "aircraft_types": [dict(a) for a in template["aircraft_types"]],
           "fleet": [dict(f) for f in (fleet if fleet is not None else template["fleet"])],
           "airfields": [dict(a) for a in template["airfields"]], "units": units}
    known_types = {a["code"] for a in out["aircraft_types"]}
    for f in out["fleet"]:
        code = f.get("type")
        if code not in known_types and code in catalogue()["aircraft"]:
            out["aircraft_types"].append(instances.aircraft_type(code))
            known_types.add(code)
    known = {a["code"] for a in out["airfields"]}
    needed = [u["origin"] for u in units] + [u["destination"] for u in units] + [f.get("base") for f in out["fleet"]]
    for code in needed:
        if code in known:
            continue
        raw = catalogue()["airfields"].get(code)
        if raw is None:
            raise InvalidInput(f"unknown airfield {code!r}: not in the airlift catalogue")
        out["airfields"].append({"code": code, "lat": raw["lat"], "lon": raw["lon"],
                                 "max_on_ground": instances.PARKING_2022.get(code, DEFAULT_PARKING)})
        known.add(code)
    for code, limit in (parking or {}).items():
        if code not in known:
            raise InvalidInput(f"parking given for airfield {code!r}, which the plan does not use")
        for a in out["airfields"]:
            if a["code"] == code:
                a["max_on_ground"] = limit
    return out


def member_of_unit(unit_id: str) -> str:
    return unit_id.split("-")[0]

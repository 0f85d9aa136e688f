"""Instances in the INPUT.json format: the 2022 deployment, its 10x variant, and random ones.

All of them are synthetic. The 2022 instance is what the 2022 replay moves
(scenarios/data/forces-kazakhstan-2022.yaml): the published totals (2,030 personnel and 250
vehicles, 70 Il-76 and 5 An-124) and readiness hours from the reference timeline, with the
split by contingent and the vehicle types stated there as assumptions. Parking limits and
ground times are scenario parameters, because no source gives them.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime
from functools import cache
from pathlib import Path

import yaml

CATALOGUE = Path(__file__).resolve().parents[2] / "scenarios" / "data" / "airlift-catalogue.yaml"
# The 2022 replay's pledges, split into movement elements with their sources: the 2022 instance
# moves exactly what the replay moves.
FORCES_2022 = Path(__file__).resolve().parents[2] / "scenarios" / "data" / "forces-kazakhstan-2022.yaml"

# Hour 0 is 6 Jan 2022 00:00 Almaty time (UTC+6), a few hours before the decision was announced.
EPOCH_ISO = "2022-01-06T00:00:00+06:00"

# Parking limits: tight at the two arrival airfields, as the issue asks. Assumed, not sourced.
PARKING_2022 = {
    "UUMU": 30, "XUDI": 20, "UWLW": 20, "UMLI": 10, "UAFW": 6, "GISSAR": 4, "UDYZ": 6,
    "UAAA": 8, "ZHETYGEN": 4,
}

DEFAULT_PARKING = 10  # an airfield the scenario gives no limit for

# 70 Il-76MD and 5 An-124 (Russian MoD, 7 Jan). Their home bases are assumed.
FLEET_2022 = [("IL76MD", 35, "UUMU"), ("IL76MD", 20, "XUDI"), ("IL76MD", 15, "UWLW"), ("AN124", 5, "UUMU")]


@cache
def catalogue() -> dict:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def aircraft_type(code: str) -> dict:
    raw = catalogue()["aircraft"][code]
    return {
        "code": code,
        "payload_kg": raw["payload_kg"]["value"],
        "seats": raw["seats"]["value"],
        "hold": {k: raw["hold"][k] for k in ("length_m", "width_m", "height_m")},
        "cruise_kmh": raw["cruise_kmh"]["value"],
        "ground_time_h": raw["ground_time_h"]["value"],
    }


def vehicle(code: str, count: int) -> dict:
    raw = catalogue()["vehicles"][code]
    size = raw["size_m"]
    return {
        "type": code,
        "count": count,
        "weight_kg": raw["weight_kg"]["value"],
        "length_m": size["length"],
        "width_m": size["width"],
        "height_m": size["height"],
    }


def airfield(code: str, max_on_ground: int) -> dict:
    raw = catalogue()["airfields"][code]
    return {"code": code, "lat": raw["lat"], "lon": raw["lon"], "max_on_ground": max_on_ground}


def units_2022() -> list[dict]:
    """The movement elements of the 2022 replay's pledges as units, ready hours from EPOCH_ISO.

    Ready hours follow the timeline: Russian advance units within hours of the decision (6 Jan),
    Belarus leaving Machulishchi at 15:10 MSK on 6 Jan, Kyrgyzstan after its parliament's vote on
    7 Jan, Armenia and Tajikistan on 7 Jan; each element's sources are in the YAML.
    """
    epoch = datetime.fromisoformat(EPOCH_ISO)
    data = yaml.safe_load(FORCES_2022.read_text(encoding="utf-8"))
    units = []
    for pledge in data["pledges"]:
        for e in pledge["elements"]:
            ready = (datetime.fromisoformat(e["ready_at"]) - epoch).total_seconds() / 3600
            units.append({
                "id": e["id"], "origin": e["origin"], "destination": e["destination"],
                "ready_h": round(max(0.0, ready), 2), "personnel": e["personnel"], "cargo_kg": e.get("cargo_kg", 0),
                "vehicles": [vehicle(v, n) for v, n in e["vehicles"].items() if n],
            })
    return units


def kazakhstan_2022() -> dict:
    """Return the 2022 deployment instance: the replay's 14 movement elements, its fleet and parking."""
    units = units_2022()
    codes = list(PARKING_2022) + sorted({u[k] for u in units for k in ("origin", "destination")} - set(PARKING_2022))
    return {
        "person_kg": 100,
        "aircraft_types": [aircraft_type("IL76MD"), aircraft_type("AN124")],
        "fleet": [{"type": t, "count": n, "base": b} for t, n, b in FLEET_2022],
        "airfields": [airfield(c, PARKING_2022.get(c, DEFAULT_PARKING)) for c in codes],
        "units": units,
    }


def scaled(instance: dict, *, force: int, fleet: int) -> dict:
    """Return `instance` with every unit's people, cargo and vehicles times `force`, fleet times `fleet`."""
    out = copy.deepcopy(instance)
    for unit in out["units"]:
        unit["personnel"] *= force
        unit["cargo_kg"] *= force
        for v in unit["vehicles"]:
            v["count"] *= force
    for entry in out["fleet"]:
        entry["count"] *= fleet
    return out


def reverse(instance: dict, *, ready_h: float = 0.0, bases: dict[str, str] | None = None) -> dict:
    """Return the withdrawal: every unit goes back from its destination to its origin.

    The aircraft start where `bases` says (fleet type → airfield), or at their original bases.
    """
    out = copy.deepcopy(instance)
    for unit in out["units"]:
        unit["origin"], unit["destination"] = unit["destination"], unit["origin"]
        unit["ready_h"] = ready_h
    for entry in out["fleet"]:
        entry["base"] = (bases or {}).get(entry["type"], entry["base"])
    return out


def random_instance(seed: int, *, size: str = "small") -> dict:
    """Return a random instance: 2–5 origins, 1–2 destinations, 1–3 types, tight parking."""
    rng = random.Random(seed)
    n_orig, n_dest, n_types = rng.randint(2, 5), rng.randint(1, 2), rng.randint(1, 3)
    airfields = []
    for i in range(n_orig + n_dest):
        airfields.append(
            {"code": f"A{i}", "lat": round(rng.uniform(38, 58), 3), "lon": round(rng.uniform(25, 80), 3),
             "max_on_ground": rng.randint(1, 3)}
        )
    origins, dests = airfields[:n_orig], airfields[n_orig:]
    types = []
    for k in range(n_types):
        types.append(
            {"code": f"T{k}", "payload_kg": rng.choice([20000, 47000, 60000, 120000]), "seats": rng.choice([40, 88, 126]),
             "hold": {"length_m": rng.choice([12.0, 20.0, 36.5]), "width_m": rng.choice([3.0, 3.45, 6.4]),
                      "height_m": rng.choice([2.7, 3.4, 4.4])},
             "cruise_kmh": rng.choice([550, 780, 800]), "ground_time_h": rng.choice([1.0, 2.0, 3.0])}
        )
    big = max(types, key=lambda t: t["payload_kg"])
    fleet = [{"type": t["code"], "count": rng.randint(1, 4), "base": rng.choice(airfields)["code"]} for t in types]
    units = []
    scale = 1 if size == "small" else 4
    for i in range(rng.randint(1, 4) * scale):
        vehicles = []
        for j in range(rng.randint(0, 2)):
            vehicles.append(
                {"type": f"V{j}", "count": rng.randint(1, 4),
                 "weight_kg": rng.randint(1000, int(min(big["payload_kg"], 15000))),
                 "length_m": round(rng.uniform(3, min(8.0, big["hold"]["length_m"])), 2),
                 "width_m": round(rng.uniform(1.5, min(2.9, big["hold"]["width_m"])), 2),
                 "height_m": round(rng.uniform(1.5, min(2.6, big["hold"]["height_m"])), 2)}
            )
        units.append(
            {"id": f"U{i}", "origin": rng.choice(origins)["code"], "destination": rng.choice(dests)["code"],
             "ready_h": rng.choice([0, 0, 2, 5, 8.5]), "personnel": rng.randint(0, 300),
             "cargo_kg": rng.choice([0, 500, 4000, 12345.5]), "vehicles": vehicles}
        )
    return {"person_kg": 100, "aircraft_types": types, "fleet": fleet, "airfields": airfields, "units": units}

"""Timelines of a plan for the pages: bars per aircraft, and the parking load per airfield over time.

Ground time counts as in the issue's rules (and the engine's checker): at a destination from the
landing until the ground time ends (or until the next departure from there), at an origin from the
landing of the empty flight until departure; never before an aircraft's first departure. So an
origin that only first sorties leave from never holds an aircraft by these rules; it is listed all
the same, with a load of 0, because its departures belong to the plan.

The time axis is labelled three ways: hours from the plan's hour 0, UTC, and the host state's time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

from django.utils.formats import date_format

from crisisdesk.engines.airlift import parse_problem
from crisisdesk.forces.airlift import airfield_name
from crisisdesk.web.preferences import safe_zone
from crisisdesk.web.templatetags.crisisdesk_web import zone_name

WIDTH = 900  # SVG drawing width for the time axis
ROW = 14  # height of one aircraft's row
CHART = 60  # height of one parking chart's plot
STEPS = (1, 2, 3, 4, 6, 12, 24, 48, 72, 168)  # hours between ticks; the first that gives at most 12
MAX_TICKS = 12


def _scale(span: float):
    span = max(span, 1.0)
    return lambda h: round(WIDTH * h / span, 1)


def _ticks(span: float, x, epoch: datetime | None, zone: str) -> list[dict]:
    step = next((s for s in STEPS if span / s <= MAX_TICKS), STEPS[-1])
    ticks = []
    for h in range(0, int(span) + 1, step):
        tick = {"x": x(h), "h": h, "label": f"{h} h", "utc": "", "local": ""}
        if epoch is not None:
            moment = epoch + timedelta(hours=h)
            tick["utc"] = date_format(moment.astimezone(timezone.utc), "j M H:i")
            tick["local"] = date_format(moment.astimezone(safe_zone(zone)), "j M H:i") if zone else ""
        ticks.append(tick)
    return ticks


def _ground(problem, doc: dict) -> tuple[list[dict], list[tuple[str, float, float]]]:
    """Rows of bars per aircraft, and the (airfield, from, to) intervals aircraft stand on the ground."""
    by_aircraft: dict[str, list[dict]] = defaultdict(list)
    for i, s in enumerate(doc["sorties"], start=1):
        by_aircraft[s["aircraft"]].append({**s, "number": i})
    rows, ground = [], []
    for y, (name, seq) in enumerate(sorted(by_aircraft.items(), key=lambda kv: kv[1][0]["depart_h"])):
        seq.sort(key=lambda s: s["depart_h"])
        kind = problem.aircraft_types[seq[0]["type"]]
        rows.append({"aircraft": name, "y": y * ROW, "bars": seq})
        for prev, nxt in zip(seq, seq[1:]):
            if prev["destination"] == nxt["origin"]:
                ground.append((prev["destination"], prev["arrive_h"], nxt["depart_h"]))
            else:
                empty = problem.flight_h(kind.code, prev["destination"], nxt["origin"])
                ground.append((prev["destination"], prev["arrive_h"], prev["arrive_h"] + kind.ground_time_h))
                ground.append((nxt["origin"], prev["arrive_h"] + kind.ground_time_h + empty, nxt["depart_h"]))
        last = seq[-1]
        ground.append((last["destination"], last["arrive_h"], last["arrive_h"] + kind.ground_time_h))
    return rows, ground


def plan_timeline(doc_in: dict, doc: dict, *, epoch: datetime | None = None, zone: str = "") -> dict:
    problem = parse_problem(doc_in)
    makespan = max([s["arrive_h"] for s in doc["sorties"]] or [0.0])
    rows, ground = _ground(problem, doc)
    # The axis runs on to the end of the last ground time, so that no chart is cut off.
    span = max([makespan] + [end for _code, _start, end in ground])
    x = _scale(span)
    for row in rows:
        row["bars"] = [{"x": x(s["depart_h"]), "w": max(1.0, x(s["arrive_h"]) - x(s["depart_h"])),
                        "number": s["number"],
                        "label": f"#{s['number']} {s['origin']}→{s['destination']} "
                                 f"{s['depart_h']:.1f}–{s['arrive_h']:.1f} h"} for s in row["bars"]]
    changes: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for code, start, end in ground:
        if end > start:
            changes[code] += [(start, 1), (end, -1)]
    used = {s["origin"] for s in doc["sorties"]} | {s["destination"] for s in doc["sorties"]} | set(changes)
    airfields = []
    for code in sorted(used):
        limit = problem.airfields[code].max_on_ground
        count, peak, points = 0, 0, [(0.0, 0)]
        for t, delta in sorted(changes.get(code, [])):
            points.append((t, count))
            count += delta
            points.append((t, count))
            peak = max(peak, count)
        points.append((max(span, 1.0), count))
        top = max(peak, limit, 1)

        def y(c, top=top):
            return round(CHART - CHART * c / top, 1)

        levels = sorted({0, limit, peak, top})
        airfields.append({
            "code": code, "name": airfield_name(code), "limit": limit, "peak": peak, "over": peak > limit,
            "points": " ".join(f"{x(t)},{y(c)}" for t, c in points), "limit_y": y(limit),
            "levels": [{"y": y(v), "label": v} for v in levels],
            "first_only": code not in changes and any(s["origin"] == code for s in doc["sorties"]),
            "landings": sum(1 for s in doc["sorties"] if s["destination"] == code),
            "departures": sum(1 for s in doc["sorties"] if s["origin"] == code)})
    return {"width": WIDTH, "rows": rows, "rows_height": len(rows) * ROW + 4, "airfields": airfields,
            "ticks": _ticks(span, x, epoch, zone), "makespan": makespan, "makespan_x": x(makespan),
            "chart_height": CHART,
            "zone": zone, "zone_name": zone_name(zone) if zone else "", "has_times": epoch is not None}


def _gap(value, bound) -> float | None:
    if not isinstance(value, (int, float)) or not isinstance(bound, (int, float)):
        return None
    if bound <= 0:
        return 0.0 if value <= 0 else None
    return round(100.0 * (value - bound) / bound, 1)


def summary_gaps(summary: dict) -> dict:
    """Return the plan's gaps to its lower bounds (in % of each bound) and how its search ended."""
    return {"sorties": _gap(summary.get("sorties"), summary.get("lower_bound_sorties")),
            "makespan": _gap(summary.get("makespan_h"), summary.get("lower_bound_makespan_h")),
            "proven_optimal": bool(summary.get("proven_optimal")), "timed_out": bool(summary.get("timed_out"))}

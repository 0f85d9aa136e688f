"""Timelines of a plan for the pages: bars per aircraft, and the parking load per airfield over time.

Ground time counts as in the issue's rules (and the engine's checker): at a destination from the
landing until the ground time ends (or until the next departure from there), at an origin from the
landing of the empty flight until departure; never before an aircraft's first departure.
"""

from __future__ import annotations

from collections import defaultdict

from crisisdesk.engines.airlift import parse_problem

WIDTH = 900  # SVG drawing width for the time axis


def _scale(makespan: float):
    span = max(makespan, 1.0)
    return lambda h: round(WIDTH * h / span, 1)


def plan_timeline(doc_in: dict, doc: dict) -> dict:
    problem = parse_problem(doc_in)
    makespan = max([s["arrive_h"] for s in doc["sorties"]] or [0.0])
    x = _scale(makespan)
    by_aircraft: dict[str, list[dict]] = defaultdict(list)
    for i, s in enumerate(doc["sorties"], start=1):
        by_aircraft[s["aircraft"]].append({**s, "number": i})
    rows, ground = [], []
    for y, (name, seq) in enumerate(sorted(by_aircraft.items(), key=lambda kv: kv[1][0]["depart_h"])):
        seq.sort(key=lambda s: s["depart_h"])
        kind = problem.aircraft_types[seq[0]["type"]]
        bars = [{"x": x(s["depart_h"]), "w": max(1.0, x(s["arrive_h"]) - x(s["depart_h"])), "number": s["number"],
                 "label": f"#{s['number']} {s['origin']}→{s['destination']} {s['depart_h']:.1f}–{s['arrive_h']:.1f} h"}
                for s in seq]
        rows.append({"aircraft": name, "y": y * 14, "bars": bars})
        for prev, nxt in zip(seq, seq[1:]):
            if prev["destination"] == nxt["origin"]:
                ground.append((prev["destination"], prev["arrive_h"], nxt["depart_h"]))
            else:
                empty = problem.flight_h(kind.code, prev["destination"], nxt["origin"])
                ground.append((prev["destination"], prev["arrive_h"], prev["arrive_h"] + kind.ground_time_h))
                ground.append((nxt["origin"], prev["arrive_h"] + kind.ground_time_h + empty, nxt["depart_h"]))
        last = seq[-1]
        ground.append((last["destination"], last["arrive_h"], last["arrive_h"] + kind.ground_time_h))
    changes: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for code, start, end in ground:
        if end > start:
            changes[code] += [(start, 1), (end, -1)]
    airfields = []
    for code in sorted(changes):
        limit = problem.airfields[code].max_on_ground
        count, peak, points, steps = 0, 0, [], []
        for t, delta in sorted(changes[code]):
            points.append((t, count))
            count += delta
            points.append((t, count))
            peak = max(peak, count)
            steps.append({"h": round(t, 2), "count": count})
        height = 60
        top = max(peak, limit, 1)
        poly = " ".join(f"{x(t)},{round(height - height * c / top, 1)}" for t, c in points)
        airfields.append({"code": code, "limit": limit, "peak": peak, "points": poly, "height": height,
                          "limit_y": round(height - height * limit / top, 1), "over": peak > limit,
                          "landings": sum(1 for s in doc["sorties"] if s["destination"] == code),
                          "departures": sum(1 for s in doc["sorties"] if s["origin"] == code)})
    ticks = [{"x": x(h), "label": f"{h:g} h"} for h in range(0, int(makespan) + 1, max(1, int(makespan // 10) or 1))]
    return {"width": WIDTH, "rows": rows, "rows_height": len(rows) * 14 + 4, "airfields": airfields,
            "ticks": ticks, "makespan": makespan}

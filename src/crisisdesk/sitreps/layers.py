"""GeoJSON layers of the common operating picture.

Airfields: coordinates from ../shared/reference/airlift-data.md §3, which takes them from the
`airportsdata` package, version 20260905 [APD] (https://github.com/mborsetti/airportsdata), except
Ivanovo-Severny and Gissar/Ayni (Wikipedia mirrors, marked unverified there). Zhetygen has no public
coordinates and is left off the map rather than guessed.

Contingents, guarded objects and sorties come from the forces app when it provides them
(`crisisdesk.forces.queries.map_features(user, case)`, or its models); otherwise those layers are
empty. Member states are drawn in the browser from Natural Earth country shapes (world-atlas),
matched on the ISO 3166-1 numeric code given here.
"""

import logging

from crisisdesk.accounts import access
from crisisdesk.sitreps import queries

log = logging.getLogger(__name__)

AIRFIELDS = [
    # (icao, name, lat, lon, role in 2022, source)
    ("UUMU", "Chkalovsky", 55.8783, 38.0617, "Russia, out and return", "APD"),
    ("XUDI", "Ivanovo-Severny", 57.0583, 40.9817, "Russia, 98th Airborne Division", "IVA1/IVA2 (unverified code)"),
    ("UWLW", "Ulyanovsk-Vostochny", 54.401, 48.8027, "Russia, 31st Brigade", "APD"),
    ("UMLI", "Machulishchi", 53.7733, 27.58, "Belarus", "APD"),
    ("UAFW", "Kant Air Base", 42.8532, 74.8465, "Kyrgyzstan", "APD"),
    ("", "Gissar (Hisor, Ayni)", 38.5142, 68.6755, "Tajikistan", "AYNI1/AYNI2"),
    ("UDYZ", "Zvartnots", 40.1473, 44.3959, "Armenia", "APD"),
    ("UAAA", "Almaty International", 43.3521, 77.0405, "arrival", "APD"),
    ("UACC", "Nur-Sultan", 51.0222, 71.4669, "stationing; final departures 19 Jan", "APD"),
]
CITATION = "airlift-data.md §3; airportsdata 20260905 [APD] unless noted"

# ISO 3166-1 numeric codes, as Natural Earth / world-atlas keys its countries.
ISO_NUMERIC = {"AM": "051", "BY": "112", "KZ": "398", "KG": "417", "RU": "643", "TJ": "762", "UZ": "860",
               "AZ": "031", "GE": "268"}


def feature(geometry, **props) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def collection(features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def point(lat: float, lon: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def airfields_layer() -> dict:
    return collection(
        feature(point(lat, lon), icao=icao, name=name, role=role, source=src, layer="airfields")
        for icao, name, lat, lon, role, src in AIRFIELDS)


def members_layer(case) -> list[dict]:
    from crisisdesk import clock

    charter = case.charter.parsed()
    now = clock.now()
    out = []
    for member in case.charter.organisation.members.all():
        entry = charter.members.get(member.code)
        status = entry.status_on(now) if entry is not None else None
        out.append({"code": member.code, "numeric": ISO_NUMERIC.get(member.code, ""), "name_en": member.name_en,
                    "name_ru": member.name_ru, "host": member.code == case.host.code, "status": status or ""})
    return out


def report_feature(report) -> dict | None:
    if not report.location:
        return None
    return feature(report.location, id=report.pk, number=report.number, kind=report.kind, title=report.title,
                   source=report.source, urgency=report.urgency, severity=report.severity,
                   confidence=report.confidence, place=report.place, status=report.status,
                   exercise=report.is_exercise, filed_at=report.filed_at.isoformat(), layer="incidents")


def incidents_layer(user, case) -> dict:
    reports = queries.reports_visible_to(user, case=case, limit=1000)
    return collection(f for f in (report_feature(r) for r in reports) if f is not None)


def forces_layers(user, case) -> dict:
    """Ask the forces app for its features; empty layers when it has none (yet)."""
    empty = {"contingents": collection([]), "guarded_objects": collection([]), "sorties": collection([])}
    try:
        from crisisdesk.forces import queries as forces_queries
    except ImportError:
        return empty
    provider = getattr(forces_queries, "map_features", None)
    if provider is None:
        return empty
    try:
        got = provider(user, case) or {}
    except Exception:  # noqa: BLE001 - the map must show the rest if the forces layer fails
        log.exception("forces map features failed")
        return empty
    for key in empty:
        value = got.get(key)
        if isinstance(value, dict) and value.get("type") == "FeatureCollection":
            for f in value.get("features", []):
                f.setdefault("properties", {}).setdefault("exercise", case.is_exercise)
                f["properties"].setdefault("layer", key)
            empty[key] = value
        elif isinstance(value, list):
            empty[key] = collection(value)
    return empty


def case_layers(user, case) -> dict:
    from crisisdesk.sitreps.stream import max_seq

    access.require_post(user)
    return {
        "case": case.ref, "exercise": case.is_exercise, "seq": max_seq(),
        "members": members_layer(case),
        "airfields": airfields_layer(), "airfields_source": CITATION,
        "incidents": incidents_layer(user, case),
        **forces_layers(user, case),
    }

"""Form input of the forces pages: POST fields read into the actions' keyword arguments.

A form here only turns typed text into numbers, times and lists, and names the field it could
not read. Every rule about the record (who may, what adds up, what is known) stays in
`crisisdesk.forces.actions`. The typed values are kept, so that a refused form comes back filled in.
"""

from __future__ import annotations

import math
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisisdesk.forces.airlift import VEHICLE_CLASS
from crisisdesk.web import labels
from crisisdesk.web.forms import instant, local_input

# Blank rows offered under the filled ones of a repeated group (categories, vehicles, objects).
BLANK_ROWS = 3

KIND_LABELS = {
    "airport": gettext_lazy("airport"),
    "airfield": gettext_lazy("airfield"),
    "power_plant": gettext_lazy("power plant"),
    "depot": gettext_lazy("depot"),
    "government_building": gettext_lazy("government building"),
    "water": gettext_lazy("water supply"),
    "food": gettext_lazy("food supply"),
    "consulate": gettext_lazy("consulate"),
    "communications": gettext_lazy("communications"),
    "energy": gettext_lazy("energy"),
    "other": gettext_lazy("other"),
}
APPROVAL_LABELS = {
    "not_needed": gettext_lazy("not needed"),
    "pending": gettext_lazy("pending"),
    "approved": gettext_lazy("approved"),
    "refused": gettext_lazy("refused"),
}
RETURNS_LABELS = {"air": gettext_lazy("by air"), "road": gettext_lazy("by road")}
CLASS_LABELS = {code: labels.FORCES[code] for code in ("armoured", "automotive", "other")}
VEHICLE_CLASSES = sorted(set(VEHICLE_CLASS.values()) | {"other"})
VEHICLE_DIMENSIONS = ("weight_kg", "length_m", "width_m", "height_m")


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _decimal(text: str) -> float | None:
    """A decimal number; a comma is read as the decimal point (as Russian writes it)."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class Form:
    """The fields of one submitted form, read one by one; `errors` names those that failed."""

    def __init__(self, post):
        self.post = post
        self.values: dict = {}
        self.errors: dict[str, str] = {}
        self.kwargs: dict = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, name: str, *, required: bool = False, max_length: int = 300) -> str:
        value = (self.post.get(name) or "").strip()
        self.values[name] = value
        if required and not value:
            self.fail(name, _("This field is required."))
        elif len(value) > max_length:
            self.fail(name, _("Use at most %(count)d characters.") % {"count": max_length})
        return value

    def count(self, name: str, *, required: bool = False) -> int:
        raw = self.text(name, required=required)
        value = _whole(raw) if raw else 0
        if value is None or value < 0:
            self.fail(name, _("Enter a whole number of at least 0."))
            return 0
        return value

    def figure(self, name: str) -> float | None:
        """A non-negative number, or None when the field is empty."""
        raw = self.text(name)
        if not raw:
            return None
        value = _decimal(raw)
        if value is None or value < 0:
            self.fail(name, _("Enter a number of at least 0."))
            return None
        return value

    def coordinate(self, name: str) -> float | None:
        raw = self.text(name)
        if not raw:
            return None
        value = _decimal(raw)
        if value is None:
            self.fail(name, _("Enter a number in decimal degrees."))
        return value

    def moment(self, name: str, *, required: bool = False) -> datetime | None:
        raw = self.text(name, required=required)
        try:
            return instant(raw)
        except (ValueError, OverflowError):
            self.fail(name, _("Enter a date and time, e.g. 2022-01-06 10:00."))
            return None

    def lines(self, name: str) -> list[str]:
        """One entry per line of a text area."""
        raw = self.post.get(name) or ""
        self.values[name] = raw
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def rows(self, name: str, columns: tuple[str, ...]) -> list[dict]:
        """The filled rows of a repeated group; input `{name}_{column}` repeats once per row."""
        lists = [self.post.getlist(f"{name}_{c}") for c in columns]
        rows = []
        for i in range(max((len(v) for v in lists), default=0)):
            row = {c: (values[i] if i < len(values) else "").strip() for c, values in zip(columns, lists)}
            if any(row.values()):
                rows.append(row)
        self.values[name] = rows
        return rows

    def counts(self, name: str, label: str) -> dict[str, int]:
        """A group of (name, count) rows as {name: count}."""
        out: dict[str, int] = {}
        for i, row in enumerate(self.rows(name, ("name", "count")), start=1):
            value = _whole(row["count"])
            if not row["name"]:
                self.fail(name, _("Row %(row)d: give the %(what)s a name.") % {"row": i, "what": label})
            elif value is None or value < 0:
                self.fail(name, _("Row %(row)d: the count must be a whole number of at least 0.") % {"row": i})
            elif row["name"] in out:
                self.fail(name, _("Row %(row)d: %(name)s is listed twice.") % {"row": i, "name": row["name"]})
            else:
                out[row["name"]] = value
        return out


def padded(rows: list[dict], columns: tuple[str, ...]) -> list[dict]:
    """The filled rows and a few blank ones, for a repeated group in a page."""
    return list(rows) + [dict.fromkeys(columns, "") for _ in range(BLANK_ROWS)]


# -- the statement of requirements -------------------------------------------------------------


def classes_in(values) -> list[str]:
    """The known vehicle classes, then any other class the form or the stored statement names."""
    extra = sorted(k[len("vehicles_"):] for k in values if k.startswith("vehicles_") and k[len("vehicles_"):])
    return VEHICLE_CLASSES + [c for c in extra if c not in VEHICLE_CLASSES]


def requirement_form(post) -> Form:
    f = Form(post)
    tasks = f.lines("tasks")
    objects = []
    for i, row in enumerate(f.rows("objects", ("kind", "count", "note")), start=1):
        count = _whole(row["count"]) if row["count"] else 1
        if not row["kind"]:
            f.fail("objects", _("Row %(row)d: choose the kind of object.") % {"row": i})
        elif count is None or count < 0:
            f.fail("objects", _("Row %(row)d: the count must be a whole number of at least 0.") % {"row": i})
        else:
            objects.append({"kind": row["kind"], "count": count, "note": row["note"]})
    personnel = f.counts("personnel", _("category"))
    vehicles = {}
    for cls in classes_in(post):
        n = f.count(f"vehicles_{cls}")
        if n:
            vehicles[cls] = n
    sustainment: dict[str, float | str] = {}
    days, cargo = f.figure("sustainment_days"), f.figure("sustainment_cargo_kg")
    if days is not None:
        sustainment["days"] = days
    if cargo is not None:
        sustainment["cargo_kg"] = cargo
    note = f.text("sustainment_note", max_length=1000)
    if note:
        sustainment["note"] = note
    f.kwargs = {"tasks": tasks, "objects_to_guard": objects, "personnel": personnel, "vehicles": vehicles,
                "sustainment": sustainment, "note": f.text("note", max_length=5000)}
    return f


def requirement_values(req) -> dict:
    if req is None:
        return {"tasks": "", "objects": [], "personnel": []}
    values = {
        "tasks": "\n".join(req.tasks), "note": req.note,
        "objects": [{"kind": o["kind"], "count": str(o["count"]), "note": o.get("note", "")}
                    for o in req.objects_to_guard],
        "personnel": [{"name": k, "count": str(v)} for k, v in req.personnel.items()],
        "sustainment_days": _shown(req.sustainment.get("days")),
        "sustainment_cargo_kg": _shown(req.sustainment.get("cargo_kg")),
        "sustainment_note": req.sustainment.get("note", ""),
    }
    values.update({f"vehicles_{cls}": str(n) for cls, n in req.vehicles.items()})
    return values


def _shown(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- pledges -----------------------------------------------------------------------------------

VEHICLE_COLUMNS = ("type", "count", *VEHICLE_DIMENSIONS)


def pledge_form(post) -> Form:
    f = Form(post)
    personnel = f.count("personnel", required=True)
    by_category = f.counts("categories", _("category"))
    vehicles = []
    for i, row in enumerate(f.rows("vehicles", VEHICLE_COLUMNS), start=1):
        count = _whole(row["count"])
        if not row["type"]:
            f.fail("vehicles", _("Row %(row)d: give the vehicle type.") % {"row": i})
            continue
        if count is None or count < 1:
            f.fail("vehicles", _("Row %(row)d: the count must be a whole number of at least 1.") % {"row": i})
            continue
        vehicle = {"type": row["type"], "count": count}
        for key in VEHICLE_DIMENSIONS:
            if not row[key]:
                continue  # the action takes a missing figure from the catalogue
            value = _decimal(row[key])
            if value is None or value <= 0:
                f.fail("vehicles", _("Row %(row)d: weight and dimensions must be positive numbers.") % {"row": i})
                break
            vehicle[key] = value
        vehicles.append(vehicle)
    cargo = f.figure("cargo_kg")
    f.kwargs = {
        "personnel": personnel, "personnel_by_category": by_category, "vehicles": vehicles,
        "cargo_kg": cargo or 0, "readiness": f.text("readiness"),
        "home_airfield": f.text("home_airfield", required=True, max_length=12),
        "destination": f.text("destination", required=True, max_length=12),
        "ready_at": f.moment("ready_at", required=True),
        "approval_needed": f.text("approval_needed", max_length=200),
        "is_estimate": bool(post.get("is_estimate")), "note": f.text("note", max_length=5000),
    }
    f.values["is_estimate"] = f.kwargs["is_estimate"]
    f.values["one_unit"] = bool(post.get("one_unit"))
    return f


def pledge_values(pledge) -> dict:
    if pledge is None:
        return {"destination": "UAAA", "categories": [], "vehicles": []}
    return {
        "personnel": str(pledge.personnel), "cargo_kg": _shown(pledge.cargo_kg), "readiness": pledge.readiness,
        "home_airfield": pledge.home_airfield, "destination": pledge.destination,
        "ready_at": local_input(pledge.ready_at), "approval_needed": pledge.approval_needed,
        "is_estimate": pledge.is_estimate, "note": pledge.note,
        "categories": [{"name": k, "count": str(v)} for k, v in pledge.personnel_by_category.items()],
        "vehicles": [{"type": v["type"], "count": str(v["count"]),
                      **{k: _shown(v.get(k)) for k in VEHICLE_DIMENSIONS}} for v in pledge.vehicles],
    }


def approval_form(post) -> Form:
    f = Form(post)
    status = f.text("status", required=True, max_length=12)
    if status and status not in ("approved", "refused", "pending"):
        f.fail("status", _("Choose approved, refused or pending."))
    f.kwargs = {"status": status, "act": f.text("act")}
    return f


# -- the force, contingents, objects, completion -----------------------------------------------


def force_form(post, pledges) -> Form:
    f = Form(post)
    members = [p.member for p in pledges if post.get(f"include_{p.member}")]
    returns_by = {}
    for p in pledges:
        way = post.get(f"returns_by_{p.member}") or "air"
        f.values[f"returns_by_{p.member}"] = way
        f.values[f"include_{p.member}"] = p.member in members
        returns_by[p.member] = way
    f.kwargs = {"commander": f.text("commander", required=True, max_length=200), "tasks": f.lines("tasks"),
                "members": members, "returns_by": {m: returns_by[m] for m in members}}
    return f


def contingent_form(post) -> Form:
    f = Form(post)
    f.kwargs = {"member": f.text("member", required=True, max_length=2),
                "returns_by": f.text("returns_by", max_length=10) or "air"}
    return f


def object_form(post) -> Form:
    f = Form(post)
    lat, lon = f.coordinate("lat"), f.coordinate("lon")
    f.kwargs = {"name_ru": f.text("name_ru", required=True), "name_en": f.text("name_en", required=True),
                "kind": f.text("kind", required=True, max_length=30), "place": f.text("place", max_length=200),
                "lat": lat, "lon": lon, "contingent": f.text("contingent", max_length=2) or None}
    return f


def moment_form(post) -> Form:
    """A button with an optional time (empty: now) and, for guarding, an optional contingent."""
    f = Form(post)
    f.kwargs = {"at": f.moment("at")}
    contingent = f.text("contingent", max_length=2)
    if contingent:
        f.kwargs["contingent"] = contingent
    return f

"""Reads of the registry: access funnels, as-of views, the unified list, divergence, screening."""

from __future__ import annotations

import hashlib
import threading
from datetime import date, datetime, time, timezone

from django.conf import settings
from django.db.models import Count, Max, Sum

from crisisdesk.accounts.access import is_staff_role, members_of, posts_of, require_post
from crisisdesk.engines.screening import DEFAULT_THRESHOLD, Entity, Name, QueryError, ScreeningIndex
from crisisdesk.errors import DomainError, NotFound
from crisisdesk.registry.models import (
    Designation,
    DesignationVersion,
    ListCheck,
    Organization,
    ScreeningRun,
    UnifiedProposal,
)

# -- access funnels -------------------------------------------------------------------------------


def access_organization(user, ref: str) -> Organization:
    """The registry is shared within the organisation: every post holder may read it."""
    require_post(user)
    ref = str(ref)
    org = Organization.objects.filter(ref=ref).first() or Organization.objects.filter(external_id=ref).first()
    if org is None:
        raise NotFound(f"no organisation {ref!r}")
    return org


def access_designation(user, ref: str) -> Designation:
    require_post(user)
    d = Designation.objects.select_related("organization").filter(ref=str(ref)).first()
    if d is None:
        raise NotFound(f"no designation {ref!r}")
    return d


def access_proposal(user, pk) -> UnifiedProposal:
    require_post(user)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(f"no proposal {pk!r}") from None
    proposal = UnifiedProposal.objects.select_related("organization").filter(pk=pk).first()
    if proposal is None:
        raise NotFound(f"no proposal {pk!r}")
    return proposal


def access_screening_run(user, ref: str) -> ScreeningRun:
    """A batch screening is its author's states' business: others get 404, not its names."""
    require_post(user)
    run = ScreeningRun.objects.filter(ref=str(ref)).first()
    if run is None:
        raise NotFound(f"no screening {ref!r}")
    if not _may_read_run(user, run):
        raise NotFound(f"no screening {ref!r}")
    return run


def _may_read_run(user, run: ScreeningRun) -> bool:
    if is_staff_role(user):
        return True
    if run.actor == user.get_username():
        return True
    return bool(set(run.states) & members_of(user))


def screening_runs_for(user):
    require_post(user)
    return [r for r in ScreeningRun.objects.order_by("-created_at") if _may_read_run(user, r)]


# -- as-of views ----------------------------------------------------------------------------------


def parse_day(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def designation_rows(*, known_at: datetime | None = None) -> list[dict]:
    """Every designation as a snapshot dict, as recorded now or as we knew it at `known_at`."""
    if known_at is None:
        rows = []
        for d in Designation.objects.select_related("organization"):
            row = {f.name: getattr(d, f.name) for f in Designation._meta.fields if f.name != "organization"}
            row["organization"] = d.organization.ref
            row["act"] = d.act_label
            rows.append(row)
        return rows
    latest: dict[int, DesignationVersion] = {}
    for v in DesignationVersion.objects.filter(recorded_at__lte=known_at).order_by("designation_id", "version"):
        latest[v.designation_id] = v
    rows = []
    for v in latest.values():
        row = dict(v.snapshot)
        for key in ("act_date", "entry_into_force", "listing_date", "status_since", "end_date"):
            row[key] = date.fromisoformat(row[key]) if row.get(key) else None
        row["act"] = " ".join(p for p in (row.get("act_type", ""), row.get("act_number", "")) if p)
        rows.append(row)
    return rows


def cell_code(row: dict, as_of: date) -> str | None:
    """The divergence cell of one designation on a day (reference §2.4), or None if not yet in force."""
    start = row.get("entry_into_force") or row.get("act_date")
    # An act whose date we could not source is taken as in force (its cell says "since unknown");
    # dropping it would show a listed organisation as unlisted.
    if start is not None and start > as_of:
        return None
    end = row.get("end_date")
    if end is not None and end <= as_of:
        return "D"
    status, since = row.get("status"), row.get("status_since") or end or start
    if status == "delisted" and (since is None or since <= as_of):
        return "D"
    if status == "suspended" and (since is None or since <= as_of):
        return "S"
    # Under appeal counts as active unless the act is suspended (reference §2.2).
    return {"terrorist": "T", "extremist": "E", "terror_financing": "F"}[row["category"]]


def participating_states(as_of: date, *, include_frozen: bool | None = None) -> list[str]:
    """Member states active on the day, from the organization app's membership history."""
    from crisisdesk.organization.queries import current_charter

    if include_frozen is None:
        include_frozen = getattr(settings, "REGISTRY_COUNT_FROZEN_MEMBERS", False)
    charter = current_charter().parsed()
    moment = datetime.combine(as_of, time(12, 0), tzinfo=timezone.utc)
    allowed = {"active", "frozen"} if include_frozen else {"active"}
    return sorted(code for code, m in charter.members.items() if m.status_on(moment) in allowed)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


_RANK = {"T": 0, "S": 1, "E": 2, "F": 3, "D": 4}


def state_cells(as_of: date, *, known_at: datetime | None = None) -> dict[str, dict[str, list[dict]]]:
    """org ref → state → designations in force or ended by `as_of`, best first."""
    cells: dict[str, dict[str, list[dict]]] = {}
    for row in designation_rows(known_at=known_at):
        code = cell_code(row, as_of)
        if code is None:
            continue
        entry = {"code": code, "ref": row["ref"], "act": row["act"], "category": row["category"],
                 "status": row["status"],
                 "since": _iso(row.get("entry_into_force") or row.get("act_date")),
                 "end_date": row["end_date"].isoformat() if row.get("end_date") else None,
                 "source_url": row.get("source_url") or row.get("act_url") or ""}
        cells.setdefault(row["organization"], {}).setdefault(row["state"], []).append(entry)
    for by_state in cells.values():
        for entries in by_state.values():
            entries.sort(key=lambda e: _RANK[e["code"]])
    return cells


def unified_list(as_of, *, known_at: datetime | None = None, include_frozen: bool | None = None) -> dict:
    as_of = parse_day(as_of)
    states = participating_states(as_of, include_frozen=include_frozen)
    cells = state_cells(as_of, known_at=known_at)
    orgs = {o.ref: o for o in Organization.objects.all()}
    listed = {}
    for p in UnifiedProposal.objects.filter(status="listed", decided_on__lte=as_of).select_related("organization"):
        listed[p.organization.ref] = {"decision_ref": p.decision_ref, "decision_id": p.decision_id,
                                      "decided_on": p.decided_on.isoformat(), "proposed_by": p.proposed_by}
    entries = []
    for ref, by_state in sorted(cells.items()):
        if not states:
            break
        if all(by_state.get(s) and by_state[s][0]["code"] == "T" for s in states):
            org = orgs[ref]
            entries.append({
                "organization": org.public_id, "name": org.canonical_name,
                "designations": {s: by_state[s][0] for s in states},
                "council_decision": listed.get(ref),
            })
    return {"as_of": as_of.isoformat(), "known_at": known_at.isoformat() if known_at else None,
            "participating_states": states, "organizations": entries,
            "council_listed": [{"organization": orgs[r].public_id, **v} for r, v in sorted(listed.items())],
            "demo_data": Organization.objects.filter(demo=True).exists()}


def divergence(as_of, *, known_at: datetime | None = None) -> dict:
    as_of = parse_day(as_of)
    try:
        states = participating_states(as_of, include_frozen=True)
    except NotFound:
        states = []
    cells = state_cells(as_of, known_at=known_at)
    checked = {c.state for c in ListCheck.objects.filter(checked_on__lte=as_of)}
    for by_state in cells.values():
        for s in by_state:
            if s not in states:
                states.append(s)
    rows = []
    for org in Organization.objects.all():
        by_state = cells.get(org.ref, {})
        row = {"organization": org.public_id, "name": org.canonical_name, "cells": {}}
        for s in states:
            if by_state.get(s):
                best = by_state[s][0]
                row["cells"][s] = {**best, "all": by_state[s]}
            else:
                # Never show "?" as "N": only a state whose whole list we read says "not designated".
                row["cells"][s] = {"code": "N" if s in checked else "?"}
        if by_state:
            rows.append(row)
    return {"as_of": as_of.isoformat(), "states": states, "rows": rows}


# -- screening ------------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[str, ScreeningIndex] = {}


def registry_hash() -> str:
    """Changes whenever an organisation or designation changes: the key of the index cache."""
    o = Organization.objects.aggregate(n=Count("id"), v=Sum("version"), m=Max("recorded_at"))
    d = Designation.objects.aggregate(n=Count("id"), v=Sum("version"), m=Max("recorded_at"))
    blob = f"{o['n']}:{o['v']}:{o['m']}|{d['n']}:{d['v']}:{d['m']}"
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def build_index() -> ScreeningIndex:
    designations: dict[int, list[dict]] = {}
    for d in Designation.objects.all().order_by("state", "act_date"):
        designations.setdefault(d.organization_id, []).append(
            {"state": d.state, "category": d.category, "status": d.status, "act": d.act_label})
    entities = []
    for org in Organization.objects.prefetch_related("names"):
        names = tuple(Name(n.value, n.name_type, n.script, n.lang) for n in org.names.all())
        entities.append(Entity(org.public_id, org.canonical_name, names or (Name(org.canonical_name),),
                               payload=designations.get(org.id, [])))
    return ScreeningIndex(entities)


def current_index() -> tuple[ScreeningIndex, str]:
    key = registry_hash()
    with _cache_lock:
        index = _cache.get(key)
        if index is None:
            _cache.clear()
            index = _cache[key] = build_index()
    return index, key


def result_json(index: ScreeningIndex, query: str, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """One name's result in the issue's shape; a bad name gets an "error" instead of a crash."""
    try:
        res = index.screen(query, threshold=threshold)
    except QueryError as exc:
        return {"query": query, "matches": [], "error": str(exc)}
    out = {"query": res.query, "matches": [
        {"organization": m.entity_id, "name": m.caption, "score": m.score,
         "matched_name": m.matched_name, "how": m.how, "designations": list(m.payload or [])}
        for m in res.matches]}
    if res.notes:
        out["notes"] = list(res.notes)  # what cleaning did to the name, and why
    return out


def check_threshold(threshold) -> float:
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise DomainError(f"threshold {threshold!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise DomainError(f"threshold {value} is outside 0..1")
    return value


def summary(result: dict) -> list:
    return [[m["organization"], m["score"]] for m in result["matches"]]


def stale_runs(user=None, *, runs=None) -> list[dict]:
    """Earlier batch screenings whose results would differ against the registry as it is now."""
    index, key = current_index()
    if runs is None:
        runs = screening_runs_for(user) if user is not None else list(ScreeningRun.objects.all())
    stale = []
    for run in runs:
        if run.registry_hash == key:
            continue
        changed = []
        for i, name in enumerate(run.names):
            now = summary(result_json(index, name, run.threshold))
            before = run.results[i] if i < len(run.results) else []
            if now != before:
                changed.append({"line": i + 1, "query": name, "before": before, "now": now})
        if changed:
            stale.append({"screening": run.ref, "actor": run.actor, "created_at": run.created_at.isoformat(),
                          "source": run.source, "changed": changed})
    return stale


def user_states(user) -> list[str]:
    return sorted(members_of(user)) if posts_of(user) else []

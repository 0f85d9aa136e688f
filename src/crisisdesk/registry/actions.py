"""The only writes to the registry. Each runs in a transaction and appends a ledger event."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date, datetime

from django.db import transaction

from crisisdesk import clock, ledger
from crisisdesk.accounts.access import is_staff_role, members_of, require_post, roles_of
from crisisdesk.errors import Conflict, DomainError, Forbidden, NotFound
from crisisdesk.events import EventType
from crisisdesk.registry.formats import FormatError, ImportBatch
from crisisdesk.registry.models import (
    CATEGORIES,
    STATUSES,
    Designation,
    DesignationVersion,
    ListCheck,
    Organization,
    OrganizationVersion,
    OrgName,
    Relation,
    ScreeningRun,
    UnifiedProposal,
)

ORG_FIELDS = ("external_id", "canonical_name", "entity_type", "countries", "identifiers", "notes",
              "source", "demo")
DESIGNATION_FIELDS = (
    "state", "list_code", "source_record_id", "authority", "basis_type", "act_type", "act_number",
    "act_date", "act_title", "issuing_body", "court_name", "case_number", "act_url",
    "entry_into_force", "listing_date", "category", "status", "status_since", "end_date",
    "delisting_act", "delisting_url", "un_reference", "names_as_listed", "source_url",
    "retrieved_at", "demo", "note",
)
_DEFAULTS = {"countries": [], "identifiers": {}, "notes": "", "source": "", "demo": False,
             "external_id": "", "entity_type": "organisation", "names_as_listed": []}


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def content_hash(snapshot: dict) -> str:
    blob = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _org_snapshot(data: dict) -> dict:
    snap = {f: _plain(data.get(f, _DEFAULTS.get(f, ""))) for f in ORG_FIELDS}
    snap["ref"] = data["ref"]
    snap["names"] = [
        {k: n.get(k, "") for k in ("value", "name_type", "script", "lang", "quality")}
        for n in data["names"]
    ]
    return snap


def _designation_snapshot(data: dict) -> dict:
    snap = {f: _plain(data.get(f, _DEFAULTS.get(f, ""))) for f in DESIGNATION_FIELDS}
    snap["ref"] = data["ref"]
    snap["organization"] = data["organization"]
    # Retrieval time is provenance, not content: re-reading an unchanged list is "unchanged".
    snap.pop("retrieved_at")
    return snap


def _upsert_org(data: dict, *, actor: str, now) -> str:
    snap = _org_snapshot(data)
    digest = content_hash(snap)
    org = Organization.objects.filter(ref=data["ref"]).first()
    if org is not None and org.content_hash == digest:
        return "unchanged"
    fields = {f: data.get(f, _DEFAULTS.get(f, "")) for f in ORG_FIELDS}
    if org is None:
        org = Organization.objects.create(ref=data["ref"], content_hash=digest, recorded_at=now,
                                          version=1, **fields)
        outcome, event = "added", EventType.ORGANIZATION_ADDED
    else:
        for key, value in fields.items():
            setattr(org, key, value)
        org.version += 1
        org.content_hash = digest
        org.recorded_at = now
        org.save()
        org.names.all().delete()
        outcome, event = "changed", EventType.ORGANIZATION_CHANGED
    OrgName.objects.bulk_create([
        OrgName(organization=org, value=n["value"], name_type=n["name_type"],
                script=n.get("script", ""), lang=n.get("lang", ""), quality=n.get("quality", "good"))
        for n in data["names"]
    ])
    OrganizationVersion.objects.create(organization=org, version=org.version, snapshot=snap,
                                       content_hash=digest, recorded_at=now)
    ledger.record(event, actor=actor, subject=org.ref,
                  data={"version": org.version, "hash": digest, "name": org.canonical_name})
    return outcome


def _upsert_designation(data: dict, *, actor: str, now) -> str:
    snap = _designation_snapshot(data)
    digest = content_hash(snap)
    existing = Designation.objects.filter(ref=data["ref"]).first()
    if existing is not None and existing.content_hash == digest:
        return "unchanged"
    org = Organization.objects.filter(ref=data["organization"]).first()
    if org is None:
        raise NotFound(f"no organisation {data['organization']!r} for designation {data['ref']!r}")
    if data.get("category") not in CATEGORIES:
        raise DomainError(f"category must be one of {', '.join(CATEGORIES)}")
    if data.get("status", "active") not in STATUSES:
        raise DomainError(f"status must be one of {', '.join(STATUSES)}")
    fields = {f: data.get(f, _DEFAULTS.get(f, None)) for f in DESIGNATION_FIELDS}
    fields = {k: ("" if v is None and k not in _NULLABLE else v) for k, v in fields.items()}
    if existing is None:
        d = Designation.objects.create(ref=data["ref"], organization=org, content_hash=digest,
                                       recorded_at=now, version=1, **fields)
        outcome, event = "added", EventType.DESIGNATION_ADDED
    else:
        d = existing
        d.organization = org
        for key, value in fields.items():
            setattr(d, key, value)
        d.version += 1
        d.content_hash = digest
        d.recorded_at = now
        d.save()
        outcome, event = "changed", EventType.DESIGNATION_CHANGED
    DesignationVersion.objects.create(designation=d, version=d.version, snapshot=snap,
                                      content_hash=digest, recorded_at=now)
    ledger.record(event, actor=actor, subject=d.ref,
                  data={"organization": org.ref, "state": d.state, "category": d.category,
                        "status": d.status, "version": d.version, "hash": digest})
    return outcome


_NULLABLE = {"act_date", "entry_into_force", "listing_date", "status_since", "end_date", "retrieved_at"}


def import_batch(*, actor: str, batch: ImportBatch, filename: str = "") -> dict:
    """Apply a parsed file all or nothing; return added/changed/unchanged counts."""
    now = clock.now()
    counts = {"organizations": {"added": 0, "changed": 0, "unchanged": 0},
              "designations": {"added": 0, "changed": 0, "unchanged": 0},
              "relations": {"added": 0, "unchanged": 0}, "skipped": batch.skipped}
    refs = [o["ref"] for o in batch.organizations]
    if len(refs) != len(set(refs)):
        dup = next(r for r in refs if refs.count(r) > 1)
        raise FormatError(f"organisation {dup!r} appears twice")
    counts["organizations"]["linked"] = 0
    with transaction.atomic():
        linked: dict[str, str] = {}
        for org in batch.organizations:
            target = _linked_org(org)
            if target is not None:
                # Linked by a shared identifier (reference §2.5): the existing record keeps its
                # reviewed names, and the imported act is attached to it. Never by a score alone.
                linked[org["ref"]] = target
                counts["organizations"]["linked"] += 1
                continue
            counts["organizations"][_upsert_org(org, actor=actor, now=now)] += 1
        for d in batch.designations:
            if d["organization"] in linked:
                d["organization"] = linked[d["organization"]]
        seen: set[str] = set()
        for d in batch.designations:
            if d.get("un_reference") and d.get("state") == "UN":
                # One designation per state per act: a UN listing already recorded (e.g. from
                # the CSV) keeps its ref when the UN list itself is imported.
                same = Designation.objects.filter(state="UN", un_reference=d["un_reference"]).first()
                if same is not None:
                    d["ref"] = same.ref
            if d["ref"] in seen:
                raise FormatError(f"designation {d['ref']!r} appears twice (one per state per act)",
                                  line=d.get("line"))
            seen.add(d["ref"])
            try:
                counts["designations"][_upsert_designation(d, actor=actor, now=now)] += 1
            except DomainError as exc:
                raise FormatError(exc.detail, line=d.get("line")) from None
        for rel in batch.relations:
            subject = Organization.objects.filter(ref=rel["subject"]).first()
            obj = Organization.objects.filter(ref=rel["object"]).first()
            if subject is None or obj is None:
                raise FormatError(f"relation to unknown organisation {rel['object']!r}", line=rel.get("line"))
            _, created = Relation.objects.get_or_create(
                subject=subject, kind=rel["kind"], object=obj, defaults={"recorded_at": now})
            if created:
                ledger.record(EventType.ORGANIZATION_CHANGED, actor=actor, subject=subject.ref,
                              data={"relation": rel["kind"], "object": obj.ref})
            counts["relations"]["added" if created else "unchanged"] += 1
        ledger.record(EventType.REGISTRY_IMPORTED, actor=actor, subject=filename or batch.source,
                      data={"source": batch.source, **counts})
    return counts


def _linked_org(org: dict) -> str | None:
    un = (org.get("identifiers") or {}).get("un")
    if not un or Organization.objects.filter(ref=org["ref"]).exists():
        return None
    hit = (Designation.objects.filter(un_reference=un).exclude(organization__ref=org["ref"])
           .select_related("organization").first())
    return hit.organization.ref if hit else None


# -- edits through the API ------------------------------------------------------------------------


def _require_state_author(user, state: str) -> None:
    """Secretariat may record any state's act; a delegate only their own state's."""
    require_post(user)
    if "secretariat" in roles_of(user):
        return
    if "delegate" in roles_of(user) and state in members_of(user):
        return
    raise Forbidden(f"only {state}'s delegates or the secretariat may record {state}'s designations")


def create_designation(*, user, organization: Organization, data: dict) -> Designation:
    state = data["state"].upper()
    _require_state_author(user, state)
    ref = data.get("ref") or f"{state}-{data.get('act_number') or data.get('act_date') or 'act'}-{organization.ref}"
    if Designation.objects.filter(ref=ref).exists():
        raise Conflict(f"designation {ref!r} exists; change it instead")
    if not (data.get("source_url") or data.get("act_url")):
        raise DomainError("a designation needs a source_url or act_url that cites the act")
    payload = {**data, "state": state, "ref": ref, "organization": organization.ref}
    with transaction.atomic():
        _upsert_designation(payload, actor=user.get_username(), now=clock.now())
    return Designation.objects.get(ref=ref)


def change_designation(*, user, designation: Designation, changes: dict) -> Designation:
    _require_state_author(user, designation.state)
    if "state" in changes and changes["state"].upper() != designation.state:
        raise Forbidden("a designation's state cannot be changed; record the other state's act")
    current = {f: getattr(designation, f) for f in DESIGNATION_FIELDS}
    current.update({k: v for k, v in changes.items() if k in DESIGNATION_FIELDS})
    if current["status"] == "delisted" and not current["end_date"]:
        raise DomainError("a delisting needs end_date (and the delisting act)")
    current.update(ref=designation.ref, organization=designation.organization.ref)
    with transaction.atomic():
        _upsert_designation(current, actor=user.get_username(), now=clock.now())
    return Designation.objects.get(pk=designation.pk)


def record_list_check(*, actor: str, state: str, checked_on: date, source_url: str, note: str = "") -> ListCheck:
    with transaction.atomic():
        check = ListCheck.objects.create(state=state, checked_on=checked_on, source_url=source_url,
                                         note=note, recorded_at=clock.now())
        ledger.record(EventType.DESIGNATION_CHANGED, actor=actor, subject=f"list-check:{state}",
                      data={"checked_on": checked_on, "source_url": source_url})
    return check


# -- the formal path to the unified list ---------------------------------------------------------


def propose_for_unified(*, user, organization: Organization, state: str, note: str = "") -> UnifiedProposal:
    state = state.upper()
    require_post(user)
    if state not in members_of(user) or "delegate" not in roles_of(user):
        raise Forbidden(f"only a delegate of {state} may propose on {state}'s behalf")
    if organization.proposals.filter(status="proposed").exists():
        raise Conflict(f"{organization.ref} is already proposed; the Council has not decided yet")
    with transaction.atomic():
        proposal = UnifiedProposal.objects.create(
            organization=organization, proposed_by=state, proposed_at=clock.now(),
            actor=user.get_username(), note=note)
        ledger.record(EventType.UNIFIED_PROPOSED, actor=user.get_username(), subject=organization.ref,
                      data={"proposal": proposal.pk, "state": state, "note": note})
    return proposal


def decide_proposal(*, user, proposal: UnifiedProposal, outcome: str, decision_ref: str,
                    decided_on: date, decision_id: int | None = None) -> UnifiedProposal:
    """Record the Council's decision on a proposal (the procedure itself runs in decisions)."""
    if "secretariat" not in roles_of(user):
        raise Forbidden("only the secretariat records the Council's decision")
    if outcome not in ("listed", "rejected"):
        raise DomainError("outcome must be listed or rejected")
    if proposal.status != "proposed":
        raise Conflict(f"proposal {proposal.pk} was already decided ({proposal.status})")
    if not decision_ref.strip():
        raise DomainError("decision_ref (the Council decision's reference) is required")
    with transaction.atomic():
        proposal.status = outcome
        proposal.decision_ref = decision_ref.strip()
        proposal.decision_id = decision_id
        proposal.decided_on = decided_on
        proposal.save()
        if outcome == "listed":
            ledger.record(EventType.UNIFIED_LISTED, actor=user.get_username(),
                          subject=proposal.organization.ref,
                          data={"proposal": proposal.pk, "decision_ref": decision_ref,
                                "decision_id": decision_id, "decided_on": decided_on})
        else:
            ledger.record(EventType.ORGANIZATION_CHANGED, actor=user.get_username(),
                          subject=proposal.organization.ref,
                          data={"proposal": proposal.pk, "rejected": decision_ref})
    return proposal


# -- screening runs ------------------------------------------------------------------------------


def record_screening(*, actor: str, states: list[str], names: list[str], results: list,
                     threshold: float, registry_hash: str, source: str = "") -> ScreeningRun:
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            ref="scr-" + secrets.token_hex(6), actor=actor, states=sorted(states),
            created_at=clock.now(), threshold=threshold, registry_hash=registry_hash,
            names=names, results=results, source=source)
        ledger.record(EventType.SCREENING_RUN, actor=actor, subject=run.ref,
                      data={"names": len(names), "threshold": threshold, "registry": registry_hash,
                            "hits": sum(1 for r in results if r)})
    return run


def is_staff(user) -> bool:
    return is_staff_role(user)

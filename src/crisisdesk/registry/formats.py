"""Import and export formats, as plain dicts: FollowTheMoney JSON lines, the UN XML, our CSV.

Parsers return `ImportBatch` (organisations and designations as dicts with the model's field
names) and raise `FormatError` naming the line, so that the action can refuse the whole file.

CSV format for national lists (UTF-8, header row, one row per designation; see
docs in the README section of `crisisdesk registry import --help`):

    org_id, name, name_lang, aliases, previous_names, abbreviations, weak_aliases,
    entity_type, relations, state, category, status, status_since, end_date, delisting_act,
    delisting_url, basis_type, act_type, act_number, act_date, act_title, issuing_body,
    court_name, case_number, act_url, entry_into_force, listing_date, un_reference,
    list_code, source_record_id, authority, source_url, retrieved_at, note

- list columns (aliases…) separate names with " | ";
- `relations` is "kind:org_id | kind:org_id" (branch_of, successor_of, renamed_from, merged_into);
- dates are ISO 8601 (YYYY-MM-DD); `retrieved_at` may carry a time with zone;
- rows for the same org_id must agree on the names (the first row's names are used).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from crisisdesk.engines.screening.normalize import scripts_of
from crisisdesk.engines.screening.sources import SourceError, parse_un_xml
from crisisdesk.registry.models import BASIS_TYPES, CATEGORIES, ENTITY_TYPES, RELATION_KINDS, STATUSES


class FormatError(ValueError):
    def __init__(self, detail: str, *, line: int | None = None):
        super().__init__(f"line {line}: {detail}" if line else detail)
        self.detail = detail
        self.line = line


@dataclass
class ImportBatch:
    source: str
    skipped: int = 0
    organizations: list[dict] = field(default_factory=list)
    designations: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)


MAX_NAME = 1000


def slug(text: str, prefix: str = "") -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not base or len(base) > 70:
        base = (base[:50] + "-" if base else "") + hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{prefix}{base}"


def _script(value: str) -> str:
    scripts = scripts_of(value) - {"Zyyy"}
    return scripts.pop() if len(scripts) == 1 else ""


def name_dict(value: str, name_type: str, lang: str = "", quality: str = "good", *, line=None) -> dict:
    value = " ".join(value.split())
    if not value:
        raise FormatError("an empty name", line=line)
    if len(value) > MAX_NAME:
        raise FormatError(f"a name of {len(value)} characters (at most {MAX_NAME})", line=line)
    if any(ord(c) < 32 for c in value):
        raise FormatError("a name with control characters", line=line)
    return {"value": value, "name_type": name_type, "script": _script(value), "lang": lang,
            "quality": quality}


def _date(value: str, what: str, line) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise FormatError(f"{what} {value!r} is not a date (YYYY-MM-DD)", line=line) from None


def _datetime(value: str, what: str, line) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FormatError(f"{what} {value!r} is not a date-time", line=line) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _choice(value: str, allowed, what: str, line, default=None) -> str:
    value = (value or "").strip() or (default or "")
    if value not in allowed:
        raise FormatError(f"{what} {value!r} is not one of {', '.join(allowed)}", line=line)
    return value


# -- UN XML -----------------------------------------------------------------------------------


def read_un_xml(data: bytes) -> ImportBatch:
    try:
        generated, records = parse_un_xml(data)
    except SourceError as exc:
        raise FormatError(exc.detail, line=exc.line) from None
    batch = ImportBatch(source="UN Security Council Consolidated List")
    retrieved = _datetime(generated, "dateGenerated", 1) if generated else None
    for rec in records:
        if rec.list_type != "Al-Qaida":
            # Only the ISIL (Da'esh) and Al-Qaida list is a terrorism list; DPRK, Libya, Taliban
            # (1988) and the other regimes are sanctions for other reasons, and filing them under
            # a category would misstate them, so they are counted as skipped.
            batch.skipped += 1
            continue
        names = [name_dict(n.value, n.name_type, "ar" if _script(n.value) == "Arab" else "",
                           n.quality, line=rec.line) for n in rec.names]
        org_ref = slug(rec.reference, "un-")
        batch.organizations.append({
            "ref": org_ref, "external_id": rec.reference, "canonical_name": rec.caption,
            "entity_type": "organisation", "identifiers": {"un": rec.reference},
            "notes": rec.comments[:4000], "source": batch.source, "names": names,
        })
        batch.designations.append({
            "ref": f"UN:{rec.reference}", "organization": org_ref, "state": "UN",
            "basis_type": "un_implementation", "act_type": "UN Security Council listing",
            "act_number": rec.reference, "act_date": _date(rec.listed_on, "LISTED_ON", rec.line),
            "issuing_body": f"UN Security Council ({rec.list_type} sanctions committee)",
            "entry_into_force": _date(rec.listed_on, "LISTED_ON", rec.line),
            "listing_date": _date(rec.listed_on, "LISTED_ON", rec.line),
            # The UN lists are sanctions lists; the Al-Qaida/ISIL list is a terrorism list, the
            # others (DPRK, Libya…) are not, so they are not "terrorist" designations.
            "category": "terrorist",
            "status": "active", "un_reference": rec.reference,
            "source_url": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
            "retrieved_at": retrieved, "names_as_listed": [n["value"] for n in names[:1]],
        })
    return batch


# -- FollowTheMoney ---------------------------------------------------------------------------

_ORG_SCHEMATA = {"Organization", "LegalEntity", "Company", "PublicBody"}
_FTM_NAMES = (("name", "primary"), ("alias", "alias"), ("previousName", "previous"),
              ("abbreviation", "abbreviation"), ("weakAlias", "weak"))


def read_ftm(data: bytes) -> ImportBatch:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError("invalid UTF-8", line=line) from None
    batch = ImportBatch(source="FollowTheMoney")
    sanctions: list[tuple[int, dict]] = []
    orgs: dict[str, dict] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            ent = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise FormatError(f"malformed JSON ({exc.msg})", line=lineno) from None
        if not isinstance(ent, dict) or not isinstance(ent.get("properties", {}), dict):
            raise FormatError("not a FollowTheMoney entity object", line=lineno)
        schema, ent_id = ent.get("schema"), ent.get("id")
        if not ent_id or not isinstance(ent_id, str):
            raise FormatError("entity without an id", line=lineno)
        props = ent.get("properties") or {}
        for key, values in props.items():
            if not isinstance(values, list):
                raise FormatError(f"property {key!r} is not a list", line=lineno)
        if schema in _ORG_SCHEMATA:
            names = []
            for prop, name_type in _FTM_NAMES:
                for i, value in enumerate(props.get(prop, [])):
                    nt = "alias" if (name_type == "primary" and i > 0) else name_type
                    names.append(name_dict(str(value), nt, line=lineno))
            if not names:
                raise FormatError(f"{schema} {ent_id} has no name", line=lineno)
            org_ref = slug(ent_id, "" if ent_id.startswith("org-") else "ftm-")
            orgs[ent_id] = {
                "ref": org_ref, "external_id": ent_id, "canonical_name": names[0]["value"],
                "entity_type": "organisation", "countries": sorted(props.get("country", [])),
                "notes": "\n".join(props.get("notes", []))[:4000], "source": batch.source,
                "names": names, "identifiers": {},
            }
        elif schema == "Sanction":
            sanctions.append((lineno, ent))
        # Other schemata (Person, Address…) are not organisations; they are skipped on purpose.
    batch.organizations = list(orgs.values())
    for lineno, ent in sanctions:
        props = ent["properties"]
        target = (props.get("entity") or [None])[0]
        if target not in orgs:
            raise FormatError(f"Sanction {ent['id']} points at {target!r}, which is not an organisation "
                              "in this file", line=lineno)
        program = " ".join(props.get("program", [])).lower()
        category = ("extremist" if "extremis" in program else
                    "terror_financing" if "financ" in program else "terrorist")
        end = _date((props.get("endDate") or [""])[0], "endDate", lineno)
        status = (props.get("status") or ["delisted" if end else "active"])[0].lower()
        if status not in STATUSES:
            status = "delisted" if end else "active"
        country = (props.get("country") or [""])[0].upper()
        if not country:
            raise FormatError(f"Sanction {ent['id']} has no country (the designating state)", line=lineno)
        batch.designations.append({
            "ref": ent["id"], "organization": orgs[target]["ref"], "state": country[:8],
            "basis_type": "court_decision", "act_type": (props.get("programId") or [""])[0],
            "act_number": (props.get("authorityId") or [""])[0],
            "act_date": _date((props.get("startDate") or [""])[0], "startDate", lineno),
            "issuing_body": (props.get("authority") or [""])[0],
            "act_title": (props.get("reason") or [""])[0][:500],
            "entry_into_force": _date((props.get("startDate") or [""])[0], "startDate", lineno),
            "listing_date": _date((props.get("listingDate") or [""])[0], "listingDate", lineno),
            "end_date": end, "status": status, "status_since": end,
            "category": category, "un_reference": (props.get("unscId") or [""])[0],
            "source_url": (props.get("sourceUrl") or [""])[0],
            "retrieved_at": _datetime((props.get("modifiedAt") or [""])[0], "modifiedAt", lineno),
            "note": (props.get("summary") or [""])[0][:4000],
        })
    return batch


def export_ftm(organizations, designations) -> str:
    """FtM JSON lines: one Organization per organisation, one Sanction per designation."""
    lines = []
    by_type = {"primary": "name", "alias": "alias", "previous": "previousName",
               "abbreviation": "abbreviation", "weak": "weakAlias"}
    for org in organizations:
        props: dict[str, list[str]] = {}
        for n in org.names.all():
            props.setdefault(by_type[n.name_type], []).append(n.value)
        if "name" not in props:
            props["name"] = [org.canonical_name]
        props["topics"] = ["crime.terror"]
        if org.countries:
            props["country"] = list(org.countries)
        if org.notes:
            props["notes"] = [org.notes]
        lines.append({"id": org.public_id, "schema": "Organization", "properties": props})
    for d in designations:
        props = {
            "entity": [d.organization.public_id],
            "authority": [d.court_name or d.issuing_body or d.state],
            "country": [d.state.lower()] if len(d.state) == 2 else [],
            # FtM has no category field: it goes into program (reference §3), and stays
            # first-class in our own model.
            "program": [d.category],
            "status": [d.status],
            "recordId": [d.ref],
        }
        optional = {
            "authorityId": d.act_number, "programId": d.act_type, "unscId": d.un_reference,
            "startDate": d.entry_into_force and d.entry_into_force.isoformat(),
            "listingDate": d.listing_date and d.listing_date.isoformat(),
            "endDate": d.end_date and d.end_date.isoformat(), "sourceUrl": d.source_url or d.act_url,
            "reason": d.act_title, "summary": d.act_label,
            "modifiedAt": d.retrieved_at and d.retrieved_at.isoformat(),
        }
        for key, value in optional.items():
            if value:
                props[key] = [value]
        props = {k: v for k, v in props.items() if v}
        sid = "sanction-" + hashlib.sha256(d.ref.encode()).hexdigest()[:16]
        lines.append({"id": sid, "schema": "Sanction", "properties": props})
    return "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)


# -- CSV --------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "org_id", "name", "name_lang", "aliases", "previous_names", "abbreviations", "weak_aliases",
    "entity_type", "relations", "state", "category", "status", "status_since", "end_date",
    "delisting_act", "delisting_url", "basis_type", "act_type", "act_number", "act_date",
    "act_title", "issuing_body", "court_name", "case_number", "act_url", "entry_into_force",
    "listing_date", "un_reference", "list_code", "source_record_id", "authority", "source_url",
    "retrieved_at", "note",
]
_REQUIRED = ("org_id", "name", "state", "category")


def read_csv(data: bytes, *, demo: bool = False) -> ImportBatch:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError(f"invalid UTF-8 at byte {exc.start}; save the file as UTF-8", line=line) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise FormatError(f"the header lacks {', '.join(missing)}", line=1)
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        raise FormatError(f"unknown column(s) {', '.join(unknown)}", line=1)
    batch = ImportBatch(source="CSV")
    orgs: dict[str, dict] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            raise FormatError("more fields than the header has", line=line)
        row = {k: (v or "").strip() for k, v in row.items()}
        for col in _REQUIRED:
            if not row.get(col):
                raise FormatError(f"{col} is empty", line=line)
        org_id = row["org_id"]
        if org_id not in orgs:
            names = [name_dict(row["name"], "primary", row.get("name_lang", ""), line=line)]
            for col, nt in (("aliases", "alias"), ("previous_names", "previous"),
                            ("abbreviations", "abbreviation"), ("weak_aliases", "weak")):
                for value in filter(None, (v.strip() for v in row.get(col, "").split(" | "))):
                    names.append(name_dict(value, nt, line=line))
            orgs[org_id] = {
                "ref": slug(org_id), "external_id": "" if org_id.startswith("org-") else org_id,
                "canonical_name": names[0]["value"],
                "entity_type": _choice(row.get("entity_type"), ENTITY_TYPES, "entity_type", line, "organisation"),
                "source": batch.source, "names": names, "demo": demo, "identifiers": {},
            }
            for rel in filter(None, (r.strip() for r in row.get("relations", "").split(" | "))):
                kind, _, other = rel.partition(":")
                batch.relations.append({
                    "subject": slug(org_id), "kind": _choice(kind, RELATION_KINDS, "relation", line),
                    "object": slug(other), "line": line})
        d = {
            "organization": slug(org_id), "state": row["state"].upper()[:8],
            "category": _choice(row["category"], CATEGORIES, "category", line),
            "status": _choice(row.get("status"), STATUSES, "status", line, "active"),
            "basis_type": _choice(row.get("basis_type"), BASIS_TYPES, "basis_type", line, "court_decision"),
            "demo": demo, "line": line,
        }
        for col in ("delisting_act", "delisting_url", "act_type", "act_number", "act_title",
                    "issuing_body", "court_name", "case_number", "act_url", "un_reference",
                    "list_code", "source_record_id", "authority", "source_url", "note"):
            d[col] = row.get(col, "")
        for col in ("status_since", "end_date", "act_date", "entry_into_force", "listing_date"):
            d[col] = _date(row.get(col, ""), col, line)
        d["retrieved_at"] = _datetime(row.get("retrieved_at", ""), "retrieved_at", line)
        if not (d["source_url"] or d["act_url"]):
            raise FormatError("a designation needs a source_url or act_url (cite the act)", line=line)
        if d["status"] == "delisted" and not d["end_date"]:
            raise FormatError("a delisted designation needs end_date", line=line)
        d["ref"] = slug(f"{d['state']}-{d['act_number'] or d['act_date'] or 'act'}-{org_id}")[:200]
        batch.designations.append(d)
    batch.organizations = list(orgs.values())
    return batch


READERS = {"ftm": read_ftm, "un-xml": read_un_xml, "csv": read_csv}

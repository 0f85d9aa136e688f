"""Self-contained decision files: export from the record, verify offline."""

import base64
import hashlib
import json

from crisisdesk.engines import signing
from crisisdesk.engines.procedures import Decision as EngineDecision
from crisisdesk.engines.procedures import parse_charter
from crisisdesk.engines.procedures.timing import parse_instant

FORMAT = "crisisdesk-decisions/1"


def export_case(case) -> dict:
    """Return every decision of a case with texts, positions, signatures, keys and the charter."""
    decisions = []
    for decision in case.decisions.order_by("pk"):
        texts = list(decision.texts.order_by("version"))
        decisions.append({
            "id": decision.pk,
            "procedure": decision.procedure,
            "purpose": decision.purpose,
            "mode": decision.mode,
            "members_as_of": decision.members_as_of.isoformat(),
            "outcome": decision.outcome or None,
            "decided_at": decision.decided_at.isoformat() if decision.decided_at else None,
            "texts": [{"version": t.version, "text": t.body, "sha256": t.sha256,
                       "circulated_at": t.circulated_at.isoformat(), "deadline": t.deadline.isoformat()}
                      for t in texts],
            "positions": [{
                "member": p.member, "post": p.post.code, "position": p.position, "reason": p.reason,
                "version": p.text.version, "signed_at": p.signed_at.isoformat(), "signed_by": p.signed_by,
                "message": base64.b64encode(bytes(p.message)).decode(), "signature": p.signature,
                "public_key": p.key.public_key, "key_fingerprint": p.key.fingerprint,
            } for p in decision.positions.select_related("text", "post", "key").order_by("signed_at", "pk")],
        })
    return {
        "format": FORMAT,
        "case": case.ref,
        "title_en": case.title_en,
        "host": case.host.code,
        "charter": {"name": case.charter.organisation.code, "version": case.charter.version,
                    "sha256": case.charter.sha256, "text": case.charter.text},
        "decisions": decisions,
    }


class VerifyError(ValueError):
    pass


def verify_export(data: dict) -> list[str]:
    """Check a decision file offline; return one line per verified decision or raise VerifyError."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise VerifyError(f"not a {FORMAT} file")
    try:
        charter_text = data["charter"]["text"]
        if hashlib.sha256(charter_text.encode()).hexdigest() != data["charter"]["sha256"]:
            raise VerifyError("the embedded charter does not match its hash")
        charter = parse_charter(charter_text)
        lines = []
        for d in data["decisions"]:
            lines.append(_verify_decision(data["case"], charter, d))
        return lines
    except (KeyError, TypeError) as exc:
        raise VerifyError(f"the file lacks a field: {exc}") from None


def _verify_decision(case_ref: str, charter, d: dict) -> str:
    texts = {t["version"]: t for t in d["texts"]}
    for t in d["texts"]:
        if signing.text_sha256(t["text"]) != t["sha256"]:
            raise VerifyError(f"decision {d['id']}: text version {t['version']} does not match its hash")
    state = EngineDecision(charter, charter.procedures[d["procedure"]], d["mode"], parse_instant(d["members_as_of"]))
    positions = d["positions"]
    for t in sorted(d["texts"], key=lambda t: t["version"]):
        at = parse_instant(t["circulated_at"])
        deadline = parse_instant(t["deadline"])
        (state.circulate if t["version"] == 1 else state.amend)(at, deadline)
        for p in positions:
            if p["version"] != t["version"]:
                continue
            text = texts[p["version"]]["text"]
            message = signing.position_message(case=case_ref, decision=d["id"], version=p["version"], text=text,
                                               member=p["member"], position=p["position"], reason=p["reason"])
            if base64.b64decode(p["message"]) != message:
                raise VerifyError(f"decision {d['id']}: {p['member']}'s signed bytes do not match the text and position")
            if not signing.verify(p["public_key"], message, p["signature"]):
                raise VerifyError(f"decision {d['id']}: {p['member']}'s signature does not verify")
            if hashlib.sha256(base64.b64decode(p["public_key"])).hexdigest() != p["key_fingerprint"]:
                raise VerifyError(f"decision {d['id']}: {p['member']}'s key does not match its fingerprint")
            state.position(parse_instant(p["signed_at"]), p["member"], p["position"], p["reason"])
    if d["outcome"] in ("adopted", "lapsed") and state.outcome is None:
        state.close()
    recomputed = state.outcome
    if (d["outcome"] or None) != recomputed:
        raise VerifyError(f"decision {d['id']}: recorded outcome {d['outcome']} but the positions give {recomputed}")
    return (f"decision {d['id']} ({d['procedure']}, {d['mode']}): {recomputed or 'open'}; "
            f"{len(positions)} signature(s) verified")


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)

"""CAP 1.2 export of alert statements, and its validation.

Validation uses the official XSD through lxml when the file is present (../shared/data/CAP-v1.2.xsd,
or CRISISDESK_CAP_XSD); the XSD is never copied into the repository. Without it, `check` applies
the same rules, written here from the schema: element order and cardinality, the enumerations,
the dateTime pattern with an explicit offset, xs:language, xs:anyURI, xs:integer and xs:decimal.
"""

import os
import re
from datetime import timezone
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from lxml import etree

NS = "urn:oasis:names:tc:emergency:cap:1.2"
Q = "{%s}" % NS

# --- Export ---------------------------------------------------------------------------------


def cap_time(moment) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _sub(parent, name, text):
    el = etree.SubElement(parent, Q + name)
    el.text = text
    return el


def export(statement, *, sender: str | None = None, base_url: str = "") -> bytes:
    """Return the statement as a CAP 1.2 alert, one <info> per language."""
    case = statement.case
    charter = case.charter.parsed()
    sender = sender or getattr(settings, "DEFAULT_FROM_EMAIL", "") or "crisisdesk@crisisdesk.invalid"
    sent = statement.published_at or statement.drafted_at
    root = etree.Element(Q + "alert", nsmap={None: NS})
    _sub(root, "identifier", f"crisisdesk-{case.ref}-statement-{statement.uid}")
    _sub(root, "sender", re.sub(r"[\s,<&]", "", sender))
    _sub(root, "sent", cap_time(sent))
    status = "Exercise" if case.is_exercise else ("Actual" if statement.status == "published" else "Draft")
    _sub(root, "status", status)
    _sub(root, "msgType", "Alert")
    _sub(root, "source", statement.on_behalf_of or "secretariat")
    _sub(root, "scope", "Public")
    _sub(root, "note", f"case {case.ref}; {statement.about}")
    _sub(root, "incidents", case.ref)
    cap = statement.cap or {}
    order = ["ru", "en"] + sorted(k for k in statement.texts if k not in ("ru", "en"))
    for lang in order:
        text = statement.texts.get(lang)
        if not text:
            continue
        info = _sub(root, "info", None)
        _sub(info, "language", lang)
        _sub(info, "category", cap.get("category", "Security"))
        _sub(info, "event", cap.get("event") or text["headline"][:120])
        if cap.get("responseType"):
            _sub(info, "responseType", cap["responseType"])
        _sub(info, "urgency", cap.get("urgency", "Unknown"))
        _sub(info, "severity", cap.get("severity", "Unknown"))
        _sub(info, "certainty", cap.get("certainty", "Unknown"))
        _sub(info, "effective", cap_time(sent))
        _sub(info, "senderName", charter.title.get(lang) or charter.title["en"])
        _sub(info, "headline", text["headline"])
        _sub(info, "description", text["body"])
        if cap.get("instruction"):
            _sub(info, "instruction", cap["instruction"])
        if base_url:
            _sub(info, "web", f"{base_url.rstrip('/')}/public/statements/{statement.uid}/")
        for s in statement.sources:
            resource = _sub(info, "resource", None)
            _sub(resource, "resourceDesc", f"source {s.get('key', '')}".strip())
            _sub(resource, "mimeType", "text/html")
            _sub(resource, "uri", s["url"])
        area = _sub(info, "area", None)
        _sub(area, "areaDesc", cap.get("area") or case.host.name_en)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- Validation -----------------------------------------------------------------------------


def xsd_path() -> Path | None:
    configured = os.environ.get("CRISISDESK_CAP_XSD")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(settings.PROJECT_DIR).parent / "shared" / "data" / "CAP-v1.2.xsd")
    return next((p for p in candidates if p.is_file()), None)


def validate(xml: bytes) -> tuple[str, list[str]]:
    """Validate against the official XSD when present, else the project's check; return (how, errors)."""
    path = xsd_path()
    if path is None:
        return "crisisdesk check of the CAP 1.2 rules", check(xml)
    schema = etree.XMLSchema(etree.parse(str(path)))
    try:
        doc = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return f"XSD {path.name}", [f"not well-formed: {exc}"]
    if schema.validate(doc):
        return f"XSD {path.name}", []
    return f"XSD {path.name}", [f"line {e.line}: {e.message}" for e in schema.error_log]


_TIME = re.compile(r"\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d[-,+]\d\d:\d\d")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")


def _enum(*values):
    return lambda text: None if text in values else f"{text!r} is not one of {', '.join(values)}"


def _time(text):
    if not _TIME.fullmatch(text or ""):
        return f"{text!r} is not a CAP time (YYYY-MM-DDThh:mm:ss+hh:mm)"
    from datetime import datetime

    try:
        datetime.fromisoformat(text.replace(",", "+"))
    except ValueError:
        return f"{text!r} is not a valid dateTime"
    return None


def _language(text):
    return None if _LANGUAGE.fullmatch(text or "") else f"{text!r} is not a language tag"


def _uri(text):
    return None if text and " " not in text.strip() and (urlparse(text.strip()).scheme or text.strip()) else \
        f"{text!r} is not a URI"


def _integer(text):
    return None if re.fullmatch(r"[+-]?\d+", (text or "").strip()) else f"{text!r} is not an integer"


def _decimal(text):
    return None if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", (text or "").strip()) else f"{text!r} is not a decimal"


def _string(text):
    return None


_PAIR = [("valueName", 1, 1, _string, None), ("value", 1, 1, _string, None)]
_UNBOUNDED = 10**9
_RESOURCE = [("resourceDesc", 1, 1, _string, None), ("mimeType", 1, 1, _string, None),
             ("size", 0, 1, _integer, None), ("uri", 0, 1, _uri, None), ("derefUri", 0, 1, _string, None),
             ("digest", 0, 1, _string, None)]
_AREA = [("areaDesc", 1, 1, _string, None), ("polygon", 0, _UNBOUNDED, _string, None),
         ("circle", 0, _UNBOUNDED, _string, None), ("geocode", 0, _UNBOUNDED, None, _PAIR),
         ("altitude", 0, 1, _decimal, None), ("ceiling", 0, 1, _decimal, None)]
_INFO = [
    ("language", 0, 1, _language, None),
    ("category", 1, _UNBOUNDED, _enum("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
                                      "Transport", "Infra", "CBRNE", "Other"), None),
    ("event", 1, 1, _string, None),
    ("responseType", 0, _UNBOUNDED, _enum("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor",
                                          "Assess", "AllClear", "None"), None),
    ("urgency", 1, 1, _enum("Immediate", "Expected", "Future", "Past", "Unknown"), None),
    ("severity", 1, 1, _enum("Extreme", "Severe", "Moderate", "Minor", "Unknown"), None),
    ("certainty", 1, 1, _enum("Observed", "Likely", "Possible", "Unlikely", "Unknown"), None),
    ("audience", 0, 1, _string, None),
    ("eventCode", 0, _UNBOUNDED, None, _PAIR),
    ("effective", 0, 1, _time, None), ("onset", 0, 1, _time, None), ("expires", 0, 1, _time, None),
    ("senderName", 0, 1, _string, None), ("headline", 0, 1, _string, None),
    ("description", 0, 1, _string, None), ("instruction", 0, 1, _string, None),
    ("web", 0, 1, _uri, None), ("contact", 0, 1, _string, None),
    ("parameter", 0, _UNBOUNDED, None, _PAIR),
    ("resource", 0, _UNBOUNDED, None, _RESOURCE),
    ("area", 0, _UNBOUNDED, None, _AREA),
]
_ALERT = [
    ("identifier", 1, 1, _string, None), ("sender", 1, 1, _string, None), ("sent", 1, 1, _time, None),
    ("status", 1, 1, _enum("Actual", "Exercise", "System", "Test", "Draft"), None),
    ("msgType", 1, 1, _enum("Alert", "Update", "Cancel", "Ack", "Error"), None),
    ("source", 0, 1, _string, None), ("scope", 1, 1, _enum("Public", "Restricted", "Private"), None),
    ("restriction", 0, 1, _string, None), ("addresses", 0, 1, _string, None),
    ("code", 0, _UNBOUNDED, _string, None), ("note", 0, 1, _string, None), ("references", 0, 1, _string, None),
    ("incidents", 0, 1, _string, None), ("info", 0, _UNBOUNDED, None, _INFO),
]
_DSIG = "{http://www.w3.org/2000/09/xmldsig#}"


def _check_sequence(el, spec, path, errors):
    children = [c for c in el if isinstance(c.tag, str)]
    if (el.text or "").strip():
        errors.append(f"{path}: unexpected text")
    i = 0
    for name, low, high, check_text, nested in spec:
        count = 0
        while i < len(children) and children[i].tag == Q + name:
            child = children[i]
            where = f"{path}/{name}"
            if nested is not None:
                _check_sequence(child, nested, where, errors)
            else:
                if len(child):
                    errors.append(f"{where}: must hold text only")
                problem = check_text(child.text or "")
                if problem:
                    errors.append(f"{where}: {problem}")
            count += 1
            i += 1
        if count < low:
            errors.append(f"{path}: missing <{name}>")
        if count > high:
            errors.append(f"{path}: <{name}> may appear at most {high} time(s)")
    if spec is _ALERT:
        while i < len(children) and children[i].tag.startswith(_DSIG):
            i += 1
    for extra in children[i:]:
        errors.append(f"{path}: unexpected <{etree.QName(extra).localname}> "
                      f"({'not in the CAP namespace' if etree.QName(extra).namespace != NS else 'out of order'})")


def check(xml: bytes) -> list[str]:
    """The project's own check of the CAP 1.2 schema rules; returns the problems found."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed: {exc}"]
    if root.tag != Q + "alert":
        return [f"the root must be <alert> in {NS}, not {root.tag}"]
    errors: list[str] = []
    _check_sequence(root, _ALERT, "alert", errors)
    return errors

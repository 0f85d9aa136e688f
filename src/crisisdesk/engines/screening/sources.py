"""Readers for published lists, Django-free so that the benchmark and the registry share them.

Only the UN Security Council Consolidated List lives here: the registry's own import formats
(FtM, CSV) carry designations and live in the registry app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree


class SourceError(ValueError):
    """A file that cannot be read; `line` is the 1-based line when known."""

    def __init__(self, detail: str, *, line: int | None = None):
        super().__init__(f"line {line}: {detail}" if line else detail)
        self.detail = detail
        self.line = line


@dataclass
class ListedName:
    value: str
    name_type: str  # primary | alias | previous | abbreviation | weak
    quality: str = "good"


@dataclass
class UNRecord:
    reference: str  # QDe.115
    kind: str  # organization | person
    caption: str
    names: list[ListedName] = field(default_factory=list)
    listed_on: str = ""
    list_type: str = ""
    data_id: str = ""
    version: str = ""
    comments: str = ""
    line: int = 0


# UN "QUALITY" → our name types, as OpenSanctions maps them (reference §3).
_QUALITY = {"a.k.a.": "alias", "good": "alias", "f.k.a.": "previous", "low": "weak"}
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9\-]{1,9}$")


def _split_parenthetical(text: str) -> tuple[str, list[str]]:
    """'A (B; C (D))' → ('A', ['B; C (D)']), honouring nesting."""
    outside, groups, depth, cur = [], [], 0, []
    for ch in text:
        if ch == "(":
            if depth > 0:
                cur.append(ch)
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
        elif depth > 0:
            cur.append(ch)
        else:
            outside.append(ch)
    if cur:
        groups.append("".join(cur))
    return " ".join("".join(outside).split()), groups


def split_names(text: str, name_type: str) -> list[ListedName]:
    """One UN name field → names. Fields may hold 'X (ABBR)', 'a; b; c' and nested lists."""
    text = (text or "").replace("(original script)", "").replace("“", '"').replace("”", '"')
    text = text.strip().strip('"').strip()
    if not text:
        return []
    out: list[ListedName] = []
    head, groups = _split_parenthetical(text)
    for part in head.split(";"):
        part = re.sub(r"\s+-\s+sub-unit name$", "", part.strip()).strip(" \"")
        if part:
            out.append(ListedName(part, name_type))
    for group in groups:
        group = group.strip()
        if _ACRONYM.match(group):
            out.append(ListedName(group, "abbreviation"))
            continue
        for piece in split_semicolons(group):
            out.extend(split_names(piece, name_type if name_type != "primary" else "alias"))
    return out


def split_semicolons(text: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == ";" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p for p in (x.strip() for x in parts) if p]


def _text(el, tag: str) -> str:
    found = el.find(tag)
    return (found.text or "").strip() if found is not None and found.text else ""


def parse_un_xml(data: bytes, *, individuals: bool = False) -> tuple[str, list[UNRecord]]:
    """Parse the UN consolidated list; return (dateGenerated, records).

    Entities always; individuals only when asked (the registry holds organisations, the speed
    benchmark screens against everything).
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"malformed XML: {exc.msg}", line=exc.lineno) from None
    if root.tag != "CONSOLIDATED_LIST":
        raise SourceError(f"not a UN consolidated list (root element is <{root.tag}>)", line=1)
    records: list[UNRecord] = []
    for ent in root.iterfind("ENTITIES/ENTITY"):
        records.append(_record(ent, "organization", "ENTITY_ALIAS"))
    if individuals:
        for ind in root.iterfind("INDIVIDUALS/INDIVIDUAL"):
            records.append(_record(ind, "person", "INDIVIDUAL_ALIAS"))
    return root.get("dateGenerated", ""), records


def _record(el, kind: str, alias_tag: str) -> UNRecord:
    ref = _text(el, "REFERENCE_NUMBER")
    if kind == "person":
        primary = " ".join(
            p for p in (_text(el, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                                "FOURTH_NAME")) if p)
    else:
        primary = _text(el, "FIRST_NAME")
    if not ref or not primary:
        raise SourceError(f"{el.tag} without REFERENCE_NUMBER or name", line=el.sourceline)
    names = split_names(primary, "primary")
    caption = names[0].value if names else primary
    original = _text(el, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.extend(split_names(original, "alias"))
    for alias in el.iterfind(alias_tag):
        quality = _text(alias, "QUALITY").lower()
        name_type = _QUALITY.get(quality, "alias")
        for n in split_names(_text(alias, "ALIAS_NAME"), name_type):
            n.quality = "low" if quality == "low" else "good"
            out_type = n.name_type
            if out_type == "alias" and _ACRONYM.match(n.value) and kind == "organization":
                out_type = "abbreviation"
            names.append(ListedName(n.value, out_type, n.quality))
    seen: set[tuple[str, str]] = set()
    unique = []
    for n in names:
        if (n.value, n.name_type) not in seen:
            seen.add((n.value, n.name_type))
            unique.append(n)
    return UNRecord(
        reference=ref, kind=kind, caption=caption, names=unique,
        listed_on=_text(el, "LISTED_ON"), list_type=_text(el, "UN_LIST_TYPE"),
        data_id=_text(el, "DATAID"), version=_text(el, "VERSIONNUM"),
        comments=_text(el, "COMMENTS1"), line=el.sourceline or 0,
    )

"""The charter: an organisation's members, organs, posts, external bodies and procedures.

A charter is YAML. `parse_charter` turns the text into a `Charter`, or raises `CharterError`
with every problem and the line it is on.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jsonschema
import yaml

from crisisdesk.engines.procedures.rules import MODES, Rule
from crisisdesk.engines.procedures.schema import CHARTER_SCHEMA
from crisisdesk.engines.procedures.timing import TimingError, parse_date, parse_duration, parse_instant

STATUSES = ("active", "frozen", "suspended", "observer")


@dataclass(frozen=True)
class Problem:
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.path + ': ' if self.path else ''}{self.message}"


class CharterError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Member:
    code: str
    name: dict
    zone: str
    statuses: tuple[tuple[date, str], ...]

    def status_on(self, moment: datetime) -> str | None:
        """Return the membership status in force at an instant, read in the member's own zone."""
        local_day = moment.astimezone(ZoneInfo(self.zone)).date()
        current = None
        for since, status in self.statuses:
            if since <= local_day:
                current = status
        return current


@dataclass(frozen=True)
class Deadline:
    """A deadline: relative to circulation, an absolute instant, or "immediately"."""

    relative: timedelta | None = None
    absolute: datetime | None = None
    immediately: bool = False

    def due(self, circulated_at: datetime, immediately_target: timedelta) -> datetime:
        if self.absolute is not None:
            return self.absolute
        if self.immediately:
            return circulated_at + immediately_target
        return circulated_at + (self.relative or immediately_target)


@dataclass(frozen=True)
class Procedure:
    id: str
    title: dict
    organ: str
    seat: str
    rule: Rule
    modes: tuple[str, ...]
    default_mode: str
    deadline: Deadline
    reminders: tuple[timedelta, ...]
    escalate_to: str
    steps: tuple[dict, ...] = ()
    notifications: tuple[dict, ...] = ()
    legal_basis: tuple[str, ...] = ()
    template: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Charter:
    name: str
    version: str
    title: dict
    immediately: timedelta
    members: dict[str, Member]
    organs: dict[str, dict]
    posts: dict[str, dict]
    external_bodies: dict[str, dict]
    procedures: dict[str, Procedure]
    chair: tuple[dict, ...]
    raw: dict

    def required_members(self, moment: datetime, procedure: Procedure) -> frozenset[str]:
        """Return the members who must answer: active at `moment`, not excluded."""
        return frozenset(
            code
            for code, member in self.members.items()
            if member.status_on(moment) == "active" and code not in procedure.rule.excluded
        )

    def chair_on(self, moment: datetime) -> str | None:
        """Return the member chairing the organisation at an instant."""
        day = moment.date()
        for term in self.chair:
            if term["from"] <= day and (term.get("to") is None or day <= term["to"]):
                return term["member"]
        return None


# --- Reading YAML with line numbers --------------------------------------------------------


def _plain(node, path: tuple, lines: dict):
    """Turn a YAML node into plain values, remembering the line of every path."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node)) if not isinstance(key_node, yaml.ScalarNode) else key_node.value
            if key in result:
                raise CharterError([Problem(key_node.start_mark.line + 1, _path_text(path), f"duplicate key {key!r}")])
            result[key] = _plain(value_node, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*path, i), lines) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def _path_text(path) -> str:
    return ".".join(str(p) for p in path)


def load_yaml_with_lines(text: str) -> tuple[object, dict]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise CharterError([Problem(line, "", f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if node is None:
        raise CharterError([Problem(1, "", "the file is empty")])
    lines: dict = {}
    return _plain(node, (), lines), lines


def _line_of(lines: dict, path) -> int:
    path = tuple(path)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


# --- Validation -----------------------------------------------------------------------------


def parse_charter(text: str) -> Charter:
    """Parse and validate charter text; raise CharterError naming each problem's line."""
    data, lines = load_yaml_with_lines(text)
    validator = jsonschema.Draft202012Validator(CHARTER_SCHEMA)
    problems = [
        Problem(_line_of(lines, err.absolute_path), _path_text(err.absolute_path), err.message)
        for err in validator.iter_errors(data)
    ]
    if problems:
        raise CharterError(problems)
    return _build(data, lines)


def _build(data: dict, lines: dict) -> Charter:
    problems: list[Problem] = []

    def fail(path, message):
        problems.append(Problem(_line_of(lines, path), _path_text(path), message))

    def zone(path, name):
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            fail(path, f"unknown time zone {name!r}")

    def duration(path, text):
        try:
            return parse_duration(text)
        except TimingError as exc:
            fail(path, str(exc))
            return timedelta(0)

    members = {}
    for i, m in enumerate(data["members"]):
        if m["code"] in members:
            fail(("members", i, "code"), f"member {m['code']} is listed twice")
        zone(("members", i, "zone"), m["zone"])
        statuses = []
        for j, s in enumerate(m["status"]):
            try:
                statuses.append((parse_date(s["from"]), s["status"]))
            except TimingError as exc:
                fail(("members", i, "status", j, "from"), str(exc))
        statuses.sort()
        members[m["code"]] = Member(m["code"], m["name"], m["zone"], tuple(statuses))

    organs = {o["id"]: o for o in data["organs"]}
    bodies = {b["id"]: b for b in data.get("external_bodies", [])}

    posts: dict[str, dict] = {}
    for i, p in enumerate(data["posts"]):
        if p.get("organ") and p["organ"] not in organs:
            fail(("posts", i, "organ"), f"unknown organ {p['organ']!r}")
        if p.get("per_member"):
            for code in members:
                pid = f"{code}.{p['id']}"
                posts[pid] = {**p, "id": pid, "member": code, "seat": p["id"]}
        else:
            if p.get("member") and p["member"] not in members:
                fail(("posts", i, "member"), f"unknown member {p['member']!r}")
            posts[p["id"]] = {**p, "seat": p["id"]}

    chair = []
    for i, term in enumerate(data.get("chair", [])):
        if term["member"] not in members:
            fail(("chair", i, "member"), f"unknown member {term['member']!r}")
        try:
            chair.append({**term, "from": parse_date(term["from"]),
                          "to": parse_date(term["to"]) if term.get("to") else None})
        except TimingError as exc:
            fail(("chair", i), str(exc))

    immediately = duration(("immediately",), data.get("immediately", "PT12H"))
    seats = {p["seat"] for p in posts.values()}
    recipients = set(bodies) | set(posts) | {"members"}
    procedures = {}
    for pid, p in data["procedures"].items():
        base = ("procedures", pid)
        if p["organ"] not in organs:
            fail((*base, "organ"), f"unknown organ {p['organ']!r}")
        if p["seat"] not in seats:
            fail((*base, "seat"), f"no post {p['seat']!r} is defined for the members")
        rule_data = p["rule"]
        for code in [*rule_data.get("veto", []), *rule_data.get("excluded", [])]:
            if code not in members:
                fail((*base, "rule"), f"unknown member {code!r}")
        if rule_data["kind"] in ("majority", "qualified_majority") and "base" not in rule_data:
            fail((*base, "rule"), "a majority rule must name its base (members, present or present_and_voting)")
        rule = Rule(
            kind=rule_data["kind"],
            threshold=Fraction(str(rule_data.get("threshold", "1/2"))),
            base=rule_data.get("base", "members"),
            quorum=Fraction(str(rule_data["quorum"])) if "quorum" in rule_data else None,
            veto=frozenset(rule_data.get("veto", [])),
            excluded=frozenset(rule_data.get("excluded", [])),
        )
        if p["default_mode"] not in p["modes"]:
            fail((*base, "default_mode"), f"{p['default_mode']!r} is not among the modes {p['modes']}")
        deadline_text = str(p["deadline"])
        if deadline_text == "immediately":
            deadline = Deadline(immediately=True)
        elif deadline_text.startswith("P"):
            deadline = Deadline(relative=duration((*base, "deadline"), deadline_text))
        else:
            try:
                deadline = Deadline(absolute=parse_instant(deadline_text))
            except TimingError as exc:
                fail((*base, "deadline"), str(exc))
                deadline = Deadline(immediately=True)
        escalation = p["escalation"]
        if escalation["to"] not in posts and escalation["to"] not in organs:
            fail((*base, "escalation", "to"), f"unknown post or organ {escalation['to']!r}")
        for j, step in enumerate(p.get("steps", [])):
            if step["organ"] not in organs:
                fail((*base, "steps", j, "organ"), f"unknown organ {step['organ']!r}")
            sub = step.get("subprocedure")
            if sub and sub not in data["procedures"]:
                fail((*base, "steps", j, "subprocedure"), f"unknown procedure {sub!r}")
        for j, duty in enumerate(p.get("notifications", [])):
            if duty["recipient"] not in recipients:
                fail((*base, "notifications", j, "recipient"), f"unknown recipient {duty['recipient']!r}")
            if duty["signer"] not in posts:
                fail((*base, "notifications", j, "signer"), f"unknown post {duty['signer']!r}")
            if str(duty["deadline"]) != "immediately":
                duration((*base, "notifications", j, "deadline"), duty["deadline"])
        procedures[pid] = Procedure(
            id=pid,
            title=p["title"],
            organ=p["organ"],
            seat=p["seat"],
            rule=rule,
            modes=tuple(p["modes"]),
            default_mode=p["default_mode"],
            deadline=deadline,
            reminders=tuple(duration((*base, "reminders", j), r) for j, r in enumerate(p.get("reminders", []))),
            escalate_to=escalation["to"],
            steps=tuple(p.get("steps", [])),
            notifications=tuple(p.get("notifications", [])),
            legal_basis=tuple(p.get("legal_basis", [])),
            template=p.get("template", {}),
        )
    if problems:
        raise CharterError(problems)
    return Charter(
        name=data["charter"],
        version=str(data["version"]),
        title=data["title"],
        immediately=immediately,
        members=members,
        organs=organs,
        posts=posts,
        external_bodies=bodies,
        procedures=procedures,
        chair=tuple(chair),
        raw=data,
    )


__all__ = ["Charter", "CharterError", "Member", "Problem", "Procedure", "Deadline", "parse_charter", "MODES", "STATUSES"]

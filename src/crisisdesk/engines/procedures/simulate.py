"""Run a procedure on a scenario file, without a database."""

from importlib import resources
from pathlib import Path

import yaml

from crisisdesk.engines.procedures.charter import Charter, parse_charter
from crisisdesk.engines.procedures.decision import Decision, RuleBreak
from crisisdesk.engines.procedures.timing import TimingError, parse_duration, parse_instant

EVENT_TYPES = ("circulate", "position", "amend")


class ScenarioError(ValueError):
    """The scenario breaks the rules or is malformed; the message is one line."""


def shipped_charter_path(name: str) -> Path:
    return Path(str(resources.files("crisisdesk.scenarios") / "charters" / f"{name}.yaml"))


def load_charter(ref: str, *, base: Path | None = None) -> Charter:
    """Load a shipped charter by name, or a charter file by path."""
    candidate = Path(ref)
    if base is not None and not candidate.is_absolute():
        candidate = base / candidate
    if not candidate.suffix:
        candidate = shipped_charter_path(ref)
    if not candidate.is_file():
        raise ScenarioError(f"charter {ref!r} is neither a shipped charter nor a file")
    return parse_charter(candidate.read_text(encoding="utf-8"))


def _deadline(value, at):
    if value is None:
        return None
    text = str(value)
    if text.startswith("P"):
        return at + parse_duration(text)
    return parse_instant(value)


def run(scenario: dict, charter: Charter) -> dict:
    """Play the scenario's events through the procedure and return the outcome summary."""
    if not isinstance(scenario, dict):
        raise ScenarioError("a scenario is a mapping with charter, procedure, mode and events")
    procedure_id = scenario.get("procedure")
    if procedure_id not in charter.procedures:
        raise ScenarioError(f"unknown procedure {procedure_id!r} in charter {charter.name}")
    procedure = charter.procedures[procedure_id]
    events = scenario.get("events")
    if not isinstance(events, list) or not events:
        raise ScenarioError("the scenario has no events")
    try:
        first_at = parse_instant(events[0].get("at")) if isinstance(events[0], dict) else None
        as_of = parse_instant(scenario["members_as_of"]) if scenario.get("members_as_of") else first_at
        if as_of is None:
            raise ScenarioError("event 1 is not a mapping with an 'at' time")
        decision = Decision(charter, procedure, scenario.get("mode") or procedure.default_mode, as_of)
        for number, event in enumerate(events, start=1):
            try:
                _apply(decision, event)
            except (RuleBreak, TimingError, ScenarioError) as exc:
                raise ScenarioError(f"event {number}: {exc}") from None
        if decision.circulated_at is None:
            raise ScenarioError("no circulate event: nothing was put to a decision")
        decision.close()
    except RuleBreak as exc:
        raise ScenarioError(str(exc)) from None
    except TimingError as exc:
        raise ScenarioError(str(exc)) from None
    summary = decision.summary()
    return {key: summary[key] for key in ("outcome", "decided_at", "required", "positions", "non_participating")} | {
        "mode": decision.mode,
        "procedure": procedure.id,
        "deadline": summary["deadline"],
    }


def _apply(decision: Decision, event) -> None:
    if not isinstance(event, dict):
        raise ScenarioError("an event must be a mapping")
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise ScenarioError(f"unknown event type {kind!r}; use one of {', '.join(EVENT_TYPES)}")
    at = parse_instant(event.get("at"))
    if kind == "circulate":
        decision.circulate(at, _deadline(event.get("deadline"), at))
    elif kind == "amend":
        decision.amend(at, _deadline(event.get("deadline"), at))
    else:
        member = event.get("member")
        if not member:
            raise ScenarioError("a position needs a member")
        if decision.deadline is not None and decision.outcome is None and at > decision.deadline:
            decision.close(at)
        decision.position(at, str(member), str(event.get("position")), str(event.get("reason") or ""))


def run_file(path: Path) -> dict:
    """Read a scenario file and run it; raise ScenarioError with one line on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else 'not UTF-8'}") from None
    try:
        scenario = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(f"line {mark.line + 1 if mark else '?'}: not valid YAML") from None
    if not isinstance(scenario, dict):
        raise ScenarioError("a scenario is a mapping with charter, procedure, mode and events")
    charter = load_charter(str(scenario.get("charter") or "csto"), base=path.parent)
    return run(scenario, charter)

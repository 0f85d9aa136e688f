"""Replays: a scenario is a list of dated steps, each played through the real actions."""

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crisisdesk import clock
from crisisdesk.engines import signing
from crisisdesk.engines.procedures.timing import parse_instant

DEMO_PASSWORD = "crisisdesk-demo"


def load_replay(name: str) -> dict:
    path = Path(str(resources.files("crisisdesk.scenarios") / "replays" / f"{name}.yaml"))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass
class ReplayContext:
    """What a replay step needs: the case, a login per post, signing keys and a printer."""

    users: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    case: object = None
    say: object = print
    scenario: str = ""

    def user(self, post_code: str):
        return self.users[post_code]

    @contextlib.contextmanager
    def at(self, when):
        with clock.frozen_at(parse_instant(when)):
            yield


def username_for(post_code: str) -> str:
    return post_code.lower().replace(".", "-").replace("_", "-")


def create_logins(organisation: str) -> dict:
    """Create one demonstration login per post of the organisation, holding it since 2000."""
    from django.contrib.auth import get_user_model

    from crisisdesk.accounts.actions import post_assign
    from crisisdesk.organization.models import Post

    User = get_user_model()
    users = {}
    with clock.frozen_at(datetime(2000, 1, 1, tzinfo=timezone.utc)):
        for post in Post.objects.filter(organisation__code=organisation).order_by("code"):
            user = User.objects.create_user(username=username_for(post.code), password=DEMO_PASSWORD)
            post_assign(user=user, post_code=post.code, organisation=organisation, actor="demo")
            users[post.code] = user
    return users


def create_keys(ctx: ReplayContext, organisation: str, seats=("head_of_state", "defence_minister")) -> None:
    """Give every signing post a key; in a real deployment each delegate makes their own."""
    from crisisdesk.organization.actions import key_register
    from crisisdesk.organization.models import Post

    for post in Post.objects.filter(organisation__code=organisation, seat__in=seats):
        private = Ed25519PrivateKey.generate()
        with clock.frozen_at(datetime(2021, 12, 1, tzinfo=timezone.utc)):
            key_register(post=post, public_key_b64=signing.public_b64(private), actor="demo")
        ctx.keys[post.code] = private


def sign_position(ctx: ReplayContext, decision, member: str, seat: str, position: str, reason: str = ""):
    from crisisdesk.decisions.actions import position_sign

    text = decision.current_text
    message = signing.position_message(case=decision.case.ref, decision=decision.pk, version=text.version,
                                       text=text.body, member=member, position=position, reason=reason)
    post_code = f"{member}.{seat}"
    return position_sign(decision=decision, user=ctx.user(post_code), member=member, position=position,
                         reason=reason, text_sha256=text.sha256,
                         signature=signing.sign(ctx.keys[post_code], message))


def _spread(start: datetime, end: datetime, count: int) -> list[datetime]:
    if count <= 1:
        return [end]
    step = (end - start) / (count - 1)
    return [start + step * i for i in range(count)]


def play(ctx: ReplayContext, scenario: dict) -> None:
    """Play every step of a replay scenario through the actions, at its historical time."""
    from crisisdesk.cases import actions as cases
    from crisisdesk.decisions import actions as decisions
    from crisisdesk.events import EventType
    from crisisdesk.organization.queries import current_charter

    meta = scenario["case"]
    open_decision = None
    for step in scenario["steps"]:
        note = {"time_known": step.get("time_known", "exact"), "sources": step.get("src", [])}
        if step.get("note"):
            note["note"] = step["note"]
        kind = step["step"]
        if kind == "positions":
            times = _spread(parse_instant(step["from"]), parse_instant(step["to"]), len(step["members"]))
            for when, member in zip(times, step["members"]):
                with clock.frozen_at(when):
                    sign_position(ctx, open_decision, member, step["seat"], step["position"])
            open_decision.refresh_from_db()
            continue
        with ctx.at(step["at"]):
            if kind == "appeal":
                ctx.case = cases.case_appeal(
                    user=ctx.user(step["post"]), member=meta["host"], title_ru=meta["title_ru"],
                    title_en=meta["title_en"], text=meta.get("appeal_text", ""), ref=meta["ref"], data=note)
            elif kind == "consultations":
                decisions.consultation_open(case=ctx.case, user=ctx.user(step["post"]), data=note)
            elif kind == "circulate":
                open_decision = decisions.decision_circulate(
                    case=ctx.case, user=ctx.user("secretary_general"), procedure=step["procedure"],
                    purpose=step["purpose"], mode=step.get("mode"), text=step.get("text"),
                    facts=step.get("facts"), data=note)
            elif kind == "mandate":
                cases.case_mandate_set(
                    case=ctx.case, user=ctx.user("secretary_general"), purpose_ru=step["purpose_ru"],
                    purpose_en=step["purpose_en"], area=step["area"], legal_basis=step["legal_basis"],
                    duration_days=step.get("duration_days"), end_triggers=step["end_triggers"],
                    contributing=step["contributing"], report_every_hours=step.get("report_every_hours", 6), data=note)
            elif kind == "force_formed":
                cases.case_force_formed(case=ctx.case, user=ctx.user("secretary_general"),
                                        commander=step["commander"], data=note)
            elif kind == "milestone":
                user = ctx.user("crc_duty_officer")
                cases.case_milestone_record(case=ctx.case, user=user, type=EventType(step["type"]),
                                            data={**step.get("data", {}), **note})
            elif kind == "termination_request":
                cases.case_termination_request(case=ctx.case, user=ctx.user(step["post"]),
                                               effective=date.fromisoformat(step["effective"]), data=note)
            elif kind == "close":
                cases.case_close(case=ctx.case, user=ctx.user("secretary_general"), reason=step["reason"], data=note)
            else:
                raise ValueError(f"unknown replay step {kind!r}")
        ctx.case.refresh_from_db()
    current_charter()  # The replay must leave a loaded charter behind.


# Replay parts that other areas add, in a fixed order; each is `function(ctx)`.
EXTENSIONS = [
    ("crisisdesk.forces.replay", "replay_forces"),
    ("crisisdesk.sitreps.replay", "replay_sitreps"),
    ("crisisdesk.notices.replay", "replay_notices"),
    ("crisisdesk.registry.replay", "replay_registry"),
    ("crisisdesk.analytics.replay", "replay_analytics"),
]


def extensions():
    import importlib

    found = []
    for module_name, function in EXTENSIONS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        if hasattr(module, function):
            found.append(getattr(module, function))
    return found


def replay_kazakhstan_2022(ctx: ReplayContext) -> dict:
    """Play the 2022 case: the core steps, then every area's own part. One scenario that grows."""
    scenario = load_replay("kazakhstan-2022")
    ctx.scenario = "kazakhstan-2022"
    play(ctx, scenario)
    for extension in extensions():
        extension(ctx)
    return scenario

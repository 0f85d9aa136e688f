"""Exercise mode: a case marked is_exercise, into which a YAML script of timed injects plays on the
injected clock at a chosen speed.

Script format (see exercises/steppe-shield.yaml):

    exercise: {ref, host, title_en, title_ru, start: ISO instant, released_to: [..]}
    injects:
      - {at: "+01:30", as: force_commander, do: sitrep, report: {kind, title, location, ...}}
      - {at: "+02:00", as: crc_duty_officer, do: cadence, source: force_command, every_hours: 1}
      - {at: "+08:00", do: check_overdue}
      - {at: "+09:00", as: KZ.head_of_state, do: milestone, type: forces:sortie:landed, data: {...}}

`at` is an offset from `start` (+HH:MM, or +NNm / +NNh) or an absolute ISO instant. `as` names a
post; the inject is played by the user holding it. At speed S, an inject T hours into the exercise
plays T×3600/S seconds after the start (speed 0: no waiting).
"""

import contextlib
import re
import threading
import time
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import yaml

from crisisdesk import clock
from crisisdesk.engines.procedures.timing import parse_instant
from crisisdesk.errors import DomainError


class ExerciseError(DomainError):
    code = "invalid_exercise"


def load_script(path_or_name: str) -> dict:
    path = Path(path_or_name)
    if not path.exists():
        shipped = Path(str(resources.files("crisisdesk.sitreps") / "exercises" / f"{path_or_name}.yaml"))
        if not shipped.exists():
            raise ExerciseError(f"no exercise script {path_or_name!r}")
        path = shipped
    try:
        script = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ExerciseError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(script, dict) or "exercise" not in script or "injects" not in script:
        raise ExerciseError(f"{path}: an exercise script has `exercise:` and `injects:`")
    return script


def offset(value, start: datetime) -> datetime:
    text = str(value).strip()
    m = re.fullmatch(r"\+(\d+):(\d{2})", text)
    if m:
        return start + timedelta(hours=int(m[1]), minutes=int(m[2]))
    m = re.fullmatch(r"\+(\d+(?:\.\d+)?)([mh])", text)
    if m:
        amount = float(m[1])
        return start + (timedelta(minutes=amount) if m[2] == "m" else timedelta(hours=amount))
    return parse_instant(text)


def holder(post_code: str):
    from crisisdesk.accounts.models import Holding

    holding = (Holding.objects.filter(post__code=post_code, until__isnull=True).select_related("user")
               .order_by("since").first())
    if holding is None:
        raise ExerciseError(f"nobody holds the post {post_code!r}")
    return holding.user


class Pacer:
    """Wait on the wall clock so that exercise time runs `speed` times faster than real time."""

    def __init__(self, speed: float, start: datetime, say=print, sleep=time.sleep):
        self.speed, self.start, self.say, self.sleep = speed, start, say, sleep
        self.wall0 = time.monotonic()
        self.latest = start

    def until(self, moment: datetime) -> None:
        if moment <= self.latest:
            return
        self.latest = moment
        if self.speed <= 0:
            return
        due = self.wall0 + (moment - self.start).total_seconds() / self.speed
        wait = due - time.monotonic()
        if wait > 0:
            self.sleep(wait)


def run_script(script: dict, *, speed: float, say=print, sleep=time.sleep):
    """Create the exercise case and play every inject in time order; return the case."""
    from django.db import transaction

    from crisisdesk import ledger
    from crisisdesk.cases.actions import case_appeal, case_milestone_record
    from crisisdesk.events import EventType
    from crisisdesk.sitreps import actions

    meta = script["exercise"]
    try:
        start = parse_instant(meta["start"])
        injects = sorted(((offset(i["at"], start), n, i) for n, i in enumerate(script["injects"])),
                         key=lambda x: (x[0], x[1]))
    except (KeyError, ValueError, TypeError) as exc:
        raise ExerciseError(f"bad exercise script: {exc}") from None
    pacer = Pacer(speed, start, say, sleep)
    with clock.frozen_at(start):
        case = case_appeal(user=holder(f"{meta['host']}.head_of_state"), member=meta["host"],
                           title_en=meta.get("title_en", "Exercise"), title_ru=meta.get("title_ru", "Учение"),
                           text=meta.get("text", ""), ref=meta.get("ref"), released_to=meta.get("released_to"),
                           is_exercise=True)
        with transaction.atomic():
            ledger.record(EventType.EXERCISE_STARTED, actor="exercise", case=case, subject=f"case:{case.ref}",
                          data={"speed": speed, "injects": len(injects), "start": start, "exercise": True})
    say(f"exercise {case.ref}: {len(injects)} injects from {start.isoformat()} at {speed:g}x")
    for when, n, inject in injects:
        pacer.until(when)
        kind = inject.get("do", "sitrep")
        with clock.frozen_at(when):
            user = holder(inject["as"]) if inject.get("as") else None
            if kind == "sitrep":
                report = dict(inject.get("report") or {})
                period = timedelta(hours=float(report.pop("period_hours", 6)))
                report.setdefault("status", "Exercise")
                got = actions.sitrep_file(user=user, case=case, period_from=when - period, period_to=when,
                                          data={"inject": n}, **report)
                say(f"  {when.isoformat()} sitrep {got.number}: {got.title}")
            elif kind == "cadence":
                actions.cadence_set(user=user, case=case, source=inject["source"],
                                    every_hours=int(inject["every_hours"]), since=when)
                say(f"  {when.isoformat()} cadence {inject['source']} every {inject['every_hours']} h")
            elif kind == "check_overdue":
                raised = actions.check_overdue(now=when, case=case, actor="exercise")
                say(f"  {when.isoformat()} overdue check: {len(raised)} alarm(s)")
            elif kind == "milestone":
                case_milestone_record(case=case, user=user, type=EventType(inject["type"]),
                                      data={**inject.get("data", {}), "exercise": True})
                say(f"  {when.isoformat()} {inject['type']}")
            else:
                raise ExerciseError(f"inject {n}: unknown action {kind!r}")
    end = injects[-1][0] if injects else start
    with clock.frozen_at(end), transaction.atomic():
        ledger.record(EventType.EXERCISE_ENDED, actor="exercise", case=case, subject=f"case:{case.ref}",
                      data={"injects": len(injects), "exercise": True})
    return case


def run_replay_as_exercise(name: str, *, speed: float, ref: str | None = None, say=print, sleep=time.sleep):
    """Play a historical replay (e.g. kazakhstan-2022) into a new exercise case, paced at `speed`.

    Every time the replay sets the injected clock later than before, the pacer waits; the
    replay's own actions, case and ledger events are the real ones, on a case marked is_exercise.
    """
    from crisisdesk.cases import actions as case_actions
    from crisisdesk.organization.models import Post
    from crisisdesk.scenarios import replay as replays

    scenario = replays.load_replay(name)
    scenario = {**scenario, "case": dict(scenario["case"])}
    meta = scenario["case"]
    meta["ref"] = ref or f"{meta['ref']}-exercise-{datetime.now().strftime('%Y%m%d%H%M%S')}"
    meta["title_en"] = "[EXERCISE] " + meta["title_en"]
    meta["title_ru"] = "[УЧЕНИЕ] " + meta["title_ru"]
    start = parse_instant(scenario["steps"][0]["at"])
    pacer = Pacer(speed, start, say, sleep)
    ctx = replays.ReplayContext(say=say)
    org = Post.objects.values_list("organisation__code", flat=True).first() or "csto"
    for post in Post.objects.filter(organisation__code=org):
        with contextlib.suppress(ExerciseError):
            ctx.users[post.code] = holder(post.code)
    replays.create_keys(ctx, org)

    ctx.scenario = name
    real_frozen, real_appeal = clock.frozen_at, case_actions.case_appeal
    turns = Turns()

    @contextlib.contextmanager
    def paced(at):
        turns.wait(at)
        pacer.until(at)
        with real_frozen(at):
            yield

    def appeal(**kw):
        return real_appeal(**{**kw, "is_exercise": True})

    parts = [lambda: replays.play(ctx, scenario)]
    for module_name, function in [("crisisdesk.forces.replay", "replay_forces"),
                                  ("crisisdesk.sitreps.replay", "replay_sitreps")]:
        try:
            module = __import__(module_name, fromlist=[function])
        except ImportError:
            continue

        def part(fn=getattr(module, function)):
            turns.wait(start + timedelta(microseconds=1))  # After the appeal has opened the case.
            fn(ctx)

        parts.append(part)
    clock.frozen_at, case_actions.case_appeal = paced, appeal
    try:
        turns.run(parts)
    finally:
        clock.frozen_at, case_actions.case_appeal = real_frozen, real_appeal
    return ctx.case


class Turns:
    """Run several timelines (the decisions, the forces, the reports) as one, in time order.

    Each part runs in its own thread but only one runs at a time: a part that sets the injected
    clock waits until every other part is waiting too and its time is the earliest (ties go to
    the part listed first). So an exercise replay unfolds on the map as it did, with sorties and
    reports between the decisions, instead of one timeline after another.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._waiting: dict[int, tuple] = {}  # part index -> (time, index)
        self._live: set[int] = set()
        self._turn: int | None = None
        self._local = threading.local()

    def wait(self, at: datetime) -> None:
        me = getattr(self._local, "index", None)
        if me is None:  # Not inside run(): nothing to interleave with.
            return
        with self._cond:
            self._waiting[me] = (at, me)
            if self._turn == me:
                self._turn = None
            self._pick()
            while self._turn != me:
                self._cond.wait()
            del self._waiting[me]

    def _pick(self) -> None:
        if self._turn is None and self._live and len(self._waiting) == len(self._live):
            self._turn = min(self._waiting.values())[1]
            self._cond.notify_all()

    def run(self, parts) -> None:
        from django.db import connection

        errors: list[BaseException] = []

        def body(index, part):
            self._local.index = index
            try:
                part()  # The first part has the first turn; every other part begins with wait().
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                errors.append(exc)
            finally:
                connection.close()
                with self._cond:
                    self._live.discard(index)
                    self._waiting.pop(index, None)
                    if self._turn == index:
                        self._turn = None
                    self._pick()

        self._live = set(range(len(parts)))
        self._waiting = {}
        self._turn = 0
        threads = [threading.Thread(target=body, args=(i, p), name=f"exercise-part-{i}") for i, p in enumerate(parts)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]

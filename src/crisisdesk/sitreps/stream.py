"""The live stream: ledger events fanned out to Server-Sent-Events subscribers.

How an event reaches a screen:

1. An action appends to the ledger; after the commit, `ledger.writer.on_event` calls `_on_event`.
2. On PostgreSQL `_on_event` sends `NOTIFY crisisdesk_events, '<seq>'`. In every process,
   the writer's included, a listener thread (one PostgreSQL connection, `LISTEN`) wakes on the
   notification and asks the process's hub to catch up: it reads every event with a seq above
   the last one it published (one query) and offers each to every subscriber. Without a
   listener (SQLite, tests) the writer's thread runs the catch-up itself.
3. The listener keeps its own thread so that a report's request returns without waiting for
   the fan-out. A slow poll (every few seconds) covers a lost
   notification; on SQLite the same poll gives fan-out across processes too.

Because ledger appends are serialised (an advisory lock on PostgreSQL, the write lock on SQLite),
an event with seq N is visible only after every event below N, so "everything above the last
seq" never skips one: nothing is lost, and every process publishes in seq order.

Each subscriber applies the releasability rule of the pages (`access.may_see`) to every event
before it is queued: an event of a case passes only if the case is released to the subscriber;
an event that carries its own `released_to` (reports, figures, alarms) must pass that too; an
event of no case (charter, accounts, registry) goes to staff only.

Retraction: when an edit narrows a report's releasability, a subscriber who could see the report
before but cannot now receives, under the same event id, an `event: retracted` frame that carries
only the report's id (`{"seq", "case", "report"}`), never its content, so that the map and the
feed drop what is already on the screen. Subscribers who keep access get the normal update.
"""

import asyncio
import json
import logging
import os
import queue
import sys
import threading
import time

from django.db import connection

from crisisdesk.ledger.models import Event

log = logging.getLogger(__name__)

# The event whose `changes.released_to` [before, after] may take a report away from some screens.
RETRACTING_TYPE = "sitreps:report:updated"

CHANNEL = "crisisdesk_events"
BACKLOG_LIMIT = 5000
POLL_SECONDS = float(os.environ.get("CRISISDESK_STREAM_POLL_SECONDS", "3"))
# After a notification the listener waits this long for more before it publishes, so that under
# load one query and one write per stream carry several events (a small, bounded delay).
BATCH_SECONDS = float(os.environ.get("CRISISDESK_STREAM_BATCH_MS", "50")) / 1000


def _listener_wanted() -> bool:
    value = os.environ.get("CRISISDESK_STREAM_LISTENER")
    if value is not None:
        return value.lower() in ("1", "true", "yes", "on")
    # Under pytest the test database lives in one connection's transaction: no listener thread.
    return "pytest" not in sys.modules


def passes(released_to, *, members: frozenset) -> bool:
    """The releasability rule of `access.may_see`, for a non-staff subscriber."""
    released = set(released_to or [])
    if "ALL" in released:
        return bool(members)
    return bool(members & released)


def visible(item: dict, *, staff: bool, members: frozenset) -> bool:
    if staff:
        return True
    gates = item["gates"]
    if not gates:
        return False
    return all(passes(g, members=members) for g in gates)


def _retraction(event, case_gate: list | None) -> dict | None:
    """For an edit that narrowed a report's releasability: the item telling those who saw the
    report before (its old gates) to drop it. It carries the report's id and nothing else."""
    data = event.data if isinstance(event.data, dict) else {}
    if event.type != RETRACTING_TYPE or "report" not in data:
        return None
    change = (data.get("changes") or {}).get("released_to")
    if not (isinstance(change, list) and len(change) == 2 and isinstance(change[0], list)):
        return None
    gates = ([case_gate] if case_gate is not None else []) + [change[0]]
    return {"seq": event.seq, "gates": gates, "event": "retracted",
            "payload": {"seq": event.seq, "case": event.case_ref, "report": data["report"]}}


def items_from_events(events) -> list[dict]:
    """Turn ledger rows into stream items with their releasability gates."""
    from crisisdesk.cases.models import Case

    events = list(events)
    refs = {e.case_ref for e in events if e.case_ref}
    cases = {c["ref"]: c for c in Case.objects.filter(ref__in=refs).values("ref", "released_to", "is_exercise")}
    items = []
    for e in events:
        gates = []
        case = cases.get(e.case_ref) if e.case_ref else None
        if e.case_ref:
            gates.append(case["released_to"] if case else [])
        if isinstance(e.data, dict) and "released_to" in e.data:
            gates.append(e.data.get("released_to") or [])
        exercise = bool((case or {}).get("is_exercise")) or bool(isinstance(e.data, dict) and e.data.get("exercise"))
        item = {
            "seq": e.seq, "gates": gates,
            "payload": {"seq": e.seq, "type": e.type, "at": e.at.isoformat(), "case": e.case_ref,
                        "subject": e.subject, "actor": e.actor, "data": e.data, "exercise": exercise},
        }
        retraction = _retraction(e, gates[0] if e.case_ref else None)
        if retraction is not None:
            item["retraction"] = retraction
        items.append(item)
    return items


def for_subscriber(item: dict, *, staff: bool, members: frozenset) -> dict | None:
    """What a subscriber gets of an item: the item, its retraction (if the subscriber lost access
    to the report by it), or nothing."""
    if visible(item, staff=staff, members=members):
        return item
    retraction = item.get("retraction")
    if retraction is not None and visible(retraction, staff=staff, members=members):
        return retraction
    return None


def load_items(after: int, limit: int = BACKLOG_LIMIT) -> list[dict]:
    return items_from_events(Event.objects.filter(seq__gt=after).order_by("seq")[:limit])


def max_seq() -> int:
    return Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


class Subscriber:
    """One open stream: a thread-safe queue, woken from any thread, read sync or async."""

    def __init__(self, *, staff: bool, members, case: str | None = None):
        self.staff = staff
        self.members = frozenset(members)
        self.case = case
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.wakeup: asyncio.Event | None = None
        self.dropped = 0

    def offer(self, item: dict) -> bool:
        """Queue the item if this subscriber may see it; return whether it was queued."""
        if self.case is not None and item["payload"]["case"] != self.case:
            return False
        chosen = for_subscriber(item, staff=self.staff, members=self.members)
        if chosen is None:
            return False
        self.queue.put(chosen)
        return True

    def bind_loop(self) -> None:
        self.wakeup = asyncio.Event()
        self.loop = asyncio.get_running_loop()


def wake_all(subscribers) -> None:
    """Wake the async streams among them, with one cross-thread call per event loop (a sync
    stream waits on its queue and needs no wake)."""
    by_loop: dict = {}
    for sub in subscribers:
        if sub.loop is not None and sub.wakeup is not None:
            by_loop.setdefault(sub.loop, []).append(sub.wakeup)
    for loop, events in by_loop.items():
        try:
            loop.call_soon_threadsafe(_set_all, events)
        except RuntimeError:  # The loop has closed: its streams are gone.
            pass


def _set_all(events) -> None:
    for event in events:
        event.set()


class Hub:
    """The process's subscribers and the seq of the last event it published."""

    def __init__(self):
        self._lock = threading.RLock()
        self._subscribers: set[Subscriber] = set()
        self.last_seq: int | None = None
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()
        self._listening = threading.Event()

    @property
    def listening(self) -> bool:
        """True while a PostgreSQL LISTEN thread runs in this process."""
        return self._listening.is_set()

    @property
    def count(self) -> int:
        return len(self._subscribers)

    def subscribe(self, sub: Subscriber) -> int:
        """Register a subscriber; return the seq from which it receives live events."""
        # Read the database before taking the lock: a thread never waits for a connection while
        # it holds the lock (with a connection pool, that could deadlock against the listener).
        head = max_seq() if self.last_seq is None or not self._subscribers else None
        with self._lock:
            if self.last_seq is None or not self._subscribers:
                self.last_seq = head if head is not None else max_seq()
            self._subscribers.add(sub)
            start = self.last_seq
        self._ensure_listener()
        return start

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    def catch_up(self) -> int:
        """Publish every committed event above the last published seq; return how many.

        The events are read without the lock (a reader never holds the lock while it waits for a
        database connection). A read returns every committed event above its start, and the last
        published seq only grows from that start, so whatever another thread published meanwhile
        is simply skipped and nothing above it is missed.
        """
        start = self.last_seq
        if start is None or not self._subscribers:
            with self._lock:
                if not self._subscribers:
                    self.last_seq = None
                    return 0
                start = self.last_seq
        items = load_items(start or 0)
        published, woken = 0, set()
        with self._lock:
            if not self._subscribers:
                self.last_seq = None
                return 0
            subscribers = list(self._subscribers)
            for item in items:
                if self.last_seq is not None and item["seq"] <= self.last_seq:
                    continue
                for sub in subscribers:
                    if sub.offer(item):
                        woken.add(sub)
                self.last_seq = item["seq"]
                published += 1
        wake_all(woken)
        return published

    def noticed(self, seq: int) -> None:
        """An event was committed somewhere; catch up unless it was published already."""
        if not self._subscribers:
            return
        if self.last_seq is not None and seq <= self.last_seq:
            return
        self.catch_up()

    # -- the cross-process listener ------------------------------------------------------------

    def _ensure_listener(self) -> None:
        if self._listener is not None or not _listener_wanted():
            return
        with self._lock:
            if self._listener is not None:
                return
            target = self._listen_pg if connection.vendor == "postgresql" else self._poll
            self._listener = threading.Thread(target=target, name="crisisdesk-stream", daemon=True)
            self._listener.start()

    def _poll(self) -> None:
        from django.db import close_old_connections

        while not self._stop.wait(POLL_SECONDS):
            try:
                if self._subscribers:
                    self.catch_up()
            except Exception:  # noqa: BLE001 - a poll must survive a locked or absent database
                log.exception("stream poll failed")
                close_old_connections()

    def _listen_pg(self) -> None:
        import psycopg
        from django.db import close_old_connections

        while not self._stop.is_set():
            try:
                with psycopg.connect(**_pg_params(), autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    self.catch_up()  # Anything committed while we were not listening.
                    while not self._stop.is_set():
                        got = False
                        for note in conn.notifies(timeout=POLL_SECONDS, stop_after=1):
                            got = True
                            try:
                                seq = int(note.payload)
                            except ValueError:
                                seq = None
                            if seq is None or self.last_seq is None or seq > self.last_seq:
                                if BATCH_SECONDS > 0:
                                    time.sleep(BATCH_SECONDS)
                                self.catch_up()
                        if not got and self._subscribers:
                            self.catch_up()  # A slow poll covers a lost notification.
                        _release_pooled_connection()
            except Exception:  # noqa: BLE001 - reconnect after a database restart
                log.exception("stream listener failed; reconnecting")
                close_old_connections()
                time.sleep(1)
            finally:
                self._listening.clear()


def _release_pooled_connection() -> None:
    """With a connection pool, hand the listener's query connection back between catch-ups."""
    if (connection.settings_dict.get("OPTIONS") or {}).get("pool") and not connection.in_atomic_block:
        connection.close()


def _pg_params() -> dict:
    s = connection.settings_dict
    params = {"dbname": s.get("NAME") or "", "user": s.get("USER") or None, "password": s.get("PASSWORD") or None,
              "host": s.get("HOST") or None, "port": s.get("PORT") or None}
    params.update({k: v for k, v in (s.get("OPTIONS") or {}).items() if k in ("sslmode", "host")})
    return {k: v for k, v in params.items() if v}


hub = Hub()


def _on_event(event) -> None:
    """Called after every committed ledger event in this process."""
    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(event.seq)])
        except Exception:  # noqa: BLE001 - the write has committed; the poll will deliver it
            log.exception("NOTIFY failed for event %s", event.seq)
        if hub.listening:
            return  # This process's listener hears the NOTIFY too and publishes in its own thread.
    try:
        hub.noticed(event.seq)
    except Exception:  # noqa: BLE001 - never fail the writer after its commit
        log.exception("live push failed for event %s", event.seq)


def install() -> None:
    from crisisdesk.ledger.writer import _listeners, on_event

    if _on_event not in _listeners:
        on_event(_on_event)


# -- Server-Sent Events framing ---------------------------------------------------------------


def frame(item: dict) -> str:
    """The SSE frame of an item, serialised once however many subscribers it goes to."""
    text = item.get("frame")
    if text is None:
        data = json.dumps(item["payload"], ensure_ascii=False, separators=(",", ":"))
        text = item["frame"] = f"id: {item['seq']}\nevent: {item.get('event', 'ledger')}\ndata: {data}\n\n"
    return text


def hello(seq: int) -> str:
    return f"retry: 1500\nid: {seq}\nevent: hello\ndata: {json.dumps({'seq': seq})}\n\n"


KEEPALIVE = ": keepalive\n\n"


def sync_stream(sub: Subscriber, first: list[str], *, timeout: float, ping: float, last: int):
    """A blocking generator (WSGI, the test client): yields frames until `timeout` seconds."""
    deadline = time.monotonic() + timeout
    try:
        yield from first
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            try:
                item = sub.queue.get(timeout=min(ping, remaining))
            except queue.Empty:
                if deadline - time.monotonic() > 0:
                    yield KEEPALIVE
                continue
            if item["seq"] <= last:
                continue
            last = item["seq"]
            yield frame(item)
    finally:
        hub.unsubscribe(sub)


async def async_stream(sub: Subscriber, first: list[str], *, timeout: float, ping: float, last: int):
    """The ASGI generator: waits on an asyncio event that publishers set from any thread."""
    sub.bind_loop()
    deadline = time.monotonic() + timeout
    try:
        for chunk in first:
            yield chunk
        while True:
            sub.wakeup.clear()
            batch = []
            while True:
                try:
                    item = sub.queue.get_nowait()
                except queue.Empty:
                    break
                if item["seq"] <= last:
                    continue
                last = item["seq"]
                batch.append(frame(item))
            sent = bool(batch)
            if batch:
                yield "".join(batch)  # Whatever queued up meanwhile goes out in one write.
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if sent:
                continue
            try:
                await asyncio.wait_for(sub.wakeup.wait(), timeout=min(ping, remaining))
            except asyncio.TimeoutError:
                if deadline - time.monotonic() > 0:
                    yield KEEPALIVE
    finally:
        hub.unsubscribe(sub)

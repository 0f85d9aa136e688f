"""The one function that appends to the ledger; actions call it inside their transaction."""

import json
from datetime import datetime, timezone

from django.db import connection, transaction

from crisisdesk import clock
from crisisdesk.engines import ledger as chain
from crisisdesk.events import EventType
from crisisdesk.ledger.models import Event

_PG_LOCK_KEY = 7_470_001


def _jsonable(data: dict) -> dict:
    """Return data as plain JSON values, so that it hashes the same after a reload."""
    return json.loads(json.dumps(data, default=_default))


def _default(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _millis(moment: datetime) -> datetime:
    """Keep milliseconds only, so times survive JSON backups (which keep milliseconds) unchanged."""
    return moment.astimezone(timezone.utc).replace(microsecond=moment.microsecond // 1000 * 1000)


def _lock() -> None:
    """Serialise appends; SQLite's IMMEDIATE transactions already hold the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def record(
    type: EventType,
    *,
    actor: str,
    case=None,
    subject: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> Event:
    """Append one event; must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("ledger.record must run inside transaction.atomic")
    EventType(type)  # Refuse types outside the vocabulary.
    _lock()
    last = Event.objects.order_by("-seq").only("seq", "hash").first()
    event = Event(
        seq=(last.seq + 1) if last else 1,
        type=str(type),
        at=_millis(at or clock.now()),
        recorded_at=_millis(datetime.now(timezone.utc)),
        actor=actor or "",
        case_ref=getattr(case, "ref", case) or "",
        subject=subject,
        data=_jsonable(data or {}),
        prev_hash=last.hash if last else chain.GENESIS,
    )
    event.hash = chain.chain_hash(event.prev_hash, event.payload())
    event.save(force_insert=True)
    transaction.on_commit(lambda: _announce(event))
    return event


_listeners = []


def on_event(listener) -> None:
    """Call listener(event) after each committed event (live stream, notices, KPIs)."""
    _listeners.append(listener)


def _announce(event: Event) -> None:
    for listener in list(_listeners):
        listener(event)


def verify_chain() -> chain.Break | None:
    """Recompute the whole chain from the database and return the first break, if any."""
    links = (
        chain.Link(seq=e.seq, payload=e.payload(), prev_hash=e.prev_hash, hash=e.hash)
        for e in Event.objects.order_by("seq").iterator(chunk_size=2000)
    )
    return chain.verify(links)

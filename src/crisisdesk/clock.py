"""The injected clock: every deadline, silence procedure and replay reads time from here."""

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import datetime, timezone

_frozen: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("frozen", default=None)


def now() -> datetime:
    """Return the current instant, or the instant a test or replay has set."""
    frozen = _frozen.get()
    if frozen is not None:
        return frozen
    return datetime.now(timezone.utc)


@contextlib.contextmanager
def frozen_at(at: datetime) -> Iterator[None]:
    """Run the block as if the time were `at` (which must be zone-aware)."""
    if at.tzinfo is None:
        raise ValueError("the clock needs a zone-aware time")
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)


def set_clock(at: datetime | None) -> None:
    """Set (or with None, release) the clock for the rest of this context, for replays."""
    if at is not None and at.tzinfo is None:
        raise ValueError("the clock needs a zone-aware time")
    _frozen.set(at)

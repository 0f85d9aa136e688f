"""Parsed charters, cached by content hash, so a case always reads the version it started with."""

import threading

from crisisdesk.engines.procedures import Charter, parse_charter

_cache: dict[str, Charter] = {}
_lock = threading.Lock()


def cached_charter(sha256: str) -> Charter | None:
    return _cache.get(sha256)


def parsed_charter(sha256: str, text: str) -> Charter:
    """Parse a charter version once per process.

    The lock keeps a burst of first requests (one thread each under ASGI) from all parsing and
    validating the same YAML at once.
    """
    charter = _cache.get(sha256)
    if charter is None:
        with _lock:
            charter = _cache.get(sha256)
            if charter is None:
                charter = _cache[sha256] = parse_charter(text)
    return charter

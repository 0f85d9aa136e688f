"""Parsed charters, cached by content hash, so a case always reads the version it started with."""

import functools

from crisisdesk.engines.procedures import Charter, parse_charter


@functools.lru_cache(maxsize=32)
def parsed_charter(sha256: str, text: str) -> Charter:
    return parse_charter(text)

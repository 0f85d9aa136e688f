"""The hash chain over events: canonical bytes, chaining and verification, without Django."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical(payload: dict) -> bytes:
    """Return the one byte string that a payload hashes to, whatever the key order."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, payload: dict) -> str:
    """Return the hash of an event given the hash of the event before it."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(payload)).hexdigest()


@dataclass(frozen=True)
class Link:
    seq: int
    payload: dict
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"event {self.seq}: {self.reason}"


def verify(links: Iterable[Link]) -> Break | None:
    """Recompute the chain in order and return the first altered or missing event, if any."""
    expected_seq = 1
    prev = GENESIS
    for link in links:
        if link.seq != expected_seq:
            return Break(expected_seq, "missing (the chain jumps to event %d)" % link.seq)
        if link.prev_hash != prev:
            return Break(link.seq, "does not follow its predecessor (previous hash differs)")
        if chain_hash(prev, link.payload) != link.hash:
            return Break(link.seq, "altered (its content does not match its hash)")
        prev = link.hash
        expected_seq += 1
    return None

"""The append-only, hash-chained record of every change of state."""


def record(*args, **kwargs):
    """Append one event to the ledger (see crisisdesk.ledger.writer.record)."""
    from crisisdesk.ledger.writer import record as _record

    return _record(*args, **kwargs)

"""Instants and durations from charter and scenario text."""

import re
from datetime import date, datetime, timedelta

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


class TimingError(ValueError):
    pass


def parse_duration(text: str) -> timedelta:
    """Parse an ISO 8601 duration of days, hours, minutes and seconds (e.g. PT12H)."""
    match = _DURATION.match(str(text).strip())
    if not match or str(text).strip() in ("P", "PT"):
        raise TimingError(f"{text!r} is not a duration like PT12H or P1D")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(**parts)


def parse_instant(value) -> datetime:
    """Parse a zone-aware instant; a time without a zone is refused, never guessed."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        raise TimingError(f"{value} is a date, not an instant with a time and a zone")
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise TimingError(f"{value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimingError(f"{value} has no time zone; a deadline is an instant")
    return moment


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise TimingError(f"{value!r} is not a date like 2022-01-06") from None

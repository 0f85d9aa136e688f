"""Reading form values the same way on every page."""

from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def instant(value: str) -> datetime | None:
    """Read a datetime-local or ISO value; a time without a zone is read in the viewer's zone.

    Empty gives None; a value that is no time raises ValueError.
    """
    if not value:
        return None
    moment = parse_datetime(value.strip())
    if moment is None:
        raise ValueError(value)
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def local_input(moment) -> str:
    """An instant as a datetime-local value in the viewer's zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if isinstance(moment, datetime) else ""

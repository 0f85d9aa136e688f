"""The only writes of the web app: a user's interface preferences.

A language or time-zone choice changes how the record is shown, not the record itself, so it
is not a ledger event (the ledger is the crisis record; it would drown in display settings).
"""

from django.conf import settings
from django.db import transaction

from crisisdesk.errors import DomainError
from crisisdesk.web.models import Preference
from crisisdesk.web.preferences import zone_choices

_UNSET = object()


def preference_set(*, user, language=_UNSET, zone=_UNSET) -> Preference:
    """Store the user's language and/or zone; an empty string goes back to the default."""
    if language is not _UNSET and language and language not in dict(settings.LANGUAGES):
        raise DomainError(f"unknown language {language!r}", code="invalid")
    if zone is not _UNSET and zone and zone not in zone_choices():
        raise DomainError(f"unknown time zone {zone!r}", code="invalid")
    with transaction.atomic():
        pref, _ = Preference.objects.select_for_update().get_or_create(user=user)
        if language is not _UNSET:
            pref.language = language
        if zone is not _UNSET:
            pref.zone = zone
        pref.save()
    return pref

"""The only writes of the web app: a user's interface preferences.

A language or time-zone choice changes how the record is shown, not the record itself, so it
is not a ledger event (the ledger is the crisis record; it would drown in display settings).
"""

from django.conf import settings
from django.db import transaction

from crisisdesk.errors import Conflict, DomainError, NotFound
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


# -- Two-factor login (TOTP devices of django-otp) ----------------------------------------------
# Who can log in, and how, belongs in the audit trail: confirming, issuing and removing a device
# are ledger events (never the secret itself).


def _second_factor_event(type_, *, user, actor: str, data: dict) -> None:
    from crisisdesk import ledger
    from crisisdesk.events import EventType

    ledger.record(EventType(type_), actor=actor, subject=f"user:{user.username}",
                  data={"user": user.username, **data})


def totp_pending(*, user):
    """Return the user's unconfirmed TOTP device, creating one (with a fresh secret) if needed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_confirm(*, user, token: str):
    """Confirm the pending device with a current code from it; return it, or None if the code is wrong."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    token = (token or "").strip().replace(" ", "")
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False)
                  .order_by("pk").first())
        if device is None or not token or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
        _second_factor_event("accounts:second_factor:enrolled", user=user, actor=user.username,
                             data={"by": "self"})
    return device


def totp_enrol(*, username: str, replace: bool = False):
    """Give a user a confirmed TOTP device (the administrator hands over the secret)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"no user {username!r}")
    with transaction.atomic():
        devices = TOTPDevice.objects.select_for_update().filter(user=user)
        if not replace and devices.filter(confirmed=True).exists():
            raise Conflict(f"{username} already has a TOTP device; use --replace to issue a new one")
        devices.delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        _second_factor_event("accounts:second_factor:enrolled", user=user, actor="cli",
                             data={"by": "administrator", "replaced": replace})
        return device


def totp_remove(*, username: str) -> int:
    """Remove all of a user's TOTP devices (a lost phone); return how many there were."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"no user {username!r}")
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        if count:
            _second_factor_event("accounts:second_factor:removed", user=user, actor="cli", data={"devices": count})
    return count

"""How the interface is shown to one user: language and the viewer's time zone."""

from zoneinfo import ZoneInfo

from django.conf import settings

from crisisdesk.accounts import access


def stored(user):
    """Return the user's Preference row, or None (anonymous, or never chosen)."""
    from crisisdesk.web.models import Preference

    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_crisisdesk_preference", False)
    if cached is False:
        cached = Preference.objects.filter(user=user).first()
        user._crisisdesk_preference = cached
    return cached


def zone_choices() -> list[str]:
    """The zones a user may pick: UTC and every member state's zone (short, and all valid)."""
    from crisisdesk.organization.models import MemberState

    zones = set(MemberState.objects.values_list("zone", flat=True).distinct())
    return ["UTC", *sorted(z for z in zones if z and z != "UTC")]


def viewer_zone(user) -> str:
    """The zone times are shown in for this user: the chosen one, else their state's, else UTC.

    A delegate of Kazakhstan reads times in Almaty without setting anything; staff of the
    Centre, who serve every state, start from UTC and may choose.
    """
    pref = stored(user)
    if pref is not None and pref.zone:
        return pref.zone
    if user is not None and user.is_authenticated:
        zones = sorted({p.member.zone for p in access.posts_of(user) if p.member is not None and p.member.zone})
        if len(zones) == 1:
            return zones[0]
    return settings.TIME_ZONE


def safe_zone(name: str) -> ZoneInfo:
    """Return the zone, or UTC if the name is not a zone (a bad row must not make a 500)."""
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")

"""Reads of the organisation."""

from datetime import datetime

from crisisdesk.organization.models import CharterVersion, Organisation


def current_charter(organisation_code: str | None = None) -> CharterVersion:
    """Return the newest loaded charter version (of one organisation, if named)."""
    from django.conf import settings

    from crisisdesk.errors import NotFound

    qs = CharterVersion.objects.select_related("organisation").order_by("-loaded_at", "-pk")
    code = organisation_code or settings.DEFAULT_CHARTER
    version = qs.filter(organisation__code=code).first() or (qs.first() if organisation_code is None else None)
    if version is None:
        raise NotFound(f"no charter is loaded for {code}; run `crisisdesk charter load`")
    return version


def member_status(organisation: Organisation, code: str, moment: datetime) -> str | None:
    version = current_charter(organisation.code)
    member = version.parsed().members.get(code)
    return member.status_on(moment) if member else None

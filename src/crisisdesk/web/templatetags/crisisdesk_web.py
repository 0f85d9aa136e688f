"""Template helpers of the shell: navigation, times in two zones, translated code names."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisisdesk.web import labels, nav
from crisisdesk.web.preferences import safe_zone

register = template.Library()

# Member states' zones, named by their city in the reader's language.
CITY = {
    "UTC": gettext_lazy("UTC"),
    "Asia/Almaty": gettext_lazy("Almaty"),
    "Asia/Bishkek": gettext_lazy("Bishkek"),
    "Asia/Dushanbe": gettext_lazy("Dushanbe"),
    "Asia/Tashkent": gettext_lazy("Tashkent"),
    "Asia/Yerevan": gettext_lazy("Yerevan"),
    "Europe/Minsk": gettext_lazy("Minsk"),
    "Europe/Moscow": gettext_lazy("Moscow"),
}


@register.filter
def zone_name(zone: str) -> str:
    """'Asia/Almaty' -> 'Almaty' (translated when known)."""
    if not zone:
        return ""
    return str(CITY.get(zone, zone.rsplit("/", 1)[-1].replace("_", " ")))


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


@register.simple_tag
def when(moment, host_zone: str = ""):
    """Show an instant in the viewer's zone and, if different, the host state's zone.

    The instant itself travels in the datetime attribute (ISO, with offset) for scripts and
    assistive technology; the text is for people in two capitals at once.
    """
    if not isinstance(moment, datetime):
        return "—"
    viewer = timezone.get_current_timezone_name()
    local = timezone.localtime(moment)
    html = format_html(
        '<time datetime="{}">{}</time> <span class="zone" title="{}">{} ({})</span>',
        moment.isoformat(), local.strftime("%Y-%m-%d %H:%M"), viewer, zone_name(viewer), _offset(local),
    )
    if host_zone and host_zone != viewer:
        there = moment.astimezone(safe_zone(host_zone))
        html += format_html(
            ' <span class="host-time">· {} <span class="zone" title="{}">{} ({})</span>, {}</span>',
            there.strftime("%Y-%m-%d %H:%M"), host_zone, zone_name(host_zone), _offset(there),
            _("host state"),
        )
    return html


@register.simple_tag(takes_context=True)
def nav_entries(context):
    request = context.get("request")
    return nav.entries(request.path if request is not None else "")


@register.filter
def status_label(code):
    return labels.label(labels.STATUS, code)


@register.filter
def outcome_label(code):
    return labels.label(labels.OUTCOME, code)


@register.filter
def position_label(code):
    return labels.label(labels.POSITION, code)


@register.filter
def mode_label(code):
    return labels.label(labels.MODE, code)


@register.filter
def time_known_label(code):
    return labels.label(labels.TIME_KNOWN, code)


@register.filter
def forces_label(code):
    return labels.label(labels.FORCES, code)


@register.filter
def notice_label(code):
    return labels.label(labels.NOTICE, code)


@register.filter
def event_label(code):
    return labels.label(labels.EVENT, code)


@register.filter
def shown(value) -> str:
    """A ledger data value as plain text (lists joined, nested values as compact JSON)."""
    import json

    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def localized(obj, field: str) -> str:
    """`{{ case|localized:"title" }}` gives title_ru to a Russian reader, title_en otherwise."""
    from django.utils.translation import get_language

    if obj is None:
        return ""
    lang = "ru" if (get_language() or "").startswith("ru") else "en"
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_en", "") or ""


@register.filter
def in_zone(moment, zone: str) -> str:
    """The wall time of an instant in a zone, to the second (the live clocks start from it)."""
    if not isinstance(moment, datetime):
        return ""
    return moment.astimezone(safe_zone(zone)).strftime("%Y-%m-%d %H:%M:%S")


@register.filter
def in_language(texts) -> str:
    """Pick the reader's language from a charter's {ru: ..., en: ...} text."""
    from django.utils.translation import get_language

    if not isinstance(texts, dict):
        return texts or ""
    lang = "ru" if (get_language() or "").startswith("ru") else "en"
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")

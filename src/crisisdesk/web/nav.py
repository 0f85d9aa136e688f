"""The navigation bar as data, so that every app can add its pages to the shell.

An entry is `(url_name_or_path, label)`. Another app appends to ENTRIES (or calls `register`)
from its AppConfig.ready() or its urls module. An entry whose URL name does not reverse, or
whose path no URL pattern serves, is left out, so the bar never links to a page that isn't
installed yet (e.g. /map/ before the map exists).
"""

from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

ENTRIES: list[tuple[str, object]] = [
    ("case-list", _("Cases")),
    ("/dashboard/", _("Dashboard")),
    ("/sitreps/", _("Situation reports")),
    ("/map/", _("Map")),
    ("/forces/", _("Forces")),
    ("/notices/", _("Notices")),
    ("/registry/", _("Registry")),
]


def register(target: str, label) -> None:
    """Add an entry once (apps may be imported more than once in tests)."""
    if all(existing != target for existing, _label in ENTRIES):
        ENTRIES.append((target, label))


def _href(target: str) -> str | None:
    if target.startswith("/"):
        try:
            resolve(target)
        except Resolver404:
            return None
        return target
    try:
        return reverse(target)
    except NoReverseMatch:
        return None


def entries(current_path: str = "") -> list[dict]:
    """Return the entries that lead somewhere, marking the one the user is on."""
    found = []
    for target, label in ENTRIES:
        href = _href(target)
        if href is None:
            continue
        current = current_path == href or (href != "/" and current_path.startswith(href))
        found.append({"href": href, "label": label, "current": current})
    return found

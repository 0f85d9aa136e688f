"""Reads of cases through the access funnels."""

from crisisdesk.accounts import access
from crisisdesk.cases.models import Case
from crisisdesk.ledger.models import Event


def cases_visible_to(user):
    """Return the cases the user may see."""
    access.require_post(user)
    cases = Case.objects.select_related("host", "charter__organisation").order_by("-appealed_at")
    if access.is_staff_role(user):
        return list(cases)
    return [c for c in cases if access.may_see(user, c.released_to)]


def case_timeline(case: Case, user) -> list[Event]:
    """Return the case's events that the user may see, in the order they happened."""
    return access.events_visible_to(user, Event.objects.filter(case_ref=case.ref).order_by("at", "seq"))

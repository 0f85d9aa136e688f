"""Access funnels: the only way from user input to an object, one condition per line."""

from django.db.models import Q

from crisisdesk import clock
from crisisdesk.errors import Forbidden, NotFound

STAFF_ROLES = frozenset({"secretariat", "duty_officer", "force_command", "analyst"})
ROLES = STAFF_ROLES | {"delegate"}


def holdings_of(user):
    """Return the user's current holdings with their posts."""
    from crisisdesk.accounts.models import Holding

    if user is None or not user.is_authenticated:
        return Holding.objects.none()
    now = clock.now()
    return (
        Holding.objects.filter(user=user, since__lte=now)
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .select_related("post", "post__member", "post__organisation")
    )


def posts_of(user) -> list:
    cache = getattr(user, "_crisisdesk_posts", None)
    if cache is None:
        cache = [h.post for h in holdings_of(user)]
        if user is not None and user.is_authenticated:
            user._crisisdesk_posts = cache
    return cache


def roles_of(user) -> set[str]:
    return {p.role for p in posts_of(user)}


def members_of(user) -> set[str]:
    return {p.member.code for p in posts_of(user) if p.member is not None}


def is_staff_role(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


def require_role(user, *roles: str) -> None:
    if not roles_of(user) & set(roles):
        raise Forbidden("your post does not allow this")


def require_post(user) -> None:
    if not posts_of(user):
        raise Forbidden("you hold no post in this organisation")


def may_see(user, released_to) -> bool:
    """Apply the releasability rule: staff see everything, delegates what is released to them."""
    if is_staff_role(user):
        return True
    released = set(released_to or [])
    if "ALL" in released:
        return bool(members_of(user))
    return bool(members_of(user) & released)


def post_for(user, *, member: str, seat: str):
    """Return the user's post that speaks for `member` in `seat`, or refuse."""
    for post in posts_of(user):
        if post.member is not None and post.member.code == member and post.seat == seat:
            return post
    raise Forbidden(f"you do not hold the {seat} post of {member}")


def access_case(user, ref):
    """Return the case named by user input, if the user may see it; else 404."""
    from crisisdesk.cases.models import Case

    require_post(user)
    # The charter's YAML text is large and rarely needed: it is parsed once per process.
    cases = Case.objects.select_related("charter__organisation", "host").defer("charter__text")
    case = cases.filter(ref=str(ref)).first()
    if case is None and str(ref).isascii() and str(ref).isdigit():
        case = cases.filter(pk=int(ref)).first()
    if case is None:
        raise NotFound(f"no case {ref!r}")
    if not may_see(user, case.released_to):
        raise NotFound(f"no case {ref!r}")
    return case


def access_decision(user, decision_id):
    """Return the decision named by user input, through its case's funnel."""
    from crisisdesk.decisions.models import Decision

    require_post(user)
    try:
        pk = int(decision_id)
    except (TypeError, ValueError):
        raise NotFound(f"no decision {decision_id!r}") from None
    decision = Decision.objects.select_related("case").filter(pk=pk).first()
    if decision is None:
        raise NotFound(f"no decision {decision_id!r}")
    access_case(user, decision.case.ref)
    return decision


def may_see_event(user, event) -> bool:
    """Apply an event's own releasability (a report's events carry its released_to).

    The event's case must be checked by the caller through access_case; this adds the rule for
    objects inside a case that are released more narrowly than the case itself.
    """
    data = event.data if isinstance(event.data, dict) else {}
    if "released_to" not in data:
        return True
    return may_see(user, data.get("released_to") or [])


def events_visible_to(user, events) -> list:
    """Return the events the user may see, in their order (see may_see_event)."""
    return [e for e in events if may_see_event(user, e)]

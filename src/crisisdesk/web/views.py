"""The pages of the shell: cases, decisions with in-page signing, the history of any object.

Every object reaches a page through an access funnel; anything the user may not see answers
404 (not 403), so a page never confirms that a case exists to someone it isn't released to.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisisdesk import clock
from crisisdesk.accounts import access
from crisisdesk.cases import queries
from crisisdesk.decisions.engine import engine_state
from crisisdesk.errors import DomainError
from crisisdesk.ledger.models import Event
from crisisdesk.web import actions, labels, preferences, twofactor

# How often the decision panel asks the server who has answered (seconds).
POLL_SECONDS = 4
HISTORY_PAGE_SIZE = 200


def _case_or_404(user, ref):
    try:
        return access.access_case(user, ref)
    except DomainError:
        raise Http404("no such case") from None


def _decision_or_404(user, case, pk):
    try:
        decision = access.access_decision(user, pk)
    except DomainError:
        raise Http404("no such decision") from None
    if decision.case_id != case.pk:
        raise Http404("no such decision")
    return decision


def _signing_posts(user, decision, is_open: bool) -> list[dict]:
    """The posts through which this user may record a position on the decision, with their keys."""
    if not is_open:
        return []
    charter = decision.case.charter.parsed()
    seat = charter.procedures[decision.procedure].seat
    found = []
    for post in access.posts_of(user):
        if post.member is None or post.seat != seat or post.member.code not in charter.members:
            continue
        fingerprints = list(post.keys.filter(revoked_at=None).values_list("fingerprint", flat=True))
        found.append({"member": post.member, "post": post.code, "fingerprints": " ".join(fingerprints)})
    return found


def _decision_panel(user, decision) -> dict:
    """What the decision panel shows: the text in force, the deadline, who answered, who is due."""
    state = engine_state(decision)
    text = decision.current_text
    outcome = decision.outcome or state.outcome or ""
    members = {m.code: m for m in decision.case.charter.organisation.members.all()}
    positions = {p.member: p for p in decision.positions.filter(text=text).order_by("signed_at", "pk")}
    due = set(state.due()) if not outcome else set()
    rows = [{"code": code, "member": members.get(code), "position": positions.get(code), "due": code in due}
            for code in sorted(set(state.required) | set(positions))]
    return {
        "decision": decision, "text": text, "outcome": outcome, "open": not outcome,
        "rows": rows, "due_count": len(due), "answered_count": len(positions),
        "signing": _signing_posts(user, decision, not outcome),
        "poll_seconds": POLL_SECONDS,
        "procedure_title": decision.case.charter.parsed().procedures[decision.procedure].title,
        "positions": list(labels.POSITION.items()),
    }


@login_required
@require_GET
def case_list(request):
    try:
        cases = queries.cases_visible_to(request.user)
    except DomainError:
        cases = []  # a user without a post sees an empty list, not an error
    return render(request, "web/case_list.html", {"cases": cases})


@login_required
@require_GET
def case_detail(request, ref):
    case = _case_or_404(request.user, ref)
    panels = [_decision_panel(request.user, d) for d in case.decisions.select_related("case").order_by("pk")]
    return render(request, "web/case_detail.html", {
        "case": case, "panels": panels, "events": queries.case_timeline(case, request.user),
        "host_zone": case.host.zone, "server_now": clock.now(),
    })


@login_required
@require_GET
def decision_status(request, ref, decision_id):
    """The part of the decision panel that changes (answers, due, outcome); htmx polls it."""
    case = _case_or_404(request.user, ref)
    decision = _decision_or_404(request.user, case, decision_id)
    return render(request, "web/partials/decision_status.html", {
        "case": case, "panel": _decision_panel(request.user, decision), "host_zone": case.host.zone,
    })


def _history(request, *, events, title, case=None, back=None):
    events = access.events_visible_to(request.user, events)
    if not events:
        raise Http404("nothing recorded about this")
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/history.html", {
        "title": title, "page": page, "case": case, "back": back,
        "host_zone": case.host.zone if case is not None else "",
    })


@login_required
@require_GET
def case_history(request, ref):
    """Everything recorded about a case and the objects in it, oldest first."""
    case = _case_or_404(request.user, ref)
    events = Event.objects.filter(case_ref=case.ref).order_by("seq")
    return _history(request, events=events, title=case.title_en, case=case, back=case)


@login_required
@require_GET
def decision_history(request, ref, decision_id):
    """Everything recorded about one decision: circulation, amendments, positions, outcome."""
    case = _case_or_404(request.user, ref)
    decision = _decision_or_404(request.user, case, decision_id)
    events = Event.objects.filter(subject=f"decision:{decision.pk}").order_by("seq")
    return _history(request, events=events, title=f"decision:{decision.pk}", case=case, back=case)


@login_required
@require_GET
def subject_history(request, subject):
    """The history of one object named as in the ledger: `decision:12`, `case:REF`, `sortie:3`...

    The object is reached through the funnel of the case it belongs to. Events outside any case
    (keys, posts, charters) are for the Centre's staff only.
    """
    user = request.user
    kind, _sep, ident = subject.partition(":")
    case = None
    if kind == "case":
        case = _case_or_404(user, ident)
    elif kind == "decision":
        try:
            case = access.access_decision(user, ident).case
        except DomainError:
            raise Http404("no such decision") from None
    events = Event.objects.filter(subject=subject).order_by("seq")
    if not events.exists():
        raise Http404("nothing recorded about this")
    for ref in set(events.values_list("case_ref", flat=True)):
        if ref:
            case = _case_or_404(user, ref) if case is None or case.ref != ref else case
        elif not access.is_staff_role(user):
            raise Http404("nothing recorded about this")
    return _history(request, events=events, title=subject, case=case, back=case)


def _safe_next(request, fallback="/"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def set_language(request):
    """Switch the interface language: a cookie for this browser, and for a user, stored.

    The login page offers the switch too, so it works before anyone is logged in.
    """
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest("unknown language")
    if request.user.is_authenticated:
        actions.preference_set(user=request.user, language=language)
    response = redirect(_safe_next(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def preferences_view(request):
    zones = preferences.zone_choices()
    error = ""
    if request.method == "POST":
        zone = request.POST.get("zone", "")
        language = request.POST.get("language", "")
        try:
            actions.preference_set(user=request.user, zone=zone, language=language)
        except DomainError:
            error = _("Choose a language and a time zone from the lists.")
        else:
            response = redirect("preferences")
            if language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                                    samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
            return response
    pref = preferences.stored(request.user)
    return render(request, "web/preferences.html", {
        "zones": zones, "error": error,
        "chosen_zone": pref.zone if pref else "", "chosen_language": pref.language if pref else "",
        "effective_zone": preferences.viewer_zone(request.user),
    }, status=400 if error else 200)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enrol a TOTP authenticator app, or verify this session with a code from it.

    Without a confirmed device the page shows a new secret (as an otpauth:// URI and as text) and
    confirms it with a first code; with one, it asks for a code when this session has none yet.
    """
    import django_otp

    user = request.user
    enrolled = bool(twofactor.confirmed_devices(user))
    verified = twofactor.is_verified(user)
    next_url = _safe_next(request)
    error = ""
    self_enrol = getattr(settings, "CRISISDESK_2FA_SELF_ENROL", True)
    if request.method == "POST":
        if enrolled and verified:
            return redirect(next_url)
        if not enrolled and not self_enrol:
            return render(request, "web/two_factor.html", {"enrolled": False, "self_enrol": False, "next": next_url},
                          status=403)
        token = request.POST.get("token", "")
        device = twofactor.verify(user, token) if enrolled else actions.totp_confirm(user=user, token=token)
        if device is not None:
            request.session.cycle_key()  # a session that gains a factor gets a new key
            django_otp.login(request, device)
            return redirect(next_url)
        error = _("Wrong one-time code. Enter the code that your app shows now.")
    context = {"enrolled": enrolled, "verified": verified, "error": error, "next": next_url, "self_enrol": self_enrol,
               "required": getattr(settings, "CRISISDESK_REQUIRE_2FA_FOR_DELEGATES", False)
               and "delegate" in access.roles_of(user)}
    if not enrolled and self_enrol:
        from base64 import b32encode

        pending = actions.totp_pending(user=user)
        secret = b32encode(pending.bin_key).decode()
        context.update(uri=pending.config_url, secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                       digits=pending.digits, period=pending.step)
    return render(request, "web/two_factor.html", context, status=400 if error else 200)

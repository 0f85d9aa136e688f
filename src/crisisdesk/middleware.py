"""Request guards that must run before any body parsing."""

from django.conf import settings
from django.http import JsonResponse


class BodySizeLimitMiddleware:
    """Refuse oversized bodies with 413 JSON before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"error": "bad_request", "detail": "invalid Content-Length"}, status=400)
        if length > settings.MAX_BODY_BYTES:
            return JsonResponse(
                {"error": "too_large", "detail": f"the body exceeds {settings.MAX_BODY_BYTES} bytes"},
                status=413,
            )
        return self.get_response(request)


def content_security_policy() -> str:
    """Render settings.CONTENT_SECURITY_POLICY (directive -> sources) as one header value."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Send a Content Security Policy on every response: no inline script, no foreign origin.

    Script and HTML typed into any text field can then never run, even if a template forgot to
    escape it. A view that needs more may set its own header; it is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response


class UserPreferencesMiddleware:
    """Show the interface in the logged-in user's stored language and time zone.

    Runs after AuthenticationMiddleware. LocaleMiddleware has already picked a language from
    the cookie or Accept-Language; a stored per-user choice overrides it, so it follows the user
    to another browser. The zone is activated for the request only, then released, because a
    worker thread serves other users next.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import timezone, translation

        from crisisdesk.web import preferences

        user = getattr(request, "user", None)
        pref = preferences.stored(user)
        if pref is not None and pref.language:
            translation.activate(pref.language)
            request.LANGUAGE_CODE = pref.language
        zone = preferences.viewer_zone(user) if user is not None and user.is_authenticated else None
        if zone:
            timezone.activate(preferences.safe_zone(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

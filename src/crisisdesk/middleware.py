"""Request guards that must run before any body parsing."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


class BodySizeLimitMiddleware:
    """Refuse oversized bodies with 413 before anything reads them: JSON for the API.

    A page's file upload (multipart/form-data outside /api/) may be larger, up to
    MAX_PAGE_UPLOAD_BYTES: Django streams its files to temporary files, and the page's own view
    refuses a file over its limit by showing its form again with the reason. A body beyond even
    that gets a short HTML page, never the API's JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith("/api/")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"error": "bad_request", "detail": "invalid Content-Length"}, status=400)
        upload = not api and request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        limit = settings.MAX_PAGE_UPLOAD_BYTES if upload else settings.MAX_BODY_BYTES
        if length > limit:
            if api:
                return JsonResponse({"error": "too_large", "detail": f"the body exceeds {limit} bytes"}, status=413)
            message = _("The upload is larger than %(limit)s bytes; nothing was saved. "
                        "Go back and attach smaller files.") % {"limit": limit}
            return HttpResponse(f"<!doctype html><title>413</title><p>{escape(message)}</p>", status=413,
                                content_type="text/html; charset=utf-8")
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

"""Two-factor login with a TOTP authenticator app (django-otp).

- Any user may enrol a TOTP device (the two-factor page, or `crisisdesk otp enrol USERNAME`).
  Once a device is confirmed, the login page refuses that user without a current code.
- With settings.CRISISDESK_REQUIRE_2FA_FOR_DELEGATES, a user who holds a member state's post
  (role "delegate") must have verified a second factor in the current session: pages send them
  to the two-factor page (to enrol, or to give a code), and session-authenticated API calls are
  refused with 403 JSON. Staff posts are not affected by the setting.
- API bearer tokens (`crisisdesk token create`) are issued by an administrator and stay valid:
  a request that authenticates with one is not checked here.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

import django_otp


def confirmed_devices(user) -> list:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if user is None or not user.is_authenticated:
        return []
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk"))


def verify(user, token: str):
    """Return the user's confirmed device that accepts `token`, or None.

    Each device throttles failed attempts itself (exponential back-off) and refuses a code that
    was already used, so a code cannot be replayed.
    """
    from django.db import transaction

    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    with transaction.atomic():
        for device in django_otp.devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_required(user) -> bool:
    """Whether this user must have verified a second factor before using the pages and the API."""
    if not getattr(settings, "CRISISDESK_REQUIRE_2FA_FOR_DELEGATES", False):
        return False
    if user is None or not user.is_authenticated or is_verified(user):
        return False
    from crisisdesk.accounts.access import roles_of

    return "delegate" in roles_of(user)


class LoginForm(AuthenticationForm):
    """Django's login form, plus a one-time code for users who have a confirmed TOTP device.

    A wrong or missing code answers with the same message as a wrong password (it does not tell
    a guesser that the password was right) and counts as a failed login for the lockout.
    """

    otp_token = forms.CharField(required=False, max_length=16, strip=True)

    def clean(self):
        super().clean()
        user = self.user_cache
        if user is not None and confirmed_devices(user):
            device = verify(user, self.cleaned_data.get("otp_token", ""))
            if device is None:
                user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                                       request=self.request)
                self.user_cache = None
                raise self.get_invalid_login_error()
            # django_otp persists it in the session when the view calls auth.login().
            user.otp_device = device
        return self.cleaned_data


EXEMPT_NAMES = ("login", "logout", "two-factor", "set-language")


def _exempt(path: str) -> bool:
    if path.startswith((settings.STATIC_URL, "/i18n/")) or path == "/favicon.ico":
        return True
    return any(path == reverse(name) for name in EXEMPT_NAMES)


def _bearer_user(request):
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if not auth.lower().startswith("bearer "):
        return None
    from crisisdesk.accounts.actions import user_for_token

    return user_for_token(auth[7:].strip())


class SecondFactorMiddleware:
    """Enforce CRISISDESK_REQUIRE_2FA_FOR_DELEGATES (after django_otp's OTPMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "CRISISDESK_REQUIRE_2FA_FOR_DELEGATES", False) or _exempt(request.path):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # Bearer tokens are issued by an administrator (`crisisdesk token create`) and stay
            # valid; only a call that would be authenticated by the session cookie is checked.
            if _bearer_user(request) is None and second_factor_required(request.user):
                return JsonResponse({"error": "second_factor_required",
                                     "detail": "your post requires two-factor login: give a one-time code "
                                               "on the two-factor page, or use an API token"}, status=403)
            return self.get_response(request)
        if second_factor_required(request.user):
            target = reverse("two-factor")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)


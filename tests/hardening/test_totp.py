"""Two-factor login with TOTP (django-otp): a confirmed device makes the login page ask for a
current code; CRISISDESK_REQUIRE_2FA_FOR_DELEGATES makes a second factor compulsory for the
holders of member states' posts, on the pages and on session-authenticated API calls, while API
bearer tokens (issued by an administrator) and staff posts are not affected."""

import re
import time
from base64 import b32decode

import pytest
from django.conf import settings as django_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code(device, steps=0):
    """The code the authenticator app shows (`steps` periods from now)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def device_for(user, confirmed=True):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=confirmed)


def log_in(client, user, otp_token=None):
    data = {"username": user.username, "password": PASSWORD}
    if otp_token is not None:
        data["otp_token"] = otp_token
    return client.post("/login/", data)


@pytest.fixture
def required(settings):
    settings.CRISISDESK_REQUIRE_2FA_FOR_DELEGATES = True
    return settings


def test_the_requirement_is_off_by_default():
    assert django_settings.CRISISDESK_REQUIRE_2FA_FOR_DELEGATES is False


def test_a_user_with_a_device_cannot_log_in_without_a_code(client, alice):
    device = device_for(alice)
    response = log_in(client, alice)
    assert response.status_code == 200
    assert "Wrong user name or password." in response.content.decode()  # no hint the password was right
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    response = log_in(client, alice, "000000" if code(device) != "000000" else "111111")
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_user_with_a_device_logs_in_with_the_current_code(client, alice):
    device = device_for(alice)
    response = log_in(client, alice, code(device))
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/").status_code == 200


def test_a_code_cannot_be_used_twice(client, alice):
    device = device_for(alice)
    used = code(device)
    assert log_in(client, alice, used).status_code == 302
    client.post("/logout/")
    assert log_in(client, alice, used).status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_unconfirmed_device_does_not_change_the_login(client, alice):
    device_for(alice, confirmed=False)
    assert log_in(client, alice).status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_codes_count_towards_the_lockout(client, alice, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = device_for(alice)
    wrong = "000000" if code(device) != "000000" else "111111"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert log_in(client, alice, wrong).status_code in (200, 429)
    assert log_in(client, alice, code(device)).status_code == 429
    assert "_auth_user_id" not in client.session


def test_without_the_requirement_a_delegate_needs_no_second_factor(client, alice, settings):
    settings.CRISISDESK_REQUIRE_2FA_FOR_DELEGATES = False
    assert log_in(client, alice).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/cases").status_code == 200


def test_with_the_requirement_a_delegate_is_sent_to_enrol(client, alice, required):
    assert log_in(client, alice).status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/two-factor/?next=%2F"
    assert client.get("/preferences/").status_code == 302
    page = client.get("/two-factor/")
    assert page.status_code == 200 and page["Cache-Control"].count("no-store")
    text = page.content.decode()
    uri = re.search(r'<code id="otp-uri">([^<]+)</code>', text).group(1)
    secret = re.search(r'<code id="otp-secret">([^<]+)</code>', text).group(1).replace(" ", "")
    assert uri.startswith("otpauth://totp/crisisdesk%3Aalice?") and f"secret={secret}" in uri
    device = TOTPDevice.objects.get(user=alice)
    assert not device.confirmed and b32decode(secret) == device.bin_key

    wrong = "000000" if code(device) != "000000" else "111111"
    assert client.post("/two-factor/", {"token": wrong, "next": "/"}).status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()

    response = client.post("/two-factor/", {"token": code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert client.get("/api/cases").status_code == 200
    # From now on the login page asks for a code.
    client.post("/logout/")
    assert log_in(client, alice).status_code == 200
    assert log_in(client, alice, code(device, steps=1)).status_code == 302
    assert client.get("/").status_code == 200


def test_without_self_enrolment_a_password_alone_cannot_add_a_device(client, cli, alice, required):
    """CRISISDESK_2FA_SELF_ENROL off: a session with only the password gets no key and cannot
    confirm one; the administrator's enrolment then works as usual."""
    required.CRISISDESK_2FA_SELF_ENROL = False
    assert log_in(client, alice).status_code == 302
    assert client.get("/").status_code == 302
    page = client.get("/two-factor/")
    text = page.content.decode()
    assert page.status_code == 200 and "otp-secret" not in text and "administrator" in text
    assert not TOTPDevice.objects.filter(user=alice).exists()
    refused = client.post("/two-factor/", {"token": "123456", "next": "/"})
    assert refused.status_code == 403 and not TOTPDevice.objects.filter(user=alice).exists()
    assert client.get("/").status_code == 302

    cli("otp", "enrol", "alice")
    device = TOTPDevice.objects.get(user=alice, confirmed=True)
    response = client.post("/two-factor/", {"token": code(device), "next": "/"})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_with_the_requirement_session_api_calls_are_refused_but_tokens_stay_valid(client, api, alice, required):
    assert log_in(client, alice).status_code == 302
    response = client.get("/api/cases")
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"error", "detail"} and body["error"] == "second_factor_required"
    assert client.post("/api/cases", data="{}", content_type="application/json").status_code == 403
    # A bearer token issued by an administrator is not a session login: it keeps working.
    assert api(alice).get("/api/cases").status_code == 200
    # A token that is not valid does not let the session through.
    response = client.get("/api/cases", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 403


def test_with_the_requirement_a_session_without_a_code_must_give_one(client, alice, required):
    device = device_for(alice)
    client.force_login(alice)  # e.g. a session from before the device was enrolled
    assert client.get("/").status_code == 302
    page = client.get("/two-factor/").content.decode()
    assert 'id="otp-secret"' not in page and 'name="token"' in page  # no new key is shown
    assert client.post("/two-factor/", {"token": code(device), "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_with_the_requirement_a_delegate_with_a_device_logs_in_with_a_code(client, alice, required):
    device = device_for(alice)
    assert log_in(client, alice, code(device)).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/cases").status_code == 200


def test_with_the_requirement_htmx_requests_are_redirected_by_header(client, alice, required):
    client.force_login(alice)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/two-factor/")


def test_with_the_requirement_staff_are_not_affected(client, secretariat, analyst, required):
    for user in (secretariat, analyst):
        client.post("/logout/")
        assert log_in(client, user).status_code == 302
        assert client.get("/").status_code == 200
        assert client.get("/api/cases").status_code == 200


def test_the_login_and_two_factor_pages_are_translated(client, alice):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert "Одноразовый код" in client.get("/login/").content.decode()
    client.force_login(alice)
    assert "Двухфакторный вход" in client.get("/two-factor/").content.decode()


def test_the_cli_enrols_and_removes_a_device(client, cli, alice):
    exit_code, out, _err = cli("otp", "enrol", "alice")
    assert exit_code == 0
    secret = re.search(r"^secret: (\S+)$", out, re.M).group(1)
    assert re.search(r"^uri: otpauth://totp/\S+secret=" + secret, out, re.M)
    device = TOTPDevice.objects.get(user=alice, confirmed=True)
    assert cli("otp", "enrol", "alice")[0] == 1  # not silently replaced
    assert log_in(client, alice).status_code == 200
    assert log_in(client, alice, code(device)).status_code == 302

    assert cli("otp", "enrol", "alice", "--replace")[0] == 0
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    assert cli("otp", "remove", "alice")[0] == 0
    client.post("/logout/")
    assert log_in(client, alice).status_code == 302
    assert cli("otp", "enrol", "nobody")[0] == 1

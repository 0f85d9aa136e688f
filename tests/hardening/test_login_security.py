"""Login and session security: lockout after repeated failures, expiring sessions, secure
cookies over HTTPS, and a clean `crisisdesk check --deploy` with the production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_repeated_failures_lock_the_login_out(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/", {"username": alice.username, "password": "wrong"})
        assert response.status_code in (200, 429)
    response = client.post("/login/", {"username": alice.username, "password": PASSWORD})
    assert response.status_code == 429  # locked: even the right password is refused for now
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_a_good_login_resets_the_count(client, bob):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": bob.username, "password": "wrong"})
    response = client.post("/login/", {"username": bob.username, "password": PASSWORD})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_sessions_expire(client, alice, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert 0 < settings.SESSION_COOKIE_AGE <= 24 * 3600
    assert client.post("/login/", {"username": alice.username, "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISDESK_", "DJANGO_"))}
    env.update(CRISISDESK_PRODUCTION="1", SECRET_KEY=secrets.token_urlsafe(50), CRISISDESK_HTTPS="1",
               EMAIL_ENABLED="1", DJANGO_SETTINGS_MODULE="crisisdesk.settings",
               CRISISDESK_VAR=os.environ.get("CRISISDESK_VAR", str(ROOT / "var" / "test")))
    env.update(extra)
    return env


def _run(code, **extra):
    return subprocess.run([sys.executable, "-c", code], env=_production_env(**extra), capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_is_clean_with_the_production_settings():
    done = _run("import sys; from crisisdesk.cli import main; main(['check', '--deploy', '--fail-level', 'WARNING'])")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_cookies_are_secure_over_https():
    done = _run("import django; django.setup(); from django.conf import settings as s; "
                "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
                "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"] * 5


def test_production_refuses_to_start_without_a_secret_key():
    done = _run("import django; django.setup()", SECRET_KEY="")
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr


def test_every_page_sends_a_content_security_policy_without_inline_script(client, alice):
    client.force_login(alice)
    policy = client.get("/")["Content-Security-Policy"]
    script = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script

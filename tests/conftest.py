"""Shared fixtures: the CSTO charter, named people of several states, an API client, the CLI."""

import contextlib
import io
import os
from unittest import mock
from pathlib import Path

import pytest

os.environ.setdefault("CRISISDESK_VAR", str(Path(__file__).resolve().parent.parent / "var" / "test"))

SHARED = Path(__file__).resolve().parents[2] / "shared"

# Named people: Alice speaks for Kazakhstan, Bob for Russia, Charlie for Belarus and must not
# see or change what is theirs alone.
PEOPLE = {
    "alice": ["KZ.head_of_state"],
    "bob": ["RU.head_of_state"],
    "charlie": ["BY.head_of_state"],
    "armen": ["AM.head_of_state"],
    "kyrgyz": ["KG.head_of_state"],
    "tajik": ["TJ.head_of_state"],
    "uzbek": ["UZ.head_of_state"],
    "kz_defence": ["KZ.defence_minister"],
    "ru_defence": ["RU.defence_minister"],
    "secretariat": ["secretary_general"],
    "duty_officer": ["crc_duty_officer"],
    "force_command": ["force_commander"],
    "analyst": ["analyst"],
    "outsider": [],
}
PASSWORD = "correct-horse-battery"
# Usernames that differ from the fixture name, so they never collide with the demo's logins.
USERNAMES = {"analyst": "ana-analyst"}


def pytest_configure(config):
    from django.conf import settings

    # Password hashing at full strength costs most of a test's set-up; tests need no such cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the charter and the named people once; each test's transaction rolls back to this."""
    with django_db_blocker.unblock():
        _seed()


@pytest.fixture
def org(db):
    """Make sure the CSTO charter and the named people exist (also after a flushing test)."""
    return _seed()


def _seed():
    from django.contrib.auth import get_user_model

    from crisisdesk.accounts.actions import post_assign
    from crisisdesk.engines.procedures.simulate import shipped_charter_path
    from crisisdesk.organization.actions import charter_load

    version = charter_load(text=shipped_charter_path("csto").read_text(encoding="utf-8"), actor="test")
    User = get_user_model()
    people = {}
    for name, posts in PEOPLE.items():
        user, created = User.objects.get_or_create(username=USERNAMES.get(name, name))
        if created:
            user.set_password(PASSWORD)
            user.save()
            with _epoch_clock():
                for code in posts:
                    post_assign(user=user, post_code=code, organisation="csto", actor="test")
        people[name] = user
    return {"charter": version, "people": people}


@contextlib.contextmanager
def _epoch_clock():
    """Hold posts from long ago, so that replays set in 2022 see them."""
    from datetime import datetime, timezone

    from crisisdesk import clock

    with clock.frozen_at(datetime(2000, 1, 1, tzinfo=timezone.utc)):
        yield


def _person(name):
    @pytest.fixture
    def fixture(org):
        return org["people"][name]

    return fixture


alice = _person("alice")
bob = _person("bob")
charlie = _person("charlie")
armen = _person("armen")
uzbek = _person("uzbek")
kz_defence = _person("kz_defence")
ru_defence = _person("ru_defence")
secretariat = _person("secretariat")
duty_officer = _person("duty_officer")
force_command = _person("force_command")
analyst = _person("analyst")
outsider = _person("outsider")


_OPENAPI = {}


def _openapi_operations():
    """Return [(method, compiled path regex, operation)] from the API's own OpenAPI document."""
    import re

    if not _OPENAPI:
        from crisisdesk.api import api as ninja_api

        doc = ninja_api.get_openapi_schema()
        _OPENAPI["components"] = doc.get("components", {})
        ops = []
        for path, item in doc["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")
            for method, op in item.items():
                ops.append((method.upper(), pattern, op))
        _OPENAPI["ops"] = ops
    return _OPENAPI["ops"]


def assert_matches_openapi(method: str, path: str, response) -> None:
    """Validate a successful JSON answer against the schema the API publishes for it (Zulip's habit)."""
    import jsonschema

    if response.status_code >= 300 or not response.get("Content-Type", "").startswith("application/json"):
        return
    bare = path.split("?", 1)[0]
    for op_method, pattern, op in _openapi_operations():
        if op_method == method.upper() and pattern.match(bare):
            responses = op.get("responses", {})
            declared = responses.get(response.status_code) or responses.get(str(response.status_code))
            assert declared is not None, f"{method} {bare} answered {response.status_code}, which its schema omits"
            schema = declared.get("content", {}).get("application/json", {}).get("schema")
            if schema:
                jsonschema.validate(response.json(), {**schema, "components": _OPENAPI["components"]})
            return


class ApiClient:
    def __init__(self, client, token):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def _send(self, method, path, json=None, data=None, content_type="application/json"):
        import json as jsonlib

        body = data if data is not None else (jsonlib.dumps(json) if json is not None else None)
        kwargs = dict(self.headers)
        if body is not None:
            kwargs["data"] = body
            kwargs["content_type"] = content_type
        response = getattr(self.client, method)(path, **kwargs)
        if path.startswith("/api/") and not getattr(response, "streaming", False):
            assert_matches_openapi(method, path, response)
        return response

    def get(self, path, **kw):
        return self._send("get", path, **kw)

    def post(self, path, json=None, **kw):
        return self._send("post", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self._send("put", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self._send("patch", path, json=json, **kw)

    def delete(self, path, **kw):
        return self._send("delete", path, **kw)


@pytest.fixture
def api(org):
    from django.test import Client

    from crisisdesk.accounts.actions import token_create

    def make(user=None):
        token = token_create(username=user.username, actor="test") if user is not None else None
        return ApiClient(Client(), token)

    return make


@pytest.fixture
def cli(db):
    """Run `crisisdesk ARGS...` in-process; return (exit code, stdout, stderr)."""
    from crisisdesk.cli import main

    def run(*args):
        out, err = io.StringIO(), io.StringIO()
        code = 0
        # Django's command runner closes every connection when a command ends, which would end the
        # test's transaction on PostgreSQL; the test owns the connection, so keep it open.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                mock.patch("django.db.connections.close_all"):
            try:
                main([str(a) for a in args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return code, out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def keys(org):
    """Create and register a signing key for a post; return the private key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from crisisdesk.engines import signing
    from crisisdesk.organization.actions import key_register
    from crisisdesk.organization.models import Post

    made = {}

    def key_for(post_code):
        if post_code not in made:
            private = Ed25519PrivateKey.generate()
            post = Post.objects.get(organisation__code="csto", code=post_code)
            key_register(post=post, public_key_b64=signing.public_b64(private), actor="test")
            made[post_code] = private
        return made[post_code]

    return key_for


@pytest.fixture
def kz_case(org, alice):
    """A case opened by Kazakhstan's appeal, released to every member."""
    from crisisdesk.cases.actions import case_appeal

    return case_appeal(user=alice, member="KZ", title_en="Unrest in Kazakhstan (test)",
                       title_ru="Беспорядки в Казахстане (тест)", ref="kazakhstan-test")


@pytest.fixture
def shared_data():
    """The public data files beside the repo; skip when ../shared is absent (a fresh clone)."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is absent (a fresh clone has none); the project's own fixtures cover this code")
    return data


@pytest.fixture
def jan2022():
    """Run the test on the evening of 5 January 2022, when all six 2022 members were active."""
    from datetime import datetime, timezone

    from crisisdesk import clock

    with clock.frozen_at(datetime(2022, 1, 5, 19, 0, tzinfo=timezone.utc)):
        yield

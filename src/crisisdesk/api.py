"""The HTTP JSON API under /api/: one NinjaAPI, auth by bearer token or session, errors as values."""

import importlib
import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from crisisdesk.errors import DomainError

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from crisisdesk.accounts.actions import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Session login for pages; unsafe methods still need the CSRF token."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api = NinjaAPI(
    title="crisisdesk",
    version="1",
    description="The Crisis Response Centre's record: cases, decisions, forces, reports, notices, registry.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request, code: str, detail, status: int, headers: dict | None = None, fields: dict | None = None):
    body = {"error": code, "detail": detail}
    if fields is not None:
        body["fields"] = fields
    response = api.create_response(request, body, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _error(request, exc.code, exc.detail, exc.status)


def field_path(loc) -> str:
    """A pydantic error location as the domain errors name fields: `figures[0].value`.

    ninja puts the parameter's source first, then (for a body) the parameter's name: a JSON body
    is named by its own fields (`title`, not `body.payload.title`); a query or path parameter
    keeps its source (`query.limit`, `path.report_id`). A missing body as a whole is `body`.
    """
    parts = list(loc or ())
    if parts and parts[0] == "body":
        parts = parts[1:]
        if len(parts) > 1 or parts == ["payload"]:
            parts = parts[1:]  # The view's parameter name.
        if not parts:
            return "body"
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(err: dict) -> str:
    if err.get("type") == "extra_forbidden":
        return _("unknown or read-only field: it cannot be set here")
    return " ".join(str(err.get("msg") or "invalid").split())  # One line, whatever pydantic says.


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    """A request that fails its schema answers in the shape of a domain 422: `error`, a one-line
    `detail`, and `fields` mapping each field's path to its first message."""
    fields: dict[str, str] = {}
    for err in exc.errors:
        fields.setdefault(field_path(err.get("loc")), _message(err))
    detail = "; ".join(f"{k}: {v}" for k, v in fields.items()) or "invalid input"
    return _error(request, "invalid", detail, 422, fields=fields)


@api.exception_handler(OverflowError)
def _out_of_range(request, exc):
    # A time like 0001-01-01T00:00+06:00 parses, but has no UTC equivalent; the action's
    # transaction has rolled back.
    return _error(request, "invalid", "a date or a figure is out of range", 422)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, "unauthorized", "log in or send Authorization: Bearer TOKEN", 401)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "not_allowed",
            413: "too_large", 429: "throttled"}.get(exc.status_code, "error")
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):
        detail = "the body is not valid JSON"
        code = "malformed_json"
    return _error(request, code, detail, exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, "not_found", "no such object", 404)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _error(request, "too_large", "the body is too large", 413)


@api.exception_handler(OperationalError)
def _database_down(request, exc):
    log.warning("database unavailable: %s", exc)
    return _error(request, "unavailable", "the database is unavailable; retry shortly", 503, {"Retry-After": "2"})


@api.exception_handler(DatabaseError)
def _database_error(request, exc):
    log.exception("database error")
    return _error(request, "conflict", "the write could not be completed; nothing was saved", 409)


@api.exception_handler(Exception)
def _unexpected(request, exc):
    # A bug: log it with the traceback, but answer in the API's own shape.
    log.exception("unexpected error on %s", request.path)
    return _error(request, "internal", "an unexpected error occurred; it has been logged", 500)


ROUTERS = [
    ("/", "crisisdesk.cases.api"),
    ("/", "crisisdesk.decisions.api"),
    ("/organization/", "crisisdesk.organization.api"),
    ("/forces/", "crisisdesk.forces.api"),
    ("/sitreps", "crisisdesk.sitreps.api"),
    ("/", "crisisdesk.sitreps.stream_api"),
    ("/notices/", "crisisdesk.notices.api"),
    ("/registry/", "crisisdesk.registry.api"),
    ("/analytics/", "crisisdesk.analytics.api"),
]
for prefix, module_name in ROUTERS:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        continue
    router = getattr(module, "router", None)
    if router is not None:
        api.add_router(prefix, router)

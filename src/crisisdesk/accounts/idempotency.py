"""Idempotency-Key for API writes: a retried request gets the first answer, never a second write."""

import hashlib
import logging

from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.http import HttpResponse, JsonResponse

log = logging.getLogger(__name__)

HEADER = "HTTP_IDEMPOTENCY_KEY"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _owner(request) -> str | None:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


class IdempotencyMiddleware:
    """Run an API write that carries an Idempotency-Key at most once per client and key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if not key or request.method not in WRITES or not request.path.startswith("/api/"):
            return self.get_response(request)
        owner = _owner(request)
        if owner is None or len(key) > 200:
            return self.get_response(request)
        digest = hashlib.sha256(request.method.encode() + request.path.encode() + b"\n" + request.body).hexdigest()
        try:
            return self._once(request, owner, key, digest)
        except (OperationalError, InterfaceError) as exc:
            # The database went away (e.g. a restart) around the view: answer as the API does,
            # 503 + Retry-After, not a 500. The client retries with the same key, which replays the
            # first answer if the write did commit.
            log.warning("database unavailable: %s", exc)
            response = JsonResponse(
                {"error": "unavailable", "detail": "the database is unavailable; retry shortly"}, status=503)
            response["Retry-After"] = "2"
            return response

    def _once(self, request, owner: str, key: str, digest: str):
        from crisisdesk.accounts.models import IdempotencyKey

        try:
            with transaction.atomic():
                done = IdempotencyKey.objects.filter(owner=owner, key=key).first()
                if done is not None:
                    return self._replay(done, digest)
                response = self.get_response(request)
                if 200 <= response.status_code < 300 and not response.streaming:
                    IdempotencyKey.objects.create(owner=owner, key=key, request_hash=digest,
                                                  status=response.status_code, body=response.content,
                                                  content_type=response.get("Content-Type", "application/json"))
                return response
        except IntegrityError:
            # A concurrent request with the same key won; answer as it did.
            done = IdempotencyKey.objects.filter(owner=owner, key=key).first()
            if done is None:
                raise
            return self._replay(done, digest)

    @staticmethod
    def _replay(done, digest: str) -> HttpResponse:
        if done.request_hash != digest:
            return JsonResponse({"error": "idempotency_key_reused",
                                 "detail": "this Idempotency-Key was used for a different request"}, status=422)
        response = HttpResponse(bytes(done.body), status=done.status, content_type=done.content_type)
        response["Idempotent-Replay"] = "true"
        return response

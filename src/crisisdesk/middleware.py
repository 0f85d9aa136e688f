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

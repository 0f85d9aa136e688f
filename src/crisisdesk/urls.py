from django.contrib import admin
from django.urls import include, path

from crisisdesk.api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("crisisdesk.notices.urls")),
    path("forces/", include("crisisdesk.forces.urls")),
    path("registry/", include("crisisdesk.registry.urls")),
    path("", include("crisisdesk.web.urls")),
    path("", include("crisisdesk.sitreps.urls")),
]


def not_found(request, exception):
    """An unknown address under /api/ answers in the API's error shape; pages keep Django's page."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not_found", "detail": f"no such address: {request.path}"}, status=404)
    return page_not_found(request, exception)


handler404 = not_found

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

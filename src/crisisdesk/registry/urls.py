"""Registry pages, mounted at /registry/ (see crisisdesk/urls.py)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from crisisdesk.registry import views
from crisisdesk.web import nav

urlpatterns = [
    path("", views.index, name="registry-index"),
    path("organizations/<slug:ref>/", views.organization, name="registry-organization"),
    path("unified/", views.unified, name="registry-unified"),
    path("unified.csv", views.unified_csv, name="registry-unified-csv"),
    path("unified.pdf", views.unified_pdf, name="registry-unified-pdf"),
    path("divergence/", views.divergence, name="registry-divergence"),
    path("screen/", views.screen, name="registry-screen"),
]

# The shell's bar lists /registry/ already; register() adds it only if it is missing.
nav.register("/registry/", _("Registry"))

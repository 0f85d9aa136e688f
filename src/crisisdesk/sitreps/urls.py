from django.urls import path

from crisisdesk.sitreps import views

urlpatterns = [
    path("sitreps/", views.report_list, name="sitrep-list"),
    path("sitreps/<int:report_id>/", views.report_detail, name="sitrep-detail"),
    path("sitreps/figures/<int:figure_id>/official/", views.figure_official, name="sitrep-figure-official"),
    path("map/", views.map_page, name="map"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

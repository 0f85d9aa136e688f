from django.urls import path

from crisisdesk.forces import views

urlpatterns = [
    path("", views.index, name="forces-index"),
    path("cases/<slug:ref>/", views.case_view, name="forces-case"),
    path("cases/<slug:ref>/plans/", views.plan_new, name="forces-plan-new"),
    path("plans/<int:pk>/", views.plan_view, name="forces-plan"),
    path("sorties/<int:pk>/status/", views.sortie_status, name="forces-sortie-status"),
]

from django.urls import path

from crisisdesk.forces import views

urlpatterns = [
    path("", views.index, name="forces-index"),
    path("catalogue/", views.catalogue, name="forces-catalogue"),
    path("cases/<slug:ref>/", views.case_view, name="forces-case"),
    path("cases/<slug:ref>/plans/", views.plan_new, name="forces-plan-new"),
    path("cases/<slug:ref>/requirements/", views.requirements, name="forces-requirements"),
    path("cases/<slug:ref>/pledges/<str:member>/", views.pledge, name="forces-pledge"),
    path("cases/<slug:ref>/pledges/<str:member>/approval/", views.pledge_approval, name="forces-pledge-approval"),
    path("cases/<slug:ref>/force/", views.force, name="forces-force"),
    path("cases/<slug:ref>/contingents/", views.contingent_new, name="forces-contingent-new"),
    path("cases/<slug:ref>/contingents/<str:member>/returned/", views.contingent_returned,
         name="forces-contingent-returned"),
    path("cases/<slug:ref>/objects/", views.object_new, name="forces-object-new"),
    path("cases/<slug:ref>/deployment/complete/", views.deployment_complete, name="forces-deployment-complete"),
    path("cases/<slug:ref>/withdrawal/complete/", views.withdrawal_complete, name="forces-withdrawal-complete"),
    path("objects/<int:object_id>/guard/", views.object_guard, name="forces-object-guard"),
    path("objects/<int:object_id>/hand-back/", views.object_hand_back, name="forces-object-hand-back"),
    path("plans/<int:pk>/", views.plan_view, name="forces-plan"),
    path("sorties/<int:pk>/status/", views.sortie_status, name="forces-sortie-status"),
]

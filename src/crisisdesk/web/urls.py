from django.contrib.auth import views as auth_views
from django.urls import path

from crisisdesk.web import views
from crisisdesk.web.twofactor import LoginForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("language/", views.set_language, name="set-language"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("", views.case_list, name="case-list"),
    path("cases/<slug:ref>/", views.case_detail, name="case-detail"),
    path("cases/<slug:ref>/history/", views.case_history, name="case-history"),
    path("cases/<slug:ref>/decisions/<int:decision_id>/status/", views.decision_status, name="decision-status"),
    path("cases/<slug:ref>/decisions/<int:decision_id>/history/", views.decision_history, name="decision-history"),
    path("history/<path:subject>/", views.subject_history, name="history"),
]

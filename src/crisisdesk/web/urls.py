from django.contrib.auth import views as auth_views
from django.urls import path

from crisisdesk.web import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.case_list, name="case-list"),
    path("cases/<slug:ref>/", views.case_detail, name="case-detail"),
]

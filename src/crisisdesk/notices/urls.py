from django.urls import path

from crisisdesk.notices import views

urlpatterns = [
    path("notices/", views.register, name="notices-register"),
    path("notices/cases/<slug:ref>/", views.case_page, name="notices-case"),
    path("notices/cases/<slug:ref>/lessons/", views.lesson_add, name="notices-lesson-add"),
    path("notices/cases/<slug:ref>/report/", views.report_page, name="notices-report"),
    path("notices/cases/<slug:ref>/report.pdf", views.report_page, {"fmt": "pdf"}, name="notices-report-pdf"),
    path("notices/duties/<int:duty_id>/", views.duty_page, name="notices-duty"),
    path("notices/duties/<int:duty_id>/<slug:verb>/", views.duty_act, name="notices-duty-act"),
    path("notices/statements/<int:statement_id>/", views.statement_page, name="notices-statement"),
    path("notices/statements/<int:statement_id>/<slug:verb>/", views.statement_act, name="notices-statement-act"),
    path("notices/lessons/<int:lesson_id>/", views.lesson_update, name="notices-lesson-update"),
    path("public/statements/", views.public_list, name="public-statements"),
    path("public/statements/feed.atom", views.public_feed, name="public-feed"),
    path("public/statements/<uuid:uid>/", views.public_statement, name="public-statement"),
]

"""/reports/ (namespace ``reports``)."""

from django.urls import path

from services.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("log/", views.export_log, name="export_log"),
    path("<str:code>/", views.report_start, name="report_start"),
]

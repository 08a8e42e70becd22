"""/reports/ (namespace ``reports``)."""

from django.urls import path

from services.reports import views
from services.reports.builder import views as builder

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("log/", views.export_log, name="export_log"),
    # the table builder (一表通), before the reports' codes
    path("builder/", builder.builder, name="builder"),
    path("builder/preview/", builder.builder_preview, name="builder_preview"),
    path("builder/export/", builder.builder_export, name="builder_export"),
    path("builder/save/", builder.builder_save, name="builder_save"),
    path("builder/form/", builder.builder_form, name="builder_form"),
    path("builder/edit/", builder.builder_edit, name="builder_edit"),
    path("builder/templates/<int:pk>/", builder.template_open, name="builder_template"),
    path(
        "builder/templates/<int:pk>/export/",
        builder.template_export,
        name="builder_template_export",
    ),
    path(
        "builder/templates/<int:pk>/delete/",
        builder.template_delete,
        name="builder_template_delete",
    ),
    path("<str:code>/", views.report_start, name="report_start"),
]

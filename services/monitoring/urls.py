"""/services/monitoring/ (namespace ``monitoring``)."""

from django.urls import path

from services.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/step/<slug:step>/", views.step_record, name="step_record"),
    path("cases/<int:pk>/risk/", views.risk_level_set, name="risk_level_set"),
    path("cases/<int:pk>/close/", views.lead_close, name="lead_close"),
    path("cases/<int:pk>/clearing/", views.clearing_start, name="clearing_start"),
    path("cases/<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("cases/<int:pk>/authorisation/", views.authorisation_file, name="authorisation_file"),
    path("cases/<int:pk>/notice/", views.notice, name="case_notice"),
    path("notice/", views.notice, name="notice"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/<int:pk>/done/", views.measure_done, name="measure_done"),
    path("thresholds/", views.threshold_list, name="threshold_list"),
    path("visits/", views.visit_figures, name="visit_figures"),
    path("visits/households/", views.visit_households, name="visit_households"),
]

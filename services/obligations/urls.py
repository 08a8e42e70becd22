from django.urls import path

from services.obligations import views

urlpatterns = [
    path("obligations/", views.unit_dashboard, name="unit_dashboard"),
    path("obligations/units/<slug:code>/", views.unit_dashboard_for, name="unit_dashboard_for"),
    path("obligations/rules/<slug:code>/", views.rule_list, name="rule_list"),
    path("obligations/overview/", views.supervisor_overview, name="supervisor_overview"),
]

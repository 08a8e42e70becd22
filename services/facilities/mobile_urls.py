"""Phone pages: a building leader reports a facility problem (namespace ``mobile``)."""

from django.urls import path

from services.facilities import mobile_views

urlpatterns = [
    path("facilities/", mobile_views.facility_list, name="facility_list"),
    path("facilities/<int:pk>/report/", mobile_views.facility_report, name="facility_report"),
]

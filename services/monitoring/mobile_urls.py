"""Monitoring's phone page under /m/ (namespace ``mobile``)."""

from django.urls import path

from services.monitoring import views

urlpatterns = [path("monitoring/visit/", views.mobile_visit, name="monitoring_visit")]

"""Phone pages of this app under /m/ (namespace ``mobile``, see tonglowan/urls_mobile.py)."""

from django.urls import path

from services.requests import mobile_views as request_mobile_views

urlpatterns: list = [
    path("requests/", request_mobile_views.request_list, name="request_list"),
    path("requests/new/", request_mobile_views.request_create, name="request_create"),
    path("requests/<int:pk>/", request_mobile_views.request_detail, name="request_detail"),
]

"""Phone pages of this app under /m/ (namespace ``mobile``, see tonglowan/urls_mobile.py)."""

from django.urls import path

from buildings.mobile import views

urlpatterns: list = [
    path("hygiene/", views.hygiene_list, name="hygiene_list"),
    path("hygiene/new/", views.hygiene_create, name="hygiene_create"),
    path("hygiene/<int:pk>/", views.hygiene_detail, name="hygiene_detail"),
    path("hygiene/<int:pk>/photo/", views.hygiene_photo, name="hygiene_photo"),
]

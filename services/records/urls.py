"""Obligation records under /services/records/. Other pages link here with
``services:record_create`` (kwarg ``kind``, ``?person=<pk>`` or ``?household=<pk>``) and
``services:record_list`` (kwarg ``kind``)."""

from django.urls import path

from services.records import views

urlpatterns = [
    path("records/", views.record_home, name="record_home"),
    path("records/willingness/", views.training_willingness, name="training_willingness"),
    path("records/residencepermit/<int:pk>/endorse/", views.permit_endorse, name="permit_endorse"),
    path("records/allowance/<int:pk>/convert/", views.allowance_convert, name="allowance_convert"),
    path(
        "records/landholding/<int:pk>/events/new/",
        views.land_event_create,
        name="land_event_create",
    ),
    path("records/<str:kind>/", views.record_list, name="record_list"),
    path("records/<str:kind>/new/", views.record_create, name="record_create"),
    path("records/<str:kind>/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<str:kind>/<int:pk>/edit/", views.record_edit, name="record_edit"),
]

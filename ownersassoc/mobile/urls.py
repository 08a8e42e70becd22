"""Phone pages of the owners' side under /m/ (namespace ``mobile``, see
tonglowan/urls_mobile.py)."""

from django.urls import path

from ownersassoc.mobile import views

urlpatterns: list = [
    path("owners/", views.ballot_meetings, name="ballot_meetings"),
    path("owners/<int:pk>/", views.ballot_owners, name="ballot_owners"),
    path("owners/<int:pk>/vote/<int:person_pk>/", views.ballot_collect, name="ballot_collect"),
]

"""Phone pages of this app under /m/ (namespace ``mobile``, see tonglowan/urls_mobile.py)."""

from django.urls import path

from households.mobile import views

urlpatterns: list = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("households/", views.household_list, name="household_list"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/propose-member/", views.proposal_member, name="proposal_member"),
    path("people/<int:pk>/", views.person_status, name="person_status"),
    path("people/<int:pk>/propose/", views.proposal_change, name="proposal_change"),
    path("people/<int:pk>/propose-leave/", views.proposal_leave, name="proposal_leave"),
    path("representatives/", views.representative_list, name="representative_list"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("publicity/new/", views.publicity_create, name="publicity_create"),
]

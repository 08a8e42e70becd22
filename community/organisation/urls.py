from django.urls import path

from . import views

urlpatterns = [
    path("organisation/", views.organisation_chart, name="organisation"),
    path("organisation/terms/new/", views.term_create, name="term_create"),
    path("organisation/holders/new/", views.holding_start, name="holding_start"),
    path("recruitment/", views.recruitment_list, name="recruitment_list"),
    path("recruitment/new/", views.recruitment_create, name="recruitment_create"),
    path("recruitment/<int:pk>/", views.recruitment_detail, name="recruitment_detail"),
    path("applicants/<int:pk>/decide/", views.applicant_decide, name="applicant_decide"),
    path("groups/", views.resident_group_list, name="resident_group_list"),
    path("groups/<int:pk>/", views.resident_group_detail, name="resident_group_detail"),
    path("members/", views.people_registers, name="people_registers"),
]

from django.urls import path

from services.facilities import views

urlpatterns = [
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/new/", views.facility_create, name="facility_create"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/staff/new/", views.clinic_staff_add, name="clinic_staff_add"),
    path("facilities/<int:pk>/report/", views.facility_report, name="facility_report"),
]

from django.urls import path

from services.policelog import views

urlpatterns = [
    path("police-log/", views.incident_list, name="incident_list"),
    path("police-log/new/", views.incident_create, name="incident_create"),
    path("police-log/<int:pk>/", views.incident_detail, name="incident_detail"),
]

from django.urls import path

from services.firesafety import views

urlpatterns = [
    path("fire-safety/", views.inspection_list, name="fire_inspection_list"),
    path("fire-safety/new/", views.inspection_create, name="fire_inspection_create"),
    path("fire-safety/<int:pk>/", views.inspection_detail, name="fire_inspection_detail"),
    path(
        "fire-safety/<int:pk>/evidence/", views.inspection_evidence, name="fire_inspection_evidence"
    ),
]

from django.urls import path

from buildings import views
from buildings.hygiene import views as hygiene_views

app_name = "buildings"
urlpatterns = [
    path("", views.building_list, name="building_list"),
    path("<int:pk>/", views.building_detail, name="building_detail"),
    path("hygiene/", hygiene_views.hygiene_ranking, name="hygiene_ranking"),
]

from django.urls import path

from buildings import views
from buildings.hygiene import views as hygiene_views
from buildings.premises import views as premises_views

app_name = "buildings"
urlpatterns = [
    path("", views.building_list, name="building_list"),
    path("<int:pk>/", views.building_detail, name="building_detail"),
    path("hygiene/", hygiene_views.hygiene_ranking, name="hygiene_ranking"),
    path("premises/", premises_views.premises_list, name="premises_list"),
    path("premises/<int:pk>/", premises_views.premises_detail, name="premises_detail"),
    path(
        "premises/payments/<int:pk>/reverse/",
        premises_views.rent_payment_reverse,
        name="rent_payment_reverse",
    ),
]

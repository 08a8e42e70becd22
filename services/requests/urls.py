from django.urls import path

from services.requests import views

urlpatterns: list = [
    path("requests/", views.request_queue, name="request_queue"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/assign/", views.request_bulk_assign, name="request_bulk_assign"),
    path("requests/figures/", views.request_figures, name="request_figures"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/<slug:action>/", views.request_action, name="request_action"),
    path("requests/photos/<int:pk>/", views.request_photo, name="request_photo"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/count/", views.notification_count, name="notification_count"),
]

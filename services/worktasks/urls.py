from django.urls import path

from services.worktasks import views

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/evidence/<int:note_pk>/", views.task_evidence, name="task_evidence"),
    path(
        "tasks/<int:pk>/accountability/", views.accountability_create, name="accountability_create"
    ),
    path("accountability/", views.accountability_list, name="accountability_list"),
    path("accountability/<int:pk>/", views.accountability_edit, name="accountability_edit"),
]

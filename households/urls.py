from django.urls import path

from households import views
from households.imports import views as import_views
from households.proposals import views as proposal_views
from households.representatives import views as representative_views

app_name = "households"
urlpatterns = [
    path("overview/", views.dashboard, name="dashboard"),
    path("", views.household_list, name="household_list"),
    path("new/", views.household_create, name="household_create"),
    path("<int:pk>/", views.household_detail, name="household_detail"),
    path("<int:pk>/file/", views.household_file, name="household_file"),
    path("buildings/<int:building_pk>/files/", views.building_files, name="building_files"),
    path("<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("<int:household_pk>/members/new/", views.person_create, name="person_create"),
    path("people/", views.person_search, name="person_search"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/leave/", views.person_leave, name="person_leave"),
    # Review queue of the building leaders' proposals and lists of their field logs.
    path("proposals/", proposal_views.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", proposal_views.proposal_detail, name="proposal_detail"),
    path("visits/", proposal_views.visit_list, name="visit_list"),
    path("publicity/", proposal_views.publicity_list, name="publicity_list"),
    # Household representatives (户长) under the building leaders.
    path("representatives/", representative_views.representative_list, name="representative_list"),
    path(
        "representatives/<int:pk>/",
        representative_views.representative_detail,
        name="representative_detail",
    ),
    path(
        "representatives/<int:pk>/assign/",
        representative_views.representative_assign,
        name="representative_assign",
    ),
    path(
        "representatives/<int:pk>/release/",
        representative_views.representative_release,
        name="representative_release",
    ),
    path(
        "representatives/<int:pk>/end/",
        representative_views.representative_end,
        name="representative_end",
    ),
    # Roster import: template, upload and batches, a batch's progress, preview and confirm.
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/template/", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", import_views.import_status, name="import_status"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
]

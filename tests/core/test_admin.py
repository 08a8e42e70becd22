"""Every model registered in the admin: its changelist renders for the administrator,
with a search where it has search fields."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_changelist_renders_with_and_without_a_search(
    client_for, admin_user, household_a, app_label, model_name
):
    client = client_for(admin_user)
    url = reverse(f"admin:{app_label}_{model_name}_changelist")

    assert client.get(url).status_code == 200
    model_admin = next(
        a
        for m, a in admin.site._registry.items()
        if m._meta.model_name == model_name and m._meta.app_label == app_label
    )
    if model_admin.search_fields:
        assert client.get(url, {"q": "温"}).status_code == 200


def test_every_foundation_model_is_registered():
    for label in [
        ("buildings", "building"),
        ("buildings", "dwelling"),
        ("buildings", "buildingleaderterm"),
        ("households", "household"),
        ("households", "person"),
        ("households", "householdincome"),
        ("community", "department"),
        ("community", "userprofile"),
        ("core", "auditlog"),
        ("core", "job"),
        ("core", "dailyrun"),
        ("core", "notification"),
    ]:
        assert label in REGISTERED


def test_person_search_by_full_id_number_finds_exactly_that_person(
    client_for, admin_user, household_a, household_b
):
    head = household_a.members.get()

    response = client_for(admin_user).get(
        reverse("admin:households_person_changelist"), {"q": head.id_number.lower()}
    )

    assert list(response.context["cl"].result_list) == [head]


def test_person_search_by_name_prefix(client_for, admin_user, household_a, household_b):
    head = household_a.members.get()

    response = client_for(admin_user).get(
        reverse("admin:households_person_changelist"), {"q": head.name[:3]}
    )

    assert head in list(response.context["cl"].result_list)


def test_household_search_by_number_start_or_building_number(
    client_for, admin_user, household_a, household_b
):
    url = reverse("admin:households_household_changelist")
    client = client_for(admin_user)

    by_building = client.get(url, {"q": household_b.dwelling.building.code})
    by_number = client.get(url, {"q": household_a.number})

    assert list(by_building.context["cl"].result_list) == [household_b]
    assert list(by_number.context["cl"].result_list) == [household_a]

"""一户一档: the printable household file and the whole building's print; ID numbers masked
unless asked for in full by a user allowed to, and such a print logged as a full view."""

import pytest
from django.urls import reverse

from core.models import AuditLog
from households.fieldlogs.models import Visit
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_household_file_shows_the_facts_members_visits_and_sections(
    client_for, staff_user, leader_a, household_a
):
    head = household_a.members.get()
    Visit.objects.create(
        household=household_a, reason="fact_check", note="核实人口", visited_by=leader_a
    )
    response = client_for(staff_user).get(
        reverse("households:household_file", args=[household_a.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="file-{household_a.pk}"' in html
    assert head.name in html and "核实人口" in html
    assert head.masked_id_number in html and head.id_number not in html
    assert "css/household_file.css" in html and "css/print.css" in html
    # sections contributed by the apps above the registry (records, requests, obligations)
    assert len(response.context["files"][0]["extra_sections"]) >= 2
    assert not AuditLog.objects.exists()


def test_a_full_id_print_is_logged_as_a_full_view(client_for, staff_user, household_a):
    head = household_a.members.get()
    html = (
        client_for(staff_user)
        .get(reverse("households:household_file", args=[household_a.pk]), {"ids": "full"})
        .content.decode()
    )
    assert head.id_number in html
    log = AuditLog.objects.get()
    assert (log.action, log.user, log.detail) == ("view_full_id", staff_user, {"print": True})
    assert household_a.number in log.target


def test_a_user_without_the_permission_gets_masked_ids_and_no_log(
    client_for, department_user, household_a
):
    head = household_a.members.get()
    html = (
        client_for(department_user)
        .get(reverse("households:household_file", args=[household_a.pk]), {"ids": "full"})
        .content.decode()
    )
    assert head.id_number not in html and head.masked_id_number in html
    assert not AuditLog.objects.exists()


def test_a_leader_never_prints_another_buildings_file(
    client_for, leader_a, household_a, household_b
):
    client = client_for(leader_a)
    assert (
        client.get(reverse("households:household_file", args=[household_a.pk])).status_code == 200
    )
    assert (
        client.get(reverse("households:household_file", args=[household_b.pk])).status_code == 404
    )


def test_building_print_has_every_household_living_there_in_room_order(
    client_for, staff_user, building_a
):
    made = []
    for room in ("0201", "0101"):
        household = HouseholdFactory(
            dwelling=DwellingFactory(building=building_a, room=room, floor=int(room[1]))
        )
        PersonFactory(household=household, relationship="01")
        made.append(household)
    HouseholdFactory(dwelling=DwellingFactory(building=building_a), is_active=False)
    response = client_for(staff_user).get(
        reverse("households:building_files", args=[building_a.pk])
    )
    assert [f["household"].pk for f in response.context["files"]] == [made[1].pk, made[0].pk]
    assert response.content.decode().count('class="household-file"') == 2


def test_building_print_costs_a_fixed_number_of_queries_per_household(
    client_for, staff_user, building_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(staff_user)
    url = reverse("households:building_files", args=[building_a.pk])
    client.get(url)
    counts = []
    for _ in range(3):
        household = HouseholdFactory(dwelling=DwellingFactory(building=building_a))
        PersonFactory(household=household, relationship="01")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts.append(len(captured))
    # each household adds the same queries (members, visits, two history tables, and its
    # sections: requests, records, obligations), whatever its number of members
    assert counts[1] - counts[0] == counts[2] - counts[1] > 0

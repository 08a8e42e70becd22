"""一户一档: the printable household file and the whole building's print; ID numbers masked
unless asked for in full by a user allowed to, and such a print logged as a full view."""

import datetime
import re

import pytest
from django.urls import reverse

from core.models import AuditLog
from households import services
from households.fieldlogs.models import Visit
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory
from tests.services.monitoring_helpers import lead
from tests.services.record_factories import (
    AllowanceFactory,
    EmploymentFactory,
    LandHoldingFactory,
    LandRightEventFactory,
    TrainingFactory,
)
from tests.services.request_factories import ResidentRequestFactory

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


def _lived_in_household(building, n, *, staff):
    """A household of ``building`` with a bit of everything its file shows: a head and two
    members (one edited, one moved away), visits, service records of both kinds of subject,
    requests and a monitoring case."""
    household = HouseholdFactory(
        dwelling=DwellingFactory(building=building, room=f"{n + 1:02d}01", floor=n % 6 + 1)
    )
    head = PersonFactory(household=household, relationship="01", name=f"户主{n}")
    PersonFactory(household=household, relationship="10", sex="F", name=f"配偶{n}")
    child = PersonFactory(household=household, relationship="20", name=f"子女{n}")
    services.person_update(person=child, expected_version=child.version, phone="13800138000")
    child.refresh_from_db()
    services.person_leave(
        person=child,
        expected_version=child.version,
        left_on=datetime.date(2025, 3, 1),
        reason="moved_away",
    )
    for day in (1, 2):
        Visit.objects.create(
            household=household,
            reason="fact_check",
            note=f"走访{n}-{day}",
            visited_by=staff,
            visited_on=datetime.date(2025, 5, day),
        )
    TrainingFactory(person=head, course=f"电工{n}")
    EmploymentFactory(person=head)
    AllowanceFactory(household=household, person=head, kind="disability")
    LandRightEventFactory(holding=LandHoldingFactory(household=household))
    household.requests_made = [
        ResidentRequestFactory(household=household),
        ResidentRequestFactory(household=household, state="closed", category="hygiene"),
    ]
    lead(household, staff, fact=f"生病住院{n}")
    return household


def _article(html: str, pk: int) -> str:
    """One household's file from a print, without its header (the time of printing)."""
    start = html.index(f'<article class="household-file" id="file-{pk}">')
    article = html[start : html.index("</article>", start)]
    return re.sub(r"<header.*?</header>", "", article, flags=re.S)


@pytest.mark.parametrize("households", [2, 20])
def test_building_print_costs_the_same_queries_for_any_number_of_households(
    client_for, staff_user, building_a, django_assert_num_queries, households
):
    for n in range(households):
        _lived_in_household(building_a, n, staff=staff_user)
    client = client_for(staff_user)
    url = reverse("households:building_files", args=[building_a.pk])
    client.get(url)
    # 1 session, 1 user, 1 building with its counts, 1 its current leader terms,
    # 1 the households with dwelling and building, then for all of them together:
    # 1 members, 1 visits, 2 history (households, members) (the user's permissions, for
    # full ID numbers, come from the cache), and the sections of the apps above the registry:
    # 1 requests, 10 service records (one per kind) and 1 the land holdings' events,
    # 1 unmet obligations, 3 monitoring cases with their steps and measures; and 1 the
    # user's profile (the page header). The same for 2 households and for 20.
    with django_assert_num_queries(26):
        response = client.get(url)
    assert len(response.context["files"]) == households
    assert response.content.decode().count('class="household-file"') == households


def test_building_print_gives_each_household_the_same_file_as_its_own_print(
    client_for, staff_user, building_a, building_b
):
    made = [_lived_in_household(building_a, n, staff=staff_user) for n in range(3)]
    _lived_in_household(building_b, 9, staff=staff_user)  # another building's: not printed
    client = client_for(staff_user)
    building_print = client.get(reverse("households:building_files", args=[building_a.pk]))
    assert [f["household"].pk for f in building_print.context["files"]] == [h.pk for h in made]
    for household in made:
        own = client.get(reverse("households:household_file", args=[household.pk]))
        file = _article(building_print.content.decode(), household.pk)
        assert file == _article(own.content.decode(), household.pk)
        # the same sections, each with this household's facts and no other's
        n = made.index(household)
        for expected in (
            f"户主{n}",
            f"子女{n}",
            f"走访{n}-2",
            f"电工{n}",
            *(reverse("services:request_detail", args=[r.pk]) for r in household.requests_made),
            f"生病住院{n}",
            'id="service-records"',
            'id="household-requests"',
            'id="failed-rules"',
            'id="monitoring-timeline"',
            "13800138000",
        ):
            assert expected in file
        for other in set(range(3)) - {n} | {9}:
            assert f"户主{other}<" not in file and f"电工{other}<" not in file
        assert [len(f["extra_sections"]) for f in own.context["files"]] == [4]


def test_a_full_id_building_print_shows_every_number_and_is_logged_once(
    client_for, staff_user, building_a
):
    made = [_lived_in_household(building_a, n, staff=staff_user) for n in range(2)]
    html = (
        client_for(staff_user)
        .get(reverse("households:building_files", args=[building_a.pk]), {"ids": "full"})
        .content.decode()
    )
    for household in made:
        for person in household.members.all():
            assert person.id_number in html
    log = AuditLog.objects.get()
    assert (log.action, log.detail) == ("view_full_id", {"print": True})
    assert building_a.code in log.target


def test_a_masked_building_print_shows_no_full_number(client_for, staff_user, building_a):
    made = [_lived_in_household(building_a, n, staff=staff_user) for n in range(2)]
    html = (
        client_for(staff_user)
        .get(reverse("households:building_files", args=[building_a.pk]))
        .content.decode()
    )
    for household in made:
        for person in household.members.all():
            assert person.id_number not in html and person.masked_id_number in html
    assert not AuditLog.objects.exists()

"""A leader reaches only the households of the buildings of their current terms: another
building's households are a 404, like missing ones, and an ended term ends access at once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from buildings.models import BuildingLeaderTerm, HygieneCheck
from buildings.services import leader_term_end
from households.models import MemberChangeProposal, Visit


@pytest.fixture
def member_b(household_b):
    return household_b.members.get()


def test_home_lists_only_the_leaders_building(client_for, leader_a, household_a, household_b):
    response = client_for(leader_a).get(reverse("mobile:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="building-A"' in html
    assert 'id="building-B"' not in html
    assert household_a.members.get().name in html
    assert household_b.members.get().name not in html


@pytest.mark.parametrize("name", ["mobile:household_detail", "mobile:proposal_member"])
def test_household_pages_of_another_building_are_404(client_for, leader_a, household_b, name):
    client = client_for(leader_a)
    assert client.get(reverse(name, args=[household_b.pk])).status_code == 404
    assert (
        client.post(
            reverse(name, args=[household_b.pk]), {"phone": "13900000000", "version": 1}
        ).status_code
        == 404
    )
    household_b.refresh_from_db()
    assert household_b.phone == "" and household_b.confirmed_at is None
    assert not MemberChangeProposal.objects.exists()


@pytest.mark.parametrize(
    "name", ["mobile:person_status", "mobile:proposal_change", "mobile:proposal_leave"]
)
def test_person_pages_of_another_building_are_404(client_for, leader_a, member_b, name):
    client = client_for(leader_a)
    before = (member_b.name, member_b.phone, member_b.version)
    assert client.get(reverse(name, args=[member_b.pk])).status_code == 404
    response = client.post(
        reverse(name, args=[member_b.pk]), {"name": "改名", "phone": "13900000000", "version": 1}
    )
    assert response.status_code == 404
    member_b.refresh_from_db()
    assert (member_b.name, member_b.phone, member_b.version) == before
    assert not MemberChangeProposal.objects.exists()


def test_leader_cannot_record_a_visit_for_another_building(
    client_for, leader_a, household_a, household_b
):
    response = client_for(leader_a).post(
        reverse("mobile:visit_create"),
        {"household": household_b.pk, "visited_on": "2026-11-01", "reason": "routine"},
    )
    assert response.status_code == 200
    assert "household" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_hygiene_of_another_building_is_out_of_reach(client_for, leader_a, building_b, staff_user):
    check = HygieneCheck.objects.create(
        building=building_b, area="1楼", score=80, checked_by=staff_user
    )
    client = client_for(leader_a)
    assert client.get(reverse("mobile:hygiene_detail", args=[check.pk])).status_code == 404
    response = client.post(
        reverse("mobile:hygiene_create"),
        {"building": building_b.pk, "area": "2楼", "checked_on": "2026-11-01", "score": 90},
    )
    assert "building" in response.context["form"].errors
    assert HygieneCheck.objects.count() == 1


def test_term_end_removes_access_at_once(client_for, leader_a, household_a):
    client = client_for(leader_a)
    url = reverse("mobile:household_detail", args=[household_a.pk])
    assert client.get(url).status_code == 200
    term = BuildingLeaderTerm.objects.get(user=leader_a)
    leader_term_end(term=term, ended_on=timezone.localdate())
    assert client.get(url).status_code == 404
    home = client.get(reverse("mobile:home"))
    assert 'id="no-building"' in home.content.decode()
    assert household_a.members.get().name not in home.content.decode()


def test_staff_and_outsiders_have_no_phone_scope(client_for, staff_user, outsider, household_a):
    for user in (staff_user, outsider):
        client = client_for(user)
        assert (
            client.get(reverse("mobile:household_detail", args=[household_a.pk])).status_code == 404
        )
        assert 'id="no-building"' in client.get(reverse("mobile:home")).content.decode()


def test_a_future_term_gives_no_access_yet(client_for, building_a, household_a):
    from django.contrib.auth.models import Group

    from community.roles import Role
    from tests.households.factories import UserFactory

    user = UserFactory(username="next_leader")
    user.groups.add(Group.objects.get(name=Role.BUILDING_LEADER.value))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    BuildingLeaderTerm.objects.create(
        building=building_a, user=user, elected_on=tomorrow, started_on=tomorrow
    )
    assert (
        client_for(user).get(reverse("mobile:household_detail", args=[household_a.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("persona", ["leader_a", "department_user", "supervisor_user", "outsider"])
def test_review_queue_is_for_staff_only(request, client_for, persona, staff_user):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("households:proposal_list")).status_code == 403
    assert client_for(staff_user).get(reverse("households:proposal_list")).status_code == 200


@pytest.mark.parametrize("persona", ["leader_a", "department_user", "outsider"])
def test_hygiene_ranking_is_not_for_leaders_or_departments(request, client_for, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("buildings:hygiene_ranking")).status_code == 403


@pytest.mark.parametrize(
    "persona", ["admin_user", "staff_user", "department_user", "supervisor_user", "outsider"]
)
def test_only_the_buildings_leader_reaches_its_households_on_the_phone(
    request, client_for, persona, leader_a, household_a
):
    person = household_a.members.get()
    assert (
        client_for(leader_a)
        .get(reverse("mobile:household_detail", args=[household_a.pk]))
        .status_code
        == 200
    )
    client = client_for(request.getfixturevalue(persona))
    for name, pk in (
        ("mobile:household_detail", household_a.pk),
        ("mobile:person_status", person.pk),
        ("mobile:proposal_change", person.pk),
        ("mobile:proposal_member", household_a.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name


def test_staff_nav_links_the_review_queue_and_the_ranking(client_for, staff_user, department_user):
    page = client_for(staff_user).get(reverse("households:dashboard")).content.decode()
    assert reverse("households:proposal_list") in page
    assert reverse("buildings:hygiene_ranking") in page
    other = client_for(department_user).get(reverse("households:dashboard")).content.decode()
    assert reverse("households:proposal_list") not in other


def test_preselecting_a_household_of_another_building_is_404(
    client_for, leader_a, household_a, household_b
):
    client = client_for(leader_a)
    assert (
        client.get(reverse("mobile:visit_create"), {"household": household_a.pk}).status_code == 200
    )
    assert (
        client.get(reverse("mobile:visit_create"), {"household": household_b.pk}).status_code == 404
    )
    assert client.get(reverse("mobile:visit_create"), {"household": "x"}).status_code == 404

"""Household representatives (户长): appointing a resident of the building, assigning and
releasing households of that building only, at most one current representative per
household (service and database), ending a term, the staff pages by persona, the leader's
phone page scoped to their building, and the household pages naming the representative."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from households.representatives import services
from households.representatives.models import HouseholdRepresentative, RepresentedHousehold
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date(2024, 3, 1)


def _household(building, room, name):
    household = HouseholdFactory(dwelling=DwellingFactory(building=building, room=room))
    person = PersonFactory(household=household, relationship="01", name=name)
    return household, person


@pytest.fixture
def block(building_a, building_b, staff_user):
    """Building A: the representative 钟秀兰 (room 201) and two neighbours; building B: one
    household with its own representative."""
    home, rep_person = _household(building_a, "201", "钟秀兰")
    n1, _p = _household(building_a, "202", "刘有福")
    n2, _p = _household(building_a, "203", "赖春生")
    b1, b_person = _household(building_b, "101", "温金秀")
    rep = services.representative_appoint(
        building=building_a, person=rep_person, started_on=D, actor=staff_user
    )
    rep_b = services.representative_appoint(
        building=building_b, person=b_person, started_on=D, actor=staff_user
    )
    services.household_assign(representative=rep_b, household=b1, started_on=D, actor=staff_user)
    return {"rep": rep, "rep_b": rep_b, "home": home, "n1": n1, "n2": n2, "b1": b1}


def test_a_resident_of_another_building_is_not_appointed(block, building_a, staff_user):
    b_person = block["b1"].members.get()
    with pytest.raises(ValidationError) as exc:
        services.representative_appoint(
            building=building_a, person=b_person, started_on=D, actor=staff_user
        )
    assert "不住在" in exc.value.message_dict["person"][0]


def test_one_current_term_per_resident(block, building_a, staff_user):
    person = block["rep"].person
    with pytest.raises(ValidationError, match="已是"):
        services.representative_appoint(
            building=building_a, person=person, started_on=D, actor=staff_user
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdRepresentative.objects.create(
            building=building_a, person=person, started_on=D, appointed_by=staff_user
        )


def test_households_of_the_building_only(block, staff_user):
    rep = block["rep"]
    services.household_assign(
        representative=rep, household=block["n1"], started_on=D, actor=staff_user
    )
    with pytest.raises(ValidationError) as exc:
        services.household_assign(
            representative=rep, household=block["b1"], started_on=D, actor=staff_user
        )
    assert block["b1"].number in exc.value.message_dict["household"][0]
    assert list(rep.assignments.values_list("household", flat=True)) == [block["n1"].pk]


def test_a_household_has_at_most_one_current_representative(block, building_a, staff_user):
    rep = block["rep"]
    services.household_assign(
        representative=rep, household=block["n1"], started_on=D, actor=staff_user
    )
    other_person = block["n2"].members.get()
    other = services.representative_appoint(
        building=building_a, person=other_person, started_on=D, actor=staff_user
    )
    with pytest.raises(ValidationError) as exc:
        services.household_assign(
            representative=other, household=block["n1"], started_on=D, actor=staff_user
        )
    assert "钟秀兰" in exc.value.message_dict["household"][0]
    # The database refuses it too, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        RepresentedHousehold.objects.create(
            representative=other, household=block["n1"], started_on=D, assigned_by=staff_user
        )
    # Released, the household may be assigned again; the old assignment is kept.
    assignment = rep.assignments.get()
    services.household_release(assignment=assignment, ended_on=D, actor=staff_user)
    services.household_assign(
        representative=other, household=block["n1"], started_on=D, actor=staff_user
    )
    assert RepresentedHousehold.objects.filter(household=block["n1"]).count() == 2


def test_ending_a_term_releases_its_households_and_keeps_the_record(block, staff_user):
    rep = block["rep"]
    for h in (block["n1"], block["n2"]):
        services.household_assign(representative=rep, household=h, started_on=D, actor=staff_user)
    with pytest.raises(ValidationError, match="早于"):
        services.representative_end(
            representative=rep, ended_on=D - datetime.timedelta(days=1), actor=staff_user
        )
    end = D + datetime.timedelta(days=90)
    services.representative_end(representative=rep, ended_on=end, actor=staff_user)
    rep.refresh_from_db()
    assert rep.ended_on == end
    assert set(rep.assignments.values_list("ended_on", flat=True)) == {end}
    with pytest.raises(ValidationError, match="任期已结束"):
        services.household_assign(
            representative=rep, household=block["home"], started_on=end, actor=staff_user
        )


def test_a_representative_looks_after_a_few_households(block, staff_user, settings):
    settings.REPRESENTATIVE_MAX_HOUSEHOLDS = 1
    rep = block["rep"]
    services.household_assign(
        representative=rep, household=block["n1"], started_on=D, actor=staff_user
    )
    with pytest.raises(ValidationError, match="最多"):
        services.household_assign(
            representative=rep, household=block["n2"], started_on=D, actor=staff_user
        )


# --- the staff pages --------------------------------------------------------------------


def test_staff_appoint_assign_release_and_end_on_the_pages(
    block, building_a, client_for, staff_user
):
    client = client_for(staff_user)
    url = reverse("households:representative_list")
    page = client.get(url, {"building": "A"}).content.decode()
    assert 'id="appoint"' in page and "刘有福" in page
    person = block["n1"].members.get()
    response = client.post(
        url + "?building=A", {"person": person.pk, "started_on": "2024-04-01", "note": "2单元"}
    )
    rep = HouseholdRepresentative.objects.get(person=person)
    assert response.status_code == 302 and response.url == rep.get_absolute_url()
    # A resident of building B is not offered in building A's form and is refused.
    b_person = block["b1"].members.get()
    response = client.post(url + "?building=A", {"person": b_person.pk, "started_on": "2024-04-01"})
    assert (
        response.status_code == 200
        and not HouseholdRepresentative.objects.filter(
            person=b_person, building=building_a
        ).exists()
    )
    detail = client.get(rep.get_absolute_url()).content.decode()
    assert block["n2"].number in detail and block["b1"].number not in detail
    assign = reverse("households:representative_assign", args=[rep.pk])
    assert (
        client.post(assign, {"household": block["n2"].pk, "started_on": "2024-04-02"}).status_code
        == 302
    )
    # Building B's household is not in the choices: the form names the field.
    response = client.post(assign, {"household": block["b1"].pk, "started_on": "2024-04-02"})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assignment = rep.assignments.get()
    release = reverse("households:representative_release", args=[rep.pk])
    assert (
        client.post(release, {"assignment": assignment.pk, "ended_on": "2024-05-01"}).status_code
        == 302
    )
    assignment.refresh_from_db()
    assert assignment.ended_on == datetime.date(2024, 5, 1)
    end = reverse("households:representative_end", args=[rep.pk])
    assert client.post(end, {"ended_on": "2024-03-01"}).status_code == 200  # before its start
    assert client.post(end, {"ended_on": "2024-06-01"}).status_code == 302
    rep.refresh_from_db()
    assert rep.ended_on == datetime.date(2024, 6, 1)
    listing = client.get(url).content.decode()
    assert "刘有福" not in listing and "刘有福" in client.get(url, {"show": "all"}).content.decode()


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("staff_user", 200, 302),
        ("admin_user", 200, 302),
        ("supervisor_user", 200, 403),
        ("department_user", 200, 403),
        ("outsider", 403, 403),
    ],
)
def test_pages_by_persona(request, block, client_for, persona, read, write):
    client = client_for(request.getfixturevalue(persona))
    rep = block["rep"]
    assert client.get(reverse("households:representative_list")).status_code == read
    assert client.get(rep.get_absolute_url()).status_code == read
    response = client.post(
        reverse("households:representative_assign", args=[rep.pk]),
        {"household": block["n1"].pk, "started_on": "2024-04-02"},
    )
    assert response.status_code == write
    assert rep.assignments.exists() is (write == 302)


def test_a_leader_never_sees_another_buildings_representatives(
    block, leader_a, client_for, staff_user
):
    services.household_assign(
        representative=block["rep"], household=block["n1"], started_on=D, actor=staff_user
    )
    client = client_for(leader_a)
    page = client.get(reverse("mobile:representative_list")).content.decode()
    assert "钟秀兰" in page and "刘有福" in page
    assert "温金秀" not in page and block["b1"].number not in page
    assert 'id="unrepresented"' in page  # 201 and 203 have none
    assert client.get(block["rep_b"].get_absolute_url()).status_code == 404
    assert client.get(block["rep"].get_absolute_url()).status_code == 200
    listing = client.get(reverse("households:representative_list")).content.decode()
    assert "钟秀兰" in listing and "温金秀" not in listing
    assert (
        client.get(reverse("households:representative_list"), {"building": "B"}).status_code == 404
    )
    # Its own household's page on the phone names the representative.
    detail = client.get(reverse("mobile:household_detail", args=[block["n1"].pk])).content.decode()
    assert 'id="representative"' in detail and "钟秀兰" in detail
    home = client.get(reverse("mobile:home")).content.decode()
    assert reverse("mobile:representative_list") in home


def test_a_leader_whose_term_ended_sees_none(block, leader_a, client_for):
    from buildings.models import BuildingLeaderTerm
    from buildings.services import leader_term_end

    leader_term_end(term=BuildingLeaderTerm.objects.get(user=leader_a), ended_on=D)
    page = client_for(leader_a).get(reverse("mobile:representative_list")).content.decode()
    assert "钟秀兰" not in page


def test_the_household_page_names_its_representative(block, client_for, staff_user):
    services.household_assign(
        representative=block["rep"], household=block["n1"], started_on=D, actor=staff_user
    )
    page = client_for(staff_user).get(block["n1"].get_absolute_url()).content.decode()
    assert 'id="household-representative"' in page and "钟秀兰" in page
    page = client_for(staff_user).get(block["n2"].get_absolute_url()).content.decode()
    assert "钟秀兰" not in page


@pytest.mark.parametrize("n", [1, 6])
def test_list_pages_have_constant_queries(
    n, building_a, staff_user, leader_a, client_for, django_assert_num_queries
):
    for i in range(n):
        home, person = _household(building_a, f"3{i:02d}", f"户长{i}")
        rep = services.representative_appoint(
            building=building_a, person=person, started_on=D, actor=staff_user
        )
        neighbour, _p = _household(building_a, f"4{i:02d}", f"邻居{i}")
        services.household_assign(
            representative=rep, household=neighbour, started_on=D, actor=staff_user
        )
    client = client_for(staff_user)
    client.get(
        reverse("households:representative_list")
    )  # roles and permissions: read once, then kept
    # session, user, representatives, their households, the households' heads, the
    # user's profile (header), buildings of the filter (permissions: from the cache)
    with django_assert_num_queries(7):
        page = client.get(reverse("households:representative_list"))
    assert page.content.decode().count('class="representative-row"') == n
    client = client_for(leader_a)
    client.get(reverse("mobile:representative_list"))
    # session, user, leader terms, representatives, households, heads, the
    # households without one (the permissions come from the cache)
    with django_assert_num_queries(7):
        page = client.get(reverse("mobile:representative_list"))
    assert page.content.decode().count('class="representative"') == n


def test_the_demo_has_representatives_in_the_leaders_buildings():
    import random

    from buildings.models import BuildingLeaderTerm
    from households.demo import registry as demo
    from households.demo.representatives import seed_representatives

    demo.seed_registry(households=150, rng=random.Random(2019), history=False)
    demo.seed_accounts()
    seed_representatives()
    reps = list(HouseholdRepresentative.objects.select_related("building"))
    leader_buildings = set(
        BuildingLeaderTerm.objects.current().values_list("building_id", flat=True)
    )
    assert len(reps) >= 3 and {r.building_id for r in reps} <= leader_buildings
    for rep in reps:
        households = rep.assignments.filter(ended_on__isnull=True)
        assert 2 <= households.count() <= 6
        assert not households.exclude(household__dwelling__building=rep.building).exists()
    seed_representatives()
    assert HouseholdRepresentative.objects.count() == len(reps)

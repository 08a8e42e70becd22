"""The phone pages' lists run a fixed number of queries, whatever the number of households."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from households.proposals.services import proposal_create_change
from services.requests.models import ResidentRequest
from tests.households.factories import PersonFactory


def _fill(building, make_household, leader, n):
    """n households in ``building``, each with a head and a second member; half with an
    open request and a pending proposal, so that every flag is exercised."""
    households = [make_household(building, phone="" if i % 2 else "13800000000") for i in range(n)]
    for i, household in enumerate(households):
        PersonFactory(household=household)
        if i % 2 == 0:
            ResidentRequest.objects.create(
                building=building,
                household=household,
                category="repairs",
                description="漏水",
                filed_by=leader,
                deadline=timezone.now() + datetime.timedelta(days=7),
            )
            proposal_create_change(
                person=household.members.first(), proposed_by=leader, fields={"name": f"新名{i}"}
            )
    return households


# Queries of a leader's page: 1 session, 2 user, 3 the user's groups (roles), 4 the leader's
# current terms (scope), then the page's own (below).
@pytest.mark.parametrize("n", [1, 12])
def test_home_query_count_is_constant(
    client_for, leader_a, building_a, make_household, django_assert_num_queries, n
):
    _fill(building_a, make_household, leader_a, n)
    client = client_for(leader_a)
    # 5 buildings, 6 households with flags, 7 their heads, 8 open requests per household
    # (services hook), 9 open hygiene problems, 10 households due for a visit and 11 their
    # risk levels (monitoring's home section, MOBILE_HOME_SECTIONS).
    with django_assert_num_queries(11):
        response = client.get(reverse("mobile:home"))
    assert len(response.context["attention"]) == n


@pytest.mark.parametrize("n", [1, 12])
def test_household_list_query_count_is_constant(
    client_for, leader_a, building_a, make_household, django_assert_num_queries, n
):
    _fill(building_a, make_household, leader_a, n)
    client = client_for(leader_a)
    # 5 households with flags, 6 their heads, 7 open requests per household (services hook).
    with django_assert_num_queries(7):
        response = client.get(reverse("mobile:household_list"))
    assert len(response.context["households"]) == n


@pytest.mark.parametrize("n", [1, 12])
def test_review_queue_query_count_is_constant(
    client_for, leader_a, staff_user, building_a, make_household, django_assert_num_queries, n
):
    _fill(building_a, make_household, leader_a, n * 2)
    client = client_for(staff_user)
    # 1 session, 2 user, 3-4 the user's own and group permissions (has_perm), 5 roles,
    # 6 count for the paginator, 7 the user's profile (page header), 8 the page of
    # proposals with household, person and proposer.
    with django_assert_num_queries(8):
        response = client.get(reverse("households:proposal_list"))
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [1, 12])
def test_hygiene_ranking_query_count_is_constant(
    client_for, staff_user, make_household, django_assert_num_queries, n
):
    from buildings.hygiene.services import hygiene_check_create
    from tests.households.factories import BuildingFactory

    for _i in range(n):
        hygiene_check_create(
            building=BuildingFactory(),
            checked_by=staff_user,
            area="1楼",
            checked_on=timezone.localdate(),
            score=80,
        )
    client = client_for(staff_user)
    # 1 session, 2 user, 3 roles, 4-5 the user's own and group permissions, 6 the user's
    # profile (page header), 7 ranking, 8 the month's checks.
    with django_assert_num_queries(8):
        response = client.get(reverse("buildings:hygiene_ranking"))
    assert len(response.context["ranking"]) == n


def _field_work(building, households, leader, n):
    from buildings.hygiene.services import hygiene_check_create
    from households.fieldlogs.services import publicity_create, visit_create

    for i in range(n):
        hygiene_check_create(
            building=building,
            checked_by=leader,
            area=f"{i}楼",
            checked_on=timezone.localdate(),
            score=70,
            problems="杂物" if i % 2 == 0 else "",
        )
        visit_create(
            household=households[i % len(households)],
            visited_by=leader,
            visited_on=timezone.localdate(),
            reason="routine",
        )
        publicity_create(
            building=building,
            households=households,
            recorded_by=leader,
            topic="medical",
            title=f"医保缴费{i}",
            held_on=timezone.localdate(),
        )


@pytest.mark.parametrize("n", [1, 12])
def test_phone_hygiene_and_visit_lists_query_count_is_constant(
    client_for, leader_a, building_a, make_household, django_assert_num_queries, n
):
    households = [make_household(building_a) for _ in range(3)]
    _field_work(building_a, households, leader_a, n)
    client = client_for(leader_a)
    # 1 session, 2 user, 3-4 own and group permissions (who reads hygiene checks), 5 roles,
    # 6 the leader's terms, 7 open problems, 8 recent checks.
    with django_assert_num_queries(8):
        response = client.get(reverse("mobile:hygiene_list"))
    assert len(response.context["recent"]) == n
    # 1 session, 2 user, 3 the leader's terms, 4 visits, 5 publicity with counts (the roles,
    # read by the request before, come from the cache).
    with django_assert_num_queries(5):
        response = client.get(reverse("mobile:visit_list"))
    assert (len(response.context["visits"]), len(response.context["publicity"])) == (n, n)


@pytest.mark.parametrize("n", [1, 12])
def test_staff_field_log_lists_query_count_is_constant(
    client_for, leader_a, staff_user, building_a, make_household, django_assert_num_queries, n
):
    households = [make_household(building_a) for _ in range(3)]
    _field_work(building_a, households, leader_a, n)
    client = client_for(staff_user)
    client.get(
        reverse("households:visit_list")
    )  # roles and permissions: read once, then kept in the cache
    # 1 session, 2 user, 3 roles, 4 count, 5 profile (page header), 6 the page of rows.
    for name in ("households:visit_list", "households:publicity_list"):
        with django_assert_num_queries(5):
            response = client.get(reverse(name))
        assert len(response.context["page"].object_list) == n

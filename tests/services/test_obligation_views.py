"""Dashboards, rule lists and the supervisor's overview: scope, masking, exact query counts
independent of the number of households, and counts that equal their lists."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from services.obligations.counts import counts_refresh
from services.obligations.rules import RULE_LIST, RULES, rules_for_unit
from services.requests.models import ResidentRequest
from services.worktasks.models import TaskState
from tests.households.factories import (
    BuildingFactory,
    DwellingFactory,
    HouseholdFactory,
    PersonFactory,
)
from tests.services.rule_factories import EmploymentFactory, TrainingFactory, WorkTaskFactory, unit

pytestmark = pytest.mark.django_db


def make_households(n, *, building=None):
    """``n`` households moved in two years ago, each with a willing laborer and nobody
    employed (failing training-overdue and zero-employment)."""
    building = building or BuildingFactory()
    moved_in = timezone.localdate() - datetime.timedelta(days=730)
    people = []
    for _i in range(n):
        household = HouseholdFactory(
            dwelling=DwellingFactory(building=building), move_in_date=moved_in
        )
        people.append(
            PersonFactory(household=household, relationship="01", training_willingness="yes")
        )
    return people


# --- scope ----------------------------------------------------------------------------------


def test_department_user_sees_own_unit_dashboard_and_rules(client_for, department_user):
    make_households(2)
    client = client_for(department_user)
    response = client.get("/services/obligations/")
    assert response.status_code == 200
    assert [r.code for r, _c, _s in response.context["rule_rows"]] == [
        r.code for r in rules_for_unit("human-resources")
    ]
    assert client.get("/services/obligations/units/human-resources/").status_code == 200
    assert client.get("/services/obligations/rules/training-overdue/").status_code == 200
    assert client.get("/services/obligations/rules/zero-employment/").status_code == 200


def test_department_user_gets_404_for_other_units_and_their_rules(client_for, department_user):
    client = client_for(department_user)
    assert client.get("/services/obligations/units/education/").status_code == 404
    assert client.get("/services/obligations/rules/school-not-enrolled/").status_code == 404
    assert client.get("/services/obligations/rules/no-such-rule/").status_code == 404
    assert client.get("/services/obligations/overview/").status_code == 403


def test_building_leader_and_outsider_see_no_obligations(client_for, leader_a, outsider):
    for user in (leader_a, outsider):
        client = client_for(user)
        assert client.get("/services/obligations/").status_code == 404
        assert client.get("/services/obligations/units/human-resources/").status_code == 404
        assert client.get("/services/obligations/rules/training-overdue/").status_code == 404
        assert client.get("/services/obligations/overview/").status_code == 403
        assert client.get("/services/tasks/").status_code == 403


def test_supervisor_and_staff_see_every_unit_and_rule(
    client_for, supervisor_user, staff_user, admin_user
):
    for user in (supervisor_user, staff_user, admin_user):
        client = client_for(user)
        assert client.get("/services/obligations/units/education/").status_code == 200
        for code in RULES:
            assert client.get(f"/services/obligations/rules/{code}/").status_code == 200, code
        assert client.get("/services/obligations/overview/").status_code == 200


def test_staff_without_a_unit_is_sent_to_the_overview(client_for, staff_user):
    response = client_for(staff_user).get("/services/obligations/")
    assert response.status_code == 302 and response["Location"] == "/services/obligations/overview/"


def test_rule_list_masks_id_numbers_and_filters_by_building(client_for, department_user):
    in_a = make_households(2, building=BuildingFactory(code="A"))
    in_b = make_households(1, building=BuildingFactory(code="B"))
    client = client_for(department_user)
    content = client.get("/services/obligations/rules/training-overdue/").content.decode()
    assert in_a[0].masked_id_number in content and in_a[0].id_number not in content
    building_b = in_b[0].household.dwelling.building
    response = client.get(
        f"/services/obligations/rules/training-overdue/?building={building_b.code}"
    )
    assert [p.pk for p in response.context["page"]] == [in_b[0].pk]


# --- query counts ---------------------------------------------------------------------------


# Bringing the kept counts up to date after a change, under the writers' lock: a savepoint,
# the lock (an advisory lock on PostgreSQL; SQLite serialises writes by itself), the day's
# full counts and the marks read again, one grouped count per rule over the marked
# buildings, the old rows deleted and the new inserted, the marks deleted, release.
LOCK = 1 if connection.vendor == "postgresql" else 0
AFTER_A_CHANGE = 7 + LOCK + len(RULE_LIST)


@pytest.mark.parametrize("households", [10, 200])
def test_unit_dashboard_query_count_is_independent_of_households(
    households, client_for, department_user, django_assert_num_queries
):
    make_households(households)
    WorkTaskFactory()
    counts_refresh()  # the daily job counts every rule in full
    client = client_for(department_user)
    rules = len(rules_for_unit("human-resources"))
    client.get("/services/obligations/")  # roles and permissions: read once, then kept in the cache
    # session, user, the user's unit; the day's full counts and the marks (none);
    # the unit's rules' totals and their rows by building; the buildings named; the
    # snapshots of the trend; the unit's open tasks; the unit's open monitoring help
    # measures; the nav's profile (the "new task" buttons' permissions: from the cache).
    with django_assert_num_queries(12):
        response = client.get("/services/obligations/")
    assert response.status_code == 200
    # Right after a change, only the changed building is counted again.
    make_households(1)
    with django_assert_num_queries(12 + AFTER_A_CHANGE):
        assert client.get("/services/obligations/").status_code == 200
    # "Recount now" counts the unit's rules afresh in full: a savepoint, the state read
    # again, one grouped count per rule, the rows replaced, the full counts noted, release.
    with django_assert_num_queries(12 + 7 + LOCK + rules):
        assert client.get("/services/obligations/?recount=1").status_code == 200


@pytest.mark.parametrize("households", [10, 200])
def test_supervisor_overview_query_count_is_independent_of_households(
    households, client_for, supervisor_user, django_assert_num_queries
):
    people = make_households(households)
    WorkTaskFactory(unit=unit("education"))
    ResidentRequest.objects.create(
        building=people[0].household.dwelling.building,
        category="employment",
        description="找工作",
        filed_by=supervisor_user,
        deadline=timezone.now(),
        unit=unit(),
    )
    counts_refresh()
    client = client_for(supervisor_user)
    client.get("/services/obligations/overview/")  # roles and permissions: read, then kept
    # session, user, units; the day's full counts and the marks; the totals of every rule
    # (one grouped query); work tasks by unit; requests by unit; monitoring's counts (one
    # aggregate) and its flagged cases; the nav's profile.
    with django_assert_num_queries(11):
        response = client.get("/services/obligations/overview/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 19
    make_households(1)
    with django_assert_num_queries(11 + AFTER_A_CHANGE):
        assert client.get("/services/obligations/overview/").status_code == 200


@pytest.mark.parametrize("households", [1, 120])
def test_person_rule_list_query_count(
    households, client_for, department_user, django_assert_num_queries
):
    make_households(households)
    counts_refresh()
    client = client_for(department_user)
    # session, user, roles, the user's unit; the day's full counts, the marks and the
    # rule's kept total (the page count); the nav's profile; the page of people with their
    # households, dwellings and buildings (the building filter is a number typed in).
    with django_assert_num_queries(9):
        response = client.get("/services/obligations/rules/training-overdue/")
    assert len(response.context["page"]) == min(households, 50)


@pytest.mark.parametrize("households", [1, 120])
def test_household_rule_list_query_count(
    households, client_for, department_user, django_assert_num_queries
):
    make_households(households)
    counts_refresh()
    client = client_for(department_user)
    # as the person list, plus the heads of the households on the page.
    with django_assert_num_queries(10):
        response = client.get("/services/obligations/rules/zero-employment/")
    assert len(response.context["page"]) == min(households, 50)


# --- the dashboard and the list agree; the demo's "done when" -------------------------------


def test_dashboard_count_equals_the_length_of_its_list(client_for, department_user):
    make_households(7)
    client = client_for(department_user)
    counts = {r.code: c for r, c, _s in client.get("/services/obligations/").context["rule_rows"]}
    for code, count in counts.items():
        listed = client.get(f"/services/obligations/rules/{code}/").context["page"].paginator.count
        assert listed == count, code
    assert counts["training-overdue"] == 7 and counts["zero-employment"] == 7


def test_recording_a_training_and_a_job_makes_both_counts_fall(client_for, department_user):
    laborer, other = make_households(2)
    client = client_for(department_user)

    def counts():
        rows = client.get("/services/obligations/").context["rule_rows"]
        return {r.code: c for r, c, _s in rows}

    assert (counts()["training-overdue"], counts()["zero-employment"]) == (2, 2)
    TrainingFactory(person=laborer, started_on=timezone.localdate())
    EmploymentFactory(person=laborer, started_on=timezone.localdate())
    assert (counts()["training-overdue"], counts()["zero-employment"]) == (1, 1)
    listed = client.get("/services/obligations/rules/training-overdue/").context["page"]
    assert [p.pk for p in listed] == [other.pk]


def test_overview_ranks_units_worst_first_and_best_first(client_for, supervisor_user):
    today = timezone.localdate()
    WorkTaskFactory(unit=unit("education"), deadline=today - datetime.timedelta(days=3))
    client = client_for(supervisor_user)
    worst = client.get("/services/obligations/overview/").context["rows"]
    assert worst[0]["unit"].code == "education" and worst[0]["overdue_tasks"] == 1
    best = client.get("/services/obligations/overview/?order=best").context["rows"]
    assert best[-1]["unit"].code == "education"
    assert [row["rank"] for row in best] == list(range(1, 20))


def test_overview_rates_from_tasks_and_requests(client_for, supervisor_user, building_a):
    today, now = timezone.localdate(), timezone.now()
    hr = unit()
    WorkTaskFactory(unit=hr, state=TaskState.DONE, done_at=now, deadline=today)
    WorkTaskFactory(
        unit=hr, state=TaskState.DONE, done_at=now, deadline=today - datetime.timedelta(days=1)
    )
    common = {
        "building": building_a,
        "category": "employment",
        "description": "x",
        "filed_by": supervisor_user,
        "unit": hr,
    }
    ResidentRequest.objects.create(
        **common,
        state="closed",
        deadline=now,
        resolved_at=now - datetime.timedelta(hours=1),
        satisfaction="satisfied",
    )
    ResidentRequest.objects.create(
        **common,
        state="closed",
        deadline=now - datetime.timedelta(days=2),
        resolved_at=now,
        satisfaction="fairly",
    )
    rows = {
        r["unit"].code: r
        for r in client_for(supervisor_user).get("/services/obligations/overview/").context["rows"]
    }
    row = rows["human-resources"]
    assert row["task_on_time"] == 0.5
    assert row["request_on_time"] == 0.5
    assert row["satisfaction"] == 0.75


def test_person_and_household_pages_show_the_obligations_they_fail(
    client_for, department_user, staff_user
):
    (person,) = make_households(1)
    client = client_for(department_user)
    content = client.get(person.get_absolute_url()).content.decode()
    assert "/services/obligations/rules/training-overdue/" in content
    assert (
        "/services/obligations/rules/medical-insurance-missing/" not in content
    )  # not this unit's
    staff_content = client_for(staff_user).get(person.get_absolute_url()).content.decode()
    assert "/services/obligations/rules/medical-insurance-missing/" in staff_content
    household_content = client.get(person.household.get_absolute_url()).content.decode()
    assert "/services/obligations/rules/zero-employment/" in household_content
    EmploymentFactory(person=person)
    household_content = client.get(person.household.get_absolute_url()).content.decode()
    assert "/services/obligations/rules/zero-employment/" not in household_content


@pytest.mark.parametrize("tasks", [1, 30])
def test_task_list_query_count(tasks, client_for, department_user, django_assert_num_queries):
    for _i in range(tasks):
        WorkTaskFactory()
    WorkTaskFactory(unit=unit("education"))
    client = client_for(department_user)
    # session, user, roles, the user's unit; count; the nav's profile; permissions of the
    # user and of their groups ("new task" button); the page of tasks with their units.
    with django_assert_num_queries(9):
        response = client.get("/services/tasks/")
    assert len(response.context["page"]) == tasks


def test_the_trend_chart_draws_weekly_snapshots_and_marks_demo_data(client_for, department_user):
    from services.obligations.models import RuleSnapshot

    today = timezone.localdate()
    for weeks_ago, count in [(3, 9), (2, 7), (1, 4)]:
        RuleSnapshot.objects.create(
            rule_code="training-overdue",
            day=today - datetime.timedelta(weeks=weeks_ago),
            count=count,
            is_demo=True,
        )
    RuleSnapshot.objects.create(rule_code="training-overdue", day=today, count=2)
    rows = client_for(department_user).get("/services/obligations/").context["rule_rows"]
    chart = {r.code: s for r, _c, s in rows}["training-overdue"]
    assert (chart.first, chart.last, len(chart.dots), chart.has_demo, chart.falling) == (
        9,
        2,
        4,
        True,
        True,
    )
    assert {r.code: s for r, _c, s in rows}["training-due"] is None


def test_the_building_breakdown_links_to_the_filtered_list(client_for, department_user):
    (person,) = make_households(1)
    building = person.household.dwelling.building
    content = client_for(department_user).get("/services/obligations/").content.decode()
    assert f"/services/obligations/rules/training-overdue/?building={building.code}" in content


def test_cached_counts_are_labelled_with_their_time_and_a_recount_link(
    client_for, department_user, supervisor_user
):
    make_households(2)
    for client, url in (
        (client_for(department_user), "/services/obligations/"),
        (client_for(supervisor_user), "/services/obligations/overview/"),
    ):
        content = client.get(url).content.decode()
        assert "规则统计于" in content and "每次修改后即时更新" in content
        assert 'href="?recount=1"' in content


def test_a_new_household_makes_the_cached_counts_stale(client_for, department_user):
    make_households(1)
    client = client_for(department_user)

    def count():
        rows = client.get("/services/obligations/").context["rule_rows"]
        return {r.code: c for r, c, _s in rows}["training-overdue"]

    assert count() == 1
    make_households(2)
    assert count() == 3 == RULES["training-overdue"].failing().count()


def test_the_breakdown_shows_the_buildings_with_the_most_failing(
    client_for, department_user, monkeypatch
):
    from services.obligations import views as obligation_views

    monkeypatch.setattr(obligation_views, "BUILDINGS_SHOWN", 1)
    make_households(1, building=BuildingFactory(code="A"))
    make_households(2, building=BuildingFactory(code="B"))
    response = client_for(department_user).get("/services/obligations/")
    assert [b.code for b, _values in response.context["building_rows"]] == ["B"]
    assert "仅列出未达标最多的 1 栋楼（共 2 栋）" in response.content.decode()

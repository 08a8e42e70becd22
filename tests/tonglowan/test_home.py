"""The home page of each role: the to-do counts equal the lists they link to, the charts'
data equal the figures on the same page, and the queries stay constant."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from buildings.hygiene.models import HygieneCheck
from households.fieldlogs.models import Visit
from households.proposals.models import MemberChangeProposal
from services.requests.models import State
from services.worktasks.models import TaskState, WorkTask
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory
from tests.services.monitoring_helpers import lead
from tests.services.record_factories import EmploymentFactory
from tests.services.request_factories import ResidentRequestFactory, days_ago

pytestmark = pytest.mark.django_db


def _chart_data(html: str, chart_id: str) -> dict:
    match = re.search(
        rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, chart_id
    return json.loads(match.group(1))


def _list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


@pytest.fixture
def community(household_a, household_b, department, leader_a, staff_user):
    """Something on every to-do item: a pending proposal, a submitted request, an open
    request past its deadline, an overdue task, a household never confirmed."""
    head = household_a.members.get()
    MemberChangeProposal.objects.create(
        household=household_a,
        person=head,
        kind=MemberChangeProposal.Kind.CHANGE,
        proposed_by=leader_a,
        proposed={"name": "改名"},
    )
    ResidentRequestFactory(household=household_a)
    ResidentRequestFactory(household=household_b)
    ResidentRequestFactory(
        household=household_b, filed_at=days_ago(30), state=State.ACCEPTED, unit=department
    )
    ResidentRequestFactory(household=household_a, state=State.CLOSED, unit=department)
    WorkTask.objects.create(
        title="培训摸底",
        unit=department,
        leader_name="张局长",
        deadline=timezone.localdate() - datetime.timedelta(days=3),
    )
    WorkTask.objects.create(
        title="按期任务",
        unit=department,
        leader_name="张局长",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
        state=TaskState.IN_PROGRESS,
    )
    household_b.confirmed_at = timezone.now()
    household_b.save(update_fields=["confirmed_at"])
    # household_b was visited this month; household_a never was (overdue). A monitoring
    # lead of 13 days ago nears the 15-day limit; one of yesterday does not.
    Visit.objects.create(household=household_b, visited_by=leader_a, reason=Visit.Reason.ROUTINE)
    lead(household_a, staff_user, on=timezone.localdate() - datetime.timedelta(days=13))
    lead(household_b, staff_user, on=timezone.localdate() - datetime.timedelta(days=1))
    return household_a


def test_staff_home_counts_equal_the_lists_they_link_to(client_for, staff_user, community):
    client = client_for(staff_user)
    response = client.get("/")
    assert response.status_code == 200
    todo = {item["key"]: item for item in response.context["todo"]}
    assert set(todo) == {
        "proposals",
        "requests_submitted",
        "requests_overdue",
        "tasks_overdue",
        "never_confirmed",
        "visits_overdue",
        "monitoring_flagged",
    }
    assert {k: v["count"] for k, v in todo.items()} == {
        "proposals": 1,
        "requests_submitted": 2,
        "requests_overdue": 1,
        "tasks_overdue": 1,
        "never_confirmed": 1,
        "visits_overdue": 1,
        "monitoring_flagged": 1,
    }
    for item in todo.values():
        assert _list_count(client, item["url"]) == item["count"], item["key"]
    html = response.content.decode()
    for item in todo.values():
        assert re.search(
            rf'data-todo="{item["key"]}">\s*<span[^>]*data-count>{item["count"]}</span>', html
        ), item["key"]


def test_staff_home_charts_equal_the_pages_figures(client_for, staff_user, community, building_a):
    today = timezone.localdate()
    woman = PersonFactory(
        household=community, relationship="10", sex="F", birth_date=datetime.date(1990, 1, 1)
    )
    EmploymentFactory(person=woman, kind="park", started_on=datetime.date(2024, 1, 1))
    PersonFactory(
        household=community,
        relationship="30",
        sex="F",
        birth_date=today.replace(year=today.year - 3),
    )
    HygieneCheck.objects.create(
        building=building_a, area="一楼楼道", checked_on=today, score=88, checked_by=staff_user
    )
    client = client_for(staff_user)
    response = client.get("/")
    html = response.content.decode()
    charts = {c["id"]: c for c in response.context["charts"]}
    assert set(charts) == {
        "chart-pyramid",
        "chart-labour",
        "chart-employment",
        "chart-requests",
        "chart-hygiene",
    }
    for chart_id, chart in charts.items():
        assert _chart_data(html, chart_id) == json.loads(json.dumps(chart["data"]))
    pyramid = charts["chart-pyramid"]["data"]
    # household_a's head and household_b's head (men born 1985), the wife (1990), a girl of 3
    assert sum(pyramid["series"][0]["data"]) == 2  # men
    assert sum(pyramid["series"][1]["data"]) == 2  # women
    assert pyramid["series"][1]["data"][0] == 1  # the girl, 0–4
    # the page's figures (the residents on the registry overview) are the chart's
    people = client.get(reverse("households:dashboard")).context["person_count"]
    assert sum(pyramid["series"][0]["data"]) + sum(pyramid["series"][1]["data"]) == people
    labour = charts["chart-labour"]["data"]
    assert sum(labour["series"][0]["data"]) == people
    employment = dict(
        zip(
            charts["chart-employment"]["data"]["categories"],
            charts["chart-employment"]["data"]["series"][0]["data"],
            strict=True,
        )
    )
    assert employment["工业园区"] == 1
    hygiene = charts["chart-hygiene"]["data"]
    assert (hygiene["categories"], hygiene["series"][0]["data"]) == (["A"], [88.0])
    requests = charts["chart-requests"]["data"]
    assert sum(sum(s["data"]) for s in requests["series"]) == _list_count(
        client, charts["chart-requests"]["url"]
    )
    # each chart's table on the page shows the same figures as its data
    for chart_id, chart in charts.items():
        table = html[html.index(f'data-chart-table="{chart_id}"') :]
        table = table[: table.index("</table>")]
        cells = re.findall(r'<td class="text-end">([^<]*)</td>', table)
        columns = [series["data"] for series in chart["data"]["series"]]
        expected = ["—" if v is None else str(v) for row in zip(*columns, strict=True) for v in row]
        assert cells == expected, chart_id


def test_home_has_no_inline_script_and_uses_the_vendored_echarts(client_for, staff_user):
    html = client_for(staff_user).get("/").content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "js/charts.js" in html
    assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", html)


@pytest.mark.parametrize("households", [1, 6])
def test_staff_home_query_count_is_constant(
    households, client_for, staff_user, django_assert_num_queries
):
    for _ in range(households):
        household = HouseholdFactory(dwelling=DwellingFactory())
        PersonFactory(household=household, relationship="01")
        ResidentRequestFactory(household=household)
    client = client_for(staff_user)
    client.get("/")
    # session, user, profile, 7 to-do counts, pyramid, employment, requests, the
    # hygiene ranking of this month and, none being checked this month, of the past month
    # (registry counts and the permission set, for proposal review, are cached)
    with django_assert_num_queries(15):
        client.get("/")


def test_department_home_shows_its_units_charts_requests_and_tasks(
    client_for, department_user, community
):
    response = client_for(department_user).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["unit"].code == "human-resources"
    assert response.context["open_request_count"] == 1  # assigned to the unit and open
    assert response.context["open_task_count"] == 2
    client = client_for(department_user)
    assert _list_count(client, reverse("services:request_queue") + "?state=open") == 1
    assert _list_count(client, reverse("services:task_list") + "?state=unfinished") == 2
    for chart in response.context["charts"]:
        assert _chart_data(html, chart["id"]) == json.loads(json.dumps(chart["data"]))
    failing = response.context["charts"][0]["data"]
    assert failing["series"][0]["data"] == [n for _rule, n in response.context["rule_rows"]]


def test_supervisor_home_charts_each_units_rates(client_for, supervisor_user, community):
    response = client_for(supervisor_user).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    chart = response.context["chart"]
    assert _chart_data(html, chart["id"]) == json.loads(json.dumps(chart["data"]))
    rows = response.context["rows"]
    assert chart["data"]["categories"] == [row["unit"].name for row in rows]
    assert chart["data"]["series"][2]["data"] == [row["satisfaction_rate"] for row in rows]


def test_leader_goes_to_the_phone_pages_and_outsider_is_refused(client_for, leader_a, outsider):
    assert client_for(leader_a).get("/").url == reverse("mobile:home")
    assert client_for(outsider).get("/").status_code == 403

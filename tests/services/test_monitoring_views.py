"""Monitoring pages: access by role and scope (404 out of scope), the public notice never
shows protected fields, constant query counts, the leaders' phone pages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from households.fieldlogs.models import Visit
from services.monitoring.models import CaseStatus, MonitoringCase
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory
from tests.services.monitoring_helpers import BASE, day, lead, photo, threshold, through, unit_user


@pytest.fixture
def town(db):
    return unit_user("qinjiang", "qinjiang-town")


@pytest.fixture
def county(db):
    return unit_user("fupin2", "poverty-office")


def test_a_leader_cannot_see_another_buildings_case(
    client_for, leader_a, household_a, household_b, staff_user
):
    mine, other = lead(household_a, staff_user), lead(household_b, staff_user)
    client = client_for(leader_a)
    assert client.get(reverse("monitoring:case_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("monitoring:case_detail", args=[other.pk])).status_code == 404
    listed = client.get(reverse("monitoring:case_list")).content.decode()
    assert household_a.number in listed and household_b.number not in listed


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("staff_user", 200),
        ("admin_user", 200),
        ("supervisor_user", 200),
        ("leader_a", 404),
        ("department_user", 404),
        ("outsider", 404),
    ],
)
def test_case_page_by_persona(request, client_for, household_b, staff_user, persona, status):
    case = lead(household_b, staff_user)
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("monitoring:case_detail", args=[case.pk])
    )
    assert response.status_code == status


def test_steps_through_the_pages(client_for, household_a, staff_user, town, county):
    threshold()
    case = lead(household_a, staff_user)
    client = client_for(staff_user)
    url = reverse("monitoring:step_record", args=[case.pk, "home_check"])
    # Without the authorisation the page names the field and nothing is recorded.
    response = client.post(url, {"version": case.version, "done_on": day(1), "income_12m": "5000"})
    assert response.status_code == 200 and "授权" in response.content.decode()
    assert not case.steps.exists()
    response = client.post(
        url,
        {
            "version": case.version,
            "done_on": day(1),
            "income_12m": "5000",
            "authorisation": photo(),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.authorisation and case.steps.count() == 1
    # The scan is served only through the scoped view.
    assert client.get(reverse("monitoring:authorisation_file", args=[case.pk])).status_code == 200
    # The town's step is not offered to staff.
    through(case, staff=staff_user, town=town, county=county, upto="notice")
    assert (
        client.post(
            reverse("monitoring:step_record", args=[case.pk, "town_review"]), {}
        ).status_code
        == 403
    )
    response = client_for(town).post(
        reverse("monitoring:step_record", args=[case.pk, "town_review"]),
        {
            "version": MonitoringCase.objects.get(pk=case.pk).version,
            "done_on": day(8),
            "approved": "1",
        },
    )
    assert response.status_code == 302
    response = client_for(county).post(
        reverse("monitoring:step_record", args=[case.pk, "county_decision"]),
        {
            "version": MonitoringCase.objects.get(pk=case.pk).version,
            "done_on": day(10),
            "approved": "1",
            "category": "marginal",
            "risk_types": ["illness", "schooling"],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.MONITORED and case.risk_types == ["illness", "schooling"]


def test_household_page_shows_the_timeline(client_for, household_a, staff_user, town, county):
    threshold()
    through(
        lead(household_a, staff_user),
        staff=staff_user,
        town=town,
        county=county,
        upto="county_decision",
    )
    page = (
        client_for(staff_user)
        .get(reverse("households:household_detail", args=[household_a.pk]))
        .content.decode()
    )
    assert 'id="monitoring-timeline"' in page and "县级审定" in page


# --- the public notice ----------------------------------------------------------------------

PHONE = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30
)


@pytest.mark.django_db
@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=TEXT, note=TEXT, phone=PHONE, bank=st.from_regex(r"62\d{17}", fullmatch=True))
def test_the_notice_never_shows_protected_fields(client, name, note, phone, bank):
    from django.contrib.auth.models import Group

    from community.roles import Role
    from tests.households.factories import UserFactory

    health_words = ("患有大病", "残疾", "Serious illness", "Disabled", "健康")
    assume(not any(w in name or w in note for w in health_words))
    staff = UserFactory(username="notice-staff")
    staff.groups.add(Group.objects.get(name=Role.STAFF.value))
    household = HouseholdFactory(phone=phone, notes=f"{note} 银行卡 {bank}")
    head = PersonFactory(
        household=household, relationship="01", name=name[:50], phone=phone, health="serious"
    )
    member = PersonFactory(
        household=household, relationship="20", health="disabled", disability_certificate=""
    )
    member.disability_certificate = member.id_number + "41"
    member.save()
    case = MonitoringCase.objects.create(
        household=household,
        source="self_report",
        fact=f"{note} {phone} {bank} 患有大病",
        lead_on=BASE,
        category="marginal",
        risk_types=["illness", "disability"],
        income_12m=Decimal("1234.56"),
    )
    case.steps.create(
        step="notice", done_on=BASE, notice_until=datetime.date(2100, 1, 1), actor=staff
    )
    client.force_login(staff)
    for url in (reverse("monitoring:notice"), reverse("monitoring:case_notice", args=[case.pk])):
        page = client.get(url).content.decode()
        assert household.number in page
        for secret in (
            head.id_number,
            member.id_number,
            member.id_number[-4:] + "41",
            phone,
            bank,
            "1234.56",
        ):
            assert secret not in page
        for word in health_words:
            assert word not in page
        # No run of digits of a phone, an ID or a card number at all.
        assert not re.search(
            r"\d{11,}", re.sub(r"<[^>]+>", " ", page).replace(household.number, "")
        )


# --- query counts -----------------------------------------------------------------------------


def _cases(n, building, staff):
    for _ in range(n):
        h = HouseholdFactory(dwelling=DwellingFactory(building=building))
        PersonFactory(household=h, relationship="01")
        lead(h, staff)


@pytest.mark.parametrize("n", [1, 8])
def test_case_list_query_count(client_for, staff_user, building_a, django_assert_num_queries, n):
    _cases(n, building_a, staff_user)
    client = client_for(staff_user)
    client.get(reverse("monitoring:case_list"))  # roles and permissions: read once, then kept
    # session, user, page count, the page's cases, their heads, flagged
    # cases, the user's profile (header)
    with django_assert_num_queries(7):
        response = client.get(reverse("monitoring:case_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_visit_lists_query_count(client_for, staff_user, building_a, django_assert_num_queries, n):
    _cases(n, building_a, staff_user)
    client = client_for(staff_user)
    # session, user, the grouped figures, the user's profile (header)
    with django_assert_num_queries(4):
        assert client.get(reverse("monitoring:visit_figures")).status_code == 200
    # session, user, the building, count, the page, the user's profile (header)
    with django_assert_num_queries(6):
        response = client.get(reverse("monitoring:visit_households") + "?building=A&state=overdue")
    assert response.content.decode().count('badge text-bg-danger">') == n


def test_the_leaders_home_lists_overdue_households_of_their_building(
    client_for, leader_a, household_a, household_b, staff_user
):
    Visit.objects.create(
        household=household_b, visited_on=BASE, reason="routine", visited_by=staff_user
    )
    page = client_for(leader_a).get(reverse("mobile:home")).content.decode()
    assert 'id="visits-due"' in page
    assert household_a.number in page and household_b.number not in page


def test_the_leaders_visit_raises_a_lead(client_for, leader_a, household_a, household_b):
    client = client_for(leader_a)
    url = reverse("mobile:monitoring_visit")
    assert client.get(url + f"?household={household_b.pk}").status_code == 404
    data = {
        "household": household_a.pk,
        "visited_on": day(0),
        "reason": "hardship",
        "seen": "户主",
        "note": "家中有人住院",
        "raise_lead": "on",
        "lead_fact": "户主住院，医疗费用高",
    }
    assert client.post(url, data).status_code == 302
    visit = Visit.objects.get(household=household_a)
    case = MonitoringCase.objects.get(household=household_a)
    assert (case.source, case.visit, case.reported_by, case.fact) == (
        "visit",
        visit,
        leader_a,
        "户主住院，医疗费用高",
    )
    # Another building's household is refused by the form and nothing is written.
    assert client.post(url, {**data, "household": household_b.pk}).status_code == 200
    assert Visit.objects.count() == 1 and MonitoringCase.objects.count() == 1


def test_dashboards_show_measures_and_flags(
    client_for, household_a, staff_user, town, county, department_user, supervisor_user
):
    from services.monitoring import services

    threshold()
    case = through(
        lead(household_a, staff_user),
        staff=staff_user,
        town=town,
        county=county,
        upto="county_decision",
    )
    services.measure_create(
        case=case,
        actor=staff_user,
        kind="employment",
        description="推荐就业岗位",
        unit=department_user.profile.department,
        deadline=day(30),
    )
    lead(HouseholdFactory(), staff_user, on=BASE)  # 60 days open: past the limit
    page = client_for(department_user).get(reverse("services:unit_dashboard")).content.decode()
    assert "推荐就业岗位" in page and 'id="unit-monitoring-flagged"' not in page
    page = client_for(supervisor_user).get(reverse("services:unit_dashboard")).content.decode()
    assert 'id="unit-monitoring-flagged"' in page
    page = client_for(supervisor_user).get(reverse("services:supervisor_overview")).content.decode()
    assert re.search(r'id="mon-overdue"><a [^>]+>1<', page)
    assert re.search(r'id="mon-monitored"><a [^>]+>1<', page)
    # Other units see only their own measures.
    jiaoyu = unit_user(
        "jiaoyu", "education", role=__import__("community.roles", fromlist=["Role"]).Role.DEPARTMENT
    )
    assert (
        "推荐就业岗位"
        not in client_for(jiaoyu).get(reverse("monitoring:measure_list")).content.decode()
    )
    assert (
        "推荐就业岗位"
        in client_for(department_user).get(reverse("monitoring:measure_list")).content.decode()
    )


def test_the_leader_records_a_self_report_from_the_visit_form(client_for, leader_a, household_a):
    data = {
        "household": household_a.pk,
        "visited_on": day(0),
        "reason": "hardship",
        "raise_lead": "on",
        "lead_source": "self_report",
        "lead_fact": "农户申报：子女上学费用高",
    }
    assert client_for(leader_a).post(reverse("mobile:monitoring_visit"), data).status_code == 302
    assert MonitoringCase.objects.get(household=household_a).source == "self_report"


def test_a_lead_without_its_fact_is_refused_and_nothing_is_written(
    client_for, leader_a, household_a
):
    data = {
        "household": household_a.pk,
        "visited_on": day(0),
        "reason": "hardship",
        "raise_lead": "on",
    }
    response = client_for(leader_a).post(reverse("mobile:monitoring_visit"), data)
    assert response.status_code == 200 and "请写明发现的风险" in response.content.decode()
    assert not Visit.objects.exists() and not MonitoringCase.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("staff_user", 200),
        ("supervisor_user", 200),
        ("department_user", 403),
        ("leader_a", 403),
        ("outsider", 403),
    ],
)
def test_visit_figures_by_persona(request, client_for, household_a, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("monitoring:visit_figures")).status_code == status
    assert client.get(reverse("monitoring:visit_households")).status_code == status

"""The organisation pages and the register lists: what they show and their query counts,
constant in the number of rows."""

import datetime
import itertools

import pytest
from django.utils import timezone

from community.models import Department
from community.organisation import services
from community.organisation.models import (
    Organisation,
    OrganisationMember,
    PartyMember,
    Post,
    PostBudget,
    RecruitmentRound,
    ResidentGroup,
)
from core.idnumbers import make_id_number
from services.facilities.models import Facility
from services.firesafety.models import FireInspection
from services.policelog.models import PoliceIncident
from tests.households.factories import HouseholdFactory, PersonFactory

D = datetime.date
_seq = itertools.count(1)


def make_rows(n, user):
    """``n`` more rows of every register: posts with holders, rounds with applicants,
    groups with households, members, facilities, inspections and incidents."""
    committee, _ = Organisation.objects.get_or_create(
        name="居委会", defaults={"kind": "committee", "sort_order": 1}
    )
    youth, _ = Organisation.objects.get_or_create(name="团支部", defaults={"kind": "youth"})
    transport = Department.objects.get(code="transport")
    fire = Department.objects.get(code="fire-brigade")
    police = Department.objects.get(code="qinjiang-police")
    for _i in range(n):
        k = next(_seq)
        post = Post.objects.create(organisation=committee, kind="cadre", title=f"干部{k}")
        PostBudget.objects.create(post=post, year=timezone.localdate().year, amount=36000)
        person = PersonFactory()
        services.post_holding_start(post=post, person=person, started_on=D(2019, 7, 1))
        rnd = RecruitmentRound.objects.create(
            title=f"招聘{k}", announced_on=D(2019, 6, 1), recruitment_date=D(2019, 7, 1), places=1
        )
        rnd.posts.add(post)
        services.applicant_add(
            round=rnd, name=f"甲{k}", id_number=make_id_number("360735", D(1990, 1, 1), k)
        )
        group = ResidentGroup.objects.create(number=k, name=f"第{k}居民小组", leader=person)
        services.resident_group_add_household(group=group, household=HouseholdFactory())
        OrganisationMember.objects.create(
            organisation=youth, person=person, joined_on=D(2020, 5, 4)
        )
        PartyMember.objects.create(person=person, joined_on=D(2010, 7, 1))
        Facility.objects.create(kind="sports", name=f"篮球场{k}", owner_unit=transport)
        FireInspection.objects.create(
            premises=f"杂物间{k}",
            unit=fire,
            inspected_on=D(2026, 1, 1),
            inspected_by=user,
            findings="堆放易燃物",
            result="rectify",
            rectification_deadline=D(2026, 2, 1),
        )
        PoliceIncident.objects.create(
            kind="dispute",
            occurred_at=timezone.now(),
            place="楼下",
            description="纠纷",
            unit=police,
            recorded_by=user,
        )


# (url, persona, queries). Every desk page starts with four: session, user, roles
# (groups), the nav's profile; then the page's own.
PAGES = [
    # + organisations, their posts, the posts' current holdings and this year's budget
    # lines; the recruited cadres
    ("/community/organisation/", "staff_user", 9),
    ("/community/organisation/", "leader_a", 9),
    # the printable page has no nav: no profile
    ("/community/organisation/?print=1", "staff_user", 8),
    # + the rounds with their counts
    ("/community/recruitment/", "staff_user", 5),
    # + the groups with their leader and household count
    ("/community/groups/", "staff_user", 5),
    # + mass organisations with member counts; party members with household and branch;
    # the choices of the two registration forms (party branches, mass organisations)
    ("/community/members/", "staff_user", 8),
    # + the facilities with their owner unit
    ("/services/facilities/", "staff_user", 5),
    # + count and page of inspections
    ("/services/fire-safety/?show=all", "staff_user", 6),
    # + count and page of incidents
    ("/services/police-log/", "staff_user", 6),
    # phone page: session, user, permissions of the user and of their groups, roles; the
    # facilities with their owner unit
    ("/m/facilities/", "leader_a", 6),
]


@pytest.mark.parametrize(("url", "persona", "queries"), PAGES)
@pytest.mark.parametrize("rows", [1, 6])
def test_list_pages_make_a_fixed_number_of_queries(
    request, client_for, staff_user, django_assert_num_queries, url, persona, queries, rows
):
    make_rows(rows, staff_user)
    client = client_for(request.getfixturevalue(persona))
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


def test_the_organisation_page_shows_who_holds_which_post_since_when(client_for, leader_a, db):
    committee = Organisation.objects.create(name="铜锣湾社区居民委员会", kind="committee")
    party = Organisation.objects.create(name="铜锣湾社区党支部", kind="party")
    director = Post.objects.create(organisation=committee, kind="director", title="社区主任")
    secretary = Post.objects.create(organisation=party, kind="secretary", title="党支部书记")
    deputy = Post.objects.create(organisation=committee, kind="deputy_director", title="副主任")
    person = PersonFactory(name="刘建华", phone="13907970001")
    services.post_holding_start(post=secretary, person=person, started_on=D(2019, 7, 1))
    services.post_holding_start(post=director, person=person, started_on=D(2019, 7, 1))
    services.post_holding_start(
        post=deputy, name="前任", started_on=D(2019, 7, 1), ended_on=D(2020, 1, 1)
    )
    page = client_for(leader_a).get("/community/organisation/").content.decode()
    assert page.count("刘建华") == 2
    assert "13907970001" in page
    assert "2019-07-01" in page
    assert "前任" not in page  # ended: not a current holder
    assert "36000.00" not in page
    PostBudget.objects.create(post=director, year=timezone.localdate().year, amount=36000)
    assert "36000.00" in client_for(leader_a).get("/community/organisation/").content.decode()
    printable = client_for(leader_a).get("/community/organisation/?print=1").content.decode()
    assert "刘建华" in printable and "navbar" not in printable


def test_which_group_a_household_belongs_to(client_for, staff_user, db):
    one = ResidentGroup.objects.create(number=1, name="第一居民小组")
    ResidentGroup.objects.create(number=2, name="第二居民小组")
    household = HouseholdFactory(number="H0000123")
    services.resident_group_add_household(group=one, household=household)
    response = client_for(staff_user).get("/community/groups/?household=H0000123")
    assert [g.name for g in response.context["groups"]] == ["第一居民小组"]
    response = client_for(staff_user).get("/community/groups/?household=H9999999")
    assert list(response.context["groups"]) == []


def test_an_applicant_over_the_age_limit_gets_a_chinese_error(client_for, staff_user, db):
    rnd = RecruitmentRound.objects.create(
        title="招聘", announced_on=D(2019, 6, 1), recruitment_date=D(2019, 7, 1), places=5
    )
    response = client_for(staff_user).post(
        f"/community/recruitment/{rnd.pk}/",
        {"name": "王五", "id_number": make_id_number("360735", D(1978, 7, 1), 11)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["id_number"][0]
    assert "周岁" in errors and "41" in errors
    assert not rnd.applicants.exists()


def test_hiring_through_the_page_records_when_the_cadre_was_recruited(client_for, staff_user, db):
    committee = Organisation.objects.create(name="居委会", kind="committee")
    post = Post.objects.create(
        organisation=committee, kind="cadre", title="社区干部", single_holder=False
    )
    rnd = RecruitmentRound.objects.create(
        title="2019年招聘", announced_on=D(2019, 6, 1), recruitment_date=D(2019, 7, 1), places=5
    )
    rnd.posts.add(post)
    applicant = services.applicant_add(
        round=rnd, name="王五", id_number=make_id_number("360735", D(1990, 1, 1), 11)
    )
    client = client_for(staff_user)
    response = client.post(
        f"/community/applicants/{applicant.pk}/decide/",
        {"hired": "1", "post": post.pk, "decided_on": "2019-07-10", "started_on": "2019-08-01"},
    )
    assert response.status_code == 302
    page = client.get("/community/organisation/").content.decode()
    assert "王五" in page and "2019年招聘" in page and "2019-08-01" in page


def test_staff_add_a_household_to_a_group_by_number(client_for, staff_user, db):
    one = ResidentGroup.objects.create(number=1, name="第一居民小组")
    two = ResidentGroup.objects.create(number=2, name="第二居民小组")
    HouseholdFactory(number="H0000777")
    client = client_for(staff_user)
    response = client.post(f"/community/groups/{one.pk}/", {"number": "H0000777"})
    assert response.status_code == 302
    response = client.post(f"/community/groups/{two.pk}/", {"number": "H0000777"})
    assert response.status_code == 200
    assert "第一居民小组" in str(response.context["form"].non_field_errors())
    response = client.post(f"/community/groups/{two.pk}/", {"number": "H9999999"})
    assert response.status_code == 200
    assert not two.memberships.exists()


def test_a_leader_cannot_add_a_household_to_a_group(client_for, leader_a, department_user, db):
    group = ResidentGroup.objects.create(number=1, name="一组")
    HouseholdFactory(number="H0000778")
    assert (
        client_for(leader_a)
        .post(f"/community/groups/{group.pk}/", {"number": "H0000778"})
        .status_code
        == 404
    )
    response = client_for(department_user).post(
        f"/community/groups/{group.pk}/", {"number": "H0000778"}
    )
    assert response.status_code == 403
    assert not group.memberships.exists()


def test_staff_record_a_holder_and_a_second_one_is_refused(client_for, staff_user, db):
    committee = Organisation.objects.create(name="居委会", kind="committee")
    director = Post.objects.create(organisation=committee, kind="director", title="社区主任")
    client = client_for(staff_user)
    data = {"post": director.pk, "name": "张三", "phone": "13900000000", "started_on": "2019-07-01"}
    assert client.post("/community/organisation/holders/new/", data).status_code == 302
    response = client.post(
        "/community/organisation/holders/new/", data | {"name": "李四", "started_on": "2020-01-01"}
    )
    assert response.status_code == 200
    assert "张三" in response.context["form"].errors["started_on"][0]
    assert director.holdings.count() == 1


def test_a_term_with_too_few_members_is_refused_on_the_page(client_for, staff_user, db):
    committee = Organisation.objects.create(name="居委会", kind="committee")
    client = client_for(staff_user)
    data = {"organisation": committee.pk, "number": 1, "member_count": 4, "starts_on": "2019-06-01"}
    response = client.post(
        "/community/organisation/terms/new/", data, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert "5" in response.context["form"].errors["member_count"][0]
    assert not committee.terms.exists()
    response = client.post("/community/organisation/terms/new/", data | {"member_count": 7})
    assert response.status_code == 302
    assert committee.terms.get().ends_on == D(2024, 5, 31)


def test_the_admin_checks_the_member_count_too(db):
    """The check is the model's: the admin's form refuses the same count."""
    from django.core.exceptions import ValidationError

    from community.organisation.models import OrganisationTerm

    committee = Organisation.objects.create(name="居委会", kind="committee")
    term = OrganisationTerm(
        organisation=committee,
        number=1,
        member_count=10,
        starts_on=D(2019, 6, 1),
        ends_on=D(2024, 5, 31),
    )
    with pytest.raises(ValidationError) as exc:
        term.full_clean()
    assert "member_count" in exc.value.message_dict


def test_staff_register_a_party_member_by_id_number(client_for, staff_user, supervisor_user, db):
    from community.organisation.models import PartyMember

    party = Organisation.objects.create(name="党支部", kind="party")
    person = PersonFactory()
    data = {
        "form": "party",
        "party-id_number": person.id_number,
        "party-joined_on": "2005-07-01",
        "party-branch": party.pk,
        "party-transferred_in": "on",
        "party-transferred_on": "2019-08-01",
    }
    assert client_for(supervisor_user).post("/community/members/", data).status_code == 403
    assert not PartyMember.objects.exists()
    response = client_for(staff_user).post("/community/members/", data)
    assert response.status_code == 302
    assert PartyMember.objects.get().person == person
    response = client_for(staff_user).post(
        "/community/members/",
        data | {"party-id_number": make_id_number("360735", D(1980, 1, 1), 999)},
    )
    assert response.status_code == 200
    assert response.context["party_form"].errors["id_number"]


def test_staff_register_a_youth_league_member(client_for, staff_user, db):
    youth = Organisation.objects.create(name="团支部", kind="youth")
    person = PersonFactory()
    response = client_for(staff_user).post(
        "/community/members/",
        {
            "form": "member",
            "member-organisation": youth.pk,
            "member-id_number": person.id_number,
            "member-joined_on": "2020-05-04",
        },
    )
    assert response.status_code == 302
    assert youth.members.get().person == person


def test_staff_open_a_recruitment_round(client_for, staff_user, db):
    committee = Organisation.objects.create(name="居委会", kind="committee")
    post = Post.objects.create(
        organisation=committee, kind="cadre", title="社区干部", single_holder=False
    )
    data = {
        "title": "2019年招聘",
        "announced_on": "2019-07-02",
        "recruitment_date": "2019-07-01",
        "posts": [post.pk],
        "places": 5,
        "age_limit": 40,
    }
    client = client_for(staff_user)
    response = client.post("/community/recruitment/new/", data)
    assert response.status_code == 200  # the recruitment date precedes the announcement
    assert not RecruitmentRound.objects.exists()
    response = client.post("/community/recruitment/new/", data | {"announced_on": "2019-05-28"})
    assert response.status_code == 302
    assert list(RecruitmentRound.objects.get().posts.all()) == [post]

"""The staff pages of the registry with every persona: scope (404 out of scope), write
permission (403, nothing changed), login, ID masking, exact query counts."""

import pytest
from django.db import connection
from django.urls import reverse

from core.models import AuditLog
from households.models import Household, Person
from tests.households.factories import (
    BuildingFactory,
    DwellingFactory,
    HouseholdFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

# Unfiltered lists read PostgreSQL's row estimate first (core.paging); SQLite has none.
ESTIMATE_QUERY = 1 if connection.vendor == "postgresql" else 0


def _edit_payload(household, **changes):
    dwelling = household.dwelling
    data = {
        "origin_town": household.origin_town,
        "origin_village": household.origin_village,
        "relocation_mode": household.relocation_mode,
        "move_in_date": household.move_in_date.isoformat(),
        "poverty_status": household.poverty_status,
        "main_cause": household.main_cause,
        "monitoring_category": household.monitoring_category,
        "phone": household.phone,
        "notes": household.notes,
        "building_code": dwelling.building.code,
        "entrance": dwelling.entrance,
        "room": dwelling.room,
        "version": household.version,
    }
    data.update(changes)
    return data


# --- reading ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["admin_user", "staff_user", "department_user", "supervisor_user"]
)
def test_registry_roles_see_every_household(request, client_for, persona, household_a, household_b):
    client = client_for(request.getfixturevalue(persona))

    listing = client.get(reverse("households:household_list")).content.decode()

    assert household_a.number in listing and household_b.number in listing
    assert client.get(household_a.get_absolute_url()).status_code == 200
    assert client.get(household_b.get_absolute_url()).status_code == 200


def test_leader_sees_only_own_building(client_for, leader_a, household_a, household_b):
    client = client_for(leader_a)

    listing = client.get(reverse("households:household_list")).content.decode()

    assert household_a.number in listing
    assert household_b.number not in listing
    assert client.get(household_a.get_absolute_url()).status_code == 200
    assert client.get(household_b.get_absolute_url()).status_code == 404
    head_b = household_b.members.get()
    assert client.get(head_b.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("households:household_edit", args=[household_b.pk])).status_code == 404
    )


def test_outsider_sees_nothing(client_for, outsider, household_a):
    client = client_for(outsider)

    assert client.get(reverse("households:household_list")).status_code == 403
    assert client.get(household_a.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("households:household_edit", args=[household_a.pk])).status_code == 404
    )


@pytest.mark.parametrize(
    "url",
    [
        lambda h: reverse("households:household_list"),
        lambda h: h.get_absolute_url(),
        lambda h: reverse("households:household_edit", args=[h.pk]),
        lambda h: reverse("households:dashboard"),
        lambda h: reverse("buildings:building_list"),
    ],
)
def test_anonymous_user_is_sent_to_login(client, household_a, url):
    response = client.get(url(household_a))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- writing ---------------------------------------------------------------------------


def test_staff_edits_a_household(client_for, staff_user, household_a):
    response = client_for(staff_user).post(
        reverse("households:household_edit", args=[household_a.pk]),
        _edit_payload(household_a, phone="13912345678"),
    )

    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.phone == "13912345678"
    assert household_a.version == 2


@pytest.mark.parametrize("persona", ["department_user", "supervisor_user", "leader_a"])
def test_read_only_roles_cannot_edit_and_nothing_changes(request, client_for, persona, household_a):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("households:household_edit", args=[household_a.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, _edit_payload(household_a, phone="13912345678")).status_code == 403
    head = household_a.members.get()
    assert (
        client.post(reverse("households:person_edit", args=[head.pk]), {"name": "改名"}).status_code
        == 403
    )
    assert client.post(reverse("households:household_create"), {"number": "X1"}).status_code == 403

    household_a.refresh_from_db()
    head.refresh_from_db()
    assert (household_a.phone, household_a.version) == ("", 1)
    assert head.name != "改名"
    assert not Household.objects.filter(number="X1").exists()


def test_stale_household_edit_is_refused_and_nothing_overwritten(
    client_for, staff_user, household_a
):
    client = client_for(staff_user)
    url = reverse("households:household_edit", args=[household_a.pk])
    stale = _edit_payload(household_a, phone="13900000001")
    client.post(url, _edit_payload(household_a, phone="13900000002"))

    response = client.post(url, stale)

    assert response.status_code == 200
    assert (
        "其他人" in response.content.decode() or "someone else" in response.content.decode().lower()
    )
    household_a.refresh_from_db()
    assert (household_a.phone, household_a.version) == ("13900000002", 2)


def test_dwelling_is_resolved_from_building_entrance_and_room(client_for, staff_user, household_a):
    other = DwellingFactory(building=household_a.dwelling.building, entrance=2, room="502")

    response = client_for(staff_user).post(
        reverse("households:household_edit", args=[household_a.pk]),
        _edit_payload(household_a, entrance=2, room="502"),
    )

    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.dwelling == other


def test_unknown_room_gets_a_chinese_error_naming_it(client_for, staff_user, household_a):
    dwelling = household_a.dwelling

    response = client_for(staff_user).post(
        reverse("households:household_edit", args=[household_a.pk]),
        _edit_payload(household_a, entrance=9, room="999"),
    )

    assert response.status_code == 200
    assert f"{dwelling.building.code} 栋没有 9 单元 999 室" in response.content.decode()
    household_a.refresh_from_db()
    assert household_a.dwelling == dwelling


def test_staff_creates_a_household_with_its_head(client_for, staff_user, building_a):
    dwelling = DwellingFactory(building=building_a, entrance=1, room="101")
    data = {
        "number": "TLW0001",
        "building_code": building_a.code,
        "entrance": 1,
        "room": "101",
        "origin_town": "小松镇",
        "origin_village": "丹溪村",
        "relocation_mode": "centralised",
        "move_in_date": "2018-09-01",
        "poverty_status": "general",
        "monitoring_category": "",
        "head-name": "温建华",
        "head-id_number": "36073519850615001１",  # a full-width digit is normalised
        "head-ethnicity": "汉族",
        "head-school_status": "none",
        "head-health": "healthy",
        "head-labour_capacity": "ordinary",
        "head-months_worked": 0,
        "head-hukou_status": "origin",
    }

    response = client_for(staff_user).post(reverse("households:household_create"), data)

    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["head_form"].errors,
    )
    household = Household.objects.get(number="TLW0001")
    head = household.members.get()
    assert household.dwelling == dwelling
    assert (head.id_number, head.sex, head.birth_date.isoformat(), head.relationship) == (
        "360735198506150011",
        "M",
        "1985-06-15",
        "01",
    )


def test_wrong_sex_for_the_id_number_is_refused_in_chinese(client_for, staff_user, household_a):
    response = client_for(staff_user).post(
        reverse("households:person_create", args=[household_a.pk]),
        {
            "relationship": "10",
            "name": "刘秀英",
            "id_number": "360735198506150011",
            "sex": "F",
            "ethnicity": "汉族",
            "school_status": "none",
            "health": "healthy",
            "labour_capacity": "ordinary",
            "months_worked": 0,
            "hukou_status": "origin",
        },
    )

    assert response.status_code == 200
    assert "性别与身份证号不符" in response.content.decode()
    assert household_a.members.count() == 1


# --- ID numbers --------------------------------------------------------------------------


def test_id_numbers_are_masked_by_default(client_for, staff_user, household_a):
    head = household_a.members.get()

    page = client_for(staff_user).get(household_a.get_absolute_url()).content.decode()

    assert head.masked_id_number in page
    assert head.id_number not in page
    assert not AuditLog.objects.exists()


def test_full_id_view_needs_the_permission_and_is_logged(client_for, staff_user, household_a):
    head = household_a.members.get()

    page = client_for(staff_user).get(household_a.get_absolute_url() + "?ids=full").content.decode()

    assert head.id_number in page
    log = AuditLog.objects.get()
    assert (log.user, log.action, log.target) == (
        staff_user,
        "view_full_id",
        f"household {household_a.number}",
    )


@pytest.mark.parametrize("persona", ["department_user", "supervisor_user", "leader_a"])
def test_roles_without_the_permission_never_see_full_ids(request, client_for, persona, household_a):
    head = household_a.members.get()
    client = client_for(request.getfixturevalue(persona))

    household_page = client.get(household_a.get_absolute_url() + "?ids=full").content.decode()
    person_page = client.get(head.get_absolute_url() + "?ids=full").content.decode()

    assert head.id_number not in household_page and head.id_number not in person_page
    assert head.masked_id_number in household_page
    assert not AuditLog.objects.exists()


# --- query counts ------------------------------------------------------------------------


def _households(n):
    building = BuildingFactory()
    for _ in range(n):
        household = HouseholdFactory(dwelling=DwellingFactory(building=building))
        PersonFactory(household=household, relationship="01")
        PersonFactory(household=household, relationship="10", sex="F")


@pytest.mark.parametrize("n", [5, 50])
def test_household_list_query_count_does_not_grow(
    client_for, staff_user, django_assert_num_queries, n
):
    _households(n)
    client = client_for(staff_user)
    client.get(reverse("households:household_list"))  # warm the session

    # 1 session, 1 user, 1 the user's profile (name in the header) (the roles, and the
    # permissions for the "new household" button, come from the cache, read by the request
    # before), 1 COUNT for the paginator, 1 page of households with dwelling, building,
    # member count and head's name; on PostgreSQL 1 more: the planner's row estimate, read
    # before counting an unfiltered list.
    with django_assert_num_queries(5 + ESTIMATE_QUERY):
        response = client.get(reverse("households:household_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 30])
def test_household_detail_query_count_does_not_grow_with_members_history_or_records(
    client_for, staff_user, django_assert_num_queries, n
):
    from tests.services.record_factories import (
        AllowanceFactory,
        LandHoldingFactory,
        LandRightEventFactory,
        TrainingFactory,
    )
    from tests.services.request_factories import ResidentRequestFactory

    household = HouseholdFactory(dwelling=DwellingFactory())
    PersonFactory(household=household, relationship="01")
    LandRightEventFactory(holding=LandHoldingFactory(household=household))
    for _ in range(n):
        person = PersonFactory(household=household)
        person.name = person.name + "改"
        person.save()
        TrainingFactory(person=person)
        AllowanceFactory(household=household, person=person, kind="disability")
        ResidentRequestFactory(household=household)
    client = client_for(staff_user)
    client.get(household.get_absolute_url())

    # 1 session, 1 user, 1 household with dwelling and building, 1 members,
    # 1 household history with users and profiles, 1 members' history with users and
    # profiles (the user's permissions, for the full-ID and edit checks, come from the
    # cache), 1 the household's representative (户长) with the resident, 1 the user's profile (header);
    # then the sections services adds (settings HOUSEHOLD_PAGE_SECTIONS), each joining only
    # what it shows: 1 the household's requests, 10 service records (one per kind of
    # record, with the person and the recording unit) and 1 the land holdings' events, 1
    # its unmet obligations, 1 its monitoring cases (none here; steps and measures are
    # prefetched when there are cases). The same with 1 member, record and request as with
    # 30 of each.
    with django_assert_num_queries(22):
        response = client.get(household.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<del>") == n
    shown = {
        s["template"].rsplit("/", 1)[-1]: s["context"] for s in response.context["extra_sections"]
    }
    assert len(shown["_household_section.html"]["rows"]) == min(n, 20)  # the newest 20
    training = next(
        g for g in shown["_records_section.html"]["groups"] if g["kind"].key == "training"
    )
    assert len(training["rows"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_building_pages_query_count_does_not_grow(
    client_for, staff_user, django_assert_num_queries, n
):
    building = BuildingFactory()
    for _ in range(n):
        household = HouseholdFactory(dwelling=DwellingFactory(building=building))
        PersonFactory(household=household, relationship="01")
        BuildingFactory()
    client = client_for(staff_user)
    client.get(building.get_absolute_url())

    # 1 session, 1 user, 1 COUNT for the paginator, 1 the user's profile
    # (header), 1 page of buildings with their counts, 1 prefetch of current leader terms
    # with users, profiles and residents; on PostgreSQL 1 planner's row estimate.
    with django_assert_num_queries(6 + ESTIMATE_QUERY):
        assert client.get(reverse("buildings:building_list")).status_code == 200
    # 1 session, 1 user, 1 building with counts, 1 its current leader terms,
    # 1 the user's profile (header), 1 dwellings, 1 households with member counts and
    # heads' names.
    with django_assert_num_queries(7):
        assert client.get(building.get_absolute_url()).status_code == 200


def test_building_leader_of_a_cannot_open_building_b(client_for, leader_a, building_b):
    assert client_for(leader_a).get(building_b.get_absolute_url()).status_code == 404


# --- history ----------------------------------------------------------------------------


def test_person_page_shows_who_changed_what(client_for, staff_user, household_a):
    head = household_a.members.get()
    client = client_for(staff_user)
    client.post(
        reverse("households:person_edit", args=[head.pk]),
        {
            "relationship": "01",
            "name": "温新名",
            "id_number": head.id_number,
            "sex": head.sex,
            "birth_date": head.birth_date.isoformat(),
            "ethnicity": head.ethnicity,
            "school_status": head.school_status,
            "health": head.health,
            "labour_capacity": head.labour_capacity,
            "months_worked": 0,
            "hukou_status": head.hukou_status,
            "version": head.version,
        },
    )

    page = client.get(head.get_absolute_url()).content.decode()

    assert "温新名" in page
    assert f"<del>{head.name}</del>" in page
    assert "staff" in page
    assert Person.objects.get(pk=head.pk).version == 2


# --- search and filters -------------------------------------------------------------------


def _listed(client, **params):
    response = client.get(reverse("households:household_list"), params)
    return {h.number for h in response.context["page"]}


def test_search_by_id_number_phone_name_last_four_and_number(
    client_for, staff_user, household_a, household_b
):
    head_a = household_a.members.get()
    head_a.phone = "13812345678"
    head_a.name = "温秀英"
    head_a.save()
    household_b.phone = "13987654321"
    household_b.save()
    client = client_for(staff_user)

    assert _listed(client, q=head_a.id_number.lower()) == {household_a.number}
    assert _listed(client, q="138 1234 5678") == {household_a.number}
    assert _listed(client, q="13987654321") == {household_b.number}
    assert _listed(client, q="温秀") == {household_a.number}
    assert _listed(client, q=head_a.id_number[-4:]) == {household_a.number}
    assert _listed(client, q=household_b.number[:5]) == {household_a.number, household_b.number}
    assert _listed(client, q=household_b.number) == {household_b.number}


def test_filters_by_building_status_and_move_in_year(
    client_for, staff_user, household_a, household_b
):
    household_b.poverty_status = "dibao"
    household_b.move_in_date = household_b.move_in_date.replace(year=2018)
    household_b.save()
    client = client_for(staff_user)

    assert _listed(client, building=household_a.dwelling.building.code) == {household_a.number}
    assert _listed(client, poverty_status="dibao") == {household_b.number}
    assert _listed(client, move_in_year="2018") == {household_b.number}
    assert _listed(client, move_in_year="", q="", building="") == {
        household_a.number,
        household_b.number,
    }


def test_list_rows_show_heads_matches_moved_out_households_and_escape_names(
    client_for, staff_user, household_a, household_b
):
    """The rows are written in Python (``households/templatetags/household_rows.py``):
    each cell, escaped, as the template gave it."""
    head_a = household_a.members.get()
    Person.objects.filter(pk=head_a.pk).update(name="温<i>秀</i>英")
    spouse = PersonFactory(household=household_a, relationship="10", sex="F", name="温丽")
    Person.objects.filter(pk=spouse.pk).update(is_active=False)
    Person.objects.filter(household=household_b).update(is_active=False)
    Household.objects.filter(pk=household_b.pk).update(is_active=False, phone="")
    client = client_for(staff_user)

    listing = client.get(reverse("households:household_list")).content.decode()
    url_b = f'href="{household_b.get_absolute_url()}"'
    row_b = next(row for row in listing.split("<tr")[1:] if url_b in row)
    row_b = "<tr" + row_b[: row_b.index("</tr>")]
    assert '<tr class="text-muted">' in row_b  # moved out
    assert '<span class="text-danger">' in row_b  # no head
    dwelling = household_b.dwelling
    assert f"<td>{dwelling.building.code}-{dwelling.entrance}-{dwelling.room}</td>" in row_b
    assert f"<td>{household_b.move_in_date.isoformat()}</td>" in row_b
    assert "<td>—</td>" in row_b  # no phone
    assert "温&lt;i&gt;秀&lt;/i&gt;英" in listing and "<i>秀</i>" not in listing

    searched = client.get(reverse("households:household_list"), {"q": "温丽"}).content.decode()
    match = searched[searched.index("matched-members") :]
    match = match[: match.index("</div>")]
    assert f'<a href="{spouse.get_absolute_url()}"><mark>温丽</mark></a>' in match
    assert " · " in match  # she has left the household


def test_people_search_rows_mask_ids_and_show_household_head_and_dwelling(
    client_for, staff_user, household_a
):
    from core.idnumbers import mask_id_number

    head = household_a.members.get()
    Person.objects.filter(pk=head.pk).update(name="温<b>秀</b>")
    spouse = PersonFactory(household=household_a, relationship="10", sex="F", name="温丽")
    Person.objects.filter(pk=spouse.pk).update(is_active=False, phone="")
    client = client_for(staff_user)

    page = client.get(reverse("households:person_search"), {"q": "温"}).content.decode()
    row = next(r for r in page.split("<tr")[1:] if spouse.get_absolute_url() in r)
    row = "<tr" + row[: row.index("</tr>")]
    dwelling = household_a.dwelling

    assert row.startswith('<tr class="text-muted">') and " · " in row  # she has left
    assert f'<td class="id-number">{mask_id_number(spouse.id_number)}</td>' in row
    assert spouse.id_number not in page
    assert f'<a href="{household_a.get_absolute_url()}">{household_a.number}</a>' in row
    assert "<td>温&lt;b&gt;秀&lt;/b&gt;</td>" in row  # the head's name, escaped
    assert f"<td>{dwelling.building.code}-{dwelling.entrance}-{dwelling.room}</td>" in row
    assert "<td>—</td>" in row  # no phone


def test_filter_bar_shows_each_searchs_own_values(client_for, staff_user, household_a):
    """The filter bar is kept once rendered, by its search: another search, another page
    of the same search and another language each get the bar they should."""
    client = client_for(staff_user)
    url = reverse("households:household_list")

    first = client.get(url, {"q": "甲乙", "poverty_status": "dibao"}).content.decode()
    second = client.get(url, {"q": "丙丁"}).content.decode()
    again = client.get(url, {"q": "甲乙", "poverty_status": "dibao", "page": "2"})

    assert 'value="甲乙"' in first and '<option value="dibao" selected>' in first
    assert 'value="丙丁"' in second and "甲乙" not in second
    assert '<option value="dibao" selected>' not in second
    assert 'value="甲乙"' in again.content.decode()
    assert '<option value="dibao" selected>' in again.content.decode()
    english = client.get(url, {"q": "丙丁"}, headers={"accept-language": "en"}).content.decode()
    chinese_label = second[second.index('for="id_q"') :][:80]
    english_label = english[english.index('for="id_q"') :][:80]
    assert chinese_label != english_label


def test_a_surname_search_counts_up_to_a_cap_and_says_so(
    client_for, staff_user, household_a, household_b, monkeypatch
):
    import households.views

    monkeypatch.setattr(households.views, "NAME_SEARCH_COUNT_CAP", 1)
    Person.objects.filter(household__in=[household_a, household_b]).update(name="温秀英")
    client = client_for(staff_user)

    households_page = client.get(reverse("households:household_list"), {"q": "温"})
    people_page = client.get(reverse("households:person_search"), {"q": "温"})
    by_number = client.get(reverse("households:household_list"), {"q": household_a.number})

    assert households_page.context["page"].paginator.is_count_capped
    assert "More than 1 households match" in households_page.content.decode() or (
        "匹配的户超过1户" in households_page.content.decode()
    )
    assert len(households_page.context["page"]) == 1
    assert people_page.context["page"].paginator.is_count_capped
    assert len(people_page.context["page"]) == 1
    assert not by_number.context["page"].paginator.is_count_capped  # not a name search


@pytest.mark.parametrize("keys_limit", [0, 1, 2000])
def test_a_name_search_finds_the_same_households_as_keys_or_as_a_subquery(
    client_for, staff_user, household_a, household_b, monkeypatch, keys_limit
):
    """Few people of a name: their households' keys are read first; many: a subquery. The
    same households either way, with the same count."""
    import households.filters

    monkeypatch.setattr(households.filters, "NAME_KEYS_LIMIT", keys_limit)
    Person.objects.filter(household=household_a).update(name="温秀英")
    Person.objects.filter(household=household_b).update(name="温丽")
    PersonFactory(household=household_b, relationship="10", name="温秀")
    client = client_for(staff_user)

    page = client.get(reverse("households:household_list"), {"q": "温秀"}).context["page"]
    everyone = client.get(reverse("households:household_list"), {"q": "温"}).context["page"]
    nobody = client.get(reverse("households:household_list"), {"q": "温秀英子"}).context["page"]

    assert {h.pk for h in page} == {household_a.pk, household_b.pk}
    assert page.paginator.count == 2
    assert {h.pk for h in everyone} == {household_a.pk, household_b.pk}
    assert list(nobody) == [] and nobody.paginator.count == 0


def test_a_name_search_by_keys_stays_inside_a_leaders_building(
    client_for, leader_a, household_a, household_b
):
    Person.objects.filter(household__in=[household_a, household_b]).update(name="温秀英")

    assert _listed(client_for(leader_a), q="温秀") == {household_a.number}


def test_people_search_by_a_name_start_finds_exactly_the_names_that_start_so(
    client_for, staff_user, household_a
):
    """The search bounds the name from below as well (``name >= term``, for the index's
    order): a name equal to the term is found, names after it that do not start with it
    are not."""
    Person.objects.filter(household=household_a).update(name="张三")
    for name in ("温", "温秀", "温秀英", "温丽", "温秀A", "渡边", "温秀英子"):
        PersonFactory(household=household_a, relationship="10", name=name)
    client = client_for(staff_user)

    def found(term):
        page = client.get(reverse("households:person_search"), {"q": term}).context["page"]
        return sorted(p.name for p in page)

    assert found("温秀") == sorted(["温秀", "温秀英", "温秀A", "温秀英子"])
    assert found("温") == sorted(["温", "温秀", "温秀英", "温丽", "温秀A", "温秀英子"])
    assert found("渡") == ["渡边"]


def test_leader_search_stays_inside_the_building(client_for, leader_a, household_a, household_b):
    head_b = household_b.members.get()

    assert _listed(client_for(leader_a), q=head_b.id_number) == set()


def test_pages_are_capped(client_for, staff_user, settings, monkeypatch):
    from core.paging import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "max_pages", 2)
    _households(3)
    monkeypatch.setattr("households.views.PAGE_SIZE", 1)
    client = client_for(staff_user)

    response = client.get(reverse("households:household_list"), {"page": 3})

    assert response.context["page"].number == 2
    assert "只显示前2页" in response.content.decode()


def test_filter_by_lives_here(client_for, staff_user, household_a, household_b):
    household_b.is_active = False
    household_b.save()
    client = client_for(staff_user)

    assert _listed(client, is_active="1") == {household_a.number}
    assert _listed(client, is_active="0") == {household_b.number}
    assert _listed(client, is_active="") == {household_a.number, household_b.number}


def test_household_history_names_dwellings_and_causes(client_for, staff_user, household_a):
    old = household_a.dwelling
    new = DwellingFactory(building=old.building, entrance=2, room="301")
    client = client_for(staff_user)
    payload = _edit_payload(household_a, entrance=2, room="301")
    payload["secondary_causes"] = ["illness", "no_land"]
    assert (
        client.post(
            reverse("households:household_edit", args=[household_a.pk]), payload
        ).status_code
        == 302
    )

    page = client.get(household_a.get_absolute_url()).content.decode()

    assert f"<del>{old}</del> → <ins>{new}</ins>" in page
    assert "<ins>因病、缺土地</ins>" in page


@pytest.mark.parametrize("n", [1, 20])
def test_person_page_query_count_does_not_grow_with_history(
    client_for, staff_user, django_assert_num_queries, n
):
    person = PersonFactory(relationship="01")
    for i in range(n):
        person.months_worked = i + 1
        person.save()
    client = client_for(staff_user)
    client.get(person.get_absolute_url())

    # 1 session, 1 user, 1 person with household, dwelling and building, 1 its
    # history with users and profiles, 1 profile (permissions: from the cache);
    # then the sections services adds (settings PERSON_PAGE_SECTIONS): 8 service records
    # (one per kind of personal record), 1 the person's unmet obligations; 1 who viewed
    # the full ID number (audit log, grouped by user).
    with django_assert_num_queries(15):
        response = client.get(person.get_absolute_url())
    assert response.content.decode().count("<del>") == n


def test_member_form_accepts_spaced_id_and_phone_numbers(client_for, staff_user, household_a):
    response = client_for(staff_user).post(
        reverse("households:person_create", args=[household_a.pk]),
        {
            "relationship": "10",
            "name": "刘秀英",
            "id_number": "360735 19850615 002x",
            "ethnicity": "汉族",
            "school_status": "none",
            "health": "healthy",
            "labour_capacity": "ordinary",
            "months_worked": 0,
            "phone": "139-1234-5678",
            "hukou_status": "origin",
        },
    )

    assert response.status_code == 302
    spouse = household_a.members.get(relationship="10")
    assert (spouse.id_number, spouse.sex, spouse.phone) == (
        "36073519850615002X",
        "F",
        "13912345678",
    )


@pytest.mark.parametrize(
    ("url", "forms"),
    [
        (lambda h: reverse("households:household_create"), ("form", "head_form")),
        (lambda h: reverse("households:household_edit", args=[h.pk]), ("form",)),
        (lambda h: reverse("households:person_create", args=[h.pk]), ("form",)),
        (lambda h: reverse("households:person_edit", args=[h.members.get().pk]), ("form",)),
    ],
)
def test_every_form_field_is_on_the_page(client_for, staff_user, household_a, url, forms):
    response = client_for(staff_user).get(url(household_a))
    page = response.content.decode()

    for name in forms:
        form = response.context[name]
        for field in form:
            assert f'name="{field.html_name}"' in page, field.html_name


def test_full_id_on_a_person_page_and_edit_form_is_logged(client_for, staff_user, household_a):
    head = household_a.members.get()
    client = client_for(staff_user)

    page = client.get(head.get_absolute_url() + "?ids=full").content.decode()
    masked_form = client.get(reverse("households:person_edit", args=[head.pk])).content.decode()
    client.get(reverse("households:person_edit", args=[head.pk]) + "?ids=full")

    assert head.id_number in page
    # The edit form shows the number masked until asked for, and logs only when shown.
    assert head.id_number not in masked_form and head.masked_id_number in masked_form
    assert list(AuditLog.objects.order_by("pk").values_list("action", "target")) == [
        ("view_full_id", f"person {head.pk}"),
        ("view_full_id", f"person {head.pk} (edit)"),
    ]

"""The staff desk's defects on the registry side: which member a household search matched,
the people search, the member edit form, the words, relationships by the national code and
the migration of the old combined values, the leader's list search."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from households.models import Person, Relationship
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


# --- household search says which member matched; a people search --------------------------


def test_household_search_marks_the_member_that_matched(client_for, staff_user, household_a):
    son = PersonFactory(household=household_a, name="王小明", relationship="20")
    response = client_for(staff_user).get(reverse("households:household_list"), {"q": "王小"})
    [household] = list(response.context["page"])
    assert household.matched == [son]
    page = response.content.decode()
    assert "<mark>王小明</mark>" in page
    assert "匹配成员" in page


def test_household_search_by_number_marks_no_member(client_for, staff_user, household_a):
    response = client_for(staff_user).get(
        reverse("households:household_list"), {"q": household_a.number}
    )
    assert [h.matched for h in response.context["page"]] == [[]]


@pytest.mark.parametrize("rows", [1, 8])
def test_household_search_adds_one_query_for_the_matches(
    rows, client_for, staff_user, django_assert_num_queries
):
    for _ in range(rows):
        household = HouseholdFactory(dwelling=DwellingFactory())
        PersonFactory(household=household, relationship="01", name="李四")
    client = client_for(staff_user)
    client.get(reverse("households:household_list"))
    # session, user, profile (the roles and permissions come from the cache, read by the
    # request before), the people of the name (counted, then their households' keys),
    # COUNT, the page (with the heads' names), the matched members of the page's households.
    with django_assert_num_queries(8):
        response = client.get(reverse("households:household_list"), {"q": "李"})
    assert len(response.context["page"]) == rows


def test_people_search_by_name_id_and_phone_with_the_household(client_for, staff_user, household_a):
    head = household_a.members.get()
    wife = PersonFactory(
        household=household_a, name="陈秀英", relationship="10", sex="F", phone="13907971234"
    )
    client = client_for(staff_user)
    url = reverse("households:person_search")
    assert list(client.get(url, {"q": "陈秀"}).context["page"]) == [wife]
    assert list(client.get(url, {"q": "13907971234"}).context["page"]) == [wife]
    assert list(client.get(url, {"q": head.id_number}).context["page"]) == [head]
    assert list(client.get(url, {"q": wife.id_number[-4:]}).context["page"]) == [wife]
    page = client.get(url, {"q": "陈秀"}).content.decode()
    assert household_a.number in page
    assert head.name in page  # the head beside the person
    assert wife.masked_id_number in page and wife.id_number not in page
    assert list(client.get(url).context["page"]) == []  # nothing until something is typed


@pytest.mark.parametrize("persona", ["leader_a", "outsider"])
def test_people_search_is_for_the_registry_roles(persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("households:person_search"), {"q": "王"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("rows", [1, 8])
def test_people_search_query_count_is_constant(
    rows, client_for, staff_user, django_assert_num_queries
):
    for _ in range(rows):
        PersonFactory(name="赵六", household=HouseholdFactory(dwelling=DwellingFactory()))
    client = client_for(staff_user)
    client.get(reverse("households:person_search"))
    # session, user, profile, COUNT, the page with household, dwelling, building
    # and the head's name.
    with django_assert_num_queries(5):
        response = client.get(reverse("households:person_search"), {"q": "赵"})
    assert len(response.context["page"]) == rows


# --- the member edit form ---------------------------------------------------------------


def test_member_edit_form_labels_the_masked_id_and_has_cancel_and_certificate(
    client_for, staff_user, household_a
):
    member = PersonFactory(household=household_a, relationship="20")
    page = client_for(staff_user).get(reverse("households:person_edit", args=[member.pk]))
    html = page.content.decode()
    form = page.context["form"]
    assert "disability_certificate" in form.fields  # none recorded yet: it can be entered
    assert '<div class="form-label">身份证号</div>' in html
    assert member.masked_id_number in html and member.id_number not in html
    assert 'id="cancel"' in html and f'href="{household_a.get_absolute_url()}"' in html
    assert ">—</p>" not in html


def test_a_recorded_certificate_is_shown_masked_under_its_label(
    client_for, staff_user, household_a
):
    member = PersonFactory(household=household_a, relationship="20")
    member.disability_certificate = member.id_number + "41"
    member.save()
    html = (
        client_for(staff_user)
        .get(reverse("households:person_edit", args=[member.pk]))
        .content.decode()
    )
    assert '<div class="form-label">残疾证号</div>' in html
    assert member.disability_certificate not in html


# --- words ---------------------------------------------------------------------------------


def test_a_person_is_not_called_renkou():
    with translation.override("zh-hans"):
        assert str(Person._meta.verbose_name) == "姓名"
        assert str(Person._meta.verbose_name_plural) == "人"


def test_relationships_are_the_national_codes_separate_values():
    with translation.override("zh-hans"):
        labels = {c.value: str(c.label) for c in Relationship}
    assert labels["20"] == "子"
    assert labels["28"] == "女婿"
    assert labels["30"] == "女"
    assert labels["38"] == "儿媳"
    assert not any("/" in label for label in labels.values())


def _migration():
    return importlib.import_module("households.migrations.0004_relationship_national_codes")


def test_migration_splits_the_old_combined_values_by_surname():
    household = HouseholdFactory(dwelling=DwellingFactory())
    PersonFactory(household=household, relationship="01", name="王大山")
    PersonFactory(household=household, relationship="10", name="刘桂兰", sex="F")
    son = PersonFactory(household=household, relationship="20", name="王小军")
    son_of_wife = PersonFactory(household=household, relationship="20", name="刘小虎")
    son_in_law = PersonFactory(household=household, relationship="20", name="陈志强")
    daughter = PersonFactory(household=household, relationship="30", name="王小红", sex="F")
    daughter_in_law = PersonFactory(household=household, relationship="30", name="李梅", sex="F")
    compound = HouseholdFactory(dwelling=DwellingFactory())
    PersonFactory(household=compound, relationship="01", name="欧阳明")
    compound_son = PersonFactory(household=compound, relationship="20", name="欧阳志")
    headless = HouseholdFactory(dwelling=DwellingFactory())
    orphan_code = PersonFactory(household=headless, relationship="20", name="张三")

    _migration().split_in_laws(apps, None)

    def code(p):
        return Person.objects.get(pk=p.pk).relationship

    assert [code(p) for p in (son, son_of_wife, son_in_law)] == ["20", "20", "28"]
    assert [code(p) for p in (daughter, daughter_in_law)] == ["30", "38"]
    assert code(compound_son) == "20"
    assert code(orphan_code) == "20"  # nobody to compare with: kept

    _migration().join_in_laws(apps, None)
    assert code(son_in_law) == "20" and code(daughter_in_law) == "30"


# --- the leader's household list has a search box --------------------------------------------


def test_leader_household_list_searches_by_name_and_room(
    client_for, leader_a, building_a, building_b
):
    mine = HouseholdFactory(dwelling=DwellingFactory(building=building_a, room="0302"))
    PersonFactory(household=mine, relationship="01", name="周建国")
    other = HouseholdFactory(dwelling=DwellingFactory(building=building_a, room="0501"))
    PersonFactory(household=other, relationship="01", name="吴芳", sex="F")
    elsewhere = HouseholdFactory(dwelling=DwellingFactory(building=building_b))
    PersonFactory(household=elsewhere, relationship="01", name="周建军")
    client = client_for(leader_a)
    url = reverse("mobile:household_list")
    assert 'id="household-search"' in client.get(url).content.decode()
    assert [h.pk for h in client.get(url, {"q": "周建"}).context["households"]] == [mine.pk]
    assert [h.pk for h in client.get(url, {"q": "0501"}).context["households"]] == [other.pk]
    assert len(client.get(url).context["households"]) == 2


def test_leader_status_page_promises_no_employment_field(client_for, leader_a, household_a):
    head = household_a.members.get()
    response = client_for(leader_a).get(reverse("mobile:person_status", args=[head.pk]))
    html = response.content.decode()
    assert "employer" not in response.context["form"].fields
    assert "电话、上学、就业和健康状况" not in html
    assert "就业情况由县人社局登记" in html

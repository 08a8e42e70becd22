"""Area codes of ID numbers: a code that never was an administrative division is refused by
the forms (in Chinese, naming the field); the person page shows the birthplace the code
names, with the years the code was in use."""

import datetime

from django.urls import reverse

from core.idnumbers import make_id_number
from tests.households.factories import PersonFactory

MEMBER = {
    "relationship": "10",
    "name": "刘秀英",
    "sex": "F",
    "ethnicity": "汉族",
    "school_status": "none",
    "health": "healthy",
    "labour_capacity": "ordinary",
    "months_worked": 0,
    "hukou_status": "origin",
}


def test_a_member_with_an_area_code_that_never_existed_is_refused(
    client_for, staff_user, household_a
):
    response = client_for(staff_user).post(
        reverse("households:person_create", args=[household_a.pk]),
        {**MEMBER, "sex": "M", "id_number": "990426199112010074"},
    )
    assert response.status_code == 200
    assert "990426" in str(response.context["form"].errors["id_number"])
    assert "从未是行政区划代码" in response.content.decode()
    assert household_a.members.count() == 1


def test_a_1985_birth_under_shicheng_s_new_code_is_accepted(client_for, staff_user, household_a):
    response = client_for(staff_user).post(
        reverse("households:person_create", args=[household_a.pk]),
        {**MEMBER, "sex": "M", "id_number": "360735198506150011"},
    )
    assert response.status_code == 302
    assert household_a.members.count() == 2


def test_person_page_shows_the_birthplace_and_the_code_s_years(
    client_for, department_user, household_a
):
    person = PersonFactory(
        household=household_a,
        id_number=make_id_number("362137", datetime.date(1970, 3, 1), 11),
        birth_date=datetime.date(1970, 3, 1),
        sex="M",
    )
    page = client_for(department_user).get(person.get_absolute_url()).content.decode()
    assert "江西省 石城县（地址码 362137，–1998）" in page
    assert person.id_number not in page  # the place names reveal only the unmasked code

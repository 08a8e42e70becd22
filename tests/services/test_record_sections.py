import pytest
from django.test import RequestFactory

from services.records.sections import household_records_section, person_records_section
from tests.households.factories import PersonFactory

from .record_factories import (
    AllowanceFactory,
    EmploymentFactory,
    FamilyPlanningRecordFactory,
    HukouMigrationFactory,
    LandHoldingFactory,
    LandRightEventFactory,
    MedicalInsuranceFactory,
    PensionEnrolmentFactory,
    ResidencePermitFactory,
    SchoolEnrolmentFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _every_person_kind(person, n=1, first_year=2020):
    for i in range(n):
        HukouMigrationFactory(person=person)
        ResidencePermitFactory(person=person)
        MedicalInsuranceFactory(person=person, year=first_year + i)
        SchoolEnrolmentFactory(person=person)
        TrainingFactory(person=person)
        EmploymentFactory(person=person)
        PensionEnrolmentFactory(person=person)
        AllowanceFactory(household=person.household, person=person, kind="disability")


def _prime(user, person):
    # Roles and permissions are read once per request and cached on the user.
    person_records_section(request=_request(user), person=person)


@pytest.mark.parametrize("records_per_kind", [1, 4])
def test_person_section_runs_one_query_per_kind(
    staff_user, household_a, django_assert_num_queries, records_per_kind
):
    person = household_a.members.get()
    _every_person_kind(person, records_per_kind)
    _prime(staff_user, person)
    # hukou, permits, insurance, school, training, employment, pension, allowances.
    with django_assert_num_queries(8):
        section = person_records_section(request=_request(staff_user), person=person)
    assert [len(g["rows"]) for g in section["context"]["groups"]] == [records_per_kind] * 8


@pytest.mark.parametrize("records_per_kind", [1, 3])
def test_household_section_runs_one_query_per_kind(
    staff_user, household_a, django_assert_num_queries, records_per_kind
):
    person = household_a.members.get()
    for _ in range(records_per_kind):
        _every_person_kind(PersonFactory(household=household_a))
        FamilyPlanningRecordFactory(household=household_a)
        LandRightEventFactory(holding=LandHoldingFactory(household=household_a))
    _prime(staff_user, person)
    # seven person kinds, family planning, allowances, holdings and their events.
    with django_assert_num_queries(11):
        section = household_records_section(request=_request(staff_user), household=household_a)
    assert len(section["context"]["groups"]) == 10


def test_person_page_query_count_is_constant(
    client_for, staff_user, household_a, django_assert_num_queries
):
    person = household_a.members.get()
    _every_person_kind(person)
    client = client_for(staff_user)
    client.get(person.get_absolute_url())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert "service-records" in response.content.decode()
    _every_person_kind(person, 3, first_year=2021)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(person.get_absolute_url())


def test_department_user_sees_only_their_kinds_in_the_section(department_user, household_a):
    person = household_a.members.get()
    _every_person_kind(person)
    section = person_records_section(request=_request(department_user), person=person)
    assert [g["kind"].key for g in section["context"]["groups"]] == ["training", "employment"]


def test_leader_sees_the_section_for_their_building(client_for, leader_a, household_a):
    person = household_a.members.get()
    TrainingFactory(person=person)
    section = person_records_section(request=_request(leader_a), person=person)
    groups = {g["kind"].key: g for g in section["context"]["groups"]}
    assert len(groups["training"]["rows"]) == 1
    assert not any(g["may_record"] for g in groups.values())


def test_leader_reads_no_records_of_another_building(leader_a, household_b):
    person = household_b.members.get()
    TrainingFactory(person=person)
    section = household_records_section(request=_request(leader_a), household=household_b)
    assert all(not g["rows"] for g in section["context"]["groups"])


def test_outsider_gets_no_section(outsider, household_a):
    assert (
        person_records_section(request=_request(outsider), person=household_a.members.get()) is None
    )

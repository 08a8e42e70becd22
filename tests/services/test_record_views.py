import datetime

import pytest
from django.db import connection

from households.models import Person
from services.records.kinds import KINDS
from services.records.models import Allowance, Employment, LandRightEvent, SchoolEnrolment, Training
from tests.households.factories import PersonFactory

from .record_factories import (
    AllowanceFactory,
    EmploymentFactory,
    LandHoldingFactory,
    LandRightEventFactory,
    ResidencePermitFactory,
    TrainingFactory,
    unit_user,
)

pytestmark = pytest.mark.django_db

# An unfiltered list asks PostgreSQL's planner how large the table is first (core.paging).
ESTIMATE_QUERY = 1 if connection.vendor == "postgresql" else 0


TRAINING_POST = {
    "course": "家政服务",
    "provider": "县人社局就业培训中心",
    "started_on": "2019-11-01",
    "ended_on": "2019-11-20",
    "certificate": "",
    "note": "",
}


def test_unit_home_lists_only_the_units_kinds(client_for, department_user):
    response = client_for(department_user).get("/services/records/")
    assert response.status_code == 200
    assert [k.key for k, _ in response.context["rows"]] == ["training", "employment"]


def test_outsider_and_unit_without_records_are_refused(client_for, outsider):
    assert client_for(outsider).get("/services/records/").status_code == 403
    finance = unit_user("finance")
    assert client_for(finance).get("/services/records/").status_code == 403


def test_url_contract(client_for, staff_user, household_a):
    from django.urls import reverse

    for key in KINDS:
        assert (
            reverse("services:record_create", kwargs={"kind": key})
            == f"/services/records/{key}/new/"
        )
        assert reverse("services:record_list", kwargs={"kind": key}) == f"/services/records/{key}/"
    person = household_a.members.get()
    client = client_for(staff_user)
    for key, kind in KINDS.items():
        param = "person" if kind.subject == "person" else "household"
        value = person.pk if param == "person" else household_a.pk
        response = client.get(f"/services/records/{key}/new/?{param}={value}")
        assert response.status_code == 200, key
        assert client.get(f"/services/records/{key}/").status_code == 200


def test_department_user_is_refused_other_kinds(client_for, department_user, household_a):
    client = client_for(department_user)
    person = household_a.members.get()
    assert client.get("/services/records/schoolenrolment/").status_code == 403
    assert (
        client.get(f"/services/records/schoolenrolment/new/?person={person.pk}").status_code == 403
    )
    response = client.post(
        f"/services/records/schoolenrolment/new/?person={person.pk}",
        {"person": person.pk, "school": "x", "status": "enrolled", "started_on": "2024-09-01"},
    )
    assert response.status_code == 403
    assert not SchoolEnrolment.objects.exists()
    assert client.get("/services/records/nosuchkind/").status_code == 404


def test_unit_records_training_by_full_id_number(client_for, department_user, household_a):
    person = household_a.members.get()
    response = client_for(department_user).post(
        "/services/records/training/new/", {"id_number": person.id_number.lower(), **TRAINING_POST}
    )
    training = Training.objects.get()
    assert response.status_code == 302
    assert response.url == f"/services/records/training/{training.pk}/"
    assert training.person == person
    assert training.recorded_unit.code == "human-resources"
    assert training.recorded_by == department_user


def test_unknown_id_number_is_a_form_error(client_for, department_user, household_a):
    response = client_for(department_user).post(
        "/services/records/training/new/", {"id_number": "360735198506150011", **TRAINING_POST}
    )
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert not Training.objects.exists()


def test_person_picked_from_a_households_members(client_for, department_user, household_a):
    member = PersonFactory(household=household_a)
    client = client_for(department_user)
    form = client.get(f"/services/records/training/new/?household={household_a.pk}").context["form"]
    assert "id_number" not in form.fields
    assert list(form.fields["person"].queryset) == list(
        household_a.members.filter(is_active=True).order_by("relationship", "birth_date")
    )
    response = client.post(
        f"/services/records/training/new/?household={household_a.pk}",
        {"person": member.pk, **TRAINING_POST},
    )
    assert response.status_code == 302
    assert Training.objects.get().person == member


def test_household_number_lookup_preselects(client_for, department_user, household_a):
    response = client_for(department_user).get(
        f"/services/records/training/new/?household_number={household_a.number}"
    )
    assert response.context["household"] == household_a
    assert "person" in response.context["form"].fields


def test_employment_refused_for_no_labour_capacity_on_the_form(
    client_for, department_user, household_a
):
    person = PersonFactory(household=household_a, labour_capacity="none")
    response = client_for(department_user).post(
        f"/services/records/employment/new/?person={person.pk}",
        {"person": person.pk, "employer": "某厂", "kind": "park", "started_on": "2020-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    assert not Employment.objects.exists()


def test_recorded_unit_is_never_taken_from_the_form(client_for, department_user, household_a):
    person = household_a.members.get()
    client_for(department_user).post(
        "/services/records/training/new/",
        {
            "id_number": person.id_number,
            "recorded_unit": 1,
            "unit": 1,
            "recorded_by": 1,
            **TRAINING_POST,
        },
    )
    assert Training.objects.get().recorded_unit.code == "human-resources"


def test_staff_record_on_behalf_of_a_chosen_unit(client_for, staff_user, household_a):
    from community.models import Department

    person = household_a.members.get()
    school = Department.objects.get(code="vocational-school")
    client = client_for(staff_user)
    form = client.get("/services/records/training/new/").context["form"]
    assert {d.code for d in form.fields["unit"].queryset} == {
        "human-resources",
        "vocational-school",
    }
    response = client.post(
        "/services/records/training/new/",
        {"unit": school.pk, "id_number": person.id_number, **TRAINING_POST},
    )
    assert response.status_code == 302
    assert Training.objects.get().recorded_unit == school


def test_unit_edits_its_own_record_but_not_another_units(client_for, department_user, household_a):
    from community.models import Department

    person = household_a.members.get()
    own = EmploymentFactory(person=person)
    other = EmploymentFactory(person=person, recorded_unit=Department.objects.get(code="townships"))
    client = client_for(department_user)

    listing = client.get("/services/records/employment/")
    assert {r.pk: editable for r, _cells, editable in listing.context["rows"]} == {
        own.pk: True,
        other.pk: False,
    }

    assert client.get(f"/services/records/employment/{other.pk}/edit/").status_code == 403
    response = client.post(
        f"/services/records/employment/{other.pk}/edit/",
        {"employer": "改", "kind": "park", "started_on": "2019-08-01", "version": 1},
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.employer == "石城工业园区鞋业公司" and other.version == 1

    response = client.post(
        f"/services/records/employment/{own.pk}/edit/",
        {
            "employer": "石城工业园区电子厂",
            "kind": "park",
            "started_on": "2019-08-01",
            "monthly_income": "3000",
            "version": 1,
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.employer == "石城工业园区电子厂" and own.version == 2


def test_supervisor_reads_every_kind_and_records_none(client_for, supervisor_user, household_a):
    TrainingFactory(person=household_a.members.get())
    client = client_for(supervisor_user)
    for key in KINDS:
        assert client.get(f"/services/records/{key}/").status_code == 200
        assert client.get(f"/services/records/{key}/new/").status_code == 403


def test_leader_sees_records_only_of_their_building(client_for, leader_a, household_a, household_b):
    mine = TrainingFactory(person=household_a.members.get())
    theirs = TrainingFactory(person=household_b.members.get())
    client = client_for(leader_a)
    assert client.get(f"/services/records/training/{mine.pk}/").status_code == 200
    assert client.get(f"/services/records/training/{theirs.pk}/").status_code == 404
    listing = client.get("/services/records/training/")
    assert [r.pk for r, _c, _e in listing.context["rows"]] == [mine.pk]
    assert client.get(f"/services/records/training/{mine.pk}/edit/").status_code == 403


def test_list_filters_by_name_id_building_and_dates(
    client_for, staff_user, household_a, household_b
):
    a = TrainingFactory(
        person=household_a.members.get(), started_on=datetime.date(2019, 5, 1), ended_on=None
    )
    b = TrainingFactory(
        person=household_b.members.get(), started_on=datetime.date(2021, 5, 1), ended_on=None
    )
    client = client_for(staff_user)

    def pks(query):
        return [
            r.pk for r, _c, _e in client.get(f"/services/records/training/?{query}").context["rows"]
        ]

    assert pks(f"q={a.person.id_number}") == [a.pk]
    assert pks(f"q={b.person.name}") == [b.pk]
    assert pks(f"building={household_b.dwelling.building.code}") == [b.pk]
    assert pks("date_from=2020-01-01") == [b.pk]
    assert pks("date_to=2020-01-01") == [a.pk]


def test_the_recorded_day_filter_counts_days_in_local_time(client_for, staff_user, household_a):
    """Medical insurance is filtered by the day it was recorded, in Beijing time, compared
    as a range of moments (so that an index serves it): the first and last moment of a day
    are in, the next day's first is out, whatever the UTC date."""
    from django.utils import timezone

    from services.records.models import MedicalInsurance

    from .record_factories import MedicalInsuranceFactory

    person = household_a.members.get()
    local = timezone.get_current_timezone()
    moments = {
        "before": datetime.datetime(2025, 2, 28, 23, 59, 59, tzinfo=local),
        "first": datetime.datetime(2025, 3, 1, 0, 0, tzinfo=local),  # 16:00 UTC, 28 Feb
        "last": datetime.datetime(2025, 3, 31, 23, 59, 59, tzinfo=local),
        "after": datetime.datetime(2025, 4, 1, 0, 0, tzinfo=local),
    }
    pks = {}
    for year, (label, moment) in enumerate(moments.items(), start=2021):
        record = MedicalInsuranceFactory(person=person, year=year)
        MedicalInsurance.objects.filter(pk=record.pk).update(recorded_at=moment)
        pks[record.pk] = label
    client = client_for(staff_user)

    def listed(query):
        rows = client.get(f"/services/records/medicalinsurance/?{query}").context["rows"]
        return sorted(pks[r.pk] for r, _c, _e in rows)

    assert listed("date_from=2025-03-01&date_to=2025-03-31") == ["first", "last"]
    assert listed("date_from=2025-03-01") == ["after", "first", "last"]
    assert listed("date_to=2025-02-28") == ["before"]


def test_refusal_row_is_visible(client_for, supervisor_user, household_a):
    from .record_factories import SchoolEnrolmentFactory

    SchoolEnrolmentFactory(person=household_a.members.get(), status="refused", reason="非本校学区")
    response = client_for(supervisor_user).get("/services/records/schoolenrolment/?choice=refused")
    assert "table-danger" in response.content.decode()


def test_training_list_query_count_is_constant(
    client_for, department_user, household_a, django_assert_num_queries
):
    client = client_for(department_user)
    TrainingFactory(person=household_a.members.get())
    client.get(
        "/services/records/training/"
    )  # roles and permissions: read once, then kept in the cache
    # session, user, the user's unit, count, page of rows (person, household,
    # dwelling, building and unit joined), the user's profile (header), units for the
    # filter's select (the building is a number typed in, no query); on PostgreSQL the
    # table's estimated size first.
    with django_assert_num_queries(7 + ESTIMATE_QUERY):
        response = client.get("/services/records/training/")
    assert len(response.context["rows"]) == 1
    for _ in range(30):
        TrainingFactory(person=PersonFactory(household=household_a))
    with django_assert_num_queries(7 + ESTIMATE_QUERY):
        response = client.get("/services/records/training/")
    assert len(response.context["rows"]) == 31


def test_landholding_list_query_count_is_constant(
    client_for, staff_user, household_a, household_b, django_assert_num_queries
):
    client = client_for(staff_user)
    LandRightEventFactory(holding=LandHoldingFactory(household=household_a))
    client.get(
        "/services/records/landholding/"
    )  # roles and permissions: read once, then kept in the cache
    # session, user, count, page of holdings, their events (prefetch), the user's
    # profile, units for the filter's select (the building is a number typed in, no
    # query); on PostgreSQL the table's estimated size first.
    with django_assert_num_queries(7 + ESTIMATE_QUERY):
        client.get("/services/records/landholding/")
    for _ in range(12):
        holding = LandHoldingFactory(household=household_b)
        LandRightEventFactory(holding=holding)
        LandRightEventFactory(holding=holding, kind="shares")
    with django_assert_num_queries(7 + ESTIMATE_QUERY):
        response = client.get("/services/records/landholding/")
    assert len(response.context["rows"]) == 13


def test_permit_endorse_page(client_for, household_a):
    police = unit_user("public-security")
    permit = ResidencePermitFactory(person=household_a.members.get())
    client = client_for(police)
    response = client.post(
        f"/services/records/residencepermit/{permit.pk}/endorse/",
        {"endorsed_on": "2021-03-01", "version": 1},
    )
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.valid_until == datetime.date(2022, 3, 10)
    # Education does not read permits (404); the police station reads but did not record it.
    assert (
        client_for(unit_user("education"))
        .post(
            f"/services/records/residencepermit/{permit.pk}/endorse/",
            {"endorsed_on": "2022-03-01", "version": 2},
        )
        .status_code
        == 404
    )
    assert (
        client_for(unit_user("qinjiang-police"))
        .post(
            f"/services/records/residencepermit/{permit.pk}/endorse/",
            {"endorsed_on": "2022-03-01", "version": 2},
        )
        .status_code
        == 403
    )
    permit.refresh_from_db()
    assert permit.version == 2


def test_allowance_convert_page(client_for, household_a):
    civil = unit_user("civil-affairs")
    head = household_a.members.get()
    head.hukou_status = "moved"
    head.save(update_fields=["hukou_status"])
    rural = AllowanceFactory(household=household_a)
    response = client_for(civil).post(
        f"/services/records/allowance/{rural.pk}/convert/",
        {"converted_on": "2020-01-01", "monthly_amount": "700", "version": 1},
    )
    urban = Allowance.objects.get(converted_from=rural)
    assert (
        response.status_code == 302 and response.url == f"/services/records/allowance/{urban.pk}/"
    )


def test_land_event_page_refuses_late_notice(client_for, household_a):
    land = unit_user("natural-resources")
    holding = LandHoldingFactory(household=household_a)
    response = client_for(land).post(
        f"/services/records/landholding/{holding.pk}/events/new/",
        {
            "kind": "withdrawal",
            "happened_on": "2021-08-31",
            "notice_given_on": "2021-06-01",
            "income": "5000",
        },
    )
    assert response.status_code == 200
    assert "notice_given_on" in response.context["form"].errors
    assert not LandRightEvent.objects.exists()


def test_willingness_page(client_for, department_user, household_a):
    person = household_a.members.get()
    response = client_for(department_user).post(
        f"/services/records/willingness/?person={person.pk}",
        {"person": person.pk, "training_willingness": "yes"},
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).training_willingness == "yes"


def _factory_for(key, household):
    from . import record_factories as f

    person = PersonFactory(household=household)
    makers = {
        "hukoumigration": lambda: f.HukouMigrationFactory(person=person),
        "residencepermit": lambda: f.ResidencePermitFactory(person=person),
        "medicalinsurance": lambda: f.MedicalInsuranceFactory(person=person),
        "familyplanningrecord": lambda: f.FamilyPlanningRecordFactory(household=household),
        "schoolenrolment": lambda: f.SchoolEnrolmentFactory(person=person),
        "training": lambda: f.TrainingFactory(person=person),
        "employment": lambda: f.EmploymentFactory(person=person),
        "pensionenrolment": lambda: f.PensionEnrolmentFactory(person=person),
        "allowance": lambda: f.AllowanceFactory(
            household=household,
            person=person,
            converted_from=f.AllowanceFactory(
                household=household, ended_on=datetime.date(2019, 1, 1)
            ),
        ),
        "landholding": lambda: f.LandRightEventFactory(
            holding=f.LandHoldingFactory(household=household)
        ),
    }
    return makers[key]


@pytest.mark.parametrize("key", list(KINDS))
def test_every_list_has_a_constant_query_count(
    client_for, staff_user, household_a, django_assert_num_queries, key
):
    client = client_for(staff_user)
    make = _factory_for(key, household_a)
    make()
    client.get(
        f"/services/records/{key}/"
    )  # roles and permissions: read once, then kept in the cache
    # session, user, count, page of rows (subject, dwelling, building, unit and for
    # allowances the person and the converted allowance joined), the user's profile, units
    # for the filter's select (the building is a number typed in, no query); holdings add
    # their events (one prefetch); on PostgreSQL the table's estimated size first.
    expected = (7 if key == "landholding" else 6) + ESTIMATE_QUERY
    with django_assert_num_queries(expected):
        client.get(f"/services/records/{key}/")
    for _ in range(4):
        _factory_for(key, household_a)()
    with django_assert_num_queries(expected):
        response = client.get(f"/services/records/{key}/")
    assert len(response.context["rows"]) >= 5


def test_convert_button_for_units_that_record_dibao(client_for, household_a, department_user):
    from community.models import Department

    rural = AllowanceFactory(
        household=household_a, recorded_unit=Department.objects.get(code="townships")
    )
    url = f"/services/records/allowance/{rural.pk}/"
    assert client_for(unit_user("civil-affairs")).get(url).context["may_convert"] is True
    assert client_for(unit_user("townships")).get(url).context["may_convert"] is True
    # The women's federation reads women's assistance only: 低保 is out of its scope.
    women = client_for(unit_user("womens-federation"))
    assert women.get(url).status_code == 404
    assert women.get(f"/services/records/allowance/{rural.pk}/convert/").status_code == 404


def test_household_record_by_household_number(client_for, household_a):
    from services.records.models import LandHolding

    land = client_for(unit_user("natural-resources"))
    fields = {"kind": "farmland", "location": "原籍山背组", "area_mu": "2.5", "contract_number": ""}
    response = land.post(
        "/services/records/landholding/new/", {"household_number": "nope", **fields}
    )
    assert "household_number" in response.context["form"].errors
    response = land.post(
        "/services/records/landholding/new/", {"household_number": household_a.number, **fields}
    )
    assert response.status_code == 302
    holding = LandHolding.objects.get()
    assert holding.household == household_a and holding.recorded_unit.code == "natural-resources"
    # Forest is the forestry bureau's: the error names the field.
    response = land.post(
        "/services/records/landholding/new/",
        {"household_number": household_a.number, **fields, "kind": "forest"},
    )
    assert "kind" in response.context["form"].errors
    assert LandHolding.objects.count() == 1


def test_a_long_record_list_shows_its_first_pages_and_says_so(
    client_for, staff_user, household_a, monkeypatch
):
    from core.paging import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "max_pages", 1)
    monkeypatch.setattr("services.records.views.PAGE_SIZE", 2)
    for _ in range(3):
        TrainingFactory(person=PersonFactory(household=household_a))
    client = client_for(staff_user)

    page = client.get("/services/records/training/")
    beyond = client.get("/services/records/training/", {"page": 2})

    assert page.context["page"].paginator.num_pages == 1
    assert "只显示前1页" in page.content.decode()
    assert beyond.context["page"].number == 1  # past the last page shown: the last one
    assert "共 3 条记录" in page.content.decode()


def test_a_large_record_table_is_counted_from_the_planners_estimate(
    client_for, staff_user, household_a, monkeypatch
):
    import core.paging

    TrainingFactory(person=household_a.members.get())
    monkeypatch.setattr(core.paging, "ESTIMATE_ABOVE", 0)
    # As the real estimate: none for a filtered list.
    monkeypatch.setattr(
        core.paging, "planner_row_estimate", lambda qs: None if qs.query.where else 1_234_567
    )
    client = client_for(staff_user)

    unfiltered = client.get("/services/records/training/").content.decode()
    filtered = client.get("/services/records/training/", {"q": "没有这个人"}).content.decode()

    assert "约 1234567 条记录" in unfiltered
    assert "共 0 条记录" in filtered and "约 " not in filtered

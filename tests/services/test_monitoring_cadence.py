"""Visit cadence: monthly for every household, weekly for the key groups, at the month and
week boundaries; the key groups; the per-building figures agree with the lists."""

import datetime

import pytest

from households.fieldlogs.models import Visit
from households.models import Household
from services.monitoring import cadence
from services.records.models import Employment
from tests.households.factories import HouseholdFactory, PersonFactory
from tests.services.record_factories import EmploymentFactory

# Tuesday 1 December 2026; the week began on Monday 30 November.
TUE = datetime.date(2026, 12, 1)


def _visit(household, user, on):
    return Visit.objects.create(
        household=household, visited_on=on, reason="routine", visited_by=user
    )


def _state(household, today):
    return cadence.visit_list(Household.objects.filter(pk=household.pk), today=today).get().state


@pytest.fixture
def plain(db):
    household = HouseholdFactory()
    PersonFactory(household=household, relationship="01", birth_date=datetime.date(1980, 1, 1))
    PersonFactory(
        household=household, relationship="10", sex="F", birth_date=datetime.date(1982, 1, 1)
    )
    return household


def test_month_boundary(plain, staff_user):
    _visit(plain, staff_user, datetime.date(2026, 11, 30))
    assert _state(plain, datetime.date(2026, 11, 30)) == cadence.VISITED
    assert _state(plain, datetime.date(2026, 12, 1)) == cadence.DUE  # a new month
    assert _state(plain, datetime.date(2026, 12, 31)) == cadence.DUE
    assert _state(plain, datetime.date(2027, 1, 1)) == cadence.OVERDUE  # December missed


def test_never_visited_is_overdue(plain):
    assert _state(plain, TUE) == cadence.OVERDUE


def test_week_boundary_for_a_monitored_household(plain, staff_user):
    Household.objects.filter(pk=plain.pk).update(monitoring_category="marginal")
    _visit(plain, staff_user, datetime.date(2026, 11, 29))  # Sunday
    assert _state(plain, datetime.date(2026, 11, 29)) == cadence.VISITED
    assert _state(plain, datetime.date(2026, 11, 30)) == cadence.DUE  # Monday: a new week
    assert _state(plain, datetime.date(2026, 12, 6)) == cadence.DUE  # Sunday of that week
    assert _state(plain, datetime.date(2026, 12, 7)) == cadence.OVERDUE  # a week missed
    # The same visit keeps an ordinary household visited for the month.
    Household.objects.filter(pk=plain.pk).update(monitoring_category="")
    assert _state(plain, datetime.date(2026, 11, 30)) == cadence.VISITED


def _groups(household, today=TUE):
    row = cadence.visit_list(Household.objects.filter(pk=household.pk), today=today).get()
    return {
        name
        for name in ("monitored", "elderly_alone", "severe_disability", "left_behind")
        if getattr(row, f"is_{name}")
    } | ({"key"} if row.key_group else set())


def test_elderly_living_alone_from_the_age_setting(db, settings):
    household = HouseholdFactory()
    PersonFactory(household=household, relationship="01", birth_date=datetime.date(1956, 12, 1))
    assert _groups(household) == {"elderly_alone", "key"}  # 70 today
    assert _groups(household, datetime.date(2026, 11, 30)) == set()  # still 69
    settings.VISITS = {**settings.VISITS, "ELDERLY_ALONE_AGE": 75}
    assert _groups(household) == set()


def test_an_elder_not_alone_is_not_a_key_group(plain):
    PersonFactory(household=plain, relationship="50", birth_date=datetime.date(1940, 1, 1))
    assert _groups(plain) == set()


@pytest.mark.parametrize(("grade", "key"), [("1", True), ("2", True), ("3", False)])
def test_severely_disabled_member(plain, grade, key):
    person = plain.members.get(relationship="10")
    person.disability_certificate = person.id_number + "4" + grade
    person.save()
    assert ("severe_disability" in _groups(plain)) is key


def test_left_behind_child(plain):
    child = PersonFactory(household=plain, relationship="20", birth_date=datetime.date(2016, 5, 1))
    assert child.age < 16
    head, spouse = plain.members.get(relationship="01"), plain.members.get(relationship="10")
    EmploymentFactory(
        person=head, kind=Employment.Kind.MIGRANT, started_on=datetime.date(2025, 1, 1)
    )
    assert "left_behind" not in _groups(plain)  # the mother is at home
    EmploymentFactory(
        person=spouse, kind=Employment.Kind.MIGRANT, started_on=datetime.date(2025, 1, 1)
    )
    assert "left_behind" in _groups(plain)
    # Work in the county is not "working away".
    Employment.objects.filter(person=spouse).update(kind=Employment.Kind.LOCAL_FIRM)
    assert "left_behind" not in _groups(plain)


def test_figures_by_building_agree_with_the_lists(building_a, building_b, staff_user):
    from tests.households.factories import DwellingFactory

    households = []
    for _i in range(4):
        h = HouseholdFactory(dwelling=DwellingFactory(building=building_a))
        PersonFactory(household=h, relationship="01")
        households.append(h)
    Household.objects.filter(pk=households[0].pk).update(monitoring_category="shock")
    _visit(households[0], staff_user, datetime.date(2026, 11, 25))  # key group, last week: due
    _visit(households[1], staff_user, datetime.date(2026, 12, 1))  # visited
    _visit(households[2], staff_user, datetime.date(2026, 11, 3))  # due this month
    b = HouseholdFactory(dwelling=DwellingFactory(building=building_b))
    PersonFactory(household=b, relationship="01")
    rows = {
        r["dwelling__building__code"]: r
        for r in cadence.figures_by_building(Household.objects.all(), today=TUE)
    }
    assert {k: v for k, v in rows["A"].items() if not k.startswith("dwelling")} == {
        "total": 4,
        "due": 2,
        "overdue": 1,
        "visited_month": 1,
        "key": 1,
        "key_visited": 0,
    }
    assert rows["B"]["overdue"] == 1
    qs = Household.objects.filter(dwelling__building=building_a)
    assert cadence.visit_list(qs, today=TUE, state="due").count() == 2
    assert cadence.visit_list(qs, today=TUE, state="overdue").count() == 1
    # Most overdue first: never visited, then the longest since.
    order = list(cadence.visit_list(qs, today=TUE, state="pending").values_list("pk", flat=True))
    assert order == [households[3].pk, households[2].pk, households[0].pk]

"""Department data alerts: each kind raised once and only once, naming its fact."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from community.models import Department
from core.models import Notification
from households.models import HouseholdIncome, LabourCapacity
from households.services import person_update
from services.monitoring.alerts import alerts_raise
from services.monitoring.models import AlertKind, MonitoringCase, Source
from services.monitoring.tasks import raise_monitoring_alerts
from services.records.models import Allowance, SchoolEnrolment
from tests.households.factories import HouseholdFactory, PersonFactory
from tests.services.monitoring_helpers import threshold
from tests.services.record_factories import EmploymentFactory, SchoolEnrolmentFactory

TODAY = timezone.localdate()


def _raised(kind):
    return list(MonitoringCase.objects.filter(alert_kind=kind).values_list("fact_key", "fact"))


def _twice(kind):
    """Run the task twice (and a third time the next day): the fact raises one lead."""
    assert alerts_raise(today=TODAY) >= 1
    assert alerts_raise(today=TODAY) == 0
    assert alerts_raise(today=TODAY + datetime.timedelta(days=1)) == 0
    rows = _raised(kind)
    assert len(rows) == 1
    return rows[0]


def test_serious_illness_changed_in_the_registry(db):
    person = PersonFactory(relationship="01", name="温大明")
    PersonFactory(relationship="01", name="陈早病", health="serious")  # registered so: not new
    person_update(person=person, expected_version=person.version, health="serious")
    key, fact = _twice(AlertKind.SERIOUS_ILLNESS)
    assert key == f"serious_illness:{person.pk}"
    assert "温大明" in fact
    case = MonitoringCase.objects.get(fact_key=key)
    assert (case.source, case.household_id, case.lead_on) == (
        Source.ALERT,
        person.household_id,
        TODAY,
    )


def test_new_disability(db):
    person = PersonFactory(relationship="01", name="李残")
    person_update(person=person, expected_version=person.version, health="disabled")
    key, fact = _twice(AlertKind.DISABILITY)
    assert key == f"disability:{person.pk}" and "李残" in fact


def test_last_employment_ended(db):
    person = PersonFactory(relationship="01", labour_capacity=LabourCapacity.ORDINARY)
    ended = TODAY - datetime.timedelta(days=5)
    EmploymentFactory(person=person, started_on=datetime.date(2024, 1, 1), ended_on=ended)
    # A household where someone is still employed raises nothing.
    other = PersonFactory(relationship="01")
    EmploymentFactory(person=other, started_on=datetime.date(2024, 1, 1), ended_on=ended)
    EmploymentFactory(
        person=PersonFactory(household=other.household), started_on=datetime.date(2024, 1, 1)
    )
    key, fact = _twice(AlertKind.ZERO_EMPLOYMENT)
    assert key == f"zero_employment:{person.household_id}:{ended.isoformat()}"
    assert ended.isoformat() in fact


def test_allowance_stopped_but_not_a_conversion(db):
    household = HouseholdFactory()
    PersonFactory(household=household, relationship="01")
    unit = Department.objects.get(code="civil-affairs")
    stopped = Allowance.objects.create(
        household=household,
        kind="dibao_rural",
        started_on=datetime.date(2020, 1, 1),
        ended_on=TODAY - datetime.timedelta(days=3),
        monthly_amount=Decimal("500"),
        recorded_unit=unit,
    )
    converted = Allowance.objects.create(
        household=HouseholdFactory(),
        kind="dibao_rural",
        started_on=datetime.date(2020, 1, 1),
        ended_on=TODAY - datetime.timedelta(days=3),
        monthly_amount=Decimal("500"),
        recorded_unit=unit,
    )
    Allowance.objects.create(
        household=converted.household,
        kind="dibao_urban",
        started_on=TODAY - datetime.timedelta(days=2),
        monthly_amount=Decimal("600"),
        recorded_unit=unit,
        converted_from=converted,
    )
    key, _fact = _twice(AlertKind.ALLOWANCE_STOPPED)
    assert key == f"allowance_stopped:{stopped.pk}"


@pytest.mark.parametrize(("income", "raised"), [("7000", True), ("8249.99", True), ("8250", False)])
def test_income_below_or_within_the_margin(db, income, raised):
    threshold("7500", year=TODAY.year - 1)  # margin 10 %: below 8250 raises
    household = HouseholdFactory()
    PersonFactory(household=household, relationship="01")
    HouseholdIncome.objects.create(
        household=household, year=TODAY.year - 1, per_capita_net_income=Decimal(income)
    )
    if raised:
        key, _fact = _twice(AlertKind.LOW_INCOME)
        assert key == f"low_income:{household.pk}:{TODAY.year - 1}"
    else:
        assert alerts_raise(today=TODAY) == 0


def test_school_refusal(db):
    pupil = PersonFactory(relationship="20", birth_date=datetime.date(2016, 3, 1))
    enrolment = SchoolEnrolmentFactory(
        person=pupil, status=SchoolEnrolment.Status.REFUSED, reason="学位已满"
    )
    key, fact = _twice(AlertKind.SCHOOL_REFUSAL)
    assert key == f"school_refusal:{enrolment.pk}" and "铜锣湾小学" in fact


def test_the_daily_task_is_wired_and_notifies_staff(staff_user):
    person = PersonFactory(relationship="01")
    person_update(person=person, expected_version=person.version, health="serious")
    assert raise_monitoring_alerts.delay().get() == 1
    assert Notification.objects.filter(user=staff_user).count() == 1
    assert raise_monitoring_alerts.delay().get() == 0
    assert Notification.objects.filter(user=staff_user).count() == 1


def test_the_task_is_a_daily_task(settings):
    assert (
        settings.DAILY_TASKS["raise_monitoring_alerts"]
        == "services.monitoring.tasks.raise_monitoring_alerts"
    )

"""Factories of the obligation records (each recorded by the unit the plan names)."""

import datetime
from decimal import Decimal

import factory

from community.models import Department
from services.records.models import (
    Allowance,
    Employment,
    FamilyPlanningRecord,
    HukouMigration,
    LandHolding,
    LandRightEvent,
    MedicalInsurance,
    PensionEnrolment,
    ResidencePermit,
    SchoolEnrolment,
    Training,
)
from tests.households.factories import HouseholdFactory, PersonFactory


def unit(code):
    return factory.LazyFunction(lambda: Department.objects.get(code=code))


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    person = factory.SubFactory(PersonFactory)


class HukouMigrationFactory(RecordFactory):
    class Meta:
        model = HukouMigration

    status = HukouMigration.Status.MOVED
    applied_on = datetime.date(2019, 5, 1)
    completed_on = datetime.date(2019, 6, 1)
    recorded_unit = unit("public-security")


class ResidencePermitFactory(RecordFactory):
    class Meta:
        model = ResidencePermit

    number = factory.Sequence(lambda n: f"JZT{n:08d}")
    issued_on = datetime.date(2020, 3, 10)
    valid_until = datetime.date(2021, 3, 10)
    recorded_unit = unit("public-security")


class MedicalInsuranceFactory(RecordFactory):
    class Meta:
        model = MedicalInsurance

    year = 2025
    place = "qinjiang"
    recorded_unit = unit("medical-insurance")


class SchoolEnrolmentFactory(RecordFactory):
    class Meta:
        model = SchoolEnrolment

    school = "铜锣湾小学"
    grade = "3年级"
    started_on = datetime.date(2023, 9, 1)
    recorded_unit = unit("education")


class TrainingFactory(RecordFactory):
    class Meta:
        model = Training

    course = "电工"
    provider = "县职业学校"
    started_on = datetime.date(2019, 10, 8)
    ended_on = datetime.date(2019, 10, 28)
    recorded_unit = unit("human-resources")


class EmploymentFactory(RecordFactory):
    class Meta:
        model = Employment

    employer = "石城工业园区鞋业公司"
    kind = Employment.Kind.INDUSTRIAL_PARK
    started_on = datetime.date(2019, 8, 1)
    monthly_income = Decimal("2800.00")
    recorded_unit = unit("human-resources")


class PensionEnrolmentFactory(RecordFactory):
    class Meta:
        model = PensionEnrolment

    scheme = PensionEnrolment.Scheme.RESIDENT
    place = "qinjiang"
    enrolled_on = datetime.date(2019, 9, 1)
    recorded_unit = unit("civil-affairs")


class FamilyPlanningRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyPlanningRecord

    household = factory.SubFactory(HouseholdFactory)
    kept_at = "qinjiang"
    status = FamilyPlanningRecord.Status.ARCHIVED
    checked_on = datetime.date(2019, 9, 1)
    recorded_unit = unit("health")


class AllowanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allowance

    household = factory.SubFactory(HouseholdFactory)
    kind = Allowance.Kind.DIBAO_RURAL
    started_on = datetime.date(2018, 1, 1)
    monthly_amount = Decimal("560.00")
    recorded_unit = unit("civil-affairs")


class LandHoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandHolding

    household = factory.SubFactory(HouseholdFactory)
    kind = LandHolding.Kind.FARMLAND
    location = "原籍山背组"
    area_mu = Decimal("2.50")
    recorded_unit = unit("natural-resources")


class LandRightEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandRightEvent

    holding = factory.SubFactory(LandHoldingFactory)
    kind = LandRightEvent.Kind.LEASE
    happened_on = datetime.date(2021, 3, 1)
    income = Decimal("800.00")
    recorded_unit = unit("natural-resources")


def unit_user(code: str, username: str | None = None):
    """A department user of the unit ``code``."""
    from django.contrib.auth.models import Group

    from community.models import UserProfile
    from community.roles import Role
    from tests.households.factories import UserFactory

    user = UserFactory(username=username or f"unit-{code}")
    user.groups.add(Group.objects.get(name=Role.DEPARTMENT.value))
    UserProfile.objects.create(
        user=user, department=Department.objects.get(code=code), display_name=code
    )
    return user

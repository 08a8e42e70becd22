"""Factories for the obligation records the rules read, and for work tasks."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from community.models import Department
from services.records.models import (
    Allowance,
    Employment,
    FamilyPlanningRecord,
    HukouMigration,
    LandHolding,
    MedicalInsurance,
    PensionEnrolment,
    ResidencePermit,
    SchoolEnrolment,
    Training,
)
from services.worktasks.models import WorkTask
from tests.households.factories import PersonFactory


def unit(code="human-resources"):
    return Department.objects.get(code=code)


class RecordFactory(factory.django.DjangoModelFactory):
    recorded_unit = factory.LazyFunction(unit)


class TrainingFactory(RecordFactory):
    class Meta:
        model = Training

    person = factory.SubFactory(PersonFactory)
    course = "电工"
    provider = "县职业学校"
    started_on = datetime.date(2025, 6, 1)


class EmploymentFactory(RecordFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(PersonFactory)
    employer = "工业园制衣厂"
    kind = Employment.Kind.INDUSTRIAL_PARK
    started_on = datetime.date(2025, 1, 1)


class SchoolEnrolmentFactory(RecordFactory):
    class Meta:
        model = SchoolEnrolment

    person = factory.SubFactory(PersonFactory)
    school = "琴江小学"
    started_on = datetime.date(2025, 9, 1)


class MedicalInsuranceFactory(RecordFactory):
    class Meta:
        model = MedicalInsurance

    person = factory.SubFactory(PersonFactory)
    year = 2026
    place = "qinjiang"


class PensionEnrolmentFactory(RecordFactory):
    class Meta:
        model = PensionEnrolment

    person = factory.SubFactory(PersonFactory)
    scheme = PensionEnrolment.Scheme.RESIDENT
    place = "qinjiang"
    enrolled_on = datetime.date(2024, 1, 1)


class ResidencePermitFactory(RecordFactory):
    class Meta:
        model = ResidencePermit

    person = factory.SubFactory(PersonFactory)
    number = factory.Sequence(lambda n: f"JZZ{n:06d}")
    issued_on = datetime.date(2024, 1, 1)
    valid_until = datetime.date(2027, 1, 1)


class HukouMigrationFactory(RecordFactory):
    class Meta:
        model = HukouMigration

    person = factory.SubFactory(PersonFactory)
    status = HukouMigration.Status.MOVED
    completed_on = datetime.date(2025, 6, 1)


class AllowanceFactory(RecordFactory):
    class Meta:
        model = Allowance

    household = factory.LazyAttribute(lambda o: o.person.household if o.person else None)
    person = None
    kind = Allowance.Kind.DIBAO_RURAL
    started_on = datetime.date(2025, 1, 1)
    monthly_amount = Decimal("450.00")


class FamilyPlanningRecordFactory(RecordFactory):
    class Meta:
        model = FamilyPlanningRecord

    kept_at = "qinjiang"
    status = FamilyPlanningRecord.Status.ARCHIVED
    checked_on = datetime.date(2025, 3, 1)


class LandHoldingFactory(RecordFactory):
    class Meta:
        model = LandHolding

    kind = LandHolding.Kind.FARMLAND
    location = "小松镇丹溪村"
    area_mu = Decimal("2.50")


class WorkTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkTask

    title = factory.Sequence(lambda n: f"任务{n}")
    unit = factory.LazyFunction(unit)
    leader_name = "局长"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))

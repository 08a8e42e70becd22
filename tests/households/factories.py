import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from buildings.models import Building, Dwelling
from core.idnumbers import make_id_number
from households.models import Household, LabourCapacity, Person


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.LazyAttribute(lambda o: f"{o.code}栋")
    floors = 6
    entrances = 3


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dwelling

    building = factory.SubFactory(BuildingFactory)
    entrance = 1
    floor = factory.Sequence(lambda n: n % 6 + 1)
    room = factory.Sequence(lambda n: f"{n:04d}")
    area = Decimal("75.00")
    allocation_state = Dwelling.AllocationState.OCCUPIED


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"T{n:07d}")
    dwelling = factory.SubFactory(DwellingFactory)
    origin_town = "小松镇"
    origin_village = "丹溪村"
    move_in_date = datetime.date(2019, 3, 1)
    poverty_status = "general"


# Real area codes of Ganzhou (GB/T 2260): Shicheng County (360735, before 1998 362137),
# then other counties of the prefecture.
AREA_CODES = ["360735", "362137", "360781", "360782", "360721", "360722", "360723", "360724"]


def _id_number(n, birth_date, sex):
    # Sequence from n: odd for men, even for women; unique for n < 500 per birth date and
    # the area codes vary with n beyond that.
    seq = (n % 500) * 2 + (1 if sex == "M" else 0)
    return make_id_number(AREA_CODES[(n // 500) % len(AREA_CODES)], birth_date, seq)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    relationship = "20"
    name = factory.Sequence(lambda n: f"测试{n}")
    sex = "M"
    birth_date = datetime.date(1985, 6, 15)
    id_number = factory.LazyAttributeSequence(lambda o, n: _id_number(n, o.birth_date, o.sex))
    labour_capacity = LabourCapacity.ORDINARY

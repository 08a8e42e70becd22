import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from buildings.models import Building, BuildingLeaderTerm, Dwelling
from core.idnumbers import parse_id_number
from households.models import Household, Person

pytestmark = pytest.mark.django_db


def _counts():
    return {
        "buildings": Building.objects.count(),
        "dwellings": Dwelling.objects.count(),
        "households": Household.objects.count(),
        "people": Person.objects.count(),
        "users": get_user_model().objects.count(),
        "terms": BuildingLeaderTerm.objects.count(),
        "history": Person.history.count(),
    }


def test_seed_demo_twice_creates_nothing_new(settings):
    settings.DEBUG = True
    call_command("seed_demo", households=40, stdout=open("/dev/null", "w"))
    first = _counts()

    call_command("seed_demo", households=40, stdout=open("/dev/null", "w"))

    assert _counts() == first
    assert first["households"] == 40
    # One per role, one for each unit that downloads a report (琴江镇's is also the town's
    # account of the monitoring demo), 县消防大队 and 县交通运输局 of the registers, and the
    # owners' side's yewei and caizheng.
    assert first["users"] == 22
    assert first["terms"] == 2
    # Every person's creation, and the two health changes that raise the demo's alerts.
    assert first["history"] == first["people"] + 2


def test_demo_people_have_valid_shicheng_numbers_and_one_head_each(settings):
    settings.DEBUG = True
    call_command("seed_demo", households=60, no_accounts=True, stdout=open("/dev/null", "w"))

    codes = {"old": 0, "new": 0}
    for number, sex, birth in Person.objects.values_list("id_number", "sex", "birth_date"):
        info = parse_id_number(number)
        assert (info.sex, info.birth_date) == (sex, birth)
        # Shicheng County: 362137 until 1998, 360735 since; a number keeps its first code
        if birth.year >= 1998:
            assert info.area_code == "360735"
        else:
            assert info.area_code in ("360735", "362137")
            codes["old" if info.area_code == "362137" else "new"] += 1
    assert codes["old"] > 3 * codes["new"] > 0  # born before 1998: mostly the old code
    assert Person.objects.filter(relationship="01").count() == 60
    assert not Household.objects.filter(move_in_date__year__lt=2018).exists()
    assert not Household.objects.filter(move_in_date__year__gt=2019).exists()


def test_seed_demo_refuses_accounts_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo", households=5, stdout=open("/dev/null", "w"))

    assert not get_user_model().objects.exists()
    assert not Household.objects.exists()


def test_seed_demo_without_accounts_works_with_debug_off(settings):
    settings.DEBUG = False

    call_command("seed_demo", households=5, no_accounts=True, stdout=open("/dev/null", "w"))

    assert Household.objects.count() == 5
    assert not get_user_model().objects.exists()

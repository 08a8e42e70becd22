"""The counts kept per building stay exactly what the rules' querysets return, whatever is
written: after every random edit the dashboards' figures equal a fresh count."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from households.models import LabourCapacity
from households.signals import registry_changed
from services.obligations.counts import counts_mark_buildings, counts_refresh
from services.obligations.models import RuleCountDirty
from services.obligations.rules import RULE_LIST, rule_count_by_building
from services.obligations.selectors import rule_figures
from services.records.models import Employment, Training
from tests.households.factories import (
    BuildingFactory,
    DwellingFactory,
    HouseholdFactory,
    PersonFactory,
)
from tests.services.rule_factories import (
    AllowanceFactory,
    EmploymentFactory,
    LandHoldingFactory,
    MedicalInsuranceFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def _live(today):
    return {
        rule.code: {k: n for k, n in rule_count_by_building(rule, today).items() if n}
        for rule in RULE_LIST
    }


def _kept(today):
    figures = rule_figures(rules=RULE_LIST, today=today, by_building=True)
    table = {rule.code: {} for rule in RULE_LIST}
    for building, row in figures.by_building.items():
        for code, n in row.items():
            if n:
                table[code][building] = n
    assert figures.counts == {code: sum(t.values()) for code, t in table.items()}
    return table


def _community(rng):
    buildings = [BuildingFactory() for _ in range(3)]
    moved_in = timezone.localdate() - datetime.timedelta(days=rng.choice([100, 500, 900]))
    people = []
    for i in range(12):
        household = HouseholdFactory(
            dwelling=DwellingFactory(building=buildings[i % 3], area=Decimal(rng.choice([40, 90]))),
            move_in_date=moved_in,
        )
        for j in range(rng.randint(1, 4)):
            people.append(
                PersonFactory(
                    household=household,
                    relationship="01" if j == 0 else "20",
                    birth_date=datetime.date(rng.randint(1950, 2020), 3, 1),
                    training_willingness=rng.choice(["yes", "no", ""]),
                )
            )
    return buildings, people


EDITS = [
    "training",
    "job",
    "job ends",
    "capacity",
    "leaves",
    "moves building",
    "no dwelling",
    "dwelling area",
    "allowance",
    "insurance",
    "land",
    "delete training",
    "new household",
]


def _edit(kind, rng, buildings, people):
    person = rng.choice(people)
    today = timezone.localdate()
    if kind == "training":
        TrainingFactory(person=person, started_on=today)
    elif kind == "job":
        EmploymentFactory(person=person, started_on=today - datetime.timedelta(days=10))
    elif kind == "job ends":
        job = Employment.objects.order_by("?").first()
        if job:
            job.ended_on = today
            job.save()
    elif kind == "capacity":
        person.labour_capacity = rng.choice(list(LabourCapacity.values))
        person.save()
    elif kind == "leaves":
        person.is_active = False
        person.save()
    elif kind == "moves building":
        household = person.household
        household.dwelling = DwellingFactory(building=rng.choice(buildings))
        household.save()
    elif kind == "no dwelling":
        household = person.household
        household.dwelling = None
        household.save()
    elif kind == "dwelling area":
        dwelling = person.household.dwelling
        if dwelling:
            dwelling.area = Decimal(rng.choice([20, 60, 120]))
            dwelling.save()
    elif kind == "allowance":
        AllowanceFactory(person=person)
    elif kind == "insurance":
        MedicalInsuranceFactory(person=person, year=today.year)
    elif kind == "land":
        LandHoldingFactory(household=person.household)
    elif kind == "delete training":
        training = Training.objects.order_by("?").first()
        if training:
            training.delete()
    elif kind == "new household":
        household = HouseholdFactory(dwelling=DwellingFactory(building=rng.choice(buildings)))
        people.append(PersonFactory(household=household, relationship="01"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_counts_equal_the_rules_after_random_edits(seed):
    rng = random.Random(seed)
    buildings, people = _community(rng)
    today = timezone.localdate()
    counts_refresh(today=today)
    assert _kept(today) == _live(today)
    for _step in range(25):
        _edit(rng.choice(EDITS), rng, buildings, people)
        assert _kept(today) == _live(today)
    assert not RuleCountDirty.objects.exists()


def test_a_bulk_write_marks_every_building():
    buildings, people = _community(random.Random(4))
    today = timezone.localdate()
    counts_refresh(today=today)
    # A write that sends no signals (as the roster import's bulk path) changes facts…
    type(people[0]).objects.filter(pk__in=[p.pk for p in people]).update(
        labour_capacity=LabourCapacity.NONE
    )
    registry_changed.send(sender=None, building_ids=None)  # …and says so
    assert _kept(today) == _live(today)


def test_a_new_day_counts_in_full_and_forgets_the_last():
    _community(random.Random(5))
    today = timezone.localdate()
    counts_refresh(today=today)
    tomorrow = today + datetime.timedelta(days=1)
    assert _kept(tomorrow) == _live(tomorrow)
    counts_refresh(today=tomorrow)
    from services.obligations.models import RuleCount

    assert not RuleCount.objects.filter(day=today).exists()


def test_a_bulk_write_in_some_buildings_marks_those():
    buildings, people = _community(random.Random(6))
    today = timezone.localdate()
    counts_refresh(today=today)
    in_first = [p.pk for p in people if p.household.dwelling.building_id == buildings[0].pk]
    type(people[0]).objects.filter(pk__in=in_first).update(labour_capacity=LabourCapacity.NONE)
    counts_mark_buildings([buildings[0].pk])
    assert _kept(today) == _live(today)

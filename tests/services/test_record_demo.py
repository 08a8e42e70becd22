import random

import pytest
from django.db.models import Exists, OuterRef

from core.models import Notification
from households.demo import registry as demo
from households.models import Household, LabourCapacity, Person
from services.demo.records import notify_demo_refusals, seed_records
from services.records.kinds import KINDS
from services.records.models import (
    Allowance,
    Employment,
    LandRightEvent,
    MedicalInsurance,
    ResidencePermit,
    SchoolEnrolment,
    Training,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_records():
    rng = random.Random(2019)
    demo.seed_registry(households=150, rng=rng, history=False)
    seed_records(rng=rng)


def test_demo_covers_every_kind_with_valid_records(demo_records):
    for kind in KINDS.values():
        records = list(kind.model.objects.all()[:200])
        assert records, kind.key
        for record in records:
            record.full_clean()
        assert kind.model.history.count() == kind.model.objects.count()
    assert LandRightEvent.objects.exists()


def test_demo_leaves_the_gaps_the_rules_look_for(demo_records):
    people = Person.objects.filter(is_active=True).count()
    insured = MedicalInsurance.objects.filter(
        year=MedicalInsurance.objects.order_by("-year").values("year")[:1]
    ).count()
    assert 0.85 * people < insured < people
    assert SchoolEnrolment.objects.filter(status="refused", escalated_at__isnull=False).count() == 1
    assert SchoolEnrolment.objects.filter(status="waiting").count() == 2
    able = Person.objects.filter(
        household=OuterRef("pk"), is_active=True, labour_capacity__in=LabourCapacity.able()
    )
    employed = Employment.objects.filter(person__household=OuterRef("pk"))
    with_labour = Household.objects.filter(Exists(able))
    idle = with_labour.filter(~Exists(employed)).count()
    assert 0 < idle < 0.15 * with_labour.count()
    late = [
        t
        for t in Training.objects.select_related("person__household")
        if (t.started_on - t.person.household.move_in_date).days > 365
    ]
    assert 0 < len(late) < Training.objects.count()
    assert Allowance.objects.filter(converted_from__isnull=False).exists()
    assert ResidencePermit.objects.exists()


def test_demo_refusal_notifications_are_idempotent(demo_records, supervisor_user):
    notify_demo_refusals()
    notify_demo_refusals()
    assert Notification.objects.filter(user=supervisor_user).count() == 1

import random

import pytest
from django.db.models import Count
from django.utils import timezone

from households.demo import registry as demo
from households.demo.fieldwork import seed_field_work
from services.demo.monitoring import seed_monitoring
from services.demo.records import seed_records
from services.monitoring.models import AlertKind, CaseStatus, MonitoringCase, Step
from services.monitoring.selectors import open_cases_flagged, overview_counts

pytestmark = pytest.mark.django_db


def test_demo_monitoring_has_every_step_and_alert_kind():
    rng = random.Random(2019)
    demo.seed_registry(households=150, rng=rng, history=True)
    seed_records(rng=rng)
    demo.seed_accounts()
    seed_field_work()
    seed_monitoring()
    statuses = dict(MonitoringCase.objects.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses[CaseStatus.MONITORED] == 1
    assert statuses[CaseStatus.CLEARED] == 2  # the identification and its clearing
    assert statuses[CaseStatus.NOT_INCLUDED] == 1
    waiting = {
        tuple(sorted(c.steps.values_list("step", flat=True)))
        for c in MonitoringCase.objects.filter(status=CaseStatus.OPEN, alert_kind="")
    }
    # A case waiting at each of the five steps (the one past the limit waits for the review too).
    assert waiting == {
        (),
        ("home_check",),
        ("home_check", "review"),
        ("home_check", "notice", "review"),
        ("home_check", "notice", "review", "town_review"),
    }
    assert set(
        MonitoringCase.objects.exclude(alert_kind="").values_list("alert_kind", flat=True)
    ) == set(AlertKind.values)
    flags = {c.flag for c in open_cases_flagged(today=timezone.localdate())}
    assert {"near", "overdue"} <= flags
    assert MonitoringCase.objects.filter(visit__isnull=False, source="visit").count() == 1
    assert MonitoringCase.objects.get(status=CaseStatus.MONITORED).measures.count() == 3
    assert Step.COUNTY_DECISION in MonitoringCase.objects.get(purpose="clear").steps.values_list(
        "step", flat=True
    )
    counts = overview_counts(today=timezone.localdate())
    assert (counts["overdue"], counts["monitored"], counts["cleared"]) == (1, 1, 1)
    before = MonitoringCase.objects.count()
    seed_monitoring()
    assert MonitoringCase.objects.count() == before

"""Open requests per household reach the phone pages through the settings hook only."""

import datetime

from django.urls import reverse
from django.utils import timezone

from services.requests.mobile_hooks import open_requests_by_household
from services.requests.models import ResidentRequest


def _request(household, user, state):
    return ResidentRequest.objects.create(
        building=household.dwelling.building,
        household=household,
        category="repairs",
        description="门锁坏了",
        filed_by=user,
        state=state,
        deadline=timezone.now() + datetime.timedelta(days=7),
    )


def test_open_requests_are_counted_per_household(
    leader_a, household_a, household_b, django_assert_num_queries
):
    for state in ("submitted", "in_progress", "closed", "rejected"):
        _request(household_a, leader_a, state)
    _request(household_b, leader_a, "accepted")
    with django_assert_num_queries(1):
        counts = open_requests_by_household(household_ids=[household_a.pk, household_b.pk])
    assert counts == {household_a.pk: 2, household_b.pk: 1}
    assert open_requests_by_household(household_ids=[]) == {}


def test_home_flags_a_household_with_open_requests(client_for, leader_a, household_a):
    household_a.phone = "13800000000"
    household_a.confirmed_at = timezone.now()
    household_a.save()
    client = client_for(leader_a)
    assert client.get(reverse("mobile:home")).context["attention"] == []
    _request(household_a, leader_a, "submitted")
    attention = client.get(reverse("mobile:home")).context["attention"]
    assert [(h.pk, h.extra_counts) for h in attention] == [(household_a.pk, [("未办结诉求", 1)])]


def test_the_registry_never_imports_services():
    import pathlib
    import re

    upward = re.compile(r"^\s*(from services[ .]|import services\b)", re.M)
    root = pathlib.Path(__file__).resolve().parents[2]
    for app in ("households", "buildings"):
        for path in (root / app).rglob("*.py"):
            assert not upward.search(path.read_text()), path

from django.db.models import Count

from services.demo.requests import COUNT, seed_requests
from services.requests.models import RequestEvent, ResidentRequest, State


def test_demo_requests_cover_every_state_and_are_seeded_once(
    household_a, household_b, leader_a, staff_user, department_user
):
    assert seed_requests() == COUNT
    states = set(ResidentRequest.objects.values_list("state", flat=True))
    assert states == set(State.values)
    # Every request starts with its filing and has one event per state it went through.
    assert RequestEvent.objects.filter(to_state=State.SUBMITTED, from_state="").count() == COUNT
    steps = ResidentRequest.objects.annotate(n=Count("events")).values_list("state", "n")
    expected = {"submitted": 1, "accepted": 2, "in_progress": 3, "resolved": 4, "closed": 5}
    assert all(n == expected[state] for state, n in steps if state != State.REJECTED)
    assert ResidentRequest.objects.filter(state=State.CLOSED).exclude(satisfaction="").exists()
    assert ResidentRequest.objects.filter(overdue_flagged_at__isnull=False).exists()
    assert seed_requests() == 0
    assert ResidentRequest.objects.count() == COUNT

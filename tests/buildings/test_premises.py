import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from buildings.premises import services
from buildings.premises.models import Lease

pytestmark = pytest.mark.django_db


@pytest.fixture
def stall(db):
    return services.premises_create(code="SC-01", kind="market_stall", area=Decimal("12.00"))


def _lease(premises, start, end, rent="300.00"):
    return services.lease_create(
        premises=premises,
        tenant="刘记果蔬",
        started_on=start,
        ended_on=end,
        monthly_rent=Decimal(rent),
    )


def test_premises_are_state_assets_by_default(stall):
    assert "扶贫" in str(stall.asset_owner) or "poverty" in str(stall.asset_owner)


@pytest.mark.parametrize(
    "start, end",
    [
        (datetime.date(2026, 12, 31), datetime.date(2027, 3, 1)),  # starts on the last day
        (datetime.date(2025, 6, 1), datetime.date(2026, 1, 1)),  # ends on the first day
        (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)),  # inside
        (datetime.date(2025, 1, 1), datetime.date(2027, 12, 31)),  # around
    ],
)
def test_overlapping_leases_are_refused(stall, start, end):
    _lease(stall, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    with pytest.raises(ValidationError) as exc:
        _lease(stall, start, end)
    assert "started_on" in exc.value.message_dict
    assert Lease.objects.count() == 1


def test_adjacent_leases_are_accepted(stall):
    _lease(stall, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    _lease(stall, datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))
    assert Lease.objects.count() == 2


def test_rent_due_received_arrears_and_days_overdue(stall):
    lease = _lease(stall, datetime.date(2026, 1, 15), datetime.date(2026, 12, 31))
    services.rent_payment_record(
        lease=lease, paid_on=datetime.date(2026, 1, 15), amount=Decimal("600.00")
    )
    status = services.rent_status(lease, today=datetime.date(2026, 4, 20))
    # due on 15 Jan, Feb, Mar, Apr: 1,200; paid 600 covers Jan and Feb; Mar unpaid since 15 Mar
    assert (status.due, status.received, status.arrears) == (
        Decimal("1200.00"),
        Decimal("600.00"),
        Decimal("600.00"),
    )
    assert status.days_overdue == 36
    paid_up = services.rent_status(lease, today=datetime.date(2026, 2, 20))
    assert (paid_up.arrears, paid_up.days_overdue) == (Decimal("0"), 0)


def test_payment_must_be_positive(stall):
    lease = _lease(stall, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    with pytest.raises(ValidationError):
        services.rent_payment_record(
            lease=lease, paid_on=datetime.date(2026, 1, 1), amount=Decimal("0")
        )


@pytest.mark.parametrize(
    "persona, status",
    [("staff_user", 200), ("leader_a", 404), ("department_user", 404), ("outsider", 404)],
)
def test_premises_pages_by_persona(request, client_for, stall, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("buildings:premises_list")).status_code == status
    assert client.get(reverse("buildings:premises_detail", args=[stall.pk])).status_code == status


def test_staff_record_a_lease_and_an_overlap_is_named(client_for, staff_user, stall):
    client = client_for(staff_user)
    url = reverse("buildings:premises_detail", args=[stall.pk])
    data = {
        "action": "lease",
        "lease-tenant": "李四",
        "lease-started_on": "2026-01-01",
        "lease-ended_on": "2026-06-30",
        "lease-monthly_rent": "200",
        "lease-deposit": "400",
    }
    assert client.post(url, data).status_code == 302
    response = client.post(
        url, {**data, "lease-started_on": "2026-06-30", "lease-ended_on": "2026-12-31"}
    )
    assert response.status_code == 200
    assert response.context["lease_form"].errors["started_on"]
    assert Lease.objects.count() == 1


def test_premises_list_query_count(client_for, staff_user, stall, django_assert_num_queries):
    _lease(stall, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    client = client_for(staff_user)
    client.get(
        reverse("buildings:premises_list")
    )  # roles and permissions: read once, then kept in the cache
    # session, user, arrears: leases and their payments; premises, their
    # leases and payments; the header's profile; the buildings of the new-premises form
    with django_assert_num_queries(9):
        client.get(reverse("buildings:premises_list"))
    for n in range(3):
        other = services.premises_create(code=f"CK-{n}", kind="storage", area=Decimal("8"))
        _lease(other, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    with django_assert_num_queries(9):
        response = client.get(reverse("buildings:premises_list"))
    assert len(response.context["premises"]) == 4

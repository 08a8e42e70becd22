import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.models import Department
from community.roles import Role
from ownersassoc import fund
from ownersassoc.models import FundEntry
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db


def _entry(user, day, direction, source, amount, expense=""):
    return fund.fund_entry_record(
        entry_on=day,
        direction=direction,
        source=source,
        amount=Decimal(amount),
        description="x",
        user=user,
        expense=expense,
    )


@pytest.fixture
def ledger(staff_user):
    _entry(staff_user, datetime.date(2025, 12, 1), "income", "county", "1000.00")
    _entry(staff_user, datetime.date(2026, 1, 5), "income", "county", "5000.00")
    _entry(staff_user, datetime.date(2026, 1, 20), "income", "market_rent", "1200.00")
    _entry(
        staff_user, datetime.date(2026, 2, 1), "expense", "county", "4000.00", "property_service"
    )
    _entry(
        staff_user,
        datetime.date(2026, 2, 1),
        "expense",
        "market_rent",
        "1000.00",
        "property_service",
    )
    _entry(staff_user, datetime.date(2026, 3, 3), "expense", "market_rent", "150.00", "repairs")


def test_monthly_balance(ledger):
    opening, months = fund.monthly_balance(year=2026)
    assert opening == Decimal("1000.00")
    assert [(m.income, m.expense, m.balance) for m in months[:4]] == [
        (Decimal("6200.00"), Decimal("0"), Decimal("7200.00")),
        (Decimal("0"), Decimal("5000.00"), Decimal("2200.00")),
        (Decimal("0"), Decimal("150.00"), Decimal("2050.00")),
        (Decimal("0"), Decimal("0"), Decimal("2050.00")),
    ]
    assert months[11].balance == Decimal("2050.00")


def test_property_service_paid_by_source(ledger):
    rows = fund.property_service_paid_by_source(year=2026)
    assert [amount for _label, amount in rows] == [Decimal("4000.00"), Decimal("1000.00")]
    assert fund.property_service_paid_by_source(year=2025) == []


def test_an_expense_names_its_kind(staff_user):
    with pytest.raises(ValidationError) as exc:
        _entry(staff_user, datetime.date(2026, 1, 1), "expense", "county", "10.00")
    assert "expense" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _entry(staff_user, datetime.date(2026, 1, 1), "income", "county", "0")
    assert not FundEntry.objects.exists()


def test_finance_bureau_and_poverty_office_read_the_ledger(
    client_for, ledger, department_user, supervisor_user, staff_user
):
    finance = _user_with_role(
        "caizheng", Role.DEPARTMENT, department=Department.objects.get(code="finance")
    )
    url = reverse("ownersassoc:ledger") + "?year=2026"
    assert client_for(finance).get(url).status_code == 200
    assert client_for(supervisor_user).get(url).status_code == 200  # 县扶贫办
    assert client_for(department_user).get(url).status_code == 404  # 县人社局
    # readers, not writers
    response = client_for(finance).post(
        url,
        {
            "entry_on": "2026-05-01",
            "direction": "income",
            "source": "county",
            "amount": "1",
            "description": "x",
        },
    )
    assert response.status_code == 403
    assert FundEntry.objects.count() == 6


@pytest.mark.parametrize(
    "persona, status",
    [("staff_user", 200), ("committee_user", 200), ("leader_a", 404), ("outsider", 404)],
)
def test_ledger_by_persona(request, client_for, ledger, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("ownersassoc:ledger")).status_code == status


def test_ledger_query_count(client_for, staff_user, ledger, django_assert_num_queries):
    client = client_for(staff_user)
    # session, user, user and group permissions, opening balance, months, property
    # service by source, roles (groups), the header's profile, entries
    with django_assert_num_queries(10):
        client.get(reverse("ownersassoc:ledger") + "?year=2026")
    for _n in range(5):
        _entry(staff_user, datetime.date(2026, 6, 1), "income", "storage_rent", "10.00")
    with django_assert_num_queries(10):
        response = client.get(reverse("ownersassoc:ledger") + "?year=2026")
    assert len(response.context["entries"]) == 10  # five of 2026 and the five added

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ownersassoc import fees
from ownersassoc import property as prop
from ownersassoc.models import FeeBill, FeePayment, FeeReminder

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 4, 10)


@pytest.fixture
def contract(db):
    company = prop.company_create(name="物业", uscc="91110000600037341L")
    return prop.contract_create(
        company=company,
        scope=["property"],
        started_on=datetime.date(2026, 1, 1),
        ended_on=datetime.date(2028, 12, 31),
        fee_per_m2_month=Decimal("0.55"),
        market_terms_from=datetime.date(2027, 1, 1),
    )


def test_bills_by_counting_area_once_per_month(contract, register):
    assert fees.fee_bills_issue(contract=contract, year=2027, month=1) == 4  # 4 owned flats
    assert fees.fee_bills_issue(contract=contract, year=2027, month=1) == 0
    bill = FeeBill.objects.get(owner=register["owner3"])
    # registered area 120 m² (not the allocation's 150) × 0.55
    assert (bill.area, bill.amount, bill.due_on) == (
        Decimal("120.00"),
        Decimal("66.00"),
        datetime.date(2027, 1, 31),
    )
    assert not FeeBill.objects.filter(dwelling=register["vacant"]).exists()


def test_no_bills_while_the_county_pays(contract, register):
    with pytest.raises(ValidationError) as exc:
        fees.fee_bills_issue(contract=contract, year=2026, month=12)
    assert "month" in exc.value.message_dict
    assert not FeeBill.objects.exists()


def test_arrears_payments_and_reminders(contract, register, staff_user, django_assert_num_queries):
    fees.fee_bills_issue(contract=contract, year=2027, month=1)
    fees.fee_bills_issue(contract=contract, year=2027, month=2)
    paid = FeeBill.objects.get(owner=register["owner5"], month=1)
    fees.fee_payment_record(
        bill=paid, paid_on=datetime.date(2027, 1, 20), amount=paid.amount, user=staff_user
    )
    part = FeeBill.objects.get(owner=register["owner3"], month=1)
    fees.fee_payment_record(
        bill=part, paid_on=datetime.date(2027, 1, 20), amount=Decimal("6.00"), user=staff_user
    )
    fees.fee_reminder_record(
        bill=part, sent_on=datetime.date(2027, 3, 1), method="letter", user=staff_user
    )
    fees.fee_reminder_record(
        bill=part, sent_on=datetime.date(2027, 3, 15), method="phone", user=staff_user
    )
    staff_user.has_perm("ownersassoc.view_feebill")  # permissions are cached on the user
    with django_assert_num_queries(1):  # bills with their paid sums and reminders
        rows = list(fees.fee_arrears(user=staff_user, today=TODAY))
    assert len(rows) == 7  # 8 bills, one paid in full
    row = next(r for r in rows if r.pk == part.pk)
    assert (fees.owed(row), row.reminder_count, row.last_reminder) == (
        Decimal("60.00"),
        2,
        datetime.date(2027, 3, 15),
    )
    with pytest.raises(ValidationError):
        fees.fee_payment_record(bill=part, paid_on=TODAY, amount=Decimal("0"), user=staff_user)


def test_no_action_cuts_utilities():
    from ownersassoc import fees as module
    from ownersassoc.models import FeeReminder

    names = {n.lower() for n in dir(module)} | {m.lower() for m in FeeReminder.Method.values}
    for word in ("cut", "suspend", "water", "power", "electric", "gas", "heat"):
        assert not any(word in n for n in names)


@pytest.mark.parametrize(
    "persona, status",
    [("staff_user", 200), ("committee_user", 200), ("leader_a", 404), ("department_user", 404)],
)
def test_fee_page_by_persona(request, client_for, contract, register, persona, status):
    assert (
        client_for(request.getfixturevalue(persona))
        .get(reverse("ownersassoc:fee_arrears"))
        .status_code
        == status
    )


def test_staff_record_a_payment_and_a_reminder(
    client_for, staff_user, committee_user, contract, register
):
    fees.fee_bills_issue(contract=contract, year=2027, month=1)
    bill = FeeBill.objects.get(owner=register["owner5"])
    url = reverse("ownersassoc:fee_bill_action", args=[bill.pk])
    assert (
        client_for(committee_user)
        .post(url, {"action": "pay", "paid_on": "2027-02-01", "amount": "10"})
        .status_code
        == 403
    )
    client = client_for(staff_user)
    assert (
        client.post(url, {"action": "pay", "paid_on": "2027-02-01", "amount": "10"}).status_code
        == 302
    )
    assert (
        client.post(
            url, {"action": "remind", "sent_on": "2027-02-02", "method": "visit"}
        ).status_code
        == 302
    )
    assert FeePayment.objects.get().amount == Decimal("10.00")
    assert FeeReminder.objects.get().method == "visit"

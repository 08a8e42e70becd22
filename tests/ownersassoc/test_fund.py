import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from buildings.models import RentPayment
from buildings.premises import services as premises
from community.models import Department
from community.roles import Role
from ownersassoc import fees, fund
from ownersassoc import property as prop
from ownersassoc.models import FeeBill, FeePayment, FundEntry
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


def _lease(kind, code, rent="1200.00", building=None):
    place = premises.premises_create(code=code, kind=kind, area=Decimal("9.00"), building=building)
    return premises.lease_create(
        premises=place,
        tenant=f"{code}的承租人",
        started_on=datetime.date(2025, 1, 1),
        ended_on=datetime.date(2027, 12, 31),
        monthly_rent=Decimal(rent),
    )


@pytest.fixture
def stall():
    return _lease("market_stall", "市场-01")


@pytest.fixture
def ledger(staff_user, stall):
    """County money in; rent received on a market stall's lease (posted by the payment);
    the property service paid from both; a repair paid from the rent."""
    _entry(staff_user, datetime.date(2025, 12, 1), "income", "county", "1000.00")
    _entry(staff_user, datetime.date(2026, 1, 5), "income", "county", "5000.00")
    premises.rent_payment_record(
        lease=stall, paid_on=datetime.date(2026, 1, 20), amount=Decimal("1200.00")
    )
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
    assert FundEntry.objects.count() == 5


@pytest.mark.parametrize(
    "persona, status",
    [("staff_user", 200), ("committee_user", 200), ("leader_a", 404), ("outsider", 404)],
)
def test_ledger_by_persona(request, client_for, ledger, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("ownersassoc:ledger")).status_code == status


def test_ledger_query_count(client_for, staff_user, ledger, django_assert_num_queries):
    client = client_for(staff_user)
    client.get(
        reverse("ownersassoc:ledger") + "?year=2026"
    )  # roles and permissions: read once, then kept in the cache
    # session, user, opening balance (entries, rent, fees), months (entries, rent, fees),
    # property service by source, income by source (entries, rent, fees),
    # the header's profile, entries, rent and fee payments
    with django_assert_num_queries(16):
        client.get(reverse("ownersassoc:ledger") + "?year=2026")
    room = _lease("storage", "储藏室-01", rent="10.00")
    for n in range(5):
        _entry(staff_user, datetime.date(2026, 6, 1), "income", "county", "10.00")
        premises.rent_payment_record(
            lease=room, paid_on=datetime.date(2026, 6, 2 + n), amount=Decimal("10.00")
        )
    with django_assert_num_queries(16):
        response = client.get(reverse("ownersassoc:ledger") + "?year=2026")
    # five of 2026 (four entries, one rent payment) and the ten added
    assert len(response.context["entries"]) == 15


# Rent posted to the ledger -------------------------------------------------------------


def _rent_lines(user, year=2026):
    return [line for line in fund.ledger_lines(user=user, year=year) if line.is_rent]


def test_a_rent_payment_is_income_of_its_premises_source_exactly_once(staff_user, building_a):
    stall = _lease("market_stall", "市场-02", rent="260.00")
    room = _lease("storage", "储藏室-A-01", rent="80.00", building=building_a)
    shop = _lease("shop", "商铺-01", rent="1500.00", building=building_a)
    for lease in (stall, room, shop):
        premises.rent_payment_record(
            lease=lease, paid_on=datetime.date(2026, 3, 5), amount=lease.monthly_rent
        )
    lines = _rent_lines(staff_user)
    assert len(lines) == 3 == RentPayment.objects.count()
    assert {(line.source, line.amount) for line in lines} == {
        ("market_rent", Decimal("260.00")),
        ("storage_rent", Decimal("80.00")),
        ("shop_rent", Decimal("1500.00")),
    }
    assert all(line.direction == "income" and line.entry_on.month == 3 for line in lines)
    assert "市场-02" in next(line for line in lines if line.source == "market_rent").description
    assert not FundEntry.objects.exists()  # read from the payments, never copied
    _opening, months = fund.monthly_balance(year=2026)
    assert months[2].income == Decimal("1840.00") and months[11].balance == Decimal("1840.00")
    assert fund.income_by_source(year=2026) == [
        ("shop_rent", "商铺租金", Decimal("1500.00")),
        ("market_rent", "菜市场租金", Decimal("260.00")),
        ("storage_rent", "储藏室租金", Decimal("80.00")),
    ]
    assert fund.ledger_line_count(user=staff_user, year=2026) == 3


def test_correcting_or_removing_a_payment_corrects_the_ledger(staff_user, ledger, stall):
    payment = RentPayment.objects.get()
    RentPayment.objects.filter(pk=payment.pk).update(
        amount=Decimal("1000.00"), paid_on=datetime.date(2026, 2, 3)
    )
    _opening, months = fund.monthly_balance(year=2026)
    assert (months[0].income, months[1].income) == (Decimal("5000.00"), Decimal("1000.00"))
    assert [line.amount for line in _rent_lines(staff_user)] == [Decimal("1000.00")]
    # a payment of the year before moves into the opening balance
    RentPayment.objects.filter(pk=payment.pk).update(paid_on=datetime.date(2025, 12, 30))
    opening, _months = fund.monthly_balance(year=2026)
    assert opening == Decimal("2000.00") and _rent_lines(staff_user) == []
    RentPayment.objects.filter(pk=payment.pk).delete()
    opening, months = fund.monthly_balance(year=2026)
    assert opening == Decimal("1000.00") and months[11].balance == Decimal("850.00")
    assert fund.income_by_source(year=2026) == [("county", "县财政拨款", Decimal("5000.00"))]


@pytest.mark.parametrize("source", ["market_rent", "storage_rent", "shop_rent"])
def test_rent_income_is_not_entered_by_hand(staff_user, source):
    with pytest.raises(ValidationError) as exc:
        _entry(staff_user, datetime.date(2026, 1, 1), "income", source, "100.00")
    assert "租约" in " ".join(exc.value.message_dict["source"])
    assert not FundEntry.objects.exists()
    # spending paid from the rent is entered by hand
    _entry(staff_user, datetime.date(2026, 1, 1), "expense", source, "100.00", "repairs")
    assert FundEntry.objects.count() == 1


def test_the_ledger_page_shows_rent_and_what_paid_for_the_property_service(
    client_for, staff_user, ledger
):
    html = client_for(staff_user).get(reverse("ownersassoc:ledger") + "?year=2026").content.decode()
    assert 'data-rent-payment="' in html and "市场-01" in html
    assert 'data-source="market_rent"' in html and "1200.00" in html
    assert reverse("reports:report_start", args=["owners-ledger"]) in html
    assert 'name="year" value="2026"' in html


def test_a_payment_recorded_on_the_premises_page_is_in_the_ledger(client_for, staff_user, stall):
    client = client_for(staff_user)
    response = client.post(
        reverse("buildings:premises_detail", args=[stall.premises.pk]),
        {
            "action": "pay",
            "pay-lease": stall.pk,
            "pay-paid_on": "2026-04-02",
            "pay-amount": "1200.00",
            "pay-note": "四月",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("ownersassoc:ledger"), {"year": 2026}).content.decode()
    payment = RentPayment.objects.get()
    assert f'data-rent-payment="{payment.pk}"' in html and "四月" in html
    _opening, months = fund.monthly_balance(year=2026)
    assert months[3].income == Decimal("1200.00")


# Owners' property fees posted to the ledger ----------------------------------------------


@pytest.fixture
def billed(register):
    """The December 2025 and January 2026 bills of the register's four owned flats (market terms from 2026)."""
    company = prop.company_create(name="物业", uscc="91110000600037341L")
    contract = prop.contract_create(
        company=company,
        scope=["property"],
        started_on=datetime.date(2025, 1, 1),
        ended_on=datetime.date(2028, 12, 31),
        fee_per_m2_month=Decimal("0.50"),
        market_terms_from=datetime.date(2025, 12, 1),
    )
    fees.fee_bills_issue(contract=contract, year=2025, month=12)
    fees.fee_bills_issue(contract=contract, year=2026, month=1)
    return contract


def _fee(user, owner, month, paid_on, amount=None):
    bill = FeeBill.objects.get(owner=owner, month=month)
    return fees.fee_payment_record(
        bill=bill, paid_on=paid_on, amount=Decimal(amount) if amount else bill.amount, user=user
    )


def test_a_fee_payment_is_income_of_the_owners_fees_exactly_once(
    staff_user, register, billed, ledger
):
    owner3, owner5 = register["owner3"], register["owner5"]
    _fee(staff_user, owner3, 1, datetime.date(2026, 1, 28))  # 120 m² × 0.50 = 60.00
    _fee(staff_user, owner5, 1, datetime.date(2026, 2, 3), "20.00")  # part of 35.00
    _fee(staff_user, owner5, 12, datetime.date(2025, 12, 30))  # the year before: 35.00
    lines = [line for line in fund.ledger_lines(user=staff_user, year=2026) if line.is_fee]
    assert [(line.entry_on, line.amount) for line in lines] == [
        (datetime.date(2026, 2, 3), Decimal("20.00")),
        (datetime.date(2026, 1, 28), Decimal("60.00")),
    ]
    assert all(
        line.direction == "income" and line.source == "owners_fees" and not line.is_rent
        for line in lines
    )
    bill = FeeBill.objects.get(owner=owner3, month=1)
    assert lines[1].description == f"{bill.dwelling} 2026-01 物业费"
    assert lines[1].source_label == "业主自缴物业费" and lines[1].origin == "物业费缴费记录"
    assert not FundEntry.objects.filter(source="owners_fees").exists()  # read, never copied
    # the ledger fixture: 1,000.00 opening, 6,200.00 in January, 5,150.00 spent by March
    opening, months = fund.monthly_balance(year=2026)
    assert opening == Decimal("1035.00")
    assert (months[0].income, months[1].income) == (Decimal("6260.00"), Decimal("20.00"))
    assert months[11].balance == Decimal("2165.00")
    assert fund.income_by_source(year=2026) == [
        ("county", "县财政拨款", Decimal("5000.00")),
        ("market_rent", "菜市场租金", Decimal("1200.00")),
        ("owners_fees", "业主自缴物业费", Decimal("80.00")),
    ]
    # four entries and one rent payment of 2026, two fee payments
    assert fund.ledger_line_count(user=staff_user, year=2026) == 7
    assert len(fund.ledger_lines(user=staff_user, year=2026)) == 7
    assert len(fund.ledger_lines(user=staff_user, year=2026, limit=3)) == 3


def test_owners_fee_income_is_not_entered_by_hand(staff_user):
    with pytest.raises(ValidationError) as exc:
        _entry(staff_user, datetime.date(2026, 1, 1), "income", "owners_fees", "100.00")
    assert "物业费" in " ".join(exc.value.message_dict["source"])
    assert not FundEntry.objects.exists()
    # the property service paid from the owners' fees is entered by hand
    _entry(
        staff_user, datetime.date(2026, 1, 1), "expense", "owners_fees", "90.00", "property_service"
    )
    assert fund.property_service_paid_by_source(year=2026) == [("业主自缴物业费", Decimal("90.00"))]


def test_the_ledger_page_shows_the_fee_payments(client_for, staff_user, register, billed):
    payment = _fee(staff_user, register["owner5"], 1, datetime.date(2026, 1, 20))
    assert FeePayment.objects.count() == 1
    html = client_for(staff_user).get(reverse("ownersassoc:ledger"), {"year": 2026})
    html = html.content.decode()
    assert f'data-fee-payment="{payment.pk}"' in html
    assert 'data-source="owners_fees"' in html and str(payment.amount) in html
    # the page's form refuses fee income too
    response = client_for(staff_user).post(
        reverse("ownersassoc:ledger") + "?year=2026",
        {
            "entry_on": "2026-05-01",
            "direction": "income",
            "source": "owners_fees",
            "amount": "1",
            "description": "x",
        },
    )
    assert response.status_code == 200 and "缴费记录" in response.content.decode()
    assert not FundEntry.objects.exists()


# Reversing a wrong payment ----------------------------------------------------------------


def test_staff_reverse_a_wrong_rent_payment_the_record_stays_and_the_ledger_follows(
    client_for, staff_user, ledger, stall
):
    from core.models import AuditLog

    payment = RentPayment.objects.get()
    url = reverse("buildings:rent_payment_reverse", args=[payment.pk])
    client = client_for(staff_user)
    page = client.get(url)
    assert page.status_code == 200 and "冲正原因" in page.content.decode()
    # a reason is required
    response = client.post(url, {"reason": " "})
    assert response.status_code == 200 and RentPayment.objects.get().reversed_at is None
    response = client.post(url, {"reason": "误录：承租人当日未缴费"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.reversed_at is not None and payment.reversed_by == staff_user
    assert payment.reversal_reason == "误录：承租人当日未缴费"
    assert RentPayment.objects.count() == 1  # kept, never deleted
    # the ledger no longer counts it: January had 5,000.00 county money and the rent
    _opening, months = fund.monthly_balance(year=2026)
    assert months[0].income == Decimal("5000.00") and months[11].balance == Decimal("850.00")
    assert _rent_lines(staff_user) == []
    assert fund.income_by_source(year=2026) == [("county", "县财政拨款", Decimal("5000.00"))]
    # nor the lease: the rent is owed again
    lease = premises.premises_for_user(staff_user).get().leases.get()
    status = premises.rent_status(lease, today=datetime.date(2026, 1, 31))
    assert status.received == Decimal("0") and status.arrears > 0
    entry = AuditLog.objects.get(action="reverse_payment")
    assert (entry.user, entry.target) == (staff_user, f"rent payment {payment.pk}")
    assert entry.detail["amount"] == "1200.00" and entry.detail["reason"].startswith("误录")
    # the premises page shows it reversed, with its reason; a second reversal is refused
    html = client.get(reverse("buildings:premises_detail", args=[stall.premises.pk]))
    assert f'data-reversed="{payment.pk}"' in html.content.decode()
    assert "承租人当日未缴费" in html.content.decode()
    with pytest.raises(ValidationError):
        premises.rent_payment_reverse(payment=payment, reason="again", user=staff_user)
    assert AuditLog.objects.filter(action="reverse_payment").count() == 1


def test_staff_reverse_a_wrong_fee_payment(client_for, staff_user, register, billed):
    from core.models import AuditLog

    payment = _fee(staff_user, register["owner5"], 1, datetime.date(2026, 1, 20))
    other = _fee(staff_user, register["owner3"], 1, datetime.date(2026, 1, 21))
    client = client_for(staff_user)
    html = client.get(reverse("ownersassoc:fee_arrears")).content.decode()
    url = reverse("ownersassoc:fee_payment_reverse", args=[payment.pk])
    assert url in html  # listed under the payments recorded lately
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "重复登记"}).status_code == 302
    payment.refresh_from_db()
    assert payment.reversal_reason == "重复登记" and FeePayment.objects.count() == 2
    assert [line.pk for line in fund.ledger_lines(user=staff_user, year=2026) if line.is_fee] == [
        other.pk
    ]
    assert dict((s, v) for s, _label, v in fund.income_by_source(year=2026)) == {
        "owners_fees": other.amount
    }
    # the bill is owed again
    owed = {
        b.pk: fees.owed(b)
        for b in fees.fee_arrears(user=staff_user, today=datetime.date(2026, 3, 1))
    }
    assert owed[payment.bill_id] == payment.bill.amount and other.bill_id not in owed
    assert AuditLog.objects.get(action="reverse_payment").target == f"fee payment {payment.pk}"
    html = client.get(reverse("ownersassoc:fee_arrears")).content.decode()
    assert f'data-reversed="{payment.pk}"' in html


@pytest.mark.parametrize("persona", ["committee_user", "leader_a", "outsider", "department_user"])
def test_only_staff_reverse_payments(
    request, client_for, staff_user, register, billed, stall, persona
):
    rent = premises.rent_payment_record(
        lease=stall, paid_on=datetime.date(2026, 1, 20), amount=Decimal("1200.00")
    )
    fee = _fee(staff_user, register["owner5"], 1, datetime.date(2026, 1, 20))
    client = client_for(request.getfixturevalue(persona))
    for url in (
        reverse("buildings:rent_payment_reverse", args=[rent.pk]),
        reverse("ownersassoc:fee_payment_reverse", args=[fee.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404
    rent.refresh_from_db()
    fee.refresh_from_db()
    assert rent.reversed_at is None and fee.reversed_at is None

import datetime

from django.db.models import Sum
from django.utils import timezone

from buildings.models import RentPayment
from buildings.services import leader_term_start
from community.roles import Role
from ownersassoc import fund, selectors
from ownersassoc.demo.owners import seed_owners
from ownersassoc.models import (
    BallotSheet,
    CommitteeTerm,
    ContractEvaluation,
    FeeBill,
    FeePayment,
    FeeReminder,
    FundEntry,
    OwnersMeeting,
)
from tests.conftest import _user_with_role
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory


def test_demo_owners_side_is_seeded_once(building_a, building_b, staff_user):
    leader = _user_with_role("leader1", Role.BUILDING_LEADER)
    leader_term_start(building=building_a, user=leader, elected_on=datetime.date(2019, 7, 1))
    for building, n in ((building_a, 12), (building_b, 6)):
        for _i in range(n):
            household = HouseholdFactory(dwelling=DwellingFactory(building=building))
            PersonFactory(household=household, relationship="01")
    DwellingFactory(building=building_b, allocation_state="vacant")

    seed_owners()

    founding, open_meeting = OwnersMeeting.objects.order_by("pk")
    tally = selectors.meeting_tally(meeting=founding)
    assert tally.totals.total_owners == 19  # 18 owners and the vacant flat
    assert all(result.verdict.passed for result in tally.results)
    assert not open_meeting.ballots_closed
    pending = BallotSheet.objects.filter(meeting=open_meeting, status="pending")
    assert pending.count() == 6 and all(sheet.photo for sheet in pending)
    assert set(pending.values_list("collected_by__username", flat=True)) == {"leader1"}
    term = CommitteeTerm.objects.get()
    assert term.members.count() == 7 and not term.filing_overdue()
    assert ContractEvaluation.objects.count() == 2
    assert FundEntry.objects.filter(expense="property_service").exists()
    # The ledger shows how rent and county money paid for the property service this year:
    # the rent is the leases' payments (never an entry by hand), the spending names its source.
    year = timezone.localdate().year
    assert not FundEntry.objects.filter(
        direction="income", source__in=["market_rent", "storage_rent", "shop_rent"]
    ).exists()
    income = {source: amount for source, _label, amount in fund.income_by_source(year=year)}
    stalls = RentPayment.objects.filter(paid_on__year=year, lease__premises__kind="market_stall")
    assert income["market_rent"] == fund.cents(stalls.aggregate(s=Sum("amount"))["s"]) > 0
    assert income["storage_rent"] > 0 and income["county"] > 0
    paid = dict(fund.property_service_paid_by_source(year=year))
    assert {"县财政拨款", "菜市场租金", "储藏室租金"} <= set(paid)
    # Since the market-terms date the owners pay the fee: their payments are the ledger's
    # owners' fees income (never an entry by hand), and they paid for the property service.
    assert not FundEntry.objects.filter(direction="income", source="owners_fees").exists()
    fee_payments = FeePayment.objects.filter(paid_on__year=year)
    assert income["owners_fees"] == fund.cents(fee_payments.aggregate(s=Sum("amount"))["s"]) > 0
    assert "业主自缴物业费" in paid
    assert FeeBill.objects.values("year", "month").distinct().count() == 3
    assert FeeBill.objects.count() == 3 * 18  # 18 owned flats, three months of bills
    assert FeeReminder.objects.exists()
    lines = fund.ledger_lines(user=staff_user, year=year)
    assert sum(line.is_fee for line in lines) == fee_payments.count()

    seed_owners()
    assert OwnersMeeting.objects.count() == 2
    assert FeeBill.objects.count() == 3 * 18

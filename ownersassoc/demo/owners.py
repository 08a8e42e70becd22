"""Demo data of the owners' side: the owners' register (with registered and surveyed areas
on part of the flats), a general meeting that adopted the rules and the covenant, elected a
committee and hired the property company, a written solicitation open now with ballots
(some collected by leader1 and waiting for staff), the committee with its first meeting
and filing, the contract with two quarterly evaluations and linked requests, market stalls
and storage rooms let with some rent in arrears, the owners' property fees since the
contract went on market terms two months ago (most paid, some in arrears and reminded), and
a year of the community fund.

Registered in ``DEMO_ACCOUNT_SEEDERS``: staff and leader1 record it, and it adds a
committee member (``yewei``) and a finance-bureau user (``caizheng``). Idempotent: nothing
is added when any general meeting exists."""

import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from PIL import Image, ImageDraw
from simple_history.utils import bulk_create_with_history

from buildings.models import Building, Dwelling
from buildings.premises import services as premises
from community.models import Department, UserProfile
from community.roles import Role
from households.models import Person
from ownersassoc import committee, fees, fund, property, selectors, services
from ownersassoc.models import (
    Ballot,
    BallotSheet,
    FeeBill,
    FeePayment,
    Matter,
    Ownership,
    OwnersMeeting,
)
from services.requests.models import Category, ResidentRequest

PASSWORD = "tongluowan2019"  # the demo accounts' password (README)
ACCOUNTS = [
    ("yewei", "业主委员会委员（刘建华）", Role.OWNERS_COMMITTEE, None),
    ("caizheng", "县财政局经办人", Role.DEPARTMENT, "finance"),
]
COMPANY_USCC = "91360735MA35T8K20Y"


def _accounts() -> list[str]:
    User = get_user_model()
    created = []
    for username, display, role, dept_code in ACCOUNTS:
        user, is_new = User.objects.get_or_create(username=username)
        if is_new:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            created.append(username)
        user.groups.add(Group.objects.get(name=role.value))
        department = Department.objects.get(code=dept_code) if dept_code else None
        UserProfile.objects.update_or_create(
            user=user, defaults={"display_name": display, "department": department}
        )
    return created


def _photo(text: str) -> ContentFile:
    image = Image.new("RGB", (480, 320), "white")
    ImageDraw.Draw(image).text((20, 20), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return ContentFile(out.getvalue(), name="form.jpg")


def _areas(rng: random.Random) -> None:
    """Registered areas on titled flats, surveyed areas on a third of the rest."""
    dwellings = list(Dwelling.objects.only("pk", "area", "title_state"))
    for d in dwellings:
        if d.title_state == Dwelling.TitleState.REGISTERED:
            d.registered_area = d.area - Decimal(rng.choice(["0.00", "0.35", "0.80", "1.20"]))
        elif rng.random() < 0.33:
            d.surveyed_area = d.area + Decimal(rng.choice(["-0.60", "0.25", "0.90"]))
    Dwelling.objects.bulk_update(dwellings, ["registered_area", "surveyed_area"], batch_size=500)


def _bulk_sheets(meeting, owners, user, rng, *, agree: float, day):
    """Confirmed sheets entered by staff, written in bulk (the demo's volume)."""
    motions = list(meeting.motions.order_by("number"))
    now = timezone.now()
    sheets = [
        BallotSheet(
            meeting=meeting,
            owner_id=owner_id,
            source=BallotSheet.Source.STAFF,
            status=BallotSheet.Status.CONFIRMED,
            signed_on=day,
            collected_by=user,
            collected_at=now,
            reviewed_by=user,
            reviewed_at=now,
        )
        for owner_id in owners
    ]
    sheets = bulk_create_with_history(sheets, BallotSheet, batch_size=500)
    sheets = list(BallotSheet.objects.filter(meeting=meeting).order_by("pk"))
    ballots = []
    for sheet in sheets:
        for motion in motions:
            roll = rng.random()
            choice = "agree" if roll < agree else ("oppose" if roll < agree + 0.08 else "abstain")
            ballots.append(
                Ballot(sheet=sheet, motion=motion, owner_id=sheet.owner_id, choice=choice)
            )
    Ballot.objects.bulk_create(ballots, batch_size=1000)


@transaction.atomic
def seed_owners(*, stdout=None) -> None:
    created = _accounts()
    if OwnersMeeting.objects.exists():
        return
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    leader = User.objects.filter(username="leader1").first()
    if staff is None or not Building.objects.exists():
        return
    rng = random.Random(278)
    today = timezone.localdate()
    _areas(rng)
    owners_count = services.owners_register_derive(user=staff)
    owner_ids = list(
        Ownership.objects.filter(ended_on__isnull=True)
        .values_list("owner_id", flat=True)
        .distinct()
    )

    # The founding meeting: rules, covenant, committee, property company.
    held = today - datetime.timedelta(days=200)
    founding = services.meeting_create(
        title="铜锣湾社区首次业主大会",
        kind=OwnersMeeting.Kind.REGULAR,
        form=OwnersMeeting.Form.WRITTEN,
        notice_date=held - datetime.timedelta(days=20),
        held_on=held,
        copied_to_residents_committee=True,
        user=staff,
    )
    motions = [
        services.motion_add(meeting=founding, title=title, matter=matter)
        for title, matter in [
            ("审议通过《业主大会议事规则》", Matter.RULES_OF_PROCEDURE),
            ("审议通过《铜锣湾小区管理规约》", Matter.COVENANT),
            ("选举第一届业主委员会（7人）", Matter.COMMITTEE),
            ("选聘石城县安居物业服务有限公司", Matter.PROPERTY_COMPANY),
        ]
    ]
    voters = rng.sample(owner_ids, int(len(owner_ids) * 0.82))
    _bulk_sheets(founding, voters, staff, rng, agree=0.86, day=held - datetime.timedelta(days=3))
    if selectors.register_totals().unowned_dwellings:
        services.sheet_record(
            meeting=founding,
            owner=None,
            choices={m.pk: "agree" for m in motions},
            source=BallotSheet.Source.STAFF,
            user=staff,
            signed_on=held - datetime.timedelta(days=3),
        )
    services.meeting_close_ballots(meeting=founding)

    committee.document_adopt(
        kind="rules",
        adopted_by=motions[0],
        user=staff,
        text="第一条 业主大会由铜锣湾小区全体业主组成。\n第二条 业主大会会议分为定期会议和临时会议。",
    )
    committee.document_adopt(
        kind="covenant",
        adopted_by=motions[1],
        user=staff,
        text="第一条 业主应当按照规划用途使用物业。\n第二条 不得擅自占用共有部分。",
    )
    members = rng.sample(voters, 7)
    people = list(Person.objects.filter(pk__in=members))
    term = committee.committee_elect(
        elected_on=held,
        term_ends_on=held.replace(year=held.year + 5) - datetime.timedelta(days=1),
        people=people,
        elected_by=motions[2],
    )
    seats = list(term.members.all())
    committee.committee_first_meeting(
        term=term, held_on=held + datetime.timedelta(days=4), chair=seats[0], vice_chair=seats[1]
    )
    committee.committee_filing_record(
        term=term,
        filed_housing_on=held + datetime.timedelta(days=18),
        filed_town_on=held + datetime.timedelta(days=25),
    )
    committee.committee_meeting_record(
        term=term,
        held_on=held + datetime.timedelta(days=40),
        present=seats[:6],
        minutes="讨论物业服务季度考评办法和菜市场摊位租金收缴情况。",
        resolutions=[("通过物业服务季度考评办法", seats[:5])],
        user=staff,
    )

    # The property company and its contract, with two quarterly evaluations. The county
    # bought the service until the first of the month two months ago; since then the
    # owners pay the fee themselves.
    market_from = premises.add_months(today.replace(day=1), -2)
    company = property.company_create(
        name="石城县安居物业服务有限公司",
        uscc=COMPANY_USCC,
        contact_person="赖经理",
        contact_phone="0797-5700000",
    )
    contract = property.contract_create(
        company=company,
        hired_by=motions[3],
        scope=["property", "security", "facilities", "agency"],
        started_on=held + datetime.timedelta(days=10),
        ended_on=held + datetime.timedelta(days=10 + 3 * 365),
        fee_per_m2_month=Decimal("0.50"),
        market_terms_from=market_from,
    )
    quarter_now = (today.month - 1) // 3 + 1
    for offset, scores, problems in [
        (
            2,
            {"property": 78, "security": 82, "facilities": 70, "agency": 85},
            "楼道保洁不到位；3栋路灯损坏两周未修。",
        ),
        (
            1,
            {"property": 85, "security": 84, "facilities": 79, "agency": 88},
            "路灯已修复；垃圾清运时间仍需固定。",
        ),
    ]:
        year, quarter = today.year, quarter_now - offset
        while quarter < 1:
            year, quarter = year - 1, quarter + 4
        property.evaluation_record(
            contract=contract,
            year=year,
            quarter=quarter,
            scores=scores,
            problems=problems,
            follow_ups="物业公司一周内书面回复整改措施。",
            user=staff,
        )
    for request in ResidentRequest.objects.filter(category=Category.PROPERTY).order_by("pk")[:8]:
        property.contract_request_link(contract=contract, request=request, user=staff)

    # A written solicitation open now: staff entered some sheets, leader1 collected others.
    open_meeting = services.meeting_create(
        title="关于使用公共收益维修电梯及利用自行车棚设置摊位的书面征求意见",
        kind=OwnersMeeting.Kind.REGULAR,
        form=OwnersMeeting.Form.WRITTEN,
        notice_date=today - datetime.timedelta(days=10),
        held_on=today + datetime.timedelta(days=10),
        copied_to_residents_committee=True,
        user=staff,
    )
    open_motions = [
        services.motion_add(
            meeting=open_meeting, title="使用公共收益维修1—5栋电梯", matter=Matter.USE_FUND
        ),
        services.motion_add(
            meeting=open_meeting, title="将2栋自行车棚改作便民摊位", matter=Matter.COMMON_PARTS_USE
        ),
    ]
    building_one = Building.objects.order_by("code").first()
    in_building_one = set(
        Ownership.objects.filter(
            ended_on__isnull=True, dwelling__building=building_one
        ).values_list("owner_id", flat=True)
    )
    others = [o for o in owner_ids if o not in in_building_one]
    _bulk_sheets(
        open_meeting, rng.sample(others, len(others) // 3), staff, rng, agree=0.7, day=today
    )
    if leader is not None:
        for owner in Person.objects.filter(pk__in=sorted(in_building_one)[:6]):
            services.sheet_record(
                meeting=open_meeting,
                owner=owner,
                choices={m.pk: rng.choice(["agree", "agree", "oppose"]) for m in open_motions},
                source=BallotSheet.Source.LEADER,
                user=leader,
                photo=_photo(f"ballot {owner.pk}"),
            )

    # Premises: market stalls and storage rooms, let, with some rent in arrears.
    lease_start = datetime.date(today.year - 1, 1, 1)
    lease_end = datetime.date(today.year + 1, 12, 31)
    buildings = list(Building.objects.order_by("code")[:2])
    for n in range(1, 13):
        stall = premises.premises_create(
            code=f"市场-{n:02d}", kind="market_stall", area=Decimal("9.00")
        )
        lease = premises.lease_create(
            premises=stall,
            tenant=rng.choice(["刘记果蔬", "温氏肉铺", "黄家豆腐", "赖记早餐", "陈氏杂货"]),
            started_on=lease_start,
            ended_on=lease_end,
            monthly_rent=Decimal("260.00"),
            deposit=Decimal("520.00"),
        )
        _pay_rent(lease, today, months_behind=rng.choice([0, 0, 0, 1, 3]))
    for n in range(1, 9):
        room = premises.premises_create(
            code=f"储藏室-{buildings[n % len(buildings)].code}-{n:02d}",
            kind="storage",
            building=buildings[n % len(buildings)],
            area=Decimal("6.50"),
        )
        lease = premises.lease_create(
            premises=room,
            tenant=f"住户{n:02d}",
            started_on=lease_start,
            ended_on=lease_end,
            monthly_rent=Decimal("80.00"),
        )
        _pay_rent(lease, today, months_behind=rng.choice([0, 0, 2]))

    # The owners' property fees since the market-terms date, then a year of the fund.
    _fees(contract, staff, today, rng)
    _ledger(staff, today, rng, market_from=market_from)
    if stdout is not None:
        stdout.write(
            f"Owners' side: {owners_count} owners in the register, 2 general meetings, a "
            f"committee, a contract, 20 leases, a year of the fund"
            + (f"; accounts {', '.join(created)}" if created else "")
            + "."
        )


def _pay_rent(lease, today, *, months_behind: int) -> None:
    status = premises.rent_status(lease, today=today)
    months_due = int(status.due / lease.monthly_rent) if lease.monthly_rent else 0
    for m in range(max(months_due - months_behind, 0)):
        day = premises.add_months(lease.started_on, m)
        premises.rent_payment_record(lease=lease, paid_on=day, amount=lease.monthly_rent)


def _fees(contract, user, today, rng) -> None:
    """The bills of every month from the market-terms date to this one: those past due
    paid by most owners within their month (the rest in arrears, some reminded), this
    month's by a few so far. The payments are the ledger's owners' fees income."""
    month = contract.market_terms_from
    payments, unpaid = [], []
    while month <= today:
        fees.fee_bills_issue(contract=contract, year=month.year, month=month.month)
        last_day = min(premises.add_months(month, 1) - datetime.timedelta(days=1), today)
        share = 0.85 if last_day < today else 0.4
        for bill in FeeBill.objects.filter(year=month.year, month=month.month).order_by("pk"):
            if rng.random() < share:
                day = month + datetime.timedelta(days=rng.randrange((last_day - month).days + 1))
                payments.append(
                    FeePayment(bill=bill, paid_on=day, amount=bill.amount, recorded_by=user)
                )
            elif bill.due_on < today:
                unpaid.append(bill)
        month = premises.add_months(month, 1)
    FeePayment.objects.bulk_create(payments, batch_size=1000)
    for bill in unpaid[:10]:
        fees.fee_reminder_record(
            bill=bill,
            sent_on=min(bill.due_on + datetime.timedelta(days=15), today),
            method=rng.choice(["letter", "phone", "visit"]),
            note="提醒按时缴纳物业费",
            user=user,
        )


def _ledger(user, today, rng, *, market_from) -> None:
    """A year of the fund to today: the county's money in until the market-terms date, and
    the property service and repairs paid from it, from the rent and, since then, from the
    owners' fees (the rent and the fees themselves are in the ledger through the leases'
    and the bills' payments, ``ownersassoc.fund``)."""
    fees_paid = {
        (row["paid_on__year"], row["paid_on__month"]): row["s"]
        for row in FeePayment.objects.values("paid_on__year", "paid_on__month")
        .annotate(s=Sum("amount"))
        .order_by()
    }
    rows = []
    start = datetime.date(today.year - 1, today.month, 1)
    month = start
    while month <= today:
        if month < market_from:
            # Rent and fees are not entered here: the ledger reads their payments.
            rows += [
                ("income", "county", "", Decimal("18000.00"), "县财政拨付物业服务购买资金"),
                (
                    "expense",
                    "county",
                    "property_service",
                    Decimal("16500.00"),
                    "支付物业服务费（县购买）",
                ),
            ]
        elif fees_paid.get((month.year, month.month)):
            rows.append(
                (
                    "expense",
                    "owners_fees",
                    "property_service",
                    fund.cents(fees_paid[(month.year, month.month)]),
                    "支付物业服务费（业主自缴物业费）",
                )
            )
        rows += [
            (
                "expense",
                "market_rent",
                "property_service",
                Decimal("1800.00"),
                "支付物业服务费（菜市场租金）",
            ),
            (
                "expense",
                "storage_rent",
                "property_service",
                Decimal("400.00"),
                "支付物业服务费（储藏室租金）",
            ),
        ]
        if rng.random() < 0.4:
            rows.append(
                (
                    "expense",
                    "market_rent",
                    "repairs",
                    Decimal(rng.choice(["350.00", "820.00", "1200.00"])),
                    "公共设施维修",
                )
            )
        for direction, source, expense, amount, description in rows:
            fund.fund_entry_record(
                entry_on=min(month + datetime.timedelta(days=rng.randrange(0, 25)), today),
                direction=direction,
                source=source,
                expense=expense,
                amount=amount,
                description=description,
                user=user,
            )
        rows = []
        month = premises.add_months(month, 1)

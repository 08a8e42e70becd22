"""The owners' side's workbooks (/reports/): the fund ledger, the arrears, a meeting's vote
count. Headers, row counts equal to the selectors', one known row's values and types (money
as numbers with two decimals, dates as dates), who runs them (404 for anyone else), the
per-owner ballots only for those who read the ballot sheets, the export log, the shell and
the buttons on the pages."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from buildings.premises import services as premises
from community.models import Department
from community.roles import Role
from core.models import AuditLog, Job
from ownersassoc import fees, fund, selectors, services
from ownersassoc import property as prop
from ownersassoc.models import BallotSheet, FeeBill
from services.reports.catalogue import ReportContext
from services.reports.definitions import REPORT_LIST, REPORTS
from services.reports.selectors import reports_for_user
from tests.conftest import _user_with_role
from tests.ownersassoc.test_views import _jpeg
from tests.services.test_reports import export, row_of, sheet_rows

pytestmark = pytest.mark.django_db
OWNER_REPORTS = ("owners-ledger", "owners-arrears", "owners-vote")
TODAY = timezone.localdate()
YEAR = TODAY.year


def _money(cell, value):
    assert (cell.value, cell.data_type) == (float(value), "n")
    assert cell.number_format in ("#,##0.00", "0.00")


def _date(cell, day):
    assert cell.value == datetime.datetime(day.year, day.month, day.day)
    assert cell.number_format == "yyyy-mm-dd"


@pytest.fixture
def finance_user(db):
    return _user_with_role(
        "caizheng", Role.DEPARTMENT, department=Department.objects.get(code="finance")
    )


@pytest.fixture
def books(staff_user, building_a):
    """This year: county money in, rent of a market stall and a storage room (one lease in
    arrears), the property service paid from the county's money and from the rent."""
    fund.fund_entry_record(
        entry_on=datetime.date(YEAR, 1, 5),
        direction="income",
        source="county",
        amount=Decimal("18000.00"),
        description="县财政拨付物业服务购买资金",
        user=staff_user,
    )
    fund.fund_entry_record(
        entry_on=datetime.date(YEAR, 1, 25),
        direction="expense",
        source="county",
        expense="property_service",
        amount=Decimal("16500.00"),
        description="支付物业服务费（县购买）",
        user=staff_user,
    )
    fund.fund_entry_record(
        entry_on=datetime.date(YEAR, 1, 26),
        direction="expense",
        source="market_rent",
        expense="property_service",
        amount=Decimal("500.00"),
        description="支付物业服务费（菜市场租金）",
        user=staff_user,
    )
    stall = premises.premises_create(code="市场-01", kind="market_stall", area=Decimal("9"))
    room = premises.premises_create(
        code="储藏室-A-01", kind="storage", area=Decimal("6.5"), building=building_a
    )
    start = datetime.date(YEAR, 1, 1)
    stall_lease = premises.lease_create(
        premises=stall,
        tenant="刘记果蔬",
        tenant_phone="13907970009",
        started_on=start,
        ended_on=datetime.date(YEAR + 1, 12, 31),
        monthly_rent=Decimal("260.00"),
    )
    room_lease = premises.lease_create(
        premises=room,
        tenant="住户01",
        started_on=start,
        ended_on=datetime.date(YEAR + 1, 12, 31),
        monthly_rent=Decimal("80.00"),
    )
    premises.rent_payment_record(lease=stall_lease, paid_on=start, amount=Decimal("260.00"))
    months = (TODAY.year - start.year) * 12 + TODAY.month - start.month + 1
    for m in range(months):
        premises.rent_payment_record(
            lease=room_lease, paid_on=premises.add_months(start, m), amount=Decimal("80.00")
        )
    return {"stall": stall_lease, "room": room_lease}


@pytest.fixture
def bills(register, staff_user):
    company = prop.company_create(name="物业", uscc="91110000600037341L")
    contract = prop.contract_create(
        company=company,
        scope=["property"],
        started_on=datetime.date(YEAR - 1, 1, 1),
        ended_on=datetime.date(YEAR + 2, 12, 31),
        fee_per_m2_month=Decimal("0.55"),
        market_terms_from=datetime.date(YEAR - 1, 1, 1),
    )
    fees.fee_bills_issue(contract=contract, year=YEAR - 1, month=11)
    fees.fee_bills_issue(contract=contract, year=YEAR - 1, month=12)
    paid = FeeBill.objects.get(owner=register["owner5"], month=11)
    fees.fee_payment_record(bill=paid, paid_on=paid.due_on, amount=paid.amount, user=staff_user)
    part = FeeBill.objects.get(owner=register["owner3"], month=11)
    fees.fee_payment_record(bill=part, paid_on=part.due_on, amount=Decimal("6.00"), user=staff_user)
    fees.fee_reminder_record(
        bill=part, sent_on=datetime.date(YEAR, 1, 15), method="letter", user=staff_user
    )
    return {"part": part}


@pytest.fixture
def voted(meeting, register, staff_user):
    """owner1 (180 m²) and owner3 (120 m²) agree to both motions, confirmed; owner5 opposes,
    waiting for confirmation (not counted)."""
    for owner in (register["owner1"], register["owner3"]):
        services.sheet_record(  # entered by staff from the signed form: counts at once
            meeting=meeting,
            owner=owner,
            choices={m.pk: "agree" for m in meeting.motions.all()},
            source=BallotSheet.Source.STAFF,
            user=staff_user,
        )
    services.sheet_record(  # collected on the phone, with its photo: waits for staff
        meeting=meeting,
        owner=register["owner5"],
        choices={m.pk: "oppose" for m in meeting.motions.all()},
        source=BallotSheet.Source.LEADER,
        user=staff_user,
        photo=_jpeg(),
    )
    return meeting


def _header_is_the_reports(code, user, path, index=0, **params):
    ctx = ReportContext(user=user, params=params, full_ids=True, today=TODAY)
    _book, header, cells = sheet_rows(path, index)
    assert header == [str(c.header) for c in REPORTS[code].sheets(ctx)[index].columns]
    return header, [r for r in cells if r[0].value not in ("合计",)]


# --- the ledger ------------------------------------------------------------------------------


def test_the_ledger_workbook(books, staff_user, tmp_path):
    rows, path = export("owners-ledger", staff_user, tmp_path, year=str(YEAR))
    header, cells = _header_is_the_reports("owners-ledger", staff_user, path, year=YEAR)
    assert rows == len(cells) == fund.ledger_line_count(user=staff_user, year=YEAR)
    rent = row_of(cells, header, "摘要", "市场-01 租金（承租人 刘记果蔬）")
    _date(rent["日期"], datetime.date(YEAR, 1, 1))
    _money(rent["收入（元）"], "260.00")
    assert (rent["资金来源"].value, rent["收入或支出"].value) == ("菜市场租金", "收入")
    assert rent["支出（元）"].value is None
    paid = row_of(cells, header, "摘要", "支付物业服务费（县购买）")
    _money(paid["支出（元）"], "16500.00")
    assert (paid["资金来源"].value, paid["支出类别"].value) == ("县财政拨款", "物业服务费")

    opening, months = fund.monthly_balance(year=YEAR)
    header, cells = _header_is_the_reports("owners-ledger", staff_user, path, 1, year=YEAR)
    assert len(cells) == 13  # the opening balance and twelve months
    january = row_of(cells, header, "月份", f"{YEAR}-01")
    _money(january["收入（元）"], months[0].income)
    _money(january["月末余额（元）"], months[0].balance)

    header, cells = _header_is_the_reports("owners-ledger", staff_user, path, 2, year=YEAR)
    assert len(cells) == len(fund.property_service_paid_by_source(year=YEAR)) == 2
    county = row_of(cells, header, "资金来源", "县财政拨款")
    _money(county["支付物业服务费（元）"], "16500.00")
    assert county["占比（%）"].value == 97.06
    book = openpyxl.load_workbook(path)
    assert list(book.worksheets[2].iter_rows(values_only=True))[-1][:2] == ("合计", 17000.0)

    header, cells = _header_is_the_reports("owners-ledger", staff_user, path, 3, year=YEAR)
    income = {r[0].value: r[1].value for r in cells}
    rent_received = sum(p.amount for p in premises.RentPayment.objects.filter(paid_on__year=YEAR))
    assert income["县财政拨款"] == 18000.0
    assert income["菜市场租金"] + income["储藏室租金"] == float(rent_received)


def test_the_ledger_workbook_has_the_owners_fee_payments_once(books, bills, staff_user, tmp_path):
    """A fee payment of this year is a line of 收支明细 and in 收入来源 under 业主自缴物业费;
    a reversed one is in neither."""
    bill = FeeBill.objects.filter(month=12, payments__isnull=True).order_by("pk").first()
    paid = fees.fee_payment_record(
        bill=bill, paid_on=datetime.date(YEAR, 1, 3), amount=bill.amount, user=staff_user
    )
    wrong = fees.fee_payment_record(
        bill=bill, paid_on=datetime.date(YEAR, 1, 4), amount=Decimal("1.00"), user=staff_user
    )
    fees.fee_payment_reverse(payment=wrong, reason="误录", user=staff_user)
    rows, path = export("owners-ledger", staff_user, tmp_path, year=str(YEAR))
    header, cells = _header_is_the_reports("owners-ledger", staff_user, path, year=YEAR)
    assert rows == len(cells) == fund.ledger_line_count(user=staff_user, year=YEAR)
    fee_rows = [r for r in cells if r[header.index("资金来源")].value == "业主自缴物业费"]
    assert len(fee_rows) == 1
    row = dict(zip(header, fee_rows[0], strict=True))
    _money(row["收入（元）"], paid.amount)
    _date(row["日期"], datetime.date(YEAR, 1, 3))
    assert row["摘要"].value == f"{bill.dwelling} {YEAR - 1}-12 物业费"
    assert row["记录方式"].value == "物业费缴费记录"
    header, cells = _header_is_the_reports("owners-ledger", staff_user, path, 3, year=YEAR)
    income = {r[0].value: r[1].value for r in cells}
    assert income["业主自缴物业费"] == float(paid.amount)


def test_the_ledger_is_for_its_readers_only(
    books,
    staff_user,
    committee_user,
    finance_user,
    supervisor_user,
    department_user,
    leader_a,
    outsider,
    client_for,
):
    for user in (staff_user, committee_user, finance_user, supervisor_user):
        assert "owners-ledger" in {r.code for r in reports_for_user(user)}, user
        response = client_for(user).get(reverse("reports:report_start", args=["owners-ledger"]))
        assert response.status_code == 200, user
    for user in (department_user, leader_a, outsider):
        client = client_for(user)
        for code in OWNER_REPORTS:
            assert client.get(reverse("reports:report_start", args=[code])).status_code == 404
            assert client.post(reverse("reports:report_start", args=[code])).status_code == 404
    assert not Job.objects.exists()
    # the finance bureau and the poverty office read the ledger, not the arrears or a vote
    for user in (finance_user, supervisor_user):
        client = client_for(user)
        for code in ("owners-arrears", "owners-vote"):
            assert client.get(reverse("reports:report_start", args=[code])).status_code == 404


def test_the_ledger_button_starts_the_job_and_the_export_is_logged(
    books, finance_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(finance_user)
    html = client.get(reverse("ownersassoc:ledger"), {"year": YEAR}).content.decode()
    assert reverse("reports:report_start", args=["owners-ledger"]) in html
    assert f'name="year" value="{YEAR}"' in html and "导出 Excel" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report_start", args=["owners-ledger"]),
            {"year": str(YEAR), "format": "xlsx"},
        )
    job = Job.objects.get()
    assert response.url == reverse("core:job_detail", args=[job.pk])
    assert (job.status, job.done_rows) == (
        "done",
        fund.ledger_line_count(user=finance_user, year=YEAR),
    )
    download = client.get(reverse("core:job_download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0]["A1"].value == "社区资金台账"
    assert "业主委员会" in book.worksheets[0]["A2"].value
    entry = AuditLog.objects.get(action="export")
    assert (entry.user, entry.target) == (finance_user, "owners-ledger")
    assert entry.detail["params"] == {"year": YEAR} and entry.detail["unit"] == "finance"


# --- the arrears -----------------------------------------------------------------------------


def test_the_arrears_workbook(books, bills, staff_user, tmp_path):
    rows, path = export("owners-arrears", staff_user, tmp_path)
    header, cells = _header_is_the_reports("owners-arrears", staff_user, path)
    statuses = premises.leases_in_arrears(user=staff_user, today=TODAY)
    assert rows == len(cells) == len(statuses) >= 1
    stall = row_of(cells, header, "经营用房", "市场-01")
    status = next(s for s in statuses if s.lease == books["stall"])
    _money(stall["欠租（元）"], status.arrears)
    _money(stall["月租金（元）"], "260.00")
    assert stall["逾期天数"].value == status.days_overdue > 0
    assert stall["逾期天数"].data_type == "n"
    assert (stall["承租人电话"].value, stall["承租人电话"].data_type) == ("13907970009", "s")
    _date(stall["租期起"], datetime.date(YEAR, 1, 1))
    book = openpyxl.load_workbook(path)
    last = list(book.worksheets[0].iter_rows(values_only=True))[-1]
    assert last[0] == "合计" and last[header.index("欠租（元）")] == float(
        sum(s.arrears for s in statuses)
    )
    assert last[header.index("逾期天数")] is None  # days do not add up

    header, cells = _header_is_the_reports("owners-arrears", staff_user, path, 1)
    assert len(cells) == fees.fee_arrears(user=staff_user, today=TODAY).count() == 7
    part = bills["part"]
    row = next(
        r
        for r in cells
        if r[header.index("业主")].value == part.owner.name
        and r[header.index("月份")].value == f"{YEAR - 1}-11"
    )
    row = dict(zip(header, row, strict=True))
    _money(row["欠缴（元）"], "60.00")
    _money(row["已缴（元）"], "6.00")
    _date(row["缴费截止日期"], part.due_on)
    _date(row["最近催缴日期"], datetime.date(YEAR, 1, 15))
    assert row["催缴次数"].value == 1 and row["计算面积（m²）"].value == 120.0
    assert row["逾期天数"].value == (TODAY - part.due_on).days


def test_the_arrears_building_filter(books, bills, staff_user, tmp_path):
    rows, path = export("owners-arrears", staff_user, tmp_path, building="B")
    assert rows == 0  # the stall is the market's, the storage room of building A is paid
    _header, cells = _header_is_the_reports("owners-arrears", staff_user, path, 1, building="B")
    owing = fees.fee_arrears(user=staff_user, today=TODAY).filter(dwelling__building__code="B")
    assert len(cells) == owing.count() == 1  # owner5 paid November, owes December
    rows, path = export("owners-arrears", staff_user, tmp_path, building="A")
    assert rows == 0  # the storage room of building A is paid up


def test_the_arrears_buttons(books, bills, staff_user, committee_user, client_for):
    for user in (staff_user, committee_user):
        client = client_for(user)
        for url in (reverse("ownersassoc:fee_arrears"), reverse("buildings:premises_list")):
            html = client.get(url).content.decode()
            assert reverse("reports:report_start", args=["owners-arrears"]) in html, (user, url)


# --- a meeting's vote count ------------------------------------------------------------------


def test_the_vote_count_workbook(voted, staff_user, tmp_path):
    rows, path = export("owners-vote", staff_user, tmp_path, meeting=str(voted.pk))
    header, cells = _header_is_the_reports("owners-vote", staff_user, path, meeting=voted.pk)
    tally = selectors.meeting_tally(meeting=voted)
    assert rows == len(cells) == len(tally.results) == 2
    first = row_of(cells, header, "编号", 1)
    result = tally.results[0]
    assert (first["参与表决：人数"].value, first["参与表决：面积（m²）"].value) == (2, 300.0)
    # three person owners and the vacant flat as one (conftest's register)
    assert (first["业主名册总人数"].value, first["业主名册总面积（m²）"].value) == (4, 460.0)
    assert first["同意：人数"].value == 2 and first["同意：面积（m²）"].value == 300.0
    assert first["参与表决：人数占比（%）"].value == 50.0
    assert first["参与表决：面积占比（%）"].value == 65.22
    assert first["参与表决门槛"].value == "未达到"
    assert first["结果"].value == "未通过"
    assert first["适用规则"].value == result.verdict.rule and "三分之二" in result.verdict.rule

    _header, basis = _header_is_the_reports("owners-vote", staff_user, path, 1, meeting=voted.pk)
    figures = {r[0].value: r[1].value for r in basis}
    assert figures["无业主房屋（合计为一名业主）"] == "1"

    header, cells = _header_is_the_reports("owners-vote", staff_user, path, 2, meeting=voted.pk)
    assert len(cells) == BallotSheet.objects.filter(meeting=voted).count() == 3
    row = row_of(cells, header, "状态", "待确认")
    assert row["计算面积（m²）"].value == 70.0
    assert row["议题1：选举业主委员会"].value == "反对"
    assert row["身份证号"].data_type == "s" and len(row["身份证号"].value) == 18
    _date(row["签字日期"], TODAY)


def test_ballots_per_owner_only_for_those_who_read_the_sheets(
    voted, staff_user, committee_user, tmp_path
):
    _rows, path = export("owners-vote", committee_user, tmp_path, meeting=str(voted.pk))
    book = openpyxl.load_workbook(path)
    assert [ws.title for ws in book.worksheets] == ["表决结果", "计票依据", "每户表决票"]
    _book, header, cells = sheet_rows(path, 2)
    ids = [r[header.index("身份证号")].value for r in cells]
    assert all("********" in i for i in ids)  # the committee's export: masked
    # a reader of the meetings who may not read the ballot sheets gets the totals only
    from django.contrib.auth.models import Permission

    reader = _user_with_role("reader", Role.OWNERS_COMMITTEE)
    reader.groups.clear()
    reader.user_permissions.add(
        Permission.objects.get(codename="view_ownersmeeting"),
        Permission.objects.get(codename="view_motion"),
    )
    _rows, path = export("owners-vote", reader, tmp_path, meeting=str(voted.pk))
    book = openpyxl.load_workbook(path)
    assert [ws.title for ws in book.worksheets] == ["表决结果", "计票依据"]
    text = " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )
    for owner in voted.sheets.values_list("owner__name", "owner__id_number", "owner__phone"):
        assert not any(part and part in text for part in owner)


def test_the_vote_count_needs_a_meeting_that_exists(voted, staff_user, tmp_path):
    from core.jobs import JobError

    with pytest.raises(JobError, match="业主大会"):
        export("owners-vote", staff_user, tmp_path)
    with pytest.raises(JobError, match="业主大会"):
        export("owners-vote", staff_user, tmp_path, meeting="999999")


def test_the_meeting_page_has_the_export_button(voted, staff_user, client_for):
    html = client_for(staff_user).get(voted.get_absolute_url()).content.decode()
    assert reverse("reports:report_start", args=["owners-vote"]) in html
    assert f'name="meeting" value="{voted.pk}"' in html
    notice = (
        client_for(staff_user)
        .get(reverse("ownersassoc:meeting_notice", args=[voted.pk]))
        .content.decode()
    )
    assert "owners-vote" not in notice  # the public notice offers no per-owner export


# --- the catalogue and the shell ---------------------------------------------------------------


def test_the_owners_reports_are_registered_once(staff_user, supervisor_user):
    codes = [r.code for r in REPORT_LIST]
    assert all(codes.count(code) == 1 for code in OWNER_REPORTS)
    from django.apps import apps

    from ownersassoc.apps import OwnersassocConfig

    OwnersassocConfig.ready(apps.get_app_config("ownersassoc"))  # a second ready()
    assert [r.code for r in REPORT_LIST] == codes
    assert len(reports_for_user(staff_user)) == len(REPORT_LIST)


def test_export_report_from_the_shell(voted, books, admin_user, committee_user, tmp_path):
    out = io.StringIO()
    path = tmp_path / "vote.xlsx"
    call_command(
        "export_report",
        "owners-vote",
        "-o",
        str(path),
        "--param",
        f"meeting={voted.pk}",
        stdout=out,
    )
    assert out.getvalue().startswith("owners-vote: 2 行")
    call_command(
        "export_report",
        "owners-ledger",
        "-o",
        str(path),
        "--user",
        "committee",
        "--param",
        f"year={YEAR}",
        stdout=out,
    )
    assert (
        f"owners-ledger: {fund.ledger_line_count(user=committee_user, year=YEAR)} 行"
        in out.getvalue()
    )
    assert AuditLog.objects.filter(action="export").count() == 2


def test_the_committee_finds_its_workbooks_under_reports(committee_user, client_for):
    html = client_for(committee_user).get(reverse("reports:report_list")).content.decode()
    for code in OWNER_REPORTS:
        assert f'data-report="{code}"' in html
    assert 'data-report="roster"' not in html and 'data-report="requests"' not in html
    assert f'href="{reverse("reports:report_list")}"' in html  # the header's link

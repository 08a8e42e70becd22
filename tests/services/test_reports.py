"""The bureaus' workbooks: every report's headers, row count (the selector's count for the
user), one known row's values and types, ID numbers as text and masked unless permitted, a
formula-looking name written as text, access (404 for another unit), the job (progress,
failure, expiry), the export log, the shell command and the buttons on the pages."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from core.jobs import jobs_expire_files
from core.models import AuditLog, Job
from households.models import Household, Person
from services.obligations.rules import RULES, labourer_q
from services.records.models import Allowance, LandHolding
from services.reports.catalogue import ReportContext
from services.reports.definitions import REPORT_LIST, REPORTS
from services.reports.services import report_export
from services.requests.selectors import requests_for_user
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory
from tests.services.record_factories import (
    AllowanceFactory,
    EmploymentFactory,
    FamilyPlanningRecordFactory,
    HukouMigrationFactory,
    LandHoldingFactory,
    LandRightEventFactory,
    MedicalInsuranceFactory,
    PensionEnrolmentFactory,
    ResidencePermitFactory,
    SchoolEnrolmentFactory,
    TrainingFactory,
)
from tests.services.request_factories import ResidentRequestFactory

NAME = '=HYPERLINK("x")'


@pytest.fixture
def registry(building_a, building_b, staff_user):
    """Household A1 (building A) with a head named like a formula, a child and every kind
    of record; household B1 (building B) with a laborer and no job (zero employment)."""
    today = timezone.localdate()
    a1 = HouseholdFactory(
        number="A0001", dwelling=DwellingFactory(building=building_a, room="101"), phone=""
    )
    head = PersonFactory(
        household=a1,
        relationship="01",
        name=NAME,
        id_number="360735198506150011",
        birth_date=datetime.date(1985, 6, 15),
        phone="13807970001",
        training_willingness="yes",
    )
    child = PersonFactory(
        household=a1,
        relationship="20",
        name="温小明",
        birth_date=today.replace(year=today.year - 10, day=1),
        labour_capacity="none",
        school_status="primary",
    )
    HukouMigrationFactory(person=head)
    ResidencePermitFactory(
        person=head, issued_on=datetime.date(2020, 3, 10), valid_until=datetime.date(2021, 3, 10)
    )
    MedicalInsuranceFactory(person=head, year=today.year, transfer_done=True)
    FamilyPlanningRecordFactory(household=a1)
    SchoolEnrolmentFactory(person=child, status="enrolled", started_on=datetime.date(2023, 9, 1))
    SchoolEnrolmentFactory(
        person=child,
        status="refused",
        started_on=datetime.date(2023, 8, 1),
        ended_on=datetime.date(2023, 8, 31),
        reason="学位已满",
    )
    TrainingFactory(person=head)
    EmploymentFactory(person=head, monthly_income=Decimal("2800.50"))
    PensionEnrolmentFactory(person=head)
    AllowanceFactory(household=a1, person=head, monthly_amount=Decimal("560.00"))
    holding = LandHoldingFactory(household=a1, area_mu=Decimal("2.50"))
    LandRightEventFactory(holding=holding, income=Decimal("800.00"))
    ResidentRequestFactory(
        household=a1, unit=unit("human-resources"), state="accepted", filed_by=staff_user
    )
    b1 = HouseholdFactory(number="B0001", dwelling=DwellingFactory(building=building_b))
    b1_head = PersonFactory(household=b1, relationship="01", name="刘大山", phone="13907970002")
    return {"a1": a1, "head": head, "child": child, "b1": b1, "b1_head": b1_head}


def unit(code):
    from community.models import Department

    return Department.objects.get(code=code)


def export(report, user, tmp_path, fmt="xlsx", **params):
    path = tmp_path / f"out.{fmt}"
    rows = report_export(report=REPORTS[report], user=user, params=params, path=str(path), fmt=fmt)
    return rows, path


def sheet_rows(path, index=0):
    """The header and the rows below it (the header is the frozen row)."""
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[index]
    header_row = int(ws.freeze_panes[1:]) - 1
    cells = list(ws.iter_rows(min_row=header_row))
    header = [c.value for c in cells[0]]
    return book, header, cells[1:]


def row_of(cells, header, column, value):
    i = header.index(column)
    for row in cells:
        if row[i].value == value:
            return {h: c for h, c in zip(header, row, strict=True)}
    raise AssertionError(f"no row with {column} = {value}")


def _children(today):
    from core.idnumbers import birth_date_bounds_for_age

    earliest, latest = birth_date_bounds_for_age(3, 18, today)
    return Person.objects.active().filter(birth_date__gte=earliest, birth_date__lte=latest)


# (report, key column, key value, {header: expected value}) and the selector count.
KNOWN = {
    "roster": ("户编号", "A0001", {"户主": NAME, "人数": 2, "楼栋编号": "A", "房号": "101"}),
    "hukou": ("姓名", NAME, {"户籍迁移": "已迁入社区", "居住证号": "JZT", "签注是否逾期": "是"}),
    "medical": ("姓名", NAME, {"参保地": "琴江（现居地）", "转移接续已办结": "是"}),
    "education": ("姓名", "温小明", {"学校": "铜锣湾小学", "被拒收或等待次数": 1}),
    "employment": ("姓名", NAME, {"月收入（元）": 2800.5, "是否就业": "是", "零就业家庭": "否"}),
    "welfare": ("户编号", "A0001", {"月发放金额（元）": 560.0, "是否在发放": "是"}),
    "land": ("户编号", "A0001", {"面积（亩）": 2.5}),
    "requests": ("户编号", "A0001", {"责任单位": "县人社局", "是否按时": "是"}),
    "followup-indicators": (
        "楼栋编号",
        "A",
        {"搬迁人口": 2, "劳动力": 1, "劳动力就业人数": 1, "劳动力就业率（%）": 100.0},
    ),
    "rule:zero-employment": ("户编号", "B0001", {"户主": "刘大山", "联系电话": "13907970002"}),
    "rule:school-not-enrolled": None,
}
KNOWN.update({f"rule:{code}": None for code in RULES if f"rule:{code}" not in KNOWN})


def expected_count(code, user, today):
    if code == "roster":
        return Household.objects.filter(is_active=True).count()
    if code in ("hukou", "medical"):
        return Person.objects.active().count()
    if code == "education":
        return _children(today).count()
    if code == "employment":
        return Person.objects.active().filter(labourer_q(today)).count()
    if code == "welfare":
        return Allowance.objects.count()
    if code == "land":
        return LandHolding.objects.count()
    if code == "requests":
        return requests_for_user(user).count()
    if code == "followup-indicators":
        return 2  # buildings A and B
    return RULES[code.removeprefix("rule:")].failing(today).count()


@pytest.mark.parametrize("code", [c for c in KNOWN])
def test_each_report_has_its_headers_rows_and_a_known_row(code, registry, staff_user, tmp_path):
    rows, path = export(code, staff_user, tmp_path)
    today = timezone.localdate()
    report = REPORTS[code]
    ctx = ReportContext(user=staff_user, params={}, full_ids=True, today=today)
    _book, header, cells = sheet_rows(path)
    assert header == [str(c.header) for c in report.sheets(ctx)[0].columns]
    data = [r for r in cells if r[0].value not in ("合计", "全安置点")]
    assert rows == len(data) == expected_count(code, staff_user, today)
    if KNOWN[code] is None:
        return
    column, value, expected = KNOWN[code]
    row = row_of(cells, header, column, value)
    for name, want in expected.items():
        cell = row[name]
        if name == "居住证号":
            assert cell.value.startswith(want) and cell.data_type == "s"
        else:
            assert cell.value == want, name
        if isinstance(want, str):
            assert cell.data_type == "s"
        elif isinstance(want, float):
            assert cell.number_format in ("#,##0.00", "0.00") and cell.data_type == "n"


def test_dates_are_dates_and_ids_and_phones_text(registry, staff_user, tmp_path):
    _rows, path = export("roster", staff_user, tmp_path)
    _book, header, cells = sheet_rows(path, index=1)
    row = row_of(cells, header, "姓名", NAME)
    assert row["姓名"].data_type == "s" and row["姓名"].value == NAME  # text, not a formula
    assert row["出生日期"].value == datetime.datetime(1985, 6, 15)
    assert row["出生日期"].number_format == "yyyy-mm-dd"
    assert (row["身份证号"].value, row["身份证号"].data_type) == ("360735198506150011", "s")
    assert (row["电话"].value, row["电话"].data_type) == ("13807970001", "s")
    assert row["年龄"].data_type == "n"


def test_title_rows_frozen_header_autofilter_and_totals(registry, staff_user, tmp_path):
    _rows, path = export("roster", staff_user, tmp_path)
    book = openpyxl.load_workbook(path)
    ws = book["人员"]
    assert ws["A1"].value == "户与人员花名册"
    assert ws["A3"].value.startswith("数据截至")
    assert ws["A5"].value == "身份证号：完整"
    assert ws.freeze_panes == "A7" and ws.auto_filter.ref.startswith("A6:")
    summary = book["楼栋汇总"]
    last = list(summary.iter_rows(values_only=True))[-1]
    assert last[:3] == ("合计", 2, 3)  # households, people of both buildings


def test_ids_are_masked_without_the_permission_and_full_with_it(
    registry, department_user, tmp_path
):
    _rows, path = export("employment", department_user, tmp_path)
    _book, header, cells = sheet_rows(path)
    assert row_of(cells, header, "姓名", NAME)["身份证号"].value == "360735********0011"
    department_user.user_permissions.add(Permission.objects.get(codename="export_full_id_number"))
    department_user = type(department_user).objects.get(pk=department_user.pk)  # no perm cache
    _rows, path = export("employment", department_user, tmp_path)
    _book, header, cells = sheet_rows(path)
    assert row_of(cells, header, "姓名", NAME)["身份证号"].value == "360735198506150011"


def test_csv_has_a_bom_the_first_sheet_and_escapes_formulas(registry, staff_user, tmp_path):
    rows, path = export("roster", staff_user, tmp_path, fmt="csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig").splitlines()
    assert text[0].startswith("户编号,楼栋编号,单元,房号")
    assert len(text) == 1 + rows == 3
    assert '\'=HYPERLINK(""x"")' in text[1] + text[2]


def test_the_building_filter_narrows_the_rows(registry, staff_user, tmp_path):
    rows, path = export("roster", staff_user, tmp_path, building="B")
    assert rows == 1
    assert openpyxl.load_workbook(path).worksheets[0]["A6"].value.startswith("筛选")


def test_a_bad_filter_is_refused_naming_the_field(registry, staff_user, tmp_path):
    from core.jobs import JobError

    with pytest.raises(JobError, match="年份"):
        export("medical", staff_user, tmp_path, year="abc")


# --- access ------------------------------------------------------------------------------


def test_who_runs_which_report(staff_user, supervisor_user, department_user, leader_a, db):
    from services.reports.selectors import reports_for_user

    assert len(reports_for_user(staff_user)) == len(REPORT_LIST)
    # the owners' side's reports say who runs them: the supervisor (县扶贫办) reads the fund
    # ledger, not the arrears or a meeting's vote count (tests/ownersassoc/test_reports.py)
    supervisor_codes = {r.code for r in reports_for_user(supervisor_user)}
    assert supervisor_codes == {r.code for r in REPORT_LIST} - {"owners-arrears", "owners-vote"}
    codes = {r.code for r in reports_for_user(department_user)}
    assert {"employment", "requests", "rule:zero-employment"} <= codes
    assert not codes & {"roster", "hukou", "education", "rule:school-not-enrolled"}
    assert reports_for_user(leader_a) == []


def test_another_units_report_is_a_404_to_start_and_to_download(
    registry, department_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(department_user)
    assert client.get(reverse("reports:report_start", args=["education"])).status_code == 404
    assert client.post(reverse("reports:report_start", args=["education"])).status_code == 404
    assert client.get(reverse("reports:report_start", args=["nonsense"])).status_code == 404
    assert not Job.objects.exists()
    # A job of the user's own report, then the unit no longer reads it: the download is a 404.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_start", args=["employment"]))
    job = Job.objects.get()
    assert response.url == reverse("core:job_detail", args=[job.pk])
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 200
    Job.objects.filter(pk=job.pk).update(params={**job.params, "code": "education"})
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_a_leader_and_an_outsider_see_no_report(leader_a, outsider, client_for, db):
    for user in (leader_a, outsider):
        client = client_for(user)
        assert client.get(reverse("reports:report_start", args=["roster"])).status_code == 404
        assert client.get(reverse("reports:report_list")).status_code == 404


def test_a_job_from_the_page_writes_the_file_and_logs_the_export(
    registry, staff_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report_start", args=["rule:zero-employment"]),
            {"building": "B", "format": "xlsx"},
        )
    job = Job.objects.get()
    assert (job.status, job.done_rows, job.progress) == ("done", 1, 100)
    assert job.result_name.endswith(".xlsx") and job.expires_at is not None
    download = client.get(reverse("core:job_download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0]["A8"].value == "B0001"
    entry = AuditLog.objects.get(action="export")
    assert entry.user == staff_user and entry.target == "rule:zero-employment"
    assert entry.detail["params"] == {"building": "B"}
    assert (entry.detail["rows"], entry.detail["full_ids"], entry.detail["job"]) == (
        1,
        True,
        job.pk,
    )
    page = client.get(response.url)
    assert "job-download" in page.content.decode()


def test_an_expired_file_says_so(
    registry, staff_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_start", args=["land"]))
    job = Job.objects.get()
    assert jobs_expire_files(now=timezone.now() + datetime.timedelta(days=8)) == 1
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "job-expired" in page and "已过期" in page


def test_a_job_that_raises_fails_with_a_readable_message(
    registry, staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    from core.jobs import job_start
    from services.reports import services

    def broken(ctx):
        raise RuntimeError("database went away")

    monkeypatch.setattr(REPORTS["land"], "sheets", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="report", user=staff_user, params={"code": "land"})
    job.refresh_from_db()
    assert job.status == "failed" and f"#{job.pk}" in job.message and "database" not in job.message
    assert not job.result_file and not AuditLog.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        bad = job_start(kind="report", user=staff_user, params={"code": "medical", "year": "x"})
    bad.refresh_from_db()
    assert bad.status == "failed" and "年份" in bad.message
    assert services  # the module whose function the job calls


def test_the_export_log_page_is_for_supervisors_and_filters(
    registry,
    staff_user,
    supervisor_user,
    department_user,
    client_for,
    tmp_path,
    django_assert_num_queries,
):
    export("employment", department_user, tmp_path)
    export("roster", staff_user, tmp_path)
    export("land", staff_user, tmp_path)
    assert client_for(department_user).get(reverse("reports:export_log")).status_code == 403
    assert client_for(staff_user).get(reverse("reports:export_log")).status_code == 403
    client = client_for(supervisor_user)
    client.get(reverse("reports:export_log"))  # roles and permissions: read once, then kept
    # session, user, the user's profile (header), count, the page of entries
    # with their users, the units of the filter: the same for three rows and for one
    with django_assert_num_queries(6):
        page = client.get(reverse("reports:export_log")).content.decode()
    assert page.count("<tr>") == 1 + 3
    with django_assert_num_queries(6):
        page = client.get(reverse("reports:export_log"), {"unit": "human-resources"})
    assert page.content.decode().count("<tr>") == 1 + 1
    assert "县人社局" in page.content.decode()
    page = client.get(reverse("reports:export_log"), {"user": "staff"}).content.decode()
    assert page.count("<tr>") == 1 + 2


def _household_with_records(building, n, today):
    """A household with a head (a laborer with a training and a job), a child at school, an
    allowance, a holding with an event and a request: a row on every report's sheets."""
    household = HouseholdFactory(
        number=f"Q{n:04d}", dwelling=DwellingFactory(building=building, room=f"{n}")
    )
    head = PersonFactory(household=household, relationship="01", name=f"户主{n}")
    child = PersonFactory(
        household=household,
        relationship="20",
        birth_date=today.replace(year=today.year - 10, day=1),
        labour_capacity="none",
    )
    TrainingFactory(person=head)
    EmploymentFactory(person=head)
    HukouMigrationFactory(person=head)
    MedicalInsuranceFactory(person=head, year=today.year)
    PensionEnrolmentFactory(person=head)
    SchoolEnrolmentFactory(person=child)
    AllowanceFactory(household=household, person=head)
    LandRightEventFactory(holding=LandHoldingFactory(household=household))
    ResidentRequestFactory(household=household, unit=unit("human-resources"))


def test_every_exports_queries_are_the_same_for_5_and_50_households(
    building_a, staff_user, tmp_path, monkeypatch
):
    """Every sheet is one query for its rows and one per related list, read through a
    cursor two rows at a time here: ten times the households, the same queries, for every
    report."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from services.reports import catalogue

    monkeypatch.setattr(catalogue, "CHUNK_SIZE", 2)
    today = timezone.localdate()

    # Reports that need a filter to run at all (a meeting's vote count) are measured by
    # their own app's tests; the set is named so that it cannot grow unnoticed.
    from services.reports.services import report_form

    needs_filters = {r.code for r in REPORT_LIST if not report_form(r, {}).is_valid()}
    assert needs_filters == {"owners-vote"}

    def count_queries():
        counts = {}
        for report in REPORT_LIST:
            if report.code in needs_filters:
                continue
            with CaptureQueriesContext(connection) as ctx:
                export(report.code, staff_user, tmp_path)
            counts[report.code] = len(ctx.captured_queries)
        return counts

    for n in range(5):
        _household_with_records(building_a, n, today)
    count_queries()  # the user's roles, unit and permissions are cached on the user object
    five = count_queries()
    for n in range(5, 50):
        _household_with_records(building_a, n, today)
    # The first export after the changes brings the rules' kept counts (the roster's
    # building summary) up to date: one count per rule over the changed buildings.
    count_queries()
    fifty = count_queries()
    assert fifty == five
    assert Person.objects.count() == 100


# --- the shell -----------------------------------------------------------------------------


def test_export_report_writes_the_workbook_and_says_how_many_rows(
    registry, admin_user, department_user, tmp_path
):
    out = io.StringIO()
    path = tmp_path / "roster.xlsx"
    call_command("export_report", "roster", "-o", str(path), stdout=out)
    assert out.getvalue().startswith("roster: 2 行")
    book = openpyxl.load_workbook(path)
    assert book.worksheets[0]["A5"].value == "身份证号：已隐藏"  # admin's scope, masked
    call_command(
        "export_report",
        "employment",
        "-o",
        str(path),
        "--user",
        "renshe",
        "--format",
        "csv",
        "--param",
        "building=A",
        stdout=out,
    )
    assert "employment: 1 行" in out.getvalue()
    assert AuditLog.objects.filter(action="export").count() == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["nonsense"], "报表不存在"),
        (["roster", "--user", "nobody"], "用户不存在"),
        (["education", "--user", "renshe"], "权限范围"),
        (["medical", "--param", "year=abc"], "年份"),
    ],
)
def test_export_report_exits_2_with_a_clear_error(
    args, message, admin_user, department_user, tmp_path
):
    with pytest.raises(CommandError, match=message) as exc:
        call_command("export_report", *args[:1], "-o", str(tmp_path / "x.xlsx"), *args[1:])
    assert exc.value.returncode == 2


# --- the buttons on the pages --------------------------------------------------------------


def test_rule_page_has_the_export_button_phone_and_room(registry, department_user, client_for):
    page = client_for(department_user).get(
        reverse("services:rule_list", args=["zero-employment"]), {"building": "B"}
    )
    html = page.content.decode()
    assert reverse("reports:report_start", args=["rule:zero-employment"]) in html
    assert 'name="building" value="B"' in html
    assert "13907970002" in html and "导出 Excel" in html


def test_household_list_and_dashboard_have_export_buttons(
    registry, staff_user, department_user, client_for
):
    html = client_for(staff_user).get(reverse("households:household_list")).content.decode()
    assert reverse("reports:report_start", args=["roster"]) in html
    html = client_for(department_user).get(reverse("services:unit_dashboard")).content.decode()
    assert reverse("reports:report_start", args=["rule:zero-employment"]) in html


def test_report_list_shows_the_users_reports_and_jobs(registry, department_user, client_for):
    html = client_for(department_user).get(reverse("reports:report_list")).content.decode()
    assert 'data-report="employment"' in html and 'data-report="roster"' not in html


def test_every_demo_unit_user_has_its_own_workbook(db):
    """Each bureau's demo account (seed_demo) runs at least one report of its unit."""
    from community.roles import Role
    from households.demo.registry import DEMO_ACCOUNTS
    from services.reports.selectors import reports_for_user
    from tests.services.record_factories import unit_user

    units = [(name, code) for name, _d, role, code, _b in DEMO_ACCOUNTS if role == Role.DEPARTMENT]
    assert len(units) >= 12
    for username, code in units:
        mine = [r.code for r in reports_for_user(unit_user(code, username)) if r.rule is None]
        assert set(mine) - {"requests"}, username


@pytest.mark.parametrize(
    "code", ["hukou", "medical", "education", "welfare", "rule:pension-not-enrolled"]
)
def test_ids_are_full_for_staff_and_masked_for_a_supervisor(
    code, registry, staff_user, supervisor_user, tmp_path
):
    person = {"education": registry["child"], "rule:pension-not-enrolled": registry["b1_head"]}
    number = person.get(code, registry["head"]).id_number
    masked = number[:6] + "********" + number[-4:]
    for user, want in ((staff_user, number), (supervisor_user, masked)):
        _rows, path = export(code, user, tmp_path)
        _book, header, cells = sheet_rows(path)
        ids = {row[header.index("身份证号")].value for row in cells}
        assert want in ids, (code, user)
        assert all(v is None or isinstance(v, str) for v in ids)


def test_the_roster_carries_the_household_lists_filters(registry, staff_user, client_for, tmp_path):
    Household.objects.filter(number="B0001").update(poverty_status="dibao")
    html = (
        client_for(staff_user)
        .get(reverse("households:household_list"), {"poverty_status": "dibao", "building": "B"})
        .content.decode()
    )
    assert 'name="poverty_status" value="dibao"' in html
    rows, _path = export("roster", staff_user, tmp_path, poverty_status="dibao")
    assert rows == Household.objects.filter(poverty_status="dibao").count() == 1
    rows, _path = export("roster", staff_user, tmp_path, move_in_year="2019")
    assert rows == 2


def test_the_roster_carries_the_household_lists_search(registry, staff_user, client_for, tmp_path):
    """The 导出 Excel button on a searched household list passes ``q``: the export's
    households are the list's rows, and its people are theirs."""
    HouseholdFactory(
        number="B0002", dwelling=DwellingFactory(building=registry["b1"].dwelling.building)
    )
    client = client_for(staff_user)
    for q, want in (("刘大", {"B0001"}), ("B000", {"B0001", "B0002"}), ("13807970001", {"A0001"})):
        html = client.get(reverse("households:household_list"), {"q": q}).content.decode()
        assert f'name="q" value="{q}"' in html
        shown = {n for n in ("A0001", "B0001", "B0002") if f">{n}<" in html}
        assert shown == want, q
        _rows, path = export("roster", staff_user, tmp_path, q=q)
        _book, header, cells = sheet_rows(path, 0)
        assert {row[header.index("户编号")].value for row in cells} == want, q
        _book, header, cells = sheet_rows(path, 1)
        people = Person.objects.filter(household__number__in=want, is_active=True)
        assert sorted(row[header.index("姓名")].value for row in cells) == sorted(
            p.name for p in people
        )


def test_the_supervisor_overview_exports_the_requests_report(
    registry, supervisor_user, client_for, django_capture_on_commit_callbacks
):
    """The overview's 导出 Excel is the requests report: its figures by unit are the
    overview's request figures (the same definitions)."""
    client = client_for(supervisor_user)
    html = client.get(reverse("services:supervisor_overview")).content.decode()
    assert reverse("reports:report_start", args=["requests"]) in html
    assert 'id="overview-export-excel"' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_start", args=["requests"]), {"format": "xlsx"})
    job = Job.objects.get()
    assert job.status == "done"
    download = client.get(reverse("core:job_download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    ws = book["各单位统计"]
    header_row = int(ws.freeze_panes[1:]) - 1
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    by_unit = {row[0]: row for row in rows[1:]}
    assert by_unit[unit("human-resources").name][1] == 1  # received
    assert rows[-1][0] == "合计" and rows[-1][1] == 1


def test_followup_indicators_site_row_agrees_with_the_rules(registry, supervisor_user, tmp_path):
    _rows, path = export("followup-indicators", supervisor_user, tmp_path)
    _book, header, cells = sheet_rows(path)
    site = row_of(cells, header, "楼栋编号", "全安置点")
    today = timezone.localdate()
    people = Person.objects.active().count()
    insured = people - RULES["medical-insurance-missing"].failing(today).count()
    zero = RULES["zero-employment"].failing(today).count()
    assert (site["搬迁户数"].value, site["搬迁人口"].value) == (2, people)
    assert site["本年度参加医保人数"].value == insured == 1
    labour_households = site["有劳动力家庭户数"].value
    assert labour_households - site["有劳动力家庭中至少一人就业户数"].value == zero == 1
    assert site["有劳动力家庭至少一人就业占比（%）"].value == 50.0


def test_a_disability_certificate_is_masked_as_the_id_number_it_carries(
    registry, staff_user, supervisor_user, tmp_path
):
    head = registry["head"]
    certificate = head.id_number + "42"
    type(head).objects.filter(pk=head.pk).update(disability_certificate=certificate)
    masked = head.id_number[:6] + "********" + head.id_number[-4:] + "42"
    for user, want in ((staff_user, certificate), (supervisor_user, masked)):
        _rows, path = export("roster", user, tmp_path)
        _book, header, cells = sheet_rows(path, index=1)
        row = row_of(cells, header, "姓名", head.name)
        assert row["残疾证号"].value == want, user

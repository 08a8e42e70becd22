"""The monitoring report (``monitoring`` in the reports framework): headers, the row count
equals the scoped selector's, a known row's values and types (every step with its date and
who, the 15-day state, measures), ID numbers masked unless permitted, the notice-style sheet
carries no protected field, access (another unit's user gets a 404), the case list's 导出
Excel carries its filters, the shell command, and the overview's counts equal their lists."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from community.models import Department
from community.roles import Role
from core.models import Job
from services.monitoring import access, services
from services.monitoring.models import MonitoringCase
from services.monitoring.selectors import (
    FIGURES,
    case_list_for_user,
    cases_filtered,
    overview_counts,
)
from services.reports.catalogue import ReportContext
from services.reports.definitions import REPORTS
from services.reports.selectors import may_run
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory
from tests.services.monitoring_helpers import BASE, day, lead, threshold, through, unit_user
from tests.services.test_reports import export, row_of, sheet_rows

HEAD_ID = "360735198506150011"
PHONE = "13807970001"
BANK = "6217001234567890123"


@pytest.fixture
def town(db):
    return unit_user("qinjiang", "qinjiang-town")


@pytest.fixture
def county(db):
    return unit_user("fupin2", "poverty-office")


@pytest.fixture
def cases(building_a, building_b, staff_user, town, county):
    """A decided case of M0001 (building A) with a measure, whose head has a serious
    illness, a phone and a bank card in the notes; an open case of M0002 (building B) 60
    days old (past the limit)."""
    threshold()
    a = HouseholdFactory(
        number="M0001",
        dwelling=DwellingFactory(building=building_a, room="301"),
        phone=PHONE,
        notes=f"银行卡 {BANK}",
    )
    PersonFactory(
        household=a,
        relationship="01",
        name="钟福生",
        id_number=HEAD_ID,
        birth_date=datetime.date(1985, 6, 15),
        phone=PHONE,
        health="serious",
    )
    b = HouseholdFactory(number="M0002", dwelling=DwellingFactory(building=building_b))
    PersonFactory(household=b, relationship="01", name="刘大山")
    decided = through(
        lead(a, staff_user, fact=f"户主患有大病，电话 {PHONE}"),
        staff=staff_user,
        town=town,
        county=county,
        upto="county_decision",
    )
    services.measure_create(
        case=decided,
        actor=staff_user,
        kind="health",
        description="落实大病救助",
        unit=Department.objects.get(code="medical-insurance"),
        deadline=day(40),
    )
    waiting = lead(b, staff_user, on=BASE)
    return {"decided": decided, "waiting": waiting, "a": a, "b": b}


def test_headers_rows_and_a_known_row(cases, staff_user, county, tmp_path):
    rows, path = export("monitoring", staff_user, tmp_path)
    ctx = ReportContext(user=staff_user, params={}, full_ids=True, today=timezone.localdate())
    sheets = REPORTS["monitoring"].sheets(ctx)
    _book, header, cells = sheet_rows(path)
    assert header == [str(c.header) for c in sheets[0].columns]
    today = timezone.localdate()
    expected = cases_filtered(case_list_for_user(staff_user), params={}, today=today).count()
    assert rows == len(cells) == expected == 2
    row = row_of(cells, header, "户编号", "M0001")
    assert row["户主"].value == "钟福生"
    assert (row["户主身份证号"].value, row["户主身份证号"].data_type) == (HEAD_ID, "s")
    assert row["楼栋编号"].value == "A" and row["房号"].value == "301"
    assert row["类别"].value == "边缘易致贫户"
    assert row["风险类型"].value == "因病"
    assert row["状态"].value == "监测中"
    assert row["15天时限"].value == "按期审定"
    assert row["线索日期"].value == datetime.datetime.combine(BASE, datetime.time())
    assert row["线索日期"].number_format == "yyyy-mm-dd"
    assert row["近12个月人均纯收入（元）"].value == 5000.0
    assert row["近12个月人均纯收入（元）"].data_type == "n"
    for step, n, who in (
        ("入户核实", 1, "staff"),
        ("民主评议", 2, "staff"),
        ("公示", 3, "staff"),
        ("乡镇初审", 8, "qinjiang"),
        ("县级审定", 10, "fupin2"),
    ):
        assert row[f"{step}：日期"].value == datetime.datetime.combine(day(n), datetime.time())
        assert row[f"{step}：经办人"].value == who, step
    assert (row["帮扶措施数"].value, row["未完成帮扶措施数"].value) == (1, 1)
    open_row = row_of(cells, header, "户编号", "M0002")
    assert open_row["15天时限"].value == "已超期"
    assert open_row["状态"].value == "办理中" and open_row["县级审定：日期"].value is None
    assert open_row["已用天数"].value == (today - BASE).days


def test_the_steps_and_measures_sheets(cases, staff_user, tmp_path):
    _rows, path = export("monitoring", staff_user, tmp_path)
    book, header, cells = sheet_rows(path, index=1)
    assert book.sheetnames[1:] == ["办理环节", "帮扶措施", "公示"]
    assert len(cells) == cases["decided"].steps.count() == 5
    row = row_of(cells, header, "环节", "县级审定")
    assert row["户编号"].value == "M0001" and row["记录人"].value == "fupin2"
    _book, header, cells = sheet_rows(path, index=2)
    assert len(cells) == 1
    row = row_of(cells, header, "户编号", "M0001")
    assert row["责任单位"].value == "县医保局"
    assert row["办理期限"].value == datetime.datetime.combine(day(40), datetime.time())
    want = "已逾期" if day(40) < timezone.localdate() else "办理中"
    assert row["状态"].value == want


def test_the_notice_sheet_carries_no_protected_field(cases, staff_user, tmp_path):
    _rows, path = export("monitoring", staff_user, tmp_path)
    book, header, cells = sheet_rows(path, index=3)
    assert header == ["户编号", "户主", "事项", "类别", "风险类型", "公示开始日期", "公示截止日期"]
    assert [r[0].value for r in cells] == ["M0001"]  # only cases with a notice
    text = " ".join(str(c.value) for row in book["公示"].iter_rows() for c in row if c.value)
    for secret in (HEAD_ID, HEAD_ID[-4:], PHONE, BANK, "5000", "患有大病", "大病", "健康"):
        assert secret not in text
    assert not re.search(r"\d{11,}", text)


def test_ids_are_masked_for_a_supervisor(cases, supervisor_user, tmp_path):
    _rows, path = export("monitoring", supervisor_user, tmp_path)
    _book, header, cells = sheet_rows(path)
    masked = HEAD_ID[:6] + "********" + HEAD_ID[-4:]
    assert row_of(cells, header, "户编号", "M0001")["户主身份证号"].value == masked


def test_the_filters_narrow_the_rows_as_on_the_case_list(cases, county, tmp_path):
    today = timezone.localdate()
    for params in ({"building": "B"}, {"status": "monitored"}, {"figure": "overdue"}):
        rows, _path = export("monitoring", county, tmp_path, **params)
        qs = cases_filtered(case_list_for_user(county), params=params, today=today)
        assert rows == qs.count() == 1, params
    rows, _path = export("monitoring", county, tmp_path, flagged="1")
    assert rows == 1


@pytest.mark.parametrize(
    ("who", "runs"),
    [
        ("staff_user", True),
        ("supervisor_user", True),
        ("county", True),
        ("town", True),
        ("department_user", False),
        ("leader_a", False),
        ("outsider", False),
    ],
)
def test_who_runs_it_and_the_case_list_agrees(request, who, runs, client_for, cases):
    user = request.getfixturevalue(who)
    assert may_run(user, "monitoring") is runs is access.runs_report(user)
    response = client_for(user).get(reverse("reports:report_start", args=["monitoring"]))
    assert response.status_code == (200 if runs else 404)


def test_a_department_user_of_another_unit_gets_a_404(cases, department_user, client_for):
    client = client_for(department_user)
    url = reverse("reports:report_start", args=["monitoring"])
    assert client.post(url, {"format": "xlsx"}).status_code == 404
    assert not Job.objects.exists()
    medical = unit_user("yibao", "medical-insurance", role=Role.DEPARTMENT)
    assert client_for(medical).get(url).status_code == 404


def test_the_case_list_button_starts_the_report_with_its_filters(
    cases, staff_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff_user)
    html = client.get(
        reverse("monitoring:case_list"), {"building": "B", "status": "open"}
    ).content.decode()
    assert reverse("reports:report_start", args=["monitoring"]) in html and "导出 Excel" in html
    assert 'name="building" value="B"' in html and 'name="status" value="open"' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:report_start", args=["monitoring"]),
            {"building": "B", "status": "open", "format": "xlsx"},
        )
    job = Job.objects.get()
    assert (job.status, job.done_rows) == ("done", 1)
    download = client.get(reverse("core:job_download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0]["A8"].value == "M0002"


def test_the_leader_sees_no_export_button(cases, leader_a, client_for):
    html = client_for(leader_a).get(reverse("monitoring:case_list")).content.decode()
    assert "导出 Excel" not in html


def test_export_report_monitoring_from_the_shell(cases, admin_user, county, tmp_path):
    out = io.StringIO()
    path = tmp_path / "monitoring.xlsx"
    call_command("export_report", "monitoring", "-o", str(path), stdout=out)
    assert out.getvalue().startswith("monitoring: 2 行")
    call_command(
        "export_report",
        "monitoring",
        "-o",
        str(path),
        "--user",
        "fupin2",
        "--param",
        "figure=overdue",
        stdout=out,
    )
    assert "monitoring: 1 行" in out.getvalue()
    book = openpyxl.load_workbook(path)
    assert book.worksheets[0]["A1"].value == "防止返贫动态监测"


def test_a_bad_figure_is_refused_naming_the_field(cases, staff_user, tmp_path):
    from core.jobs import JobError

    with pytest.raises(JobError, match="总览指标"):
        export("monitoring", staff_user, tmp_path, figure="nonsense")


# --- the supervisors' overview: each count equals the list it opens ----------------------


def test_each_overview_count_equals_its_list(
    cases, staff_user, town, county, supervisor_user, client_for
):
    # A clearing decided yesterday, a new lead today, a lead closed: every figure non-zero.
    decided = cases["decided"]
    MonitoringCase.objects.filter(pk=decided.pk).update(decided_on=timezone.localdate())
    clearing = services.clearing_start(
        case=decided, actor=staff_user, lead_on=timezone.localdate(), fact="收入稳定"
    )
    MonitoringCase.objects.filter(pk=clearing.pk).update(
        status="cleared", decided_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    lead(HouseholdFactory(), staff_user, on=timezone.localdate())
    today = timezone.localdate()
    counts = overview_counts(today=today)
    assert all(counts[name] for name in FIGURES), counts
    client = client_for(supervisor_user)
    page = client.get(reverse("services:supervisor_overview")).content.decode()
    for name in FIGURES:
        shown = re.search(rf'id="mon-{name}"><a [^>]*href="([^"]+)">(\d+)<', page)
        assert shown, name
        href, n = shown.group(1).replace("&amp;", "&"), int(shown.group(2))
        assert n == counts[name]
        listed = client.get(href)
        assert listed.status_code == 200
        assert listed.content.decode().count('<tr class="case-row">') == n, name
    assert client.get(reverse("monitoring:case_list"), {"figure": "bad"}).status_code == 404


def test_the_overview_counts_agree_with_the_report(cases, county, tmp_path):
    counts = overview_counts(today=timezone.localdate())
    for name in FIGURES:
        rows, _path = export("monitoring", county, tmp_path, figure=name)
        assert rows == counts[name], name

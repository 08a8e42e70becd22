"""Each role's home page at desktop size, with its charts drawn by the vendored ECharts,
and a household file printed to PDF by Chromium."""

import datetime

import pytest
from django.utils import timezone

from services.requests.models import State
from services.worktasks.models import WorkTask
from tests.services.request_factories import ResidentRequestFactory, days_ago

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_data(household_a, household_b, department):
    ResidentRequestFactory(household=household_a)
    ResidentRequestFactory(
        household=household_b, filed_at=days_ago(20), state=State.ACCEPTED, unit=department
    )
    WorkTask.objects.create(
        title="就业摸底",
        unit=department,
        leader_name="张局长",
        deadline=timezone.localdate() - datetime.timedelta(days=2),
    )


def _charts_drawn(page, expected: int):
    """Every chart handled; each with figures drawn as SVG, an empty one saying so."""
    page.wait_for_selector(".chart[data-drawn] svg")
    assert page.locator(".chart[data-drawn]").count() == expected
    empty = page.locator(".chart.chart-empty").count()
    assert page.locator(".chart[data-drawn]:not(.chart-empty) svg").count() >= expected - empty
    for i in range(empty):
        assert page.locator(".chart.chart-empty").nth(i).inner_text() == "暂无数据。"


def test_staff_home_shows_the_to_do_counts_and_five_charts(
    live_server, desktop_page, login, staff_user, desk_data
):
    errors = []
    desktop_page.on("pageerror", lambda exc: errors.append(str(exc)))
    page = login(desktop_page, staff_user.username)  # logging in lands on the home page
    assert page.inner_text("h1") == "今日工作"
    todo = page.inner_text("#todo")
    assert "尚未受理的诉求" in todo and "已超期的工作任务" in todo
    assert page.inner_text("[data-todo=requests_submitted] [data-count]") == "1"
    _charts_drawn(page, 5)
    assert "人口年龄性别结构" in page.inner_text("#chart-pyramid")
    assert page.locator("#chart-pyramid svg").count() == 1
    assert page.locator("#chart-hygiene .chart-empty").count() == 1  # no check this month
    page.click("[data-todo=tasks_overdue]")
    page.wait_for_load_state()
    assert "就业摸底" in page.inner_text("main")
    assert errors == []


def test_department_home_shows_its_units_charts(
    live_server, desktop_page, login, department_user, desk_data
):
    page = login(desktop_page, department_user.username)
    assert "县人社局" in page.inner_text("h1")
    page.wait_for_selector(".chart[data-drawn] svg")
    assert page.locator(".chart[data-drawn]").count() >= 1
    assert "就业摸底" in page.inner_text("#open-tasks")


def test_supervisor_home_charts_every_unit(
    live_server, desktop_page, login, supervisor_user, desk_data
):
    page = login(desktop_page, supervisor_user.username)
    _charts_drawn(page, 1)
    assert page.locator("#ranking tbody tr").count() > 5


def test_a_household_file_prints_to_a4_pdf(
    live_server, desktop_page, login, staff_user, household_a, tmp_path
):
    page = login(desktop_page, staff_user.username)
    page.goto(f"{live_server.url}/households/{household_a.pk}/")
    page.click("#household-file")
    page.wait_for_selector(f"#file-{household_a.pk}")
    page.emulate_media(media="print")
    assert page.locator("nav.navbar").is_hidden()
    pdf = tmp_path / "household.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 1
    head = household_a.members.get()
    text = page.inner_text(f"#file-{household_a.pk}")
    assert head.masked_id_number in text and head.id_number not in text

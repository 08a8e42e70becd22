"""A bureau user presses 导出 Excel on a rule page, watches the job's progress bar (polled
with htmx) and downloads the workbook, in a real browser."""

import openpyxl
import pytest

from core.jobs import job_run
from core.models import Job
from tests.households.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.browser


def test_a_bureau_user_exports_a_rule_list(
    live_server, desktop_page, login, department_user, building_a, monkeypatch, tmp_path
):
    from core import tasks

    household = HouseholdFactory(number="A0042", dwelling__building=building_a)
    PersonFactory(household=household, relationship="01", name="温大山", phone="13807970042")
    # The job waits for a worker, so that the page shows it waiting before it runs.
    monkeypatch.setattr(tasks.run_job, "delay", lambda pk: None)
    page = desktop_page
    login(page, department_user.username)
    page.goto(f"{live_server.url}/services/obligations/rules/zero-employment/?building=A")
    assert "13807970042" in page.inner_text("table")
    page.click("#export-excel")
    page.wait_for_selector("#job-status[data-status=pending] .progress")
    job = Job.objects.get()
    assert job.params == {"code": "rule:zero-employment", "format": "xlsx", "building": "A"}
    job_run(job.pk)  # the worker runs it; the page's next poll shows the result
    page.wait_for_selector("#job-status[data-status=done] #job-download")
    with page.expect_download() as info:
        page.click("#job-download")
    path = tmp_path / "download.xlsx"
    info.value.save_as(path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "有劳动力但无人就业的家庭（零就业家庭）"
    assert any(row[0] == "A0042" and "13807970042" in row for row in rows)

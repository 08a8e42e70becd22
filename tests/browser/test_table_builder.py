"""A staff user builds a table in a real browser: the preview loads, a field picked from the
searched catalogue becomes a column and the preview shows it, a column moved up and one
removed change the preview's headers, and the export starts a job (no inline script: the
page runs under the Content-Security-Policy)."""

import pytest
from playwright.sync_api import expect

from core.models import Job
from tests.households.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.browser


def test_staff_builds_previews_and_exports_a_table(
    live_server, desktop_page, login, staff_user, building_a, monkeypatch, tmp_path
):
    from core import tasks

    household = HouseholdFactory(number="A0042", dwelling__building=building_a, phone="13807970042")
    PersonFactory(household=household, relationship="01", name="温大山")
    monkeypatch.setattr(tasks.run_job, "delay", lambda pk: None)
    page = desktop_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, staff_user.username)
    page.goto(f"{live_server.url}/reports/builder/")
    page.wait_for_selector("#preview-table")
    assert "温大山" in page.inner_text("#preview-table")
    page.fill("#field-search", "联系电话")
    page.locator(".builder-field[data-key='household.phone'] .builder-add").click()
    expect(page.locator("#preview-table thead")).to_contain_text("联系电话")
    assert "13807970042" in page.inner_text("#preview-table")
    # move the new column up once, then remove the first column (序号)
    page.locator("#columns tbody tr").last.locator(".builder-up").click()
    page.locator("#columns tbody tr").first.locator(".builder-remove").click()
    expect(page.locator("#preview-table thead")).not_to_contain_text("序号")
    headers = page.locator("#preview-table thead th").all_inner_texts()
    assert headers[-2:] == ["联系电话", "年龄（周岁，按数据日期）"]
    page.screenshot(path="/tmp/h16/builder.png", full_page=True)
    page.click("#export-xlsx")
    page.wait_for_selector("#job-status")
    job = Job.objects.get()
    assert job.params["code"] == "table"
    assert [c["key"] for c in job.params["spec"]["columns"]][-2:] == [
        "household.phone",
        "derived.age",
    ]
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]


def test_a_table_is_built_and_exported_with_javascript_off(
    live_server, browser, login, staff_user, building_a, monkeypatch
):
    """Each button posts the form and the page comes back with the column added, moved or
    removed; the export starts the same job."""
    from core import tasks

    monkeypatch.setattr(tasks.run_job, "delay", lambda pk: None)
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        login(page, staff_user.username)
        page.goto(f"{live_server.url}/reports/builder/")
        assert page.locator("#columns tbody tr").count() == 6
        page.locator("details:has(.builder-field[data-key='household.phone']) > summary").click()
        page.locator(".builder-field[data-key='household.phone'] .builder-add").click()
        page.wait_for_load_state()
        rows = page.locator("#columns tbody tr")
        assert rows.count() == 7
        assert rows.last.locator("input[name=col]").input_value() == "household.phone"
        rows.last.locator(".builder-up").click()
        page.wait_for_load_state()
        page.locator("#columns tbody tr").first.locator(".builder-remove").click()
        page.wait_for_load_state()
        keys = [
            page.locator("#columns tbody tr").nth(i).locator("input[name=col]").input_value()
            for i in range(page.locator("#columns tbody tr").count())
        ]
        assert keys[-2:] == ["household.phone", "derived.age"]
        assert "derived.row_number" not in keys
        page.click("#export-xlsx")
        page.wait_for_selector("#job-status")
        job = Job.objects.get()
        assert [c["key"] for c in job.params["spec"]["columns"]] == keys
    finally:
        context.close()

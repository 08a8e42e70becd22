"""A community cadre's first session on the desktop pages, in a real browser."""

import pytest

pytestmark = pytest.mark.browser


def test_staff_finds_a_household_edits_it_and_sees_the_change_in_its_history(
    live_server, desktop_page, login, staff_user, household_a, household_b
):
    page = login(desktop_page, staff_user.username)
    head = household_a.members.get()

    page.click("nav >> text=住户")
    page.fill("input[name=q]", head.name)
    page.click("form >> button:has-text('搜索')")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    page.click(f"text={household_a.number}")

    assert head.masked_id_number in page.inner_text("#members")
    page.click("text=编辑住户")
    page.fill("input[name=phone]", "139 1234 5678")
    page.click("input[name=save]")
    page.wait_for_load_state()

    assert "住户信息已保存" in page.inner_text("main")
    assert "13912345678" in page.inner_text("main")
    history = page.inner_text(".history-diff")
    assert "联系电话" in history and "13912345678" in history
    household_a.refresh_from_db()
    assert household_a.phone == "13912345678"


def test_english_switch_changes_the_staff_pages(
    live_server, desktop_page, login, staff_user, household_a
):
    page = login(desktop_page, staff_user.username)

    page.click("footer >> text=English")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/households/")

    assert page.inner_text("h1") == "Households"

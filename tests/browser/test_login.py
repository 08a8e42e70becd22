import pytest

pytestmark = pytest.mark.browser


def test_staff_logs_in_and_sees_the_overview_in_chinese(
    live_server, desktop_page, login, staff_user, household_a
):
    login(desktop_page, staff_user.username)
    assert desktop_page.inner_text("h1") == "今日工作"  # the staff home page
    desktop_page.click("nav >> text=概况")
    desktop_page.wait_for_selector("#stat-households")
    assert desktop_page.inner_text("#stat-households").strip() == "1"
    assert desktop_page.locator("html").get_attribute("lang") == "zh-hans"

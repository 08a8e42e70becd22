"""A resident's request from the phone to the resident's verdict, with the leader's hygiene
check on the same round, in a real browser."""

import pytest
from PIL import Image

from buildings.models import HygieneCheck
from services.requests.models import ResidentRequest, State

pytestmark = pytest.mark.browser


def test_a_request_walks_from_the_phone_to_the_verdict(
    live_server,
    phone_page,
    desktop_page,
    login,
    leader_a,
    household_a,
    staff_user,
    department_user,
    department,
    tmp_path,
):
    photo = tmp_path / "leak.jpg"
    Image.new("RGB", (800, 600), (30, 120, 200)).save(photo, format="JPEG")

    # The building leader files the request on the phone, with a photo.
    login(phone_page, leader_a.username)
    phone_page.goto(f"{live_server.url}/m/requests/new/?household={household_a.pk}")
    assert phone_page.locator("#id_household").input_value() == str(household_a.pk)
    phone_page.select_option("#id_category", "employment")
    phone_page.select_option("#id_urgency", "urgent")
    phone_page.fill("#id_description", "家中两名劳动力想到扶贫车间务工")
    phone_page.set_input_files("#id_photo1", str(photo))
    phone_page.click("#request-form button[type=submit]")
    phone_page.wait_for_selector("#request-state")
    assert "已提交" in phone_page.inner_text("#request-state")
    req = ResidentRequest.objects.get()
    assert (req.household, req.urgency, req.photos.count()) == (household_a, "urgent", 1)
    phone_page.goto(f"{live_server.url}/m/requests/")
    assert f"#{req.pk} 就业" in phone_page.inner_text("#request-list")

    # On the same round the leader records a hygiene check of the building.
    phone_page.click("nav.mobile-tabbar >> text=卫生")
    phone_page.click("text=登记卫生检查")
    phone_page.fill("input[name=area]", "1单元楼道")
    phone_page.fill("input[name=score]", "85")
    phone_page.fill("textarea[name=problems]", "垃圾桶未及时清运")
    phone_page.set_input_files("input[name=photo]", str(photo))
    phone_page.click("button:has-text('保存')")
    phone_page.wait_for_selector("#check img.photo")
    check = HygieneCheck.objects.get()
    assert (check.building, check.score, bool(check.photo)) == (
        household_a.dwelling.building,
        85,
        True,
    )

    # Staff accept it and assign it to the unit the matrix suggests.
    login(desktop_page, staff_user.username)
    desktop_page.goto(f"{live_server.url}/services/requests/{req.pk}/")
    assert desktop_page.locator("#id_accept-unit option:checked").inner_text() == "县人社局"
    desktop_page.select_option("#id_accept-unit", label=department.name)
    desktop_page.click("#action-accept button[type=submit]")
    desktop_page.wait_for_selector("text=诉求状态已更新为“已受理”")
    assert desktop_page.inner_text("#request-unit") == "县人社局"

    # A user of that unit starts and resolves it.
    login(desktop_page, department_user.username)
    desktop_page.goto(f"{live_server.url}/services/requests/")
    desktop_page.click(f"#request-table a:text('#{req.pk}')")
    desktop_page.click("#action-start button[type=submit]")
    desktop_page.wait_for_selector("#action-resolve")
    desktop_page.fill("#id_resolve-resolution", "已推荐到扶贫车间，两人均已上岗")
    desktop_page.click("#action-resolve button[type=submit]")
    desktop_page.wait_for_selector("text=诉求状态已更新为“已办理”")

    # The leader records the resident's verdict on the phone.
    phone_page.goto(f"{live_server.url}/m/requests/{req.pk}/")
    phone_page.check("input[name=close-satisfaction][value=satisfied]")
    phone_page.click("#verdict button[type=submit]")
    phone_page.wait_for_selector("#request-verdict")
    assert phone_page.inner_text("#request-verdict") == "满意"

    # Staff see the whole timeline, and the photo through the protected view.
    login(desktop_page, staff_user.username)
    desktop_page.goto(f"{live_server.url}/services/requests/{req.pk}/")
    timeline = desktop_page.inner_text("#timeline")
    for step in (
        "已提交",
        "已提交 → 已受理",
        "已受理 → 办理中",
        "办理中 → 已办理",
        "已办理 → 已办结",
        "县人社局",
        "两人均已上岗",
    ):
        assert step in timeline
    assert desktop_page.locator("#timeline li").count() == 5
    assert desktop_page.eval_on_selector(".request-photos img", "img => img.naturalWidth") == 800
    req.refresh_from_db()
    assert (req.state, req.satisfaction, req.unit) == (State.CLOSED, "satisfied", department)

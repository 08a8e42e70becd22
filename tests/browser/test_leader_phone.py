"""A building leader's day on a phone (390×844): sees their building, checks a household
(changes a phone number), proposes a name change, records a hygiene check with a photo;
then community staff approve the proposal in the review queue on a desktop."""

import pytest
from PIL import Image

from buildings.models import HygieneCheck
from households.models import MemberChangeProposal
from tests.households.factories import PersonFactory

pytestmark = pytest.mark.browser


def test_leader_phone_walk_and_staff_approval(
    live_server, phone_page, desktop_page, login, leader_a, staff_user, household_a, tmp_path
):
    member = PersonFactory(household=household_a, relationship="30", name="温小芳", sex="F")
    page = login(phone_page, leader_a.username)

    # Home: the leader's building and the household that needs attention.
    page.wait_for_selector("#building-A")
    assert "A栋" in page.inner_text("#building-A")
    page.click("text=核实住户")
    page.click(f"#households a[href='/m/households/{household_a.pk}/']")

    # Household check: a new phone number applies at once.
    page.fill("input[name=phone]", "139 0000 1111")
    page.click("text=信息已核实：保存并确认")
    page.wait_for_selector(".alert-success")
    household_a.refresh_from_db()
    assert household_a.phone == "13900001111" and household_a.confirmed_at is not None

    # A name change is only proposed.
    page.click(f"a[href='/m/people/{member.pk}/propose/']")
    page.fill("input[name=name]", "温晓芳")
    page.click("text=提交提议")
    page.wait_for_selector(".alert-success")
    assert "审核通过前信息不会改变" in page.inner_text(".alert-success")
    member.refresh_from_db()
    assert member.name == "温小芳"

    # Hygiene check with a photo taken on the phone.
    photo = tmp_path / "stairs.jpg"
    Image.new("RGB", (640, 480), (180, 160, 120)).save(photo, format="JPEG")
    page.click("nav.mobile-tabbar >> text=卫生")
    page.click("text=登记卫生检查")
    page.fill("input[name=area]", "3楼楼道")
    page.fill("input[name=score]", "70")
    page.fill("textarea[name=problems]", "楼道堆放杂物")
    page.set_input_files("input[name=photo]", str(photo))
    page.click("button:has-text('保存')")
    page.wait_for_selector("#check img.photo")
    page.wait_for_function("() => document.querySelector('#check img.photo').naturalWidth > 0")
    check = HygieneCheck.objects.get()
    assert (check.area, check.score, bool(check.photo)) == ("3楼楼道", 70, True)

    # Staff approve the proposal in the review queue.
    desk = login(desktop_page, staff_user.username)
    desk.goto(f"{live_server.url}/households/proposals/")
    desk.click("#proposals tbody a")
    assert "温晓芳" in desk.inner_text("#proposal-changes")
    desk.click("button[value=approve]")
    desk.wait_for_selector(".alert-success")
    assert desk.inner_text("#proposal-state").strip() == "已通过并生效"
    member.refresh_from_db()
    assert member.name == "温晓芳"
    assert MemberChangeProposal.objects.get().reviewed_by == staff_user


def test_a_form_filled_without_signal_is_kept_and_sent_when_the_network_returns(
    live_server, phone_page, login, leader_a, household_a
):
    from households.models import Visit

    page = login(phone_page, leader_a.username)
    page.goto(f"{live_server.url}/m/visits/new/?household={household_a.pk}")
    page.context.set_offline(True)
    page.select_option("select[name=reason]", "hardship")
    page.fill("textarea[name=note]", "老人腿伤，需要帮助买药")
    page.click("button:has-text('保存')")
    page.wait_for_selector("#net-status:not([hidden])")
    assert "表单已保存在本机，联网后会自动发送" in page.inner_text("#net-status")
    assert not Visit.objects.exists()

    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.querySelector('#net-status').textContent.includes('已发送')"
    )
    visit = Visit.objects.get()
    assert (visit.household, visit.reason, visit.note, visit.visited_by) == (
        household_a,
        "hardship",
        "老人腿伤，需要帮助买药",
        leader_a,
    )


def test_pages_opened_before_are_shown_without_signal(
    live_server, phone_page, login, leader_a, household_a
):
    page = login(phone_page, leader_a.username)
    page.wait_for_selector("#building-A")
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.goto(f"{live_server.url}/m/households/")
    page.wait_for_selector("#households")

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/m/households/")
    assert household_a.members.get().name in page.inner_text("#households")
    page.goto(f"{live_server.url}/m/hygiene/")
    assert "没有网络" in page.inner_text("header")


def test_a_kept_form_is_sent_only_by_the_user_who_filled_it_in(
    live_server, phone_page, login, leader_a, household_a, building_a
):
    from django.contrib.auth.models import Group

    from community.roles import Role
    from households.models import Visit
    from tests.households.factories import UserFactory

    other = UserFactory(username="deputy")
    other.groups.add(Group.objects.get(name=Role.BUILDING_LEADER.value))

    page = login(phone_page, leader_a.username)
    page.goto(f"{live_server.url}/m/visits/new/?household={household_a.pk}")
    page.context.set_offline(True)
    page.select_option("select[name=reason]", "routine")
    page.click("button:has-text('保存')")
    page.wait_for_selector("#net-status:not([hidden])")
    page.context.clear_cookies()  # the session ends before the network returns
    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.querySelector('#net-status').textContent.includes('重新登录')"
    )

    # Someone else logs in on the same phone: the kept form is not theirs to send.
    page = login(phone_page, other.username)
    page.wait_for_selector("#no-building")
    page.wait_for_timeout(500)
    assert not Visit.objects.exists()

    page = login(phone_page, leader_a.username)
    page.wait_for_function(
        "() => document.querySelector('#net-status').textContent.includes('已发送')"
    )
    assert Visit.objects.get().visited_by == leader_a

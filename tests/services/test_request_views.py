import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from buildings.models import BuildingLeaderTerm
from buildings.services import leader_term_end
from community.models import Department
from community.roles import Role
from core.models import Notification
from core.versioning import EditConflict
from services.requests.models import RequestPhoto, ResidentRequest, State
from services.requests.services import request_file
from tests.conftest import _user_with_role

from .request_factories import ResidentRequestFactory, days_ago


def jpeg_bytes(size=(64, 48), exif=True) -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, (200, 80, 40))
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # camera make
        img.save(out, format="JPEG", exif=data.tobytes())
    else:
        img.save(out, format="JPEG")
    return out.getvalue()


def filing_data(household, **extra):
    return {
        "household": household.pk,
        "category": "repairs",
        "urgency": "urgent",
        "description": "水管漏水",
        **extra,
    }


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Filing on the phone ----------------------------------------------------------------


def test_leader_files_with_a_photo_which_is_reencoded_and_served_privately(
    client_for, leader_a, household_a, household_b, building_b
):
    client = client_for(leader_a)
    page = client.get(reverse("mobile:request_create") + f"?household={household_a.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["household"] == household_a

    photo = SimpleUploadedFile("IMG_0001.JPG", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(reverse("mobile:request_create"), filing_data(household_a, photo1=photo))

    req = ResidentRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "mobile:request_detail", args=[req.pk]
    )
    assert (req.household, req.building, req.urgency, req.filed_by) == (
        household_a,
        household_a.dwelling.building,
        "urgent",
        leader_a,
    )
    stored = req.photos.get()
    with Image.open(stored.image.path) as img:
        assert img.format == "JPEG" and not img.getexif()
    served = client.get(reverse("services:request_photo", args=[stored.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert (
        "/media/"
        not in client.get(reverse("mobile:request_detail", args=[req.pk])).content.decode()
    )


def test_leader_cannot_open_or_file_for_another_building(client_for, leader_a, household_b):
    client = client_for(leader_a)
    assert (
        client.get(reverse("mobile:request_create") + f"?household={household_b.pk}").status_code
        == 404
    )
    assert (
        client.post(reverse("mobile:request_create"), filing_data(household_b)).status_code == 404
    )
    assert ResidentRequest.objects.count() == 0
    other = ResidentRequestFactory(household=household_b)
    assert client.get(reverse("mobile:request_detail", args=[other.pk])).status_code == 404
    post = client.post(
        reverse("services:request_action", args=[other.pk, "close"]),
        {"close-version": 1, "close-satisfaction": "satisfied"},
    )
    assert post.status_code == 404


def test_leader_loses_access_when_the_term_ends(client_for, leader_a, household_a, building_a):
    req = ResidentRequestFactory(household=household_a, filed_by=leader_a)
    client = client_for(leader_a)
    assert client.get(reverse("mobile:request_detail", args=[req.pk])).status_code == 200
    leader_term_end(
        term=BuildingLeaderTerm.objects.get(building=building_a), ended_on=datetime.date.today()
    )
    assert client.get(reverse("mobile:request_detail", args=[req.pk])).status_code == 404
    assert (
        client.get(reverse("mobile:request_create") + f"?household={household_a.pk}").status_code
        == 404
    )
    assert list(client.get(reverse("mobile:request_list")).context["page"]) == []


def test_a_non_image_is_refused_with_a_clear_message(client_for, leader_a, household_a):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = client_for(leader_a).post(
        reverse("mobile:request_create"), filing_data(household_a, photo1=fake)
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "photo1": ["无法识别此文件为照片：请拍摄或选择 JPEG 或 PNG 图片。"]
    }
    assert "照片 1" in response.content.decode()
    assert ResidentRequest.objects.count() == 0 and RequestPhoto.objects.count() == 0


def test_an_oversized_photo_is_refused_with_a_clear_message(
    client_for, leader_a, household_a, settings
):
    settings.REQUEST_PHOTO_MAX_MB = 1
    big = SimpleUploadedFile(
        "big.jpg", jpeg_bytes() + b"\0" * (1024 * 1024 + 600 * 1024), content_type="image/jpeg"
    )
    response = client_for(leader_a).post(
        reverse("mobile:request_create"), filing_data(household_a, photo2=big)
    )
    assert response.context["form"].errors == {"photo2": ["照片大小为 1.6 MB，最大只接受 1 MB。"]}
    assert ResidentRequest.objects.count() == 0


def test_the_building_as_a_whole(client_for, leader_a, building_a, building_b):
    client = client_for(leader_a)
    data = {"category": "hygiene", "urgency": "normal", "description": "楼道堆放垃圾"}
    response = client.post(reverse("mobile:request_create"), {**data, "building": building_a.pk})
    assert response.status_code == 302
    assert ResidentRequest.objects.get().household is None
    assert (
        client.post(
            reverse("mobile:request_create"), {**data, "building": building_b.pk}
        ).status_code
        == 404
    )
    missing = client.post(reverse("mobile:request_create"), data)
    assert missing.context["form"].errors == {"building": ["请选择诉求涉及的住户或楼栋。"]}
    assert ResidentRequest.objects.count() == 1


def test_photos_are_shown_only_to_users_who_may_see_the_request(
    client_for, leader_a, household_a, building_b, outsider, department_user
):
    req = request_file(
        user=leader_a,
        household=household_a,
        category="repairs",
        description="门锁坏了",
        urgency="normal",
        photos=[SimpleUploadedFile("p.jpg", jpeg_bytes())],
    )
    url = reverse("services:request_photo", args=[req.photos.get().pk])
    leader_b = _user_with_role("leader_b", Role.BUILDING_LEADER)
    from buildings.services import leader_term_start

    leader_term_start(building=building_b, user=leader_b, elected_on=datetime.date(2019, 7, 1))
    assert client_for(leader_b).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(department_user).get(url).status_code == 404  # not assigned to their unit


# --- Staff and units --------------------------------------------------------------------


def test_department_user_sees_and_acts_on_their_units_requests_only(
    client_for, department_user, department, household_a
):
    mine = ResidentRequestFactory(household=household_a, state=State.ACCEPTED, unit=department)
    other = ResidentRequestFactory(
        household=household_a, state=State.ACCEPTED, unit=Department.objects.get(code="education")
    )
    client = client_for(department_user)
    assert list(client.get(reverse("services:request_queue")).context["page"]) == [mine]
    assert client.get(reverse("services:request_detail", args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("services:request_action", args=[other.pk, "start"]), {"start-version": 1}
        ).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.state == State.ACCEPTED

    response = client.post(
        reverse("services:request_action", args=[mine.pk, "start"]), {"start-version": 1}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("services:request_action", args=[mine.pk, "resolve"]),
        {"resolve-version": 2, "resolve-resolution": "已推荐到扶贫车间"},
        follow=True,
    )
    assert messages_of(response) == ["诉求状态已更新为“办理中”。", "诉求状态已更新为“已办理”。"]
    mine.refresh_from_db()
    assert (mine.state, mine.resolution) == (State.RESOLVED, "已推荐到扶贫车间")
    # Accepting is for staff.
    submitted = ResidentRequestFactory(household=household_a, unit=department)
    denied = client.post(
        reverse("services:request_action", args=[submitted.pk, "accept"]),
        {"accept-version": 1, "accept-unit": department.pk},
    )
    assert denied.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_illegal_transition_from_a_page_is_refused_and_nothing_changes(
    client_for, staff_user, household_a
):
    req = ResidentRequestFactory(household=household_a)
    response = client_for(staff_user).post(
        reverse("services:request_action", args=[req.pk, "close"]),
        {"close-version": 1, "close-satisfaction": "satisfied"},
        follow=True,
    )
    assert messages_of(response) == ["“已提交”的诉求不能转为“已办结”。"]
    req.refresh_from_db()
    assert (req.state, req.version, req.satisfaction) == (State.SUBMITTED, 1, "")


def test_a_stale_page_cannot_overwrite(client_for, staff_user, household_a, department):
    req = ResidentRequestFactory(household=household_a)
    client = client_for(staff_user)
    client.post(
        reverse("services:request_action", args=[req.pk, "accept"]),
        {"accept-version": 1, "accept-unit": department.pk},
    )
    client.get(
        reverse("services:request_detail", args=[req.pk])
    )  # shows (and clears) the success message
    response = client.post(
        reverse("services:request_action", args=[req.pk, "reject"]),
        {"reject-version": 1, "reject-reason": "重复"},
        follow=True,
    )
    assert messages_of(response) == EditConflict().messages
    req.refresh_from_db()
    assert (req.state, req.unit, req.rejection_reason) == (State.ACCEPTED, department, "")


def test_staff_page_suggests_the_unit_and_shows_the_timeline(client_for, staff_user, household_a):
    req = ResidentRequestFactory(household=household_a, category="schooling")
    response = client_for(staff_user).get(reverse("services:request_detail", args=[req.pk]))
    assert response.status_code == 200
    assert response.context["action_forms"]["accept"].initial["unit"].code == "education"
    assert list(response.context["action_forms"]) == ["accept", "reject"]
    assert "已提交" in response.content.decode()


def test_bulk_assign_accepts_all_selected(
    client_for, staff_user, household_a, department, department_user
):
    first, second = (
        ResidentRequestFactory(household=household_a),
        ResidentRequestFactory(household=household_a),
    )
    untouched = ResidentRequestFactory(household=household_a)
    response = client_for(staff_user).post(
        reverse("services:request_bulk_assign"),
        {"ids": [first.pk, second.pk], "unit": department.pk},
        follow=True,
    )
    assert messages_of(response) == ["已受理 2 条诉求并交由县人社局办理。"]
    assert set(ResidentRequest.objects.filter(state="accepted", unit=department)) == {first, second}
    untouched.refresh_from_db()
    assert untouched.state == State.SUBMITTED
    assert Notification.objects.filter(user=department_user).count() == 2


def test_bulk_assign_is_for_staff(client_for, department_user, household_a, department):
    req = ResidentRequestFactory(household=household_a)
    assert (
        client_for(department_user)
        .post(reverse("services:request_bulk_assign"), {"ids": [req.pk], "unit": department.pk})
        .status_code
        == 403
    )
    req.refresh_from_db()
    assert req.state == State.SUBMITTED


def test_leader_records_the_verdict_on_the_phone(client_for, leader_a, household_a, department):
    req = ResidentRequestFactory(household=household_a, state=State.RESOLVED, unit=department)
    client = client_for(leader_a)
    page = client.get(reverse("mobile:request_detail", args=[req.pk]))
    assert page.context["verdict_form"] is not None
    response = client.post(
        reverse("services:request_action", args=[req.pk, "close"]),
        {
            "close-version": 1,
            "close-satisfaction": "unsatisfied",
            "close-note": "还在漏水",
            "next": reverse("mobile:request_detail", args=[req.pk]),
        },
    )
    assert response.url == reverse("mobile:request_detail", args=[req.pk])
    req.refresh_from_db()
    assert (req.state, req.satisfaction) == (State.CLOSED, "unsatisfied")


@pytest.mark.parametrize(
    "persona", ["staff_user", "department_user", "supervisor_user", "admin_user"]
)
def test_queue_renders_for_each_role(persona, request, client_for, household_a):
    ResidentRequestFactory(household=household_a)
    assert (
        client_for(request.getfixturevalue(persona))
        .get(reverse("services:request_queue"))
        .status_code
        == 200
    )


@pytest.mark.parametrize("persona", ["leader_a", "outsider"])
def test_queue_is_refused_to_others(persona, request, client_for):
    assert (
        client_for(request.getfixturevalue(persona))
        .get(reverse("services:request_queue"))
        .status_code
        == 403
    )


def test_queue_filters(client_for, staff_user, household_a, household_b, department):
    late = ResidentRequestFactory(
        household=household_a, filed_at=days_ago(20), state=State.ACCEPTED, unit=department
    )
    ResidentRequestFactory(household=household_b, category="schooling")
    client = client_for(staff_user)
    assert list(
        client.get(reverse("services:request_queue"), {"overdue": "yes"}).context["page"]
    ) == [late]
    assert list(
        client.get(reverse("services:request_queue"), {"unit": department.pk}).context["page"]
    ) == [late]
    assert (
        len(
            client.get(
                reverse("services:request_queue"),
                {"category": "schooling", "building": household_b.dwelling.building.code},
            ).context["page"]
        )
        == 1
    )


def _requests(n, household, department):
    for i in range(n):
        ResidentRequestFactory(
            household=household,
            state=State.ACCEPTED if i % 2 else State.SUBMITTED,
            unit=department if i % 2 else None,
        )


@pytest.mark.parametrize("rows", [1, 6])
def test_queue_query_count_is_constant(
    rows, client_for, staff_user, household_a, department, django_assert_num_queries
):
    _requests(rows, household_a, department)
    client = client_for(staff_user)
    # session, user, the user's groups (roles), count, the user's profile (name in the
    # navigation bar), the unit filter's choices (the building is a number typed in), the
    # bulk-assign unit choices, the page of requests with building, household, dwelling and
    # unit joined.
    with django_assert_num_queries(8):
        response = client.get(reverse("services:request_queue"))
    assert len(response.context["page"]) == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_mobile_list_query_count_is_constant(
    rows, client_for, leader_a, household_a, department, django_assert_num_queries
):
    _requests(rows, household_a, department)
    client = client_for(leader_a)
    # session, user, the user's groups (roles), permissions (add_residentrequest): user and
    # group permissions, the leader's current terms, count, the page of requests.
    with django_assert_num_queries(8):
        response = client.get(reverse("mobile:request_list"))
    assert len(response.context["page"]) == rows


def test_figures_page_for_supervisors_and_staff(
    client_for, supervisor_user, staff_user, department_user, leader_a, household_a, department
):
    ResidentRequestFactory(household=household_a, state=State.ACCEPTED, unit=department)
    response = client_for(supervisor_user).get(reverse("services:request_figures"))
    assert response.status_code == 200
    assert [(r["unit_name"], r["received"]) for r in response.context["rows"]] == [("县人社局", 1)]
    assert (
        client_for(staff_user)
        .get(reverse("services:request_figures"), {"since": "2019-01-01"})
        .status_code
        == 200
    )
    assert client_for(department_user).get(reverse("services:request_figures")).status_code == 403
    assert client_for(leader_a).get(reverse("services:request_figures")).status_code == 403


def test_notifications_are_listed_and_marked_read(client_for, department_user, staff_user):
    Notification.objects.create(
        user=department_user, text="诉求 #1 已交由贵单位办理。", url="/services/requests/1/"
    )
    Notification.objects.create(user=staff_user, text="not mine")
    client = client_for(department_user)
    assert client.get(reverse("services:notification_count")).json() == {"unread": 1}
    response = client.get(reverse("services:notification_list"))
    assert [n.text for n in response.context["notes"]] == ["诉求 #1 已交由贵单位办理。"]
    assert client.get(reverse("services:notification_count")).json() == {"unread": 0}
    assert Notification.objects.get(user=staff_user).read_at is None


def test_staff_files_on_the_desktop_by_household_number(client_for, staff_user, household_b):
    client = client_for(staff_user)
    page = client.get(reverse("services:request_create") + f"?household={household_b.pk}")
    assert page.context["form"].initial["household"] == household_b.number
    response = client.post(
        reverse("services:request_create"),
        {
            "household": household_b.number,
            "category": "medical",
            "urgency": "low",
            "description": "医保转移",
        },
    )
    req = ResidentRequest.objects.get()
    assert response.url == reverse("services:request_detail", args=[req.pk])
    assert req.household == household_b


def test_household_page_lists_its_requests(client_for, staff_user, household_a, household_b):
    mine = ResidentRequestFactory(household=household_a)
    ResidentRequestFactory(household=household_b)
    response = client_for(staff_user).get(household_a.get_absolute_url())
    section = next(
        s
        for s in response.context["extra_sections"]
        if s["template"].endswith("_household_section.html")
    )
    assert section["context"]["rows"] == [mine]
    assert f"?household={household_a.pk}" in response.content.decode()


def test_mobile_list_shows_my_buildings_requests_newest_first(
    client_for, leader_a, household_a, household_b
):
    older = ResidentRequestFactory(household=household_a, filed_at=days_ago(5))
    newer = ResidentRequestFactory(household=household_a, filed_at=days_ago(1))
    ResidentRequestFactory(household=household_b)
    response = client_for(leader_a).get(reverse("mobile:request_list"))
    assert list(response.context["page"]) == [newer, older]
    assert "已提交" in response.content.decode()


@pytest.mark.parametrize("persona", ["department_user", "supervisor_user", "leader_a", "outsider"])
def test_desktop_filing_is_for_staff(persona, request, client_for, household_a):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("services:request_create")).status_code == 403
    response = client.post(
        reverse("services:request_create"),
        {
            "household": household_a.number,
            "category": "repairs",
            "urgency": "low",
            "description": "x",
        },
    )
    assert response.status_code == 403
    assert ResidentRequest.objects.count() == 0

"""Hygiene checks: a photo is re-encoded and served only through the scope-checked view;
bad uploads are refused with a clear message; fixes are followed up; staff see a monthly
ranking."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from buildings.hygiene.services import hygiene_check_create, hygiene_ranking
from buildings.models import HygieneCheck
from core.images import MAX_UPLOAD_BYTES


def _post(client, building, photo=None, **extra):
    data = {
        "building": building.pk,
        "area": "3楼楼道",
        "checked_on": timezone.localdate().isoformat(),
        "score": 72,
        "problems": "楼道堆放杂物",
    }
    data.update(extra)
    if photo is not None:
        data["photo"] = photo
    return client.post(reverse("mobile:hygiene_create"), data)


def test_check_with_photo_is_saved_and_photo_served_after_scope_check(
    client_for, leader_a, building_a, jpeg_bytes
):
    client = client_for(leader_a)
    response = _post(
        client, building_a, SimpleUploadedFile("p.jpg", jpeg_bytes, content_type="image/jpeg")
    )
    check = HygieneCheck.objects.get()
    assert response.status_code == 302 and response["Location"] == check.get_absolute_url()
    assert (check.building, check.score, check.checked_by) == (building_a, 72, leader_a)
    with check.photo.open("rb") as f:
        assert Image.open(f).format == "JPEG"
    photo = client.get(reverse("mobile:hygiene_photo", args=[check.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content)[:2] == b"\xff\xd8"
    assert "/media/" not in client.get(check.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "persona,status", [("staff_user", 200), ("outsider", 404), ("leader_b", 404)]
)
def test_photo_view_checks_scope(
    client_for, request, leader_a, building_a, jpeg_bytes, persona, status
):
    check = hygiene_check_create(
        building=building_a,
        checked_by=leader_a,
        area="1楼",
        checked_on=timezone.localdate(),
        score=90,
        photo=SimpleUploadedFile("p.jpg", jpeg_bytes),
    )
    user = request.getfixturevalue(persona)
    assert (
        client_for(user).get(reverse("mobile:hygiene_photo", args=[check.pk])).status_code == status
    )


@pytest.fixture
def leader_b(building_b):
    from django.contrib.auth.models import Group

    from buildings.services import leader_term_start
    from community.roles import Role
    from tests.households.factories import UserFactory

    user = UserFactory(username="leader_b")
    user.groups.add(Group.objects.get(name=Role.BUILDING_LEADER.value))
    leader_term_start(building=building_b, user=user, elected_on=datetime.date(2020, 1, 1))
    return user


def test_a_file_that_is_not_an_image_is_refused_in_chinese(client_for, leader_a, building_a):
    response = _post(
        client_for(leader_a), building_a, SimpleUploadedFile("a.jpg", b"%PDF-1.4 not a photo")
    )
    assert response.status_code == 200
    # The message is core.images' own, in Chinese, on the photo field.
    [message] = response.context["form"].errors["photo"]
    assert "照片" in message and "JPEG" in message and "This file" not in message
    assert not HygieneCheck.objects.exists()


def test_an_oversized_file_is_refused_in_chinese(client_for, leader_a, building_a):
    big = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8" + b"0" * MAX_UPLOAD_BYTES, content_type="image/jpeg"
    )
    response = _post(client_for(leader_a), building_a, big)
    assert response.status_code == 200
    [message] = response.context["form"].errors["photo"]
    assert "照片" in message and "10.0 MB" in message and "at most" not in message
    assert not HygieneCheck.objects.exists()


def test_score_out_of_range_is_refused(client_for, leader_a, building_a):
    response = _post(client_for(leader_a), building_a, score=120)
    assert "score" in response.context["form"].errors
    assert not HygieneCheck.objects.exists()


def test_fix_follow_up(client_for, leader_a, building_a):
    check = hygiene_check_create(
        building=building_a,
        checked_by=leader_a,
        area="1楼",
        checked_on=timezone.localdate(),
        score=60,
        problems="垃圾未清",
    )
    client = client_for(leader_a)
    response = client.post(
        reverse("mobile:hygiene_detail", args=[check.pk]),
        {"fixed_on": timezone.localdate().isoformat(), "fix_note": "已清运"},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.fixed_on, check.fix_note, check.fixed_by) == (
        timezone.localdate(),
        "已清运",
        leader_a,
    )
    again = client.post(
        reverse("mobile:hygiene_detail", args=[check.pk]),
        {"fixed_on": timezone.localdate().isoformat(), "fix_note": "再次"},
    )
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    check.refresh_from_db()
    assert check.fix_note == "已清运"


def test_monthly_ranking_orders_buildings_by_average_score(
    client_for, staff_user, leader_a, building_a, building_b
):
    day = datetime.date(2026, 10, 10)
    for building, scores in ((building_a, [60, 70]), (building_b, [90])):
        for score in scores:
            hygiene_check_create(
                building=building,
                checked_by=staff_user,
                area="1楼",
                checked_on=day,
                score=score,
                problems="" if score > 80 else "杂物",
            )
    hygiene_check_create(
        building=building_a,
        checked_by=staff_user,
        area="1楼",
        checked_on=datetime.date(2026, 9, 30),
        score=100,
    )
    rows = list(hygiene_ranking(user=staff_user, month=datetime.date(2026, 10, 1)))
    assert [(b.code, b.average_score, b.check_count, b.open_problems) for b in rows] == [
        ("B", 90.0, 1, 0),
        ("A", 65.0, 2, 2),
    ]
    page = client_for(staff_user).get(reverse("buildings:hygiene_ranking"), {"month": "2026-10"})
    assert page.status_code == 200
    assert list(page.context["ranking"]) == rows


def test_demo_field_work_is_added_once(leader_a, building_a, household_a):
    from households.demo.fieldwork import seed_field_work
    from households.models import PublicityRecord, Visit

    seed_field_work()
    counts = (HygieneCheck.objects.count(), Visit.objects.count(), PublicityRecord.objects.count())
    assert counts == (4, 1, 1)
    assert HygieneCheck.objects.filter(fixed_on__isnull=False).count() == 1
    seed_field_work()
    assert (
        HygieneCheck.objects.count(),
        Visit.objects.count(),
        PublicityRecord.objects.count(),
    ) == counts


def test_a_fix_cannot_be_dated_in_the_future_or_before_the_check(leader_a, building_a):
    from django.core.exceptions import ValidationError

    from buildings.hygiene.services import hygiene_check_fix

    today = timezone.localdate()
    check = hygiene_check_create(
        building=building_a,
        checked_by=leader_a,
        area="1楼",
        checked_on=today,
        score=60,
        problems="杂物",
    )
    for day in (today + datetime.timedelta(days=1), today - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as exc:
            hygiene_check_fix(check=check, fixed_by=leader_a, fixed_on=day, fix_note="清理")
        assert "fixed_on" in exc.value.error_dict
    check.refresh_from_db()
    assert check.fixed_on is None

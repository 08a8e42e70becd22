import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from ownersassoc import services
from ownersassoc.models import BallotSheet, Ownership, OwnersMeeting
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
ESTIMATE_QUERY = 1 if connection.vendor == "postgresql" else 0


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="JPEG")
    return SimpleUploadedFile("form.jpg", out.getvalue(), content_type="image/jpeg")


def _vote(meeting, owner, choice, user):
    return services.sheet_record(
        meeting=meeting,
        owner=owner,
        choices={m.pk: choice for m in meeting.motions.all()},
        source=BallotSheet.Source.STAFF,
        user=user,
    )


# Who sees the owners' side ----------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("admin_user", 200),
        ("staff_user", 200),
        ("committee_user", 200),
        ("leader_a", 404),
        ("department_user", 404),
        ("supervisor_user", 404),
        ("outsider", 404),
    ],
)
def test_meeting_pages_by_persona(request, client_for, meeting, persona, status):
    client = client_for(request.getfixturevalue(persona))
    for name in ("meeting_detail", "meeting_notice", "sheet_list"):
        assert client.get(reverse(f"ownersassoc:{name}", args=[meeting.pk])).status_code == status
    assert client.get(reverse("ownersassoc:meeting_list")).status_code == status
    assert client.get(reverse("ownersassoc:register")).status_code == status


def test_committee_member_reads_but_does_not_write(client_for, committee_user, meeting, register):
    client = client_for(committee_user)
    response = client.post(
        reverse("ownersassoc:meeting_detail", args=[meeting.pk]),
        {"title": "x", "matter": 9},
    )
    assert response.status_code == 403
    assert meeting.motions.count() == 2
    assert client.get(reverse("ownersassoc:sheet_create", args=[meeting.pk])).status_code == 403


def test_register_opened_first_by_staff_is_built_from_allocations(
    client_for, staff_user, household_a
):
    response = client_for(staff_user).get(reverse("ownersassoc:register"))
    assert response.status_code == 200
    ownership = Ownership.objects.get()
    assert ownership.owner == household_a.members.get()
    body = response.content.decode()
    assert ownership.owner.masked_id_number in body
    assert ownership.owner.id_number not in body


def test_register_opened_by_a_committee_member_builds_nothing(
    client_for, committee_user, household_a
):
    assert client_for(committee_user).get(reverse("ownersassoc:register")).status_code == 200
    assert not Ownership.objects.exists()


def test_staff_record_an_owner_by_dwelling_and_id_number(
    client_for, staff_user, register, building_a
):
    vacant = register["vacant"]
    buyer = register["owner5"]
    response = client_for(staff_user).post(
        reverse("ownersassoc:register"),
        {
            "building_code": "A",
            "entrance": vacant.entrance,
            "room": vacant.room,
            "id_number": buyer.id_number.lower(),
            "started_on": "2026-01-01",
            "certificate_number": "",
        },
    )
    assert response.status_code == 302
    assert Ownership.objects.get(dwelling=vacant, ended_on__isnull=True).owner == buyer


def test_unknown_room_is_named_in_the_error(client_for, staff_user, register):
    response = client_for(staff_user).post(
        reverse("ownersassoc:register"),
        {
            "building_code": "A",
            "entrance": 1,
            "room": "9999",
            "id_number": register["owner5"].id_number,
            "started_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "9999" in response.context["form"].errors["room"][0]


def test_register_list_query_count(
    client_for, staff_user, register, building_a, django_assert_num_queries
):
    client = client_for(staff_user)
    client.get(
        reverse("ownersassoc:register")
    )  # roles and permissions: read once, then kept in the cache
    # session, user, register-empty check, page count, totals (areas),
    # totals (distinct owners), the header's profile, page rows
    with django_assert_num_queries(8):
        response = client.get(reverse("ownersassoc:register"))
    assert len(response.context["page"]) == 4
    for _n in range(6):
        dwelling = DwellingFactory(building=building_a)
        owner = PersonFactory(household=HouseholdFactory(dwelling=dwelling), relationship="01")
        services.ownership_start(
            dwelling=dwelling, owner=owner, started_on=datetime.date(2020, 1, 1)
        )
    with django_assert_num_queries(8):
        response = client.get(reverse("ownersassoc:register"))
    assert len(response.context["page"]) == 10


def test_meeting_list_query_count(client_for, staff_user, meeting, django_assert_num_queries):
    client = client_for(staff_user)
    client.get(
        reverse("ownersassoc:meeting_list")
    )  # roles and permissions: read once, then kept in the cache
    # session, user, (on PostgreSQL the planner's estimate of the
    # unfiltered list,) page count, the header's profile, page rows (motion and sheet
    # counts annotated)
    with django_assert_num_queries(5 + ESTIMATE_QUERY):
        response = client.get(reverse("ownersassoc:meeting_list"))
    assert [m.pk for m in response.context["meetings"]] == [meeting.pk]
    for n in range(5):
        services.meeting_create(
            title=f"会议{n}",
            kind=OwnersMeeting.Kind.REGULAR,
            form=OwnersMeeting.Form.ASSEMBLY,
            notice_date=meeting.notice_date,
            held_on=meeting.held_on,
            copied_to_residents_committee=True,
            user=staff_user,
        )
    with django_assert_num_queries(5 + ESTIMATE_QUERY):
        response = client.get(reverse("ownersassoc:meeting_list"))
    assert len(response.context["meetings"]) == 6


def test_meeting_page_shows_every_figure(client_for, staff_user, meeting, register):
    _vote(meeting, register["owner1"], "agree", staff_user)
    _vote(meeting, register["owner3"], "agree", staff_user)
    _vote(meeting, None, "oppose", staff_user)
    response = client_for(staff_user).get(reverse("ownersassoc:meeting_detail", args=[meeting.pk]))
    ordinary, major = response.context["tally"].results
    assert ordinary.verdict.passed and not major.verdict.passed
    body = response.content.decode()
    assert (
        "3 / 4" in body
        and "390.00 / 460.00" in body
        and "300.00 / 390.00" in body
        and "1 / 90.00" in body
    )


def test_public_notice_has_no_personal_data(client_for, staff_user, meeting, register):
    owner = register["owner1"]
    _vote(meeting, owner, "agree", staff_user)
    response = client_for(staff_user).get(reverse("ownersassoc:meeting_notice", args=[meeting.pk]))
    body = response.content.decode()
    assert "css/owners_notice.css" in body and meeting.title in body
    for person in (register["owner1"], register["owner3"], register["owner5"]):
        assert person.id_number not in body
        assert person.masked_id_number not in body
        assert person.id_number[-4:] not in body
        assert person.name not in body
    assert "13800000001" not in body
    assert "agree" not in response.context.get("sheets", "")  # no sheet is passed at all
    assert "sheets" not in response.context


def test_staff_enter_a_sheet_and_a_second_is_refused(client_for, staff_user, meeting, register):
    client = client_for(staff_user)
    first, second = meeting.motions.all()
    data = {
        "id_number": register["owner3"].id_number,
        "signed_on": "2026-11-10",
        f"motion_{first.pk}": "agree",
        f"motion_{second.pk}": "abstain",
    }
    url = reverse("ownersassoc:sheet_create", args=[meeting.pk])
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, f"motion_{first.pk}": "oppose"})
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert list(first.ballots.values_list("choice", flat=True)) == ["agree"]


# The building leader on /m/ -----------------------------------------------------------------


def test_leader_collects_a_ballot_for_an_owner_of_their_building(
    client_for, leader_a, staff_user, meeting, register
):
    client = client_for(leader_a)
    page = client.get(reverse("mobile:ballot_owners", args=[meeting.pk]))
    assert page.status_code == 200
    owners = {o.owner_id for o in page.context["ownerships"]}
    assert owners == {register["owner1"].pk, register["owner3"].pk}  # not building B's

    first, second = meeting.motions.all()
    url = reverse("mobile:ballot_collect", args=[meeting.pk, register["owner1"].pk])
    no_photo = client.post(
        url,
        {"signed_on": "2026-11-10", f"motion_{first.pk}": "agree", f"motion_{second.pk}": "agree"},
    )
    assert no_photo.status_code == 200 and "photo" in no_photo.context["form"].errors
    response = client.post(
        url,
        {
            "signed_on": "2026-11-10",
            f"motion_{first.pk}": "agree",
            f"motion_{second.pk}": "oppose",
            "photo": _jpeg(),
        },
    )
    assert response.status_code == 302
    sheet = BallotSheet.objects.get()
    assert (sheet.owner, sheet.status, sheet.source) == (register["owner1"], "pending", "leader")
    assert sheet.photo

    # the leader sees the photo of their sheet; staff confirm it
    assert client.get(reverse("ownersassoc:sheet_photo", args=[sheet.pk])).status_code == 200
    assert (
        client.post(
            reverse("ownersassoc:sheet_review", args=[sheet.pk]), {"action": "confirm"}
        ).status_code
        == 404
    )
    staff = client_for(staff_user)
    assert (
        staff.post(
            reverse("ownersassoc:sheet_review", args=[sheet.pk]), {"action": "confirm"}
        ).status_code
        == 302
    )
    sheet.refresh_from_db()
    assert sheet.status == "confirmed" and sheet.reviewed_by == staff_user


def test_leader_cannot_collect_for_another_building(client_for, leader_a, meeting, register):
    client = client_for(leader_a)
    first, second = meeting.motions.all()
    url = reverse("mobile:ballot_collect", args=[meeting.pk, register["owner5"].pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url,
        {
            "signed_on": "2026-11-10",
            f"motion_{first.pk}": "agree",
            f"motion_{second.pk}": "agree",
            "photo": _jpeg(),
        },
    )
    assert response.status_code == 404
    assert not BallotSheet.objects.exists()


@pytest.mark.parametrize("persona", ["staff_user", "department_user", "outsider"])
def test_ballot_collection_pages_are_for_leaders_only(
    request, client_for, meeting, register, persona
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("mobile:ballot_meetings")).context["meetings"].count() == 0
    assert client.get(reverse("mobile:ballot_owners", args=[meeting.pk])).status_code == 404


def test_closed_meeting_is_not_open_for_collection(client_for, leader_a, meeting, register):
    services.meeting_close_ballots(meeting=meeting)
    client = client_for(leader_a)
    assert client.get(reverse("mobile:ballot_owners", args=[meeting.pk])).status_code == 404


def test_staff_create_a_meeting_and_see_the_notice_rule(client_for, staff_user, register):
    response = client_for(staff_user).post(
        reverse("ownersassoc:meeting_create"),
        {
            "title": "业主大会",
            "kind": "regular",
            "form": "written",
            "notice_date": "2026-11-01",
            "held_on": "2026-11-10",
            "copied_to_residents_committee": "on",
        },
    )
    assert response.status_code == 200
    assert "notice_date" in response.context["form"].errors
    assert not OwnersMeeting.objects.exists()


def test_area_figures_use_registered_area(register):
    # owner3's flat: allocation 150, registered 120 -> 120 counts
    assert Ownership.objects.get(owner=register["owner3"]).dwelling.counting_area == Decimal(
        "120.00"
    )


def test_the_ballot_sheets_source_is_how_it_was_collected_not_the_funds_source(
    client_for, staff_user, meeting
):
    """The ballot sheet's "source" and the fund's "source" are two messages (contexts)."""
    from django.utils import translation

    from ownersassoc.models import FundEntry

    html = client_for(staff_user).get(reverse("ownersassoc:sheet_list", args=[meeting.pk]))
    head = html.content.decode().split("<thead>")[1].split("</thead>")[0]
    assert "<th>收集方式</th>" in head and "资金来源" not in head
    ledger = client_for(staff_user).get(reverse("ownersassoc:ledger")).content.decode()
    assert "<th>资金来源</th>" in ledger
    with translation.override("zh-hans"):
        assert str(BallotSheet._meta.get_field("source").verbose_name) == "收集方式"
        assert str(FundEntry._meta.get_field("source").verbose_name) == "资金来源"

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from buildings.models import Dwelling, counting_area_expression
from ownersassoc import selectors, services
from ownersassoc.models import BallotSheet, Matter, Ownership, OwnersMeeting
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_first_set_area_counts(building_a):
    only_allocation = DwellingFactory(building=building_a, area=Decimal("75.00"))
    surveyed = DwellingFactory(
        building=building_a, area=Decimal("75.00"), surveyed_area=Decimal("76.10")
    )
    registered = DwellingFactory(
        building=building_a,
        area=Decimal("75.00"),
        surveyed_area=Decimal("76.10"),
        registered_area=Decimal("74.80"),
    )
    assert only_allocation.counting_area == Decimal("75.00")
    assert surveyed.counting_area == Decimal("76.10")
    assert registered.counting_area == Decimal("74.80")
    in_sql = dict(Dwelling.objects.annotate(c=counting_area_expression()).values_list("pk", "c"))
    assert in_sql == {
        only_allocation.pk: Decimal("75.00"),
        surveyed.pk: Decimal("76.10"),
        registered.pk: Decimal("74.80"),
    }


def test_headcount_counts_a_person_once_and_the_vacant_flats_as_one(register):
    totals = selectors.register_totals()
    assert totals.person_owners == 3
    assert totals.unowned_dwellings == 1
    assert totals.total_owners == 4
    assert totals.total_area == Decimal("460.00")  # 100 + 80 + 120 (registered) + 90 + 70
    assert totals.unowned_area == Decimal("90.00")
    assert selectors.owner_areas()[register["owner1"].pk] == Decimal("180.00")


def test_without_vacant_flats_there_is_no_group(building_a):
    dwelling = DwellingFactory(building=building_a)
    owner = PersonFactory(household=HouseholdFactory(dwelling=dwelling), relationship="01")
    services.ownership_start(dwelling=dwelling, owner=owner, started_on=datetime.date(2020, 1, 1))
    assert selectors.register_totals().total_owners == 1


def test_register_is_derived_once_from_the_allocations(building_a, staff_user):
    allocated = DwellingFactory(building=building_a, allocation_state="allocated")
    head = PersonFactory(household=HouseholdFactory(dwelling=allocated), relationship="01")
    PersonFactory(household=head.household, relationship="10")  # a spouse owns nothing
    vacant = DwellingFactory(building=building_a, allocation_state="vacant")
    moved_out = DwellingFactory(building=building_a)
    gone = PersonFactory(
        household=HouseholdFactory(dwelling=moved_out, is_active=False), relationship="01"
    )

    assert services.owners_register_derive(user=staff_user) == 1
    ownership = Ownership.objects.get()
    assert (ownership.dwelling, ownership.owner, ownership.derived) == (allocated, head, True)
    assert ownership.started_on == head.household.move_in_date
    assert not Ownership.objects.filter(dwelling__in=[vacant, moved_out]).exists()
    assert not Ownership.objects.filter(owner=gone).exists()

    # Kept by staff from now on: a later allocation is not added behind their back.
    later = DwellingFactory(building=building_a)
    PersonFactory(household=HouseholdFactory(dwelling=later), relationship="01")
    assert services.owners_register_derive(user=staff_user) == 0
    assert Ownership.objects.count() == 1


def test_a_new_owner_ends_the_previous_ownership(register):
    dwelling = Ownership.objects.get(owner=register["owner5"]).dwelling
    buyer = PersonFactory(household=HouseholdFactory(dwelling=None), relationship="01")
    new = services.ownership_start(
        dwelling=dwelling,
        owner=buyer,
        started_on=datetime.date(2025, 6, 1),
        certificate_number=" 赣(2025)石城县不动产权第0001号 ",
    )
    old = Ownership.objects.get(owner=register["owner5"])
    assert old.ended_on == datetime.date(2025, 5, 31)
    assert new.certificate_number == "赣(2025)石城县不动产权第0001号"
    assert selectors.register_totals().person_owners == 3


def test_a_new_owner_must_start_after_the_current_one(register):
    dwelling = Ownership.objects.get(owner=register["owner5"]).dwelling
    buyer = PersonFactory(household=HouseholdFactory(dwelling=None), relationship="01")
    with pytest.raises(ValidationError) as exc:
        services.ownership_start(
            dwelling=dwelling, owner=buyer, started_on=datetime.date(2019, 3, 1)
        )
    assert "started_on" in exc.value.message_dict
    assert Ownership.objects.filter(dwelling=dwelling, ended_on__isnull=True).count() == 1


# Meetings ----------------------------------------------------------------------------------


def _meeting_args(**kw):
    args = dict(
        title="临时业主大会",
        kind=OwnersMeeting.Kind.REGULAR,
        form=OwnersMeeting.Form.ASSEMBLY,
        notice_date=datetime.date(2026, 11, 1),
        held_on=datetime.date(2026, 11, 16),
        copied_to_residents_committee=True,
    )
    args.update(kw)
    return args


def test_notice_fifteen_days_before_is_enough(register, staff_user):
    meeting = services.meeting_create(user=staff_user, **_meeting_args())
    assert meeting.notice_days == 15


def test_notice_fourteen_days_before_is_refused(register, staff_user):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            user=staff_user, **_meeting_args(held_on=datetime.date(2026, 11, 15))
        )
    assert "notice_date" in exc.value.message_dict
    assert "2026-10-31" in exc.value.message_dict["notice_date"][0]
    assert not OwnersMeeting.objects.exists()


def test_notice_must_be_copied_to_the_residents_committee(register, staff_user):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            user=staff_user, **_meeting_args(copied_to_residents_committee=False)
        )
    assert "copied_to_residents_committee" in exc.value.message_dict


def test_extraordinary_meeting_needs_a_fifth_of_area_and_owners(register, staff_user):
    # 4 owners, 460 m²: at least 92 m² and 1 owner (4/5 rounds up to 1)
    extraordinary = dict(kind=OwnersMeeting.Kind.EXTRAORDINARY)
    meeting = services.meeting_create(
        user=staff_user,
        **_meeting_args(**extraordinary, requested_area=Decimal("92.00"), requested_owners=1),
    )
    assert meeting.requested_area == Decimal("92.00")
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            user=staff_user,
            **_meeting_args(**extraordinary, requested_area=Decimal("91.99"), requested_owners=0),
        )
    assert set(exc.value.message_dict) == {"requested_area", "requested_owners"}


def test_motions_are_numbered_and_fixed_once_ballots_are_in(meeting, staff_user, register):
    assert [m.number for m in meeting.motions.all()] == [1, 2]
    _vote(meeting, register["owner1"], "agree", staff_user)
    with pytest.raises(ValidationError):
        services.motion_add(meeting=meeting, title="增加一项", matter=Matter.OTHER)
    assert meeting.motions.count() == 2


# Ballots -----------------------------------------------------------------------------------


def _vote(meeting, owner, choice, user, **kw):
    kw.setdefault("source", BallotSheet.Source.STAFF)
    return services.sheet_record(
        meeting=meeting,
        owner=owner,
        choices={m.pk: choice for m in meeting.motions.all()},
        user=user,
        **kw,
    )


def test_a_second_sheet_of_one_owner_is_refused_and_replaces_nothing(meeting, register, staff_user):
    _vote(meeting, register["owner1"], "agree", staff_user)
    with pytest.raises(ValidationError) as exc:
        _vote(meeting, register["owner1"], "oppose", staff_user)
    assert "owner" in exc.value.message_dict
    assert set(meeting.motions.first().ballots.values_list("choice", flat=True)) == {"agree"}


def test_every_motion_needs_a_choice(meeting, register, staff_user):
    first, second = meeting.motions.all()
    with pytest.raises(ValidationError) as exc:
        services.sheet_record(
            meeting=meeting,
            owner=register["owner1"],
            choices={first.pk: "agree"},
            source=BallotSheet.Source.STAFF,
            user=staff_user,
        )
    assert list(exc.value.message_dict) == [f"motion_{second.pk}"]
    assert not BallotSheet.objects.exists()


def test_a_non_owner_cannot_vote(meeting, staff_user, building_a):
    tenant = PersonFactory(household=HouseholdFactory(dwelling=None), relationship="01")
    with pytest.raises(ValidationError) as exc:
        _vote(meeting, tenant, "agree", staff_user)
    assert "owner" in exc.value.message_dict


def test_a_leaders_sheet_needs_a_photo_and_counts_once_confirmed(
    meeting, register, leader_a, staff_user
):
    with pytest.raises(ValidationError) as exc:
        _vote(meeting, register["owner1"], "agree", leader_a, source=BallotSheet.Source.LEADER)
    assert "photo" in exc.value.message_dict

    from django.core.files.base import ContentFile

    sheet = _vote(
        meeting,
        register["owner1"],
        "agree",
        leader_a,
        source=BallotSheet.Source.LEADER,
        photo=ContentFile(b"jpeg", name="photo.jpg"),
    )
    assert sheet.status == BallotSheet.Status.PENDING
    assert selectors.meeting_tally(meeting=meeting).results[0].voted_owners == 0
    services.sheet_confirm(sheet=sheet, user=staff_user)
    result = selectors.meeting_tally(meeting=meeting).results[0]
    assert (result.voted_owners, result.voted_area) == (1, Decimal("180.00"))


def test_a_rejected_sheet_lets_the_owner_vote_again(meeting, register, leader_a, staff_user):
    from django.core.files.base import ContentFile

    sheet = _vote(
        meeting,
        register["owner1"],
        "oppose",
        leader_a,
        source=BallotSheet.Source.LEADER,
        photo=ContentFile(b"jpeg", name="photo.jpg"),
    )
    with pytest.raises(ValidationError):
        services.sheet_reject(sheet=sheet, user=staff_user, reason="  ")
    services.sheet_reject(sheet=sheet, user=staff_user, reason="签名不清")
    sheet.refresh_from_db()
    assert sheet.status == BallotSheet.Status.REJECTED and not sheet.ballots.exists()
    again = _vote(meeting, register["owner1"], "agree", staff_user)
    assert again.status == BallotSheet.Status.CONFIRMED


def test_closed_collection_refuses_sheets(meeting, register, staff_user):
    services.meeting_close_ballots(meeting=meeting)
    with pytest.raises(ValidationError):
        _vote(meeting, register["owner1"], "agree", staff_user)


def test_tally_counts_areas_heads_and_the_vacant_group(meeting, register, staff_user):
    # owner1 (180 m²) and owner3 (120 m²) agree; the vacant group (90 m²) opposes;
    # owner5 (70 m²) does not vote. 3 of 4 owners, 390 of 460 m²: quorum.
    _vote(meeting, register["owner1"], "agree", staff_user)
    _vote(meeting, register["owner3"], "agree", staff_user)
    _vote(meeting, None, "oppose", staff_user)
    ordinary, major = selectors.meeting_tally(meeting=meeting).results
    assert (ordinary.voted_owners, ordinary.voted_area) == (3, Decimal("390.00"))
    assert (ordinary.agreed_owners, ordinary.agreed_area) == (2, Decimal("300.00"))
    assert (ordinary.opposed_owners, ordinary.opposed_area) == (1, Decimal("90.00"))
    assert ordinary.verdict.quorum and ordinary.verdict.passed  # 2/3 owners, 300/390 m²
    # matter 8 needs 3/4 of voters: 2 of 3 owners is short
    assert major.verdict.quorum and not major.verdict.passed


def test_the_vacant_group_votes_once(meeting, register, staff_user):
    _vote(meeting, None, "agree", staff_user)
    with pytest.raises(ValidationError):
        _vote(meeting, None, "agree", staff_user)


def test_tally_uses_a_constant_number_of_queries(
    meeting, register, staff_user, django_assert_num_queries
):
    for key in ("owner1", "owner3", "owner5"):
        _vote(meeting, register[key], "agree", staff_user)
    meeting = selectors.meeting_get_for_user(user=staff_user, pk=meeting.pk)
    # totals (areas, distinct owners), the ballots, the voters' areas
    with django_assert_num_queries(4):
        selectors.meeting_tally(meeting=meeting)


def test_area_sums_are_exact_cents(building_a):
    # 0.1 has no exact binary form: a floating-point sum of 30 × 75.10 is not 2253.00
    for _n in range(30):
        DwellingFactory(building=building_a, area=Decimal("75.10"), allocation_state="vacant")
    assert selectors.register_totals().total_area == Decimal("2253.00")
    assert str(selectors.register_totals().total_area) == "2253.00"


def test_a_ballot_of_a_former_owner_is_shown_but_not_counted(meeting, register, staff_user):
    _vote(meeting, register["owner5"], "agree", staff_user)
    ownership = Ownership.objects.get(owner=register["owner5"])
    services.ownership_end(ownership=ownership, ended_on=datetime.date(2026, 11, 30))
    tally = selectors.meeting_tally(meeting=meeting)
    assert tally.not_counted == 2  # one ballot per motion
    assert tally.results[0].voted_owners == 0
    assert tally.totals.total_owners == 3  # owner1, owner3, the unowned group (now two flats)

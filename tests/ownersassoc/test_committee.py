import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ownersassoc import committee, services
from ownersassoc.models import BallotSheet, CommitteeTerm, GoverningDocument, Matter
from tests.households.factories import DwellingFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
ELECTED = datetime.date(2026, 11, 21)


@pytest.fixture
def owners(building_a):
    people = []
    for _n in range(11):
        dwelling = DwellingFactory(building=building_a)
        person = PersonFactory(household=HouseholdFactory(dwelling=dwelling), relationship="01")
        services.ownership_start(
            dwelling=dwelling, owner=person, started_on=datetime.date(2019, 3, 1)
        )
        people.append(person)
    return people


def _elect(people, **kw):
    kw.setdefault("term_ends_on", datetime.date(2031, 11, 20))
    return committee.committee_elect(elected_on=ELECTED, people=people, **kw)


@pytest.mark.parametrize("n", [5, 7, 9, 11])
def test_an_odd_committee_of_five_to_eleven_is_accepted(owners, n):
    assert _elect(owners[:n]).members.count() == n


@pytest.mark.parametrize("n", [3, 4, 6, 10])
def test_other_sizes_are_refused(owners, n):
    with pytest.raises(ValidationError) as exc:
        _elect(owners[:n])
    assert "people" in exc.value.message_dict
    assert not CommitteeTerm.objects.exists()


def test_every_member_is_an_owner(owners):
    tenant = PersonFactory(
        household=HouseholdFactory(dwelling=None), relationship="01", name="租户甲"
    )
    with pytest.raises(ValidationError) as exc:
        _elect([*owners[:4], tenant])
    assert "租户甲" in " ".join(exc.value.message_dict["people"])


def test_term_at_most_five_years(owners):
    _elect(owners[:5], term_ends_on=datetime.date(2031, 11, 21))
    with pytest.raises(ValidationError) as exc:
        _elect(owners[5:10], term_ends_on=datetime.date(2031, 11, 22))
    assert "2031-11-21" in exc.value.message_dict["term_ends_on"][0]


def test_first_meeting_within_seven_days_chooses_chair_and_vice_chair(owners):
    term = _elect(owners[:5])
    chair, vice, *_rest = term.members.all()
    with pytest.raises(ValidationError) as exc:
        committee.committee_first_meeting(
            term=term, held_on=ELECTED + datetime.timedelta(days=8), chair=chair, vice_chair=vice
        )
    assert "held_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        committee.committee_first_meeting(
            term=term, held_on=ELECTED + datetime.timedelta(days=7), chair=chair, vice_chair=chair
        )
    committee.committee_first_meeting(
        term=term, held_on=ELECTED + datetime.timedelta(days=7), chair=chair, vice_chair=vice
    )
    positions = dict(term.members.values_list("pk", "position"))
    assert positions[chair.pk] == "chair" and positions[vice.pk] == "vice_chair"
    assert sorted(positions.values()).count("member") == 3


def test_filing_overdue_after_thirty_days(owners):
    term = _elect(owners[:5])
    assert not term.filing_overdue(today=ELECTED + datetime.timedelta(days=30))
    assert term.filing_overdue(today=ELECTED + datetime.timedelta(days=31))
    committee.committee_filing_record(
        term=term,
        filed_housing_on=ELECTED + datetime.timedelta(days=20),
        filed_town_on=ELECTED + datetime.timedelta(days=30),
    )
    assert not term.filing_overdue(today=ELECTED + datetime.timedelta(days=100))
    committee.committee_filing_record(
        term=term, filed_housing_on=ELECTED + datetime.timedelta(days=31), filed_town_on=ELECTED
    )
    assert term.filing_overdue(today=ELECTED + datetime.timedelta(days=100))


def test_committee_meeting_needs_more_than_half_present(owners, staff_user):
    term = _elect(owners[:5])
    members = list(term.members.all())
    with pytest.raises(ValidationError) as exc:
        committee.committee_meeting_record(
            term=term,
            held_on=ELECTED,
            present=members[:2],
            minutes="讨论",
            resolutions=[],
            user=staff_user,
        )
    assert "present" in exc.value.message_dict
    meeting = committee.committee_meeting_record(
        term=term,
        held_on=ELECTED,
        present=members[:4],
        minutes="讨论物业考评",
        resolutions=[("通过考评办法", members[:3]), ("更换保洁", members[:2])],
        user=staff_user,
    )
    # 3 of 5 members in favour passes; 2 of 5 (a majority of those present) does not
    assert list(meeting.resolutions.values_list("passed", flat=True)) == [True, False]


def test_those_in_favour_must_be_present(owners, staff_user):
    term = _elect(owners[:5])
    members = list(term.members.all())
    with pytest.raises(ValidationError):
        committee.committee_meeting_record(
            term=term,
            held_on=ELECTED,
            present=members[:3],
            minutes="x",
            resolutions=[("y", members[2:5])],
            user=staff_user,
        )


def _passed_motion(staff_user, owners, matter):
    meeting = services.meeting_create(
        title="业主大会",
        kind="regular",
        form="written",
        notice_date=datetime.date(2026, 11, 1),
        held_on=datetime.date(2026, 11, 20),
        copied_to_residents_committee=True,
        user=staff_user,
    )
    motion = services.motion_add(meeting=meeting, title="议题", matter=matter)
    for person in owners:
        services.sheet_record(
            meeting=meeting,
            owner=person,
            choices={motion.pk: "agree"},
            source=BallotSheet.Source.STAFF,
            user=staff_user,
        )
    return motion


def test_elected_by_a_passed_motion_on_matter_three(owners, staff_user):
    motion = _passed_motion(staff_user, owners, Matter.COMMITTEE)
    assert _elect(owners[:5], elected_by=motion).elected_by == motion
    other = _passed_motion(staff_user, owners, Matter.OTHER)
    with pytest.raises(ValidationError) as exc:
        _elect(owners[:5], elected_by=other)
    assert "elected_by" in exc.value.message_dict


def test_documents_are_versioned_and_adopted_by_their_motion(owners, staff_user):
    covenant_motion = _passed_motion(staff_user, owners, Matter.COVENANT)
    first = committee.document_adopt(
        kind="covenant", adopted_by=covenant_motion, text="第一版", user=staff_user
    )
    second = committee.document_adopt(
        kind="covenant", adopted_by=covenant_motion, text="第二版", user=staff_user
    )
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(ValidationError) as exc:
        committee.document_adopt(
            kind="rules", adopted_by=covenant_motion, text="议事规则", user=staff_user
        )
    assert "adopted_by" in exc.value.message_dict
    assert GoverningDocument.objects.count() == 2


@pytest.mark.parametrize(
    "persona, status",
    [("staff_user", 200), ("leader_a", 404), ("department_user", 404), ("outsider", 404)],
)
def test_committee_pages_by_persona(request, client_for, owners, persona, status):
    term = _elect(owners[:5])
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("ownersassoc:committee_home")).status_code == status
    assert client.get(reverse("ownersassoc:committee_detail", args=[term.pk])).status_code == status


def test_committee_member_records_a_meeting_but_not_the_filing(client_for, owners):
    from django.contrib.auth.models import Group

    from community.roles import Role
    from tests.households.factories import UserFactory

    user = UserFactory(username="weiyuan")
    user.groups.add(Group.objects.get(name=Role.OWNERS_COMMITTEE.value))
    term = _elect(owners[:5])
    members = list(term.members.all())
    client = client_for(user)
    url = reverse("ownersassoc:committee_detail", args=[term.pk])
    response = client.post(url, {"action": "filing", "filing-filed_town_on": "2026-11-30"})
    assert response.status_code == 403
    response = client.post(
        url,
        {
            "action": "meeting",
            "meeting-held_on": "2026-11-25",
            "meeting-present": [m.pk for m in members[:3]],
            "meeting-minutes": "首次例会",
            "meeting-resolution": "制定考评办法",
            "meeting-in_favour": [m.pk for m in members[:3]],
        },
    )
    assert response.status_code == 302
    assert term.meetings.get().resolutions.get().passed is True
    term.refresh_from_db()
    assert term.filed_town_on is None

"""Identity changes are proposals: nothing changes until staff approve; approval applies
through households.services and records history; rejection keeps the data."""

import datetime

import pytest
from django.urls import reverse

from core.idnumbers import make_id_number
from households.models import MemberChangeProposal, Person
from households.proposals.services import proposal_approve, proposal_create_change
from households.services import person_update
from tests.households.factories import PersonFactory


@pytest.fixture
def member_a(household_a):
    return PersonFactory(household=household_a, relationship="20", name="温小明")


def _snapshot(person):
    person.refresh_from_db()
    return (person.name, person.id_number, person.relationship, person.is_active, person.version)


def test_proposed_name_change_applies_nothing_until_approved(client_for, leader_a, member_a):
    before = _snapshot(member_a)
    history_before = member_a.history.count()
    response = client_for(leader_a).post(
        reverse("mobile:proposal_change", args=[member_a.pk]),
        {"name": "温晓明", "id_number": "", "relationship": "20", "note": "身份证上是晓"},
    )
    assert response.status_code == 302
    assert _snapshot(member_a) == before
    assert member_a.history.count() == history_before
    proposal = MemberChangeProposal.objects.get()
    assert proposal.state == "pending"
    assert proposal.proposed == {"name": "温晓明"}
    assert proposal.proposed_by == leader_a
    assert proposal.base_version == before[-1]


def test_staff_approves_and_the_change_is_applied_with_history(
    client_for, leader_a, staff_user, member_a
):
    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"name": "温晓明"}
    )
    response = client_for(staff_user).post(
        reverse("households:proposal_detail", args=[proposal.pk]),
        {"decision": "approve", "review_note": ""},
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.name == "温晓明"
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reviewed_by) == ("approved", staff_user)
    latest = member_a.history.order_by("-history_date").first()
    assert latest.history_user == staff_user
    assert "leader_a" in latest.history_change_reason and "staff" in latest.history_change_reason
    assert set(latest.diff_against(latest.prev_record).changed_fields) - {"version"} == {"name"}


def test_reject_keeps_the_data_and_the_reason(client_for, leader_a, staff_user, member_a):
    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"name": "温晓明"}
    )
    before = _snapshot(member_a)
    client = client_for(staff_user)
    client.post(
        reverse("households:proposal_detail", args=[proposal.pk]),
        {"decision": "reject", "review_note": ""},
    )
    proposal.refresh_from_db()
    assert proposal.state == "pending"  # a rejection needs a reason
    client.post(
        reverse("households:proposal_detail", args=[proposal.pk]),
        {"decision": "reject", "review_note": "户口簿上仍是小明"},
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.review_note, proposal.reviewed_by) == (
        "rejected",
        "户口簿上仍是小明",
        staff_user,
    )
    assert _snapshot(member_a) == before


def test_a_stale_proposal_is_refused_with_a_clear_message(
    client_for, leader_a, staff_user, member_a
):
    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"name": "温晓明"}
    )
    person_update(person=member_a, expected_version=member_a.version, phone="13812345678")
    response = client_for(staff_user).post(
        reverse("households:proposal_detail", args=[proposal.pk]),
        {"decision": "approve"},
        follow=True,
    )
    text = response.content.decode()
    assert "温小明 的信息在提议之后已被修改，这个提议不能照原样生效。" in text
    member_a.refresh_from_db()
    assert member_a.name == "温小明"
    proposal.refresh_from_db()
    assert proposal.state == "pending"


def test_leader_cannot_approve_their_own_proposal(client_for, leader_a, member_a):
    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"name": "温晓明"}
    )
    response = client_for(leader_a).post(
        reverse("households:proposal_detail", args=[proposal.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    member_a.refresh_from_db()
    assert member_a.name == "温小明"
    proposal.refresh_from_db()
    assert proposal.state == "pending"


def test_new_member_is_created_only_on_approval(client_for, leader_a, staff_user, household_a):
    id_number = make_id_number("360735", datetime.date(2012, 3, 4), 124)
    response = client_for(leader_a).post(
        reverse("mobile:proposal_member", args=[household_a.pk]),
        {
            "name": "温小花",
            "id_number": id_number,
            "relationship": "40",
            "labour_capacity": "none",
            "phone": "",
        },
    )
    assert response.status_code == 302
    assert not Person.objects.filter(id_number=id_number).exists()
    proposal = MemberChangeProposal.objects.get()
    proposal_approve(proposal=proposal, reviewer=staff_user)
    person = Person.objects.get(id_number=id_number)
    assert (person.household, person.birth_date, person.sex) == (
        household_a,
        datetime.date(2012, 3, 4),
        "F",
    )
    proposal.refresh_from_db()
    assert proposal.result_person == person


def test_leaving_is_applied_on_approval(client_for, leader_a, staff_user, member_a):
    client_for(leader_a).post(
        reverse("mobile:proposal_leave", args=[member_a.pk]),
        {"left_on": "2026-10-01", "reason": "married_out", "note": ""},
    )
    member_a.refresh_from_db()
    assert member_a.is_active
    proposal_approve(proposal=MemberChangeProposal.objects.get(), reviewer=staff_user)
    member_a.refresh_from_db()
    assert (member_a.is_active, member_a.left_reason, member_a.left_on) == (
        False,
        "married_out",
        datetime.date(2026, 10, 1),
    )


def test_invalid_id_number_is_refused_naming_the_field(client_for, leader_a, member_a):
    response = client_for(leader_a).post(
        reverse("mobile:proposal_change", args=[member_a.pk]),
        {"name": member_a.name, "id_number": "36073519900101", "relationship": "20"},
    )
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert not MemberChangeProposal.objects.exists()


def test_nothing_to_propose_is_an_error(client_for, leader_a, member_a):
    response = client_for(leader_a).post(
        reverse("mobile:proposal_change", args=[member_a.pk]),
        {"name": member_a.name, "id_number": "", "relationship": "20"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not MemberChangeProposal.objects.exists()


def test_staff_sees_the_queue_and_the_proposed_facts(client_for, leader_a, staff_user, member_a):
    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"name": "温晓明"}
    )
    queue = client_for(staff_user).get(reverse("households:proposal_list")).content.decode()
    assert proposal.get_absolute_url() in queue
    detail = client_for(staff_user).get(proposal.get_absolute_url()).content.decode()
    assert "温小明" in detail and "温晓明" in detail


def test_the_leader_is_told_the_decision(client_for, leader_a, staff_user, member_a):
    from core.models import Notification
    from households.proposals.services import proposal_reject

    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"name": "温晓明"}
    )
    proposal_reject(proposal=proposal, reviewer=staff_user, reason="户口簿上仍是小明")
    note = Notification.objects.get(user=leader_a)
    assert "户口簿上仍是小明" in note.text
    assert note.url == reverse("mobile:household_detail", args=[member_a.household_id])
    page = client_for(leader_a).get(note.url).content.decode()
    assert "户口簿上仍是小明" in page


def test_every_kind_of_proposal_renders_for_review(
    client_for, leader_a, staff_user, household_a, member_a
):
    from households.proposals.services import proposal_create_leave, proposal_create_member

    id_number = make_id_number("360735", datetime.date(2012, 3, 4), 124)
    added = proposal_create_member(
        household=household_a,
        proposed_by=leader_a,
        fields={
            "name": "温小花",
            "id_number": id_number,
            "relationship": "40",
            "labour_capacity": "none",
        },
    )
    left = proposal_create_leave(
        person=member_a,
        proposed_by=leader_a,
        left_on=datetime.date(2026, 10, 1),
        reason="moved_away",
    )
    client = client_for(staff_user)
    added_page = client.get(added.get_absolute_url() + "?ids=full").content.decode()
    assert "温小花" in added_page and "2012-03-04" in added_page and id_number in added_page
    left_page = client.get(left.get_absolute_url()).content.decode()
    assert "迁走" in left_page and "2026-10-01" in left_page


def test_full_id_numbers_in_a_proposal_are_logged(client_for, leader_a, staff_user, member_a):
    from core.models import AuditLog

    new_id = make_id_number("360735", member_a.birth_date, 300)
    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"id_number": new_id}
    )
    page = client_for(staff_user).get(proposal.get_absolute_url() + "?ids=full").content.decode()
    assert new_id in page
    assert (
        AuditLog.objects.filter(action="view_full_id", target=f"proposal {proposal.pk}").count()
        == 1
    )


def test_approving_an_id_number_another_person_holds_changes_nothing(
    client_for, leader_a, staff_user, household_a, household_b, member_a
):
    taken = household_b.members.get().id_number
    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"id_number": taken, "name": "温晓明"}
    )
    before = _snapshot(member_a)
    response = client_for(staff_user).post(
        proposal.get_absolute_url(), {"decision": "approve"}, follow=True
    )
    assert "已有其他人使用这个身份证号。" in response.content.decode()
    assert _snapshot(member_a) == before
    proposal.refresh_from_db()
    assert proposal.state == "pending"


def test_a_decided_proposal_cannot_be_decided_again(leader_a, staff_user, member_a):
    from django.core.exceptions import ValidationError

    from households.proposals.services import proposal_reject

    proposal = proposal_create_change(
        person=member_a, proposed_by=leader_a, fields={"name": "温晓明"}
    )
    proposal_reject(proposal=proposal, reviewer=staff_user, reason="不对")
    with pytest.raises(ValidationError):
        proposal_approve(proposal=proposal, reviewer=staff_user)
    member_a.refresh_from_db()
    assert member_a.name == "温小明"

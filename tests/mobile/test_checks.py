"""Contact facts and members' status apply at once through households.services, confirm
the household and are kept in the history with the leader as author."""

from django.urls import reverse
from django.utils import timezone

from households.services import household_update


def test_household_phone_change_applies_at_once_with_history(client_for, leader_a, household_a):
    response = client_for(leader_a).post(
        reverse("mobile:household_detail", args=[household_a.pk]),
        {"phone": "139 0000 1111", "notes": "", "version": household_a.version},
    )
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.phone == "13900001111"
    assert household_a.confirmed_at is not None
    assert (timezone.now() - household_a.confirmed_at).total_seconds() < 60
    latest = household_a.history.order_by("-history_date").first()
    assert latest.history_user == leader_a
    assert set(latest.diff_against(latest.prev_record).changed_fields) - {"version"} == {
        "phone",
        "confirmed_at",
    }


def test_confirming_without_changes_sets_confirmed_at_only(client_for, leader_a, household_a):
    client_for(leader_a).post(
        reverse("mobile:household_detail", args=[household_a.pk]),
        {"phone": "", "notes": "", "version": household_a.version},
    )
    household_a.refresh_from_db()
    assert household_a.confirmed_at is not None and household_a.phone == ""


def test_a_stale_contact_edit_is_refused(client_for, leader_a, household_a):
    old_version = household_a.version
    household_update(household=household_a, expected_version=old_version, phone="13700000000")
    response = client_for(leader_a).post(
        reverse("mobile:household_detail", args=[household_a.pk]),
        {"phone": "13900001111", "notes": "", "version": old_version},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    household_a.refresh_from_db()
    assert household_a.phone == "13700000000" and household_a.confirmed_at is None


def test_invalid_phone_names_the_field(client_for, leader_a, household_a):
    response = client_for(leader_a).post(
        reverse("mobile:household_detail", args=[household_a.pk]),
        {"phone": "12345", "notes": "", "version": household_a.version},
    )
    assert "phone" in response.context["form"].errors
    household_a.refresh_from_db()
    assert household_a.phone == ""


def test_member_status_applies_at_once_and_confirms_the_household(
    client_for, leader_a, household_a
):
    head = household_a.members.get()
    response = client_for(leader_a).post(
        reverse("mobile:person_status", args=[head.pk]),
        {
            "phone": "13811112222",
            "school_status": "none",
            "health": "chronic",
            "labour_capacity": "weak",
            "training_willingness": "yes",
            "months_worked": 3,
            "version": head.version,
        },
    )
    assert response.status_code == 302
    head.refresh_from_db()
    assert (head.phone, head.health, head.labour_capacity, head.training_willingness) == (
        "13811112222",
        "chronic",
        "weak",
        "yes",
    )
    latest = head.history.order_by("-history_date").first()
    assert latest.history_user == leader_a
    household_a.refresh_from_db()
    assert household_a.confirmed_at is not None


def test_status_form_cannot_change_identity_facts(client_for, leader_a, household_a):
    head = household_a.members.get()
    name = head.name
    client_for(leader_a).post(
        reverse("mobile:person_status", args=[head.pk]),
        {
            "name": "别名",
            "school_status": "none",
            "health": "healthy",
            "labour_capacity": "ordinary",
            "months_worked": 0,
            "version": head.version,
        },
    )
    head.refresh_from_db()
    assert head.name == name


def test_a_leader_without_the_check_permission_is_refused(client_for, leader_a, household_a):
    from django.contrib.auth.models import Group

    from community.roles import Role

    Group.objects.get(name=Role.BUILDING_LEADER.value).permissions.filter(
        codename="check_household"
    ).delete()
    response = client_for(leader_a).post(
        reverse("mobile:household_detail", args=[household_a.pk]),
        {"phone": "13900001111", "notes": "", "version": household_a.version},
    )
    assert response.status_code == 403
    household_a.refresh_from_db()
    assert household_a.phone == ""

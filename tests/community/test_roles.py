import pytest
from django.contrib.auth.models import Group

from community.roles import Role, role_permissions, sees_whole_registry, user_roles

pytestmark = pytest.mark.django_db


def test_every_role_group_exists_with_its_permissions():
    staff = Group.objects.get(name=Role.STAFF.value)
    codenames = {f"{p.content_type.app_label}.{p.codename}" for p in staff.permissions.all()}

    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert "households.view_full_id_number" in codenames
    assert codenames <= set(role_permissions()[Role.STAFF])


def test_only_staff_and_administrators_may_see_full_ids_or_edit(
    admin_user, staff_user, leader_a, department_user, supervisor_user, outsider
):
    can = {
        u.username: (
            u.has_perm("households.view_full_id_number"),
            u.has_perm("households.change_household"),
        )
        for u in (admin_user, staff_user, leader_a, department_user, supervisor_user, outsider)
    }

    assert can == {
        "admin": (True, True),
        "staff": (True, True),
        "leader_a": (False, False),
        "renshe": (False, False),
        "fupin": (False, False),
        "outsider": (False, False),
    }


def test_who_reads_the_whole_registry(
    admin_user, staff_user, leader_a, department_user, supervisor_user, outsider
):
    assert [
        sees_whole_registry(u) for u in (admin_user, staff_user, department_user, supervisor_user)
    ] == [True] * 4
    assert not sees_whole_registry(leader_a)
    assert not sees_whole_registry(outsider)
    assert user_roles(outsider) == frozenset()


def test_unit_members_are_the_units_users_who_still_hold_a_unit_role(
    department_user, department, supervisor_user
):
    from django.contrib.auth.models import Group

    from community.roles import Role
    from community.selectors import unit_members

    assert list(unit_members(unit_ids=[department.pk])) == [department_user]
    assert set(unit_members()) == {department_user, supervisor_user}

    # The role taken away, the profile still naming the unit: no longer told of its work.
    department_user.groups.remove(Group.objects.get(name=Role.DEPARTMENT.value))
    assert list(unit_members(unit_ids=[department.pk])) == []

"""Each user's permission set is kept in the cache across requests, and any change to who
holds which permission is seen by the very next request (core.permissions)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse

from community.roles import Role
from core.permissions import GENERATION_KEY
from tests.households.factories import UserFactory

ADD_HOUSEHOLD = "households.add_household"


def _fresh(user):
    """The user as the next request loads it: no permission set read yet."""
    return get_user_model().objects.get(pk=user.pk)


def _permission(name=ADD_HOUSEHOLD):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_the_second_request_reads_no_permissions(staff_user, django_assert_num_queries):
    assert _fresh(staff_user).has_perm(ADD_HOUSEHOLD)  # read and kept
    user = _fresh(staff_user)
    with django_assert_num_queries(0):
        assert user.has_perm(ADD_HOUSEHOLD)
        assert not user.has_perm("auth.change_group")


def test_a_permission_taken_from_the_group_is_gone_at_the_next_request(staff_user):
    assert _fresh(staff_user).has_perm(ADD_HOUSEHOLD)
    Group.objects.get(name=Role.STAFF.value).permissions.remove(_permission())
    assert not _fresh(staff_user).has_perm(ADD_HOUSEHOLD)


def test_a_group_given_a_permission_is_seen_at_the_next_request(staff_user):
    perm = "auth.change_group"
    assert not _fresh(staff_user).has_perm(perm)
    Group.objects.get(name=Role.STAFF.value).permissions.add(_permission(perm))
    assert _fresh(staff_user).has_perm(perm)


def test_a_user_taken_out_of_a_group_or_given_a_permission(staff_user):
    assert _fresh(staff_user).has_perm(ADD_HOUSEHOLD)
    staff_user.groups.clear()
    assert not _fresh(staff_user).has_perm(ADD_HOUSEHOLD)
    staff_user.user_permissions.add(_permission())
    assert _fresh(staff_user).has_perm(ADD_HOUSEHOLD)


def test_a_deleted_group_takes_its_permissions_with_it(staff_user):
    assert _fresh(staff_user).has_perm(ADD_HOUSEHOLD)
    Group.objects.get(name=Role.STAFF.value).delete()
    assert not _fresh(staff_user).has_perm(ADD_HOUSEHOLD)


def test_the_superuser_flag_and_the_active_flag_need_no_signal(db):
    user = UserFactory(username="plain")
    assert not _fresh(user).has_perm(ADD_HOUSEHOLD)
    get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)  # no signal sent
    assert ADD_HOUSEHOLD in _fresh(user).get_all_permissions()
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert not _fresh(user).get_all_permissions()


def test_a_change_in_a_transaction_is_forgotten_again_at_commit(
    staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Group.objects.get(name=Role.STAFF.value).permissions.remove(_permission())
        # Another request, reading before the change commits, keeps what it sees ...
        cache.set(GENERATION_KEY, "read-before-commit")
        stale = _fresh(staff_user)
        stale._perm_cache = {ADD_HOUSEHOLD}
        assert cache.get(GENERATION_KEY) == "read-before-commit"
    # ... and the commit starts a new generation, so that is not used again.
    assert cache.get(GENERATION_KEY) != "read-before-commit"
    assert not _fresh(staff_user).has_perm(ADD_HOUSEHOLD)


def test_an_evicted_generation_does_not_bring_back_old_sets(staff_user):
    cache.delete(GENERATION_KEY)  # a cache that has never seen a generation
    assert _fresh(staff_user).has_perm(ADD_HOUSEHOLD)  # kept under the first one
    Group.objects.get(name=Role.STAFF.value).permissions.remove(_permission())
    cache.delete(GENERATION_KEY)  # the counter evicted, the sets under the first kept
    assert not _fresh(staff_user).has_perm(ADD_HOUSEHOLD)


def test_a_timeout_of_zero_reads_the_database_every_time(
    staff_user, settings, django_assert_num_queries
):
    settings.PERMISSION_CACHE_SECONDS = 0
    assert _fresh(staff_user).has_perm(ADD_HOUSEHOLD)
    user = _fresh(staff_user)
    with django_assert_num_queries(2):  # the user's own and the groups' permissions
        assert user.has_perm(ADD_HOUSEHOLD)


@pytest.mark.parametrize("method", ["admin", "orm"])
def test_staff_whose_role_loses_the_permission_are_refused_at_once(
    method, client_for, staff_user, admin_user, client
):
    url = reverse("households:household_create")
    staff = client_for(staff_user)
    assert staff.get(url).status_code == 200
    group = Group.objects.get(name=Role.STAFF.value)
    remaining = [p.pk for p in group.permissions.exclude(pk=_permission().pk)]
    if method == "admin":
        from django.test import Client

        admin = Client()
        admin.force_login(admin_user)
        response = admin.post(
            reverse("admin:auth_group_change", args=[group.pk]),
            {"name": group.name, "permissions": remaining},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    else:
        group.permissions.set(remaining)
    assert staff.get(url).status_code == 403


def test_roles_are_kept_too_and_follow_a_change_of_groups(staff_user, django_assert_num_queries):
    from community.roles import user_roles

    assert user_roles(_fresh(staff_user)) == {Role.STAFF.value}
    user = _fresh(staff_user)
    with django_assert_num_queries(0):
        assert user_roles(user) == {Role.STAFF.value}
    staff_user.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
    assert user_roles(_fresh(staff_user)) == {Role.STAFF.value, Role.SUPERVISOR.value}
    Group.objects.filter(name=Role.SUPERVISOR.value).update(name="renamed")  # no signal
    get_user_model().objects.filter(pk=staff_user.pk).update(is_superuser=True)
    assert Role.ADMINISTRATOR.value in user_roles(_fresh(staff_user))  # a key of its own

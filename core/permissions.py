"""Each user's permission set and roles, kept in the cache across requests.

Django's ``ModelBackend`` reads a user's permissions with two queries (their own and their
groups') on the first ``has_perm`` of every request, and ``community.roles.user_roles`` their
groups' names with a third; every page asks, so every page paid them. Here each is read once
and kept in the cache (Redis in production) under a key carrying a *generation*: any change
to who holds which permission or group (a user's groups or own permissions, a group's
permissions, a group or permission saved or deleted, a user deleted) starts a new
generation, so nothing read before the change is used after it. The generation is changed
at once and again when the transaction commits, so a request that read the old values while
the change was uncommitted does not keep them. A value is kept at most
``PERMISSION_CACHE_SECONDS`` (default 300), which also bounds a change made behind the ORM's
back (raw SQL), and not at all with that setting at 0. As with Django's own per-object
cache, one user object reads them once (a request's user is loaded afresh each request).
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

GENERATION_KEY = "auth:permissions:generation"


def _timeout() -> int:
    return getattr(settings, "PERMISSION_CACHE_SECONDS", 300)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A generation never seen before: an evicted counter must not bring back sets cached
        # under an earlier one.
        cache.add(GENERATION_KEY, str(time.time_ns()), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def cached_for_user(user, kind: str, compute):
    """``compute()``'s value for ``user`` (a permission set, the roles), kept in the cache
    until the next change to who holds which permission or group (or for
    ``PERMISSION_CACHE_SECONDS``). The superuser flag is in the key: a user made superuser
    (or no longer) needs no signal to be read again."""
    timeout = _timeout()
    if timeout <= 0:
        return compute()
    generation = getattr(user, "_permission_generation", None)
    if generation is None:
        generation = user._permission_generation = _generation()  # once a request
    key = f"auth:{kind}:{user.pk}:{int(user.is_superuser)}:{generation}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


def new_generation() -> None:
    """Forget every cached permission set (now, and again when the transaction commits)."""
    cache.set(GENERATION_KEY, str(time.time_ns()), timeout=None)
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, str(time.time_ns()), timeout=None))


class CachedModelBackend(ModelBackend):
    """``ModelBackend`` whose permission sets come from the cache when they can."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if hasattr(user_obj, "_perm_cache"):
            return user_obj._perm_cache
        computed = None

        def compute():
            nonlocal computed
            computed = super(CachedModelBackend, self).get_all_permissions(user_obj)
            return sorted(computed)

        cached = cached_for_user(user_obj, "permissions", compute)
        if computed is None:
            user_obj._perm_cache = computed = set(cached)
        return computed


def _changed(action=None, **kwargs):
    if action is None or action.startswith("post_"):
        new_generation()


User = get_user_model()
for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(_changed, sender=through, dispatch_uid=f"core.permissions.{through}")
for model in (Group, Permission):
    post_save.connect(_changed, sender=model, dispatch_uid=f"core.permissions.save.{model}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"core.permissions.delete.{model}")


@receiver(post_delete, sender=User, dispatch_uid="core.permissions.user_deleted")
def _user_deleted(**kwargs):
    new_generation()

"""Roles are Django groups. This module names them, says which permissions each holds,
and answers "which roles does this user have" once per request."""

from django.contrib.auth.models import Group, Permission
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from core.permissions import cached_for_user


class Role(TextChoices):
    STAFF = "社区工作人员", _("Community staff")
    BUILDING_LEADER = "楼长", _("Building leader")
    DEPARTMENT = "责任单位用户", _("Department user")
    SUPERVISOR = "督导", _("Supervisor")
    ADMINISTRATOR = "系统管理员", _("Administrator")
    # Members of the owners' committee (业主委员会): read the owners' side (ownersassoc).
    OWNERS_COMMITTEE = "业主委员会委员", _("Owners' committee member")


def role_permissions() -> dict[Role, list[str]]:
    """The permissions ("app_label.codename") each role holds. Every app declares those of
    its own models on its AppConfig, as ``role_permissions`` = {role member name: [...]}, so
    a new model's permissions are written beside the model, not here. Administrators hold
    every permission. Permissions that do not exist (yet) are skipped when the groups are
    synchronised, so an app may name one that a later migration creates."""
    from django.apps import apps

    wanted: dict[Role, list[str]] = {role: [] for role in Role}
    for config in apps.get_app_configs():
        for name, codenames in getattr(config, "role_permissions", {}).items():
            wanted[Role[name]] += [c for c in codenames if c not in wanted[Role[name]]]
    wanted[Role.ADMINISTRATOR] = ["*"]
    return wanted


def ensure_role_groups(sender=None, **kwargs):
    """Create the role groups and give each exactly its permissions (idempotent)."""
    from django.apps import apps

    # post_migrate is sent once per app; permissions of every app exist at the last one.
    if sender is not None and sender.label != list(apps.get_app_configs())[-1].label:
        return
    all_perms = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, wanted in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=role.value)
        if wanted == ["*"]:
            ids = list(all_perms.values())
        else:
            ids = [all_perms[p] for p in wanted if p in all_perms]
        group.permissions.set(ids)


def user_roles(user) -> frozenset[str]:
    """The role codes of ``user``, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_tonglowan_roles", None)
    if cached is None:
        # Kept across requests, as the permission set is: a change to a user's groups, or
        # to a group, is seen by the next request (core.permissions).
        cached = user._tonglowan_roles = cached_for_user(user, "roles", lambda: _roles(user))
    return cached


def _roles(user) -> frozenset[str]:
    names = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        names.add(Role.ADMINISTRATOR.value)
    return frozenset(names & set(Role.values))


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def sees_whole_registry(user) -> bool:
    """Staff, supervisors, department users and administrators read the whole registry;
    a building leader reads only their buildings (``buildings.selectors``)."""
    return has_role(user, Role.STAFF, Role.SUPERVISOR, Role.DEPARTMENT, Role.ADMINISTRATOR)

"""Roles are Django groups. This module names them, says which permissions each holds,
and answers "which roles does this user have" once per request."""

from django.contrib.auth.models import Group, Permission
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    STAFF = "社区工作人员", _("Community staff")
    BUILDING_LEADER = "楼长", _("Building leader")
    DEPARTMENT = "责任单位用户", _("Department user")
    SUPERVISOR = "督导", _("Supervisor")
    ADMINISTRATOR = "系统管理员", _("Administrator")


_VIEW_REGISTRY = [
    "buildings.view_building",
    "buildings.view_dwelling",
    "buildings.view_buildingleaderterm",
    "households.view_household",
    "households.view_person",
    "community.view_department",
]

# "app_label.codename" per role. Permissions that do not exist (yet) are skipped, so each
# app may add its own here and a later migrate picks them up.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.STAFF: _VIEW_REGISTRY
    + [
        "buildings.add_building",
        "buildings.change_building",
        "buildings.add_dwelling",
        "buildings.change_dwelling",
        "buildings.add_buildingleaderterm",
        "buildings.change_buildingleaderterm",
        "households.add_household",
        "households.change_household",
        "households.add_person",
        "households.change_person",
        "households.view_full_id_number",
        # The review queue of the leaders' proposals and the leaders' field logs.
        "households.view_memberchangeproposal",
        "households.review_memberchangeproposal",
        "households.view_visit",
        "households.view_publicityrecord",
        "buildings.view_hygienecheck",
    ],
    Role.BUILDING_LEADER: [
        "buildings.view_building",
        "households.view_household",
        "households.view_person",
        # The phone pages (/m/): contact facts apply at once, identity facts are proposed.
        "households.check_household",
        "households.add_memberchangeproposal",
        "households.view_memberchangeproposal",
        "households.add_visit",
        "households.view_visit",
        "households.add_publicityrecord",
        "households.view_publicityrecord",
        "buildings.add_hygienecheck",
        "buildings.view_hygienecheck",
        "buildings.change_hygienecheck",
    ],
    Role.DEPARTMENT: list(_VIEW_REGISTRY),
    Role.SUPERVISOR: _VIEW_REGISTRY + ["buildings.view_hygienecheck"],
    Role.ADMINISTRATOR: ["*"],
}

# Residents' requests (services.request_*): who files, answers and watches them.
_REQUEST_VIEW = [
    "services.view_residentrequest",
    "services.view_requestevent",
    "services.view_requestphoto",
]
ROLE_PERMISSIONS[Role.STAFF] += _REQUEST_VIEW + [
    "services.add_residentrequest",
    "services.change_residentrequest",
    "services.add_requestphoto",
]
ROLE_PERMISSIONS[Role.BUILDING_LEADER] += _REQUEST_VIEW + [
    "services.add_residentrequest",
    "services.add_requestphoto",
]
ROLE_PERMISSIONS[Role.DEPARTMENT] += _REQUEST_VIEW + ["services.change_residentrequest"]
ROLE_PERMISSIONS[Role.SUPERVISOR] += _REQUEST_VIEW


# Obligation records (services/record_*.py): units record the kinds they own (the
# services check which), staff record for any unit, supervisors and leaders read.
_RECORD_MODELS = [
    "hukoumigration",
    "residencepermit",
    "medicalinsurance",
    "familyplanningrecord",
    "schoolenrolment",
    "training",
    "employment",
    "pensionenrolment",
    "allowance",
    "landholding",
    "landrightevent",
]
_VIEW_RECORDS = [f"services.view_{m}" for m in _RECORD_MODELS]
_WRITE_RECORDS = [f"services.{a}_{m}" for m in _RECORD_MODELS for a in ("add", "change")]
ROLE_PERMISSIONS[Role.STAFF] += _VIEW_RECORDS + _WRITE_RECORDS
ROLE_PERMISSIONS[Role.DEPARTMENT] += _VIEW_RECORDS + _WRITE_RECORDS
ROLE_PERMISSIONS[Role.SUPERVISOR] += _VIEW_RECORDS
ROLE_PERMISSIONS[Role.BUILDING_LEADER] += _VIEW_RECORDS


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
    for role, wanted in ROLE_PERMISSIONS.items():
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
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMINISTRATOR.value)
        cached = frozenset(names & set(Role.values))
        user._tonglowan_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def sees_whole_registry(user) -> bool:
    """Staff, supervisors, department users and administrators read the whole registry;
    a building leader reads only their buildings (``buildings.selectors``)."""
    return has_role(user, Role.STAFF, Role.SUPERVISOR, Role.DEPARTMENT, Role.ADMINISTRATOR)


# services: obligation work tasks and accountability. Staff and supervisors create tasks
# for any unit; a department user updates its own unit's tasks; supervisors hold units to
# account.
ROLE_PERMISSIONS[Role.STAFF] += [
    "services.view_worktask",
    "services.add_worktask",
    "services.change_worktask",
    "services.view_accountability",
]
ROLE_PERMISSIONS[Role.DEPARTMENT] += ["services.view_worktask", "services.change_worktask"]
ROLE_PERMISSIONS[Role.SUPERVISOR] += [
    "services.view_worktask",
    "services.add_worktask",
    "services.change_worktask",
    "services.view_accountability",
    "services.add_accountability",
    "services.change_accountability",
]

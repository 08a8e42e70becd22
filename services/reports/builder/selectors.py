"""Who may use the table builder, which fields each user's catalogue holds, and the saved
templates a user sees.

- The builder is for the users who run reports: community staff, supervisors,
  administrators and department users (a building leader or a user without a role gets a
  404, as on /reports/).
- A user's catalogue holds only what the user may read: the registry (every builder user
  reads it); the record kinds of ``services.records.selectors.readable_kinds`` (limited to
  the unit's sub-kinds: the women's federation reads women's assistance only); the rules of
  ``rules_for_user``; monitoring for those who see every case; full ID numbers and
  disability certificates only with ``services.export_full_id_number`` (the masked field is
  there for everyone).
- Templates: a user sees their own, and the shared templates of their unit (community
  staff share among themselves: templates made by users without a unit); administrators
  see every shared template.
"""

from django.http import Http404

from community.roles import Role, has_role
from community.selectors import department_of_user
from services.monitoring.access import sees_every_case
from services.obligations.selectors import rules_for_user
from services.records.selectors import readable_kinds, reads_all_records, recording_unit_of
from services.reports.builder.catalogue import MONITORING, all_fields
from services.reports.builder.models import TableTemplate
from services.reports.selectors import exports_full_ids, runs_every_report


def uses_builder(user) -> bool:
    if not user.is_authenticated:
        return False
    if runs_every_report(user):
        return True
    return has_role(user, Role.DEPARTMENT) and department_of_user(user) is not None


def builder_user_or_404(user) -> None:
    if not uses_builder(user):
        raise Http404


def record_subkinds(user) -> dict:
    """{record kind: allowed values of its ``kind`` field} for a unit limited to some."""
    if reads_all_records(user):
        return {}
    unit = recording_unit_of(user)
    if unit is None:
        return {}
    return {
        kind.key: tuple(kind.unit_subkinds[unit.code])
        for kind in readable_kinds(user)
        if unit.code in kind.unit_subkinds
    }


def readable_subkinds(wanted: tuple, allowed: tuple | None) -> bool:
    """Whether a source limited to the record kinds ``wanted`` (all when empty) has any
    the user's unit reads (``allowed``: its sub-kinds, None when not limited)."""
    return not wanted or allowed is None or bool(set(wanted) & set(allowed))


def fields_for_user(user) -> dict:
    """{key: Field} the user may pick, in the catalogue's order. Empty for a user who may
    not use the builder."""
    if not uses_builder(user):
        return {}
    kinds = {kind.key for kind in readable_kinds(user)}
    rules = {rule.code for rule in rules_for_user(user)}
    monitoring = sees_every_case(user)
    full_ids = exports_full_ids(user)
    subkinds = record_subkinds(user)
    out = {}
    for field in all_fields():
        if field.full_id and not full_ids:
            continue
        if field.record_kind and field.record_kind not in kinds:
            continue
        if not readable_subkinds(field.record_subkinds, subkinds.get(field.record_kind)):
            continue  # e.g. the 低保 columns for a unit that reads women's assistance only
        if field.rule and field.rule not in rules:
            continue
        if MONITORING in field.units and not monitoring:
            continue
        out[field.key] = field
    return out


def templates_for_user(user):
    if not uses_builder(user):
        return TableTemplate.objects.none()
    unit = department_of_user(user)
    shared = TableTemplate.objects.filter(shared=True)
    if not has_role(user, Role.ADMINISTRATOR):
        shared = shared.filter(unit=unit) if unit is not None else shared.filter(unit=None)
    mine = TableTemplate.objects.filter(owner=user)
    return (mine | shared).distinct().select_related("owner", "unit").order_by("name", "pk")


def template_get_for_user(*, user, pk) -> TableTemplate:
    template = templates_for_user(user).filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


def template_editable_by(user, template: TableTemplate) -> bool:
    return template.owner_id == user.pk

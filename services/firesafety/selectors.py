"""Reads of fire-safety inspections, scoped: staff, supervisors and administrators (and a
supervising unit) see all; a department user those its unit made; others none (404)."""

import datetime

from django.db.models import BooleanField, Case, Value, When
from django.http import Http404

from community.roles import Role, has_role
from community.selectors import department_of_user, sees_every_unit
from services.firesafety.models import FireInspection, overdue_rectification_q

# The units that inspect (measure 5.1 of the plan).
INSPECTING_UNITS = ("fire-brigade", "qinjiang-police")


def sees_inspections(user) -> bool:
    return sees_every_unit(user) or has_role(user, Role.DEPARTMENT)


def inspections_for_user(user, *, today: datetime.date):
    if not sees_inspections(user):
        raise Http404
    qs = FireInspection.objects.select_related("building", "unit").annotate(
        overdue=Case(
            When(overdue_rectification_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if sees_every_unit(user):
        return qs
    dept = department_of_user(user)
    return qs.filter(unit=dept) if dept is not None else qs.none()


def inspection_get_for_user(*, user, pk: int, today: datetime.date) -> FireInspection:
    try:
        return inspections_for_user(user, today=today).get(pk=pk)
    except FireInspection.DoesNotExist:
        raise Http404 from None


def can_record_for(*, user, unit) -> bool:
    """Staff and administrators record for either inspecting unit; a department user for
    its own unit."""
    if unit is None or unit.code not in INSPECTING_UNITS:
        return False
    if has_role(user, Role.STAFF, Role.ADMINISTRATOR):
        return True
    dept = department_of_user(user) if has_role(user, Role.DEPARTMENT) else None
    return dept is not None and dept.pk == unit.pk

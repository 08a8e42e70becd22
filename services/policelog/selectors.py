"""Reads of the police duty log, scoped: staff, supervisors and administrators (and a
supervising unit) see every incident; a department user those its unit recorded or that
were handed to it; nobody else (404)."""

from django.db.models import Count, Q
from django.http import Http404

from community.roles import Role, has_role
from community.selectors import department_of_user, sees_every_unit
from services.policelog.models import PoliceIncident

# The units that keep the duty room's log.
RECORDING_UNITS = ("qinjiang-police", "public-security", "fire-brigade")


def sees_incidents(user) -> bool:
    return sees_every_unit(user) or has_role(user, Role.DEPARTMENT)


def incidents_for_user(user):
    if not sees_incidents(user):
        raise Http404
    qs = PoliceIncident.objects.select_related("building", "unit", "handed_to", "request").annotate(
        household_count=Count("households")
    )
    if sees_every_unit(user):
        return qs
    dept = department_of_user(user)
    if dept is None:
        return qs.none()
    return qs.filter(Q(unit=dept) | Q(handed_to=dept))


def incident_get_for_user(*, user, pk: int) -> PoliceIncident:
    try:
        return (
            incidents_for_user(user).prefetch_related("households__dwelling__building").get(pk=pk)
        )
    except PoliceIncident.DoesNotExist:
        raise Http404 from None


def recording_units_for(user):
    """Unit codes the user may record incidents for (empty: none)."""
    if has_role(user, Role.STAFF, Role.ADMINISTRATOR):
        return RECORDING_UNITS
    dept = department_of_user(user) if has_role(user, Role.DEPARTMENT) else None
    return (dept.code,) if dept is not None and dept.code in RECORDING_UNITS else ()

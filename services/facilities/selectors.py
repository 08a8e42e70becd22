"""Reads of the public facilities, scoped: staff, supervisors and administrators see every
facility, a department user those its unit owns (every one if the unit supervises), a
building leader none on the desk pages (they pick one to report on their phone)."""

from django.db.models import Prefetch
from django.http import Http404

from community.roles import Role, has_role
from community.selectors import department_of_user, sees_every_unit
from services.facilities.models import ClinicStaff, Facility, FacilityState, FacilityUpkeep


def sees_facilities(user) -> bool:
    return sees_every_unit(user) or has_role(user, Role.DEPARTMENT)


def manages_facilities(user) -> bool:
    return has_role(user, Role.STAFF, Role.ADMINISTRATOR)


def facilities_for_user(user):
    qs = Facility.objects.select_related("owner_unit")
    if sees_every_unit(user):
        return qs
    if has_role(user, Role.DEPARTMENT):
        dept = department_of_user(user)
        if dept is not None:
            return qs.filter(owner_unit=dept)
    return qs.none()


def facility_get_for_user(*, user, pk: int) -> Facility:
    upkeep = FacilityUpkeep.objects.select_related("by__profile", "request").order_by("-at", "-pk")
    try:
        return (
            facilities_for_user(user)
            .prefetch_related(
                Prefetch("upkeep", queryset=upkeep, to_attr="upkeep_list"),
                Prefetch("staff", queryset=ClinicStaff.objects.all(), to_attr="staff_list"),
            )
            .get(pk=pk)
        )
    except Facility.DoesNotExist:
        raise Http404 from None


def can_keep_facility(*, user, facility: Facility) -> bool:
    """Staff and administrators keep every facility; a department user its unit's."""
    if has_role(user, Role.STAFF, Role.ADMINISTRATOR):
        return True
    if has_role(user, Role.DEPARTMENT):
        dept = department_of_user(user)
        return dept is not None and dept.pk == facility.owner_unit_id
    return False


def facilities_to_report(user):
    """Facilities a user who files residents' requests may report a problem with."""
    if not user.has_perm("services.add_residentrequest"):
        return Facility.objects.none()
    return Facility.objects.exclude(state=FacilityState.CLOSED).order_by("kind", "name", "pk")


def facility_to_report_get(*, user, pk: int) -> Facility:
    try:
        return facilities_to_report(user).select_related("owner_unit").get(pk=pk)
    except Facility.DoesNotExist:
        raise Http404 from None

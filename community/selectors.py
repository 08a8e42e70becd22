from .models import Department
from .roles import Role, has_role


def department_of_user(user) -> Department | None:
    """The unit a department user belongs to, or None."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_tonglowan_department", False)
    if cached is not False:
        return cached
    dept = (
        Department.objects.filter(profiles__user=user).first()
        if has_role(user, Role.DEPARTMENT, Role.SUPERVISOR)
        else None
    )
    user._tonglowan_department = dept
    return dept


def departments_for_user(user):
    """Units whose work the user may see: all for staff, supervisors and administrators,
    their own for a department user, none otherwise."""
    if has_role(user, Role.STAFF, Role.SUPERVISOR, Role.ADMINISTRATOR):
        return Department.objects.filter(is_active=True)
    dept = department_of_user(user)
    if dept is None:
        return Department.objects.none()
    if dept.supervises:
        return Department.objects.filter(is_active=True)
    return Department.objects.filter(pk=dept.pk)


def unit_members(*, unit_ids=None):
    """Active users who act for a unit: a department user or supervisor whose profile names
    the unit (``unit_ids`` limits the units). A user whose role was taken away is not one,
    even if the profile still names the unit. Notifications to a unit go to these users."""
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.filter(
        is_active=True,
        profile__department__isnull=False,
        groups__name__in=[Role.DEPARTMENT.value, Role.SUPERVISOR.value],
    )
    if unit_ids is not None:
        qs = qs.filter(profile__department_id__in=unit_ids)
    return qs.distinct()


def sees_every_unit(user) -> bool:
    """Staff, supervisors and administrators, and a department user whose unit supervises
    the others (the town government, the poverty-alleviation office)."""
    if has_role(user, Role.STAFF, Role.SUPERVISOR, Role.ADMINISTRATOR):
        return True
    dept = department_of_user(user)
    return dept is not None and dept.supervises

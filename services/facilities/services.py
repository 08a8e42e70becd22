"""Writes of the public facilities: the upkeep log (which moves the state) and a problem
report, which marks the facility out of order and files a resident's request routed to
its owner unit (``services.requests.services.request_file``)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.roles import Role, has_role
from services.facilities.models import (
    ClinicStaff,
    Facility,
    FacilityKind,
    FacilityState,
    FacilityUpkeep,
    UpkeepKind,
)
from services.facilities.selectors import can_keep_facility
from services.requests.models import Category, ResidentRequest, Urgency
from services.requests.services import request_file

# The state an upkeep entry leaves the facility in (None: unchanged).
UPKEEP_STATE = {
    UpkeepKind.FAULT: FacilityState.OUT_OF_ORDER,
    UpkeepKind.REPAIRED: FacilityState.IN_SERVICE,
    UpkeepKind.CLOSED: FacilityState.CLOSED,
    UpkeepKind.INSPECTION: None,
    UpkeepKind.MAINTENANCE: None,
}


def _set_state(facility: Facility, state: str | None, at) -> None:
    if state is not None and facility.state != state:
        facility.state, facility.state_since = state, at
        facility.save(update_fields=["state", "state_since"])


def facility_create(*, user, **fields) -> Facility:
    """A new facility (staff and administrators)."""
    if not has_role(user, Role.STAFF, Role.ADMINISTRATOR):
        raise PermissionDenied
    facility = Facility(**fields)
    facility.full_clean()
    facility.save()
    return facility


def clinic_staff_add(*, facility: Facility, user, **fields) -> ClinicStaff:
    """A member of the clinic's staff register, by a user who keeps the clinic."""
    if not can_keep_facility(user=user, facility=facility):
        raise PermissionDenied
    if facility.kind != FacilityKind.CLINIC:
        raise ValidationError(_("Only the clinic has a staff register."))
    member = ClinicStaff(facility=facility, **fields)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def facility_upkeep_log(*, facility: Facility, user, kind: str, note: str) -> FacilityUpkeep:
    """An entry in the upkeep log by a user who keeps the facility."""
    if not can_keep_facility(user=user, facility=facility):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done or found.")})
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    at = timezone.now()
    entry = FacilityUpkeep(facility=facility, kind=kind, note=note, by=user, at=at)
    entry.full_clean()
    entry.save()
    _set_state(facility, UPKEEP_STATE[UpkeepKind(kind)], at)
    return entry


@transaction.atomic
def facility_report_problem(
    *, facility: Facility, user, description: str, urgency: str = Urgency.NORMAL
) -> ResidentRequest:
    """A facility is out of order: the request goes to its owner unit, the facility is
    marked out of order (since now, unless it already was) and the log says who reported."""
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the problem.")})
    facility = Facility.objects.select_for_update().select_related("owner_unit").get(pk=facility.pk)
    if facility.state == FacilityState.CLOSED:
        raise ValidationError({"facility": _("This facility is closed.")})
    req = request_file(
        user=user,
        category=Category.FACILITY,
        description=description,
        urgency=urgency,
        facility=facility,
    )
    FacilityUpkeep.objects.create(
        facility=facility,
        kind=UpkeepKind.FAULT,
        note=description,
        by=user,
        at=req.filed_at,
        request=req,
    )
    _set_state(facility, FacilityState.OUT_OF_ORDER, req.filed_at)
    return req

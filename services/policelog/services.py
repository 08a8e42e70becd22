"""Writes of the police duty log: record an incident; turn a dispute into a resident's
request (through ``services.requests.services.request_file``, the one path for filing)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.policelog.models import IncidentKind, PoliceIncident
from services.policelog.selectors import recording_units_for
from services.requests.models import Category, ResidentRequest, Urgency
from services.requests.services import request_file


@transaction.atomic
def incident_record(
    *,
    user,
    unit,
    kind: str,
    occurred_at: datetime.datetime,
    place: str,
    description: str,
    building=None,
    households=(),
    action_taken: str = "",
    handed_to=None,
) -> PoliceIncident:
    if unit is None or unit.code not in recording_units_for(user):
        raise PermissionDenied
    if occurred_at > timezone.now():
        raise ValidationError({"occurred_at": _("The incident cannot be in the future.")})
    households = list(households)
    if building is not None:
        wrong = [
            h.number
            for h in households
            if h.dwelling_id is None or h.dwelling.building_id != building.pk
        ]
        if wrong:
            raise ValidationError(
                {
                    "households": _("Households %(numbers)s do not live in %(building)s.")
                    % {"numbers": "、".join(wrong), "building": building.name}
                }
            )
    incident = PoliceIncident(
        kind=kind,
        occurred_at=occurred_at,
        place=(place or "").strip(),
        building=building,
        description=(description or "").strip(),
        action_taken=(action_taken or "").strip(),
        unit=unit,
        handed_to=handed_to,
        recorded_by=user,
    )
    incident.full_clean()
    incident.save()
    incident.households.set(households)
    return incident


@transaction.atomic
def incident_to_request(
    *, incident: PoliceIncident, user, urgency: str = Urgency.NORMAL
) -> ResidentRequest:
    """A dispute becomes a resident's request about its first household involved (or its
    building); the request is filed by ``user`` (who must be able to file requests)."""
    incident = PoliceIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.kind != IncidentKind.DISPUTE:
        raise ValidationError(_("Only a dispute becomes a resident's request."))
    if incident.request_id is not None:
        raise ValidationError(
            _("This dispute is already request #%(pk)s.") % {"pk": incident.request_id}
        )
    household = incident.households.select_related("dwelling__building").order_by("pk").first()
    if household is None and incident.building_id is None:
        raise ValidationError(
            _("Name the building or a household involved before making it a request.")
        )
    req = request_file(
        user=user,
        category=Category.PUBLIC_ORDER,
        description=_("Dispute logged by the police duty room on %(at)s: %(text)s")
        % {
            "at": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d %H:%M"),
            "text": incident.description,
        },
        urgency=urgency,
        household=household,
        building=None if household is not None else incident.building,
    )
    incident.request = req
    incident.save(update_fields=["request"])
    return req

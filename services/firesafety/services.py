"""Writes of fire-safety inspections: record one, complete its rectification with
evidence. Both check that the user records for the inspecting unit."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.firesafety.models import FireInspection, InspectionResult
from services.firesafety.selectors import can_record_for


@transaction.atomic
def fire_inspection_record(
    *,
    user,
    unit,
    inspected_on: datetime.date,
    findings: str,
    result: str,
    building=None,
    premises: str = "",
    rectification_deadline: datetime.date | None = None,
) -> FireInspection:
    """A rectification without a deadline gets ``FIRE_RECTIFICATION_DEFAULT_DAYS``."""
    if not can_record_for(user=user, unit=unit):
        raise PermissionDenied
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": _("The inspection date is in the future.")})
    if result == InspectionResult.RECTIFY and rectification_deadline is None:
        rectification_deadline = inspected_on + datetime.timedelta(
            days=settings.FIRE_RECTIFICATION_DEFAULT_DAYS
        )
    if result == InspectionResult.PASSED:
        rectification_deadline = None
    if rectification_deadline is not None and rectification_deadline < inspected_on:
        raise ValidationError(
            {"rectification_deadline": _("The deadline cannot precede the inspection.")}
        )
    inspection = FireInspection(
        building=building,
        premises=(premises or "").strip(),
        unit=unit,
        inspected_on=inspected_on,
        inspected_by=user,
        findings=(findings or "").strip(),
        result=result,
        rectification_deadline=rectification_deadline,
    )
    inspection.full_clean()
    inspection.save()
    return inspection


@transaction.atomic
def fire_rectification_complete(
    *, inspection: FireInspection, user, rectified_on: datetime.date, note: str, evidence=None
) -> FireInspection:
    """The rectification is done: a note and evidence (a photo or a document) are required."""
    inspection = (
        FireInspection.objects.select_for_update().select_related("unit").get(pk=inspection.pk)
    )
    if not can_record_for(user=user, unit=inspection.unit):
        raise PermissionDenied
    if not inspection.needs_rectification:
        raise ValidationError(_("This inspection has no open rectification."))
    errors = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Say what was rectified.")
    if not evidence:
        errors["evidence"] = _("Attach the evidence of the rectification.")
    if rectified_on > timezone.localdate():
        errors["rectified_on"] = _("The rectification date is in the future.")
    elif rectified_on < inspection.inspected_on:
        errors["rectified_on"] = _("The rectification cannot precede the inspection.")
    if errors:
        raise ValidationError(errors)
    inspection.rectified_on = rectified_on
    inspection.rectification_note = note
    inspection.evidence.save(evidence.name, evidence, save=False)
    inspection.save(update_fields=["rectified_on", "rectification_note", "evidence"])
    return inspection

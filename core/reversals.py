"""Reversing a wrong money record (a rent payment, an owners' fee payment): the record stays,
with who reversed it, when and why, and counts no longer; the reversal is in the audit log.
The models carry ``reversed_at``, ``reversed_by`` and ``reversal_reason`` (a check
constraint ties the reason to the date)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_log


@transaction.atomic
def record_reverse(*, model, pk: int, reason: str, user, request=None, describe):
    """Reverse the ``model`` row ``pk`` once, under a row lock. ``describe(row)`` returns
    the audit entry's ``(target, detail)``; the reason is added to the detail. A second
    reversal, or one without a reason, is refused with a message on ``reason``."""
    row = model.objects.select_for_update().get(pk=pk)
    reason = (reason or "").strip()
    if row.reversed_at is not None:
        raise ValidationError(
            {
                "reason": _("This payment was already reversed on %(day)s.")
                % {"day": timezone.localtime(row.reversed_at).date()}
            }
        )
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    row.reversed_at = timezone.now()
    row.reversed_by = user
    row.reversal_reason = reason
    row.full_clean()
    row.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    target, detail = describe(row)
    audit_log(
        request=request,
        user=user,
        action="reverse_payment",
        target=target,
        detail={**detail, "reason": reason},
    )
    return row

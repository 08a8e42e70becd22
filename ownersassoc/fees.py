"""Owners' self-paid property fees: monthly bills by counting area and fee standard,
payments, arrears and reminders. Civil Code Art. 944: a property company may remind, then
sue or arbitrate; it may not cut water, power, heat or gas. No such action exists here."""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, F, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.models import counting_area_expression
from core.reversals import record_reverse

from .models import FeeBill, FeePayment, FeeReminder, ServiceContract
from .selectors import can_read, cents, current_ownerships


@transaction.atomic
def fee_bills_issue(*, contract: ServiceContract, year: int, month: int) -> int:
    """A bill for every owned dwelling for ``year``-``month`` (once: a second run adds only
    the bills still missing). Refused while the county buys the service."""
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("The month is 1 to 12.")})
    first = datetime.date(year, month, 1)
    if contract.market_terms_from is None or first < contract.market_terms_from:
        raise ValidationError(
            {"month": _("In this month the county buys the property service: owners pay no fee.")}
        )
    if not contract.started_on <= first <= contract.ended_on:
        raise ValidationError({"month": _("The contract does not run in this month.")})
    due_on = datetime.date(year, month, calendar.monthrange(year, month)[1])
    rows = [
        FeeBill(
            contract=contract,
            dwelling_id=o["dwelling_id"],
            owner_id=o["owner_id"],
            year=year,
            month=month,
            area=o["area"],
            rate=contract.fee_per_m2_month,
            amount=(o["area"] * contract.fee_per_m2_month).quantize(Decimal("0.01"), ROUND_HALF_UP),
            due_on=due_on,
        )
        for o in current_ownerships()
        .annotate(area=counting_area_expression("dwelling__"))
        .values("dwelling_id", "owner_id", "area")
    ]
    before = FeeBill.objects.filter(year=year, month=month).count()
    FeeBill.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return FeeBill.objects.filter(year=year, month=month).count() - before


def fee_payment_record(
    *, bill: FeeBill, paid_on: datetime.date, amount: Decimal, user
) -> FeePayment:
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    payment = FeePayment(bill=bill, paid_on=paid_on, amount=amount, recorded_by=user)
    payment.full_clean()
    payment.save()
    return payment


@transaction.atomic
def fee_payment_reverse(*, payment: FeePayment, reason: str, user, request=None) -> FeePayment:
    """Reverse a wrong fee payment: it stays on record with who reversed it, when and why,
    and counts no longer (the bill's paid sum, the arrears, the community fund). Logged in
    the audit log. A payment is reversed once; the right payment is then recorded anew."""
    return record_reverse(
        model=FeePayment,
        pk=payment.pk,
        reason=reason,
        user=user,
        request=request,
        describe=lambda p: (
            f"fee payment {p.pk}",
            {
                "dwelling": str(p.bill.dwelling),
                "month": f"{p.bill.year}-{p.bill.month:02d}",
                "paid_on": p.paid_on.isoformat(),
                "amount": str(p.amount),
            },
        ),
    )


def fee_reminder_record(
    *, bill: FeeBill, sent_on: datetime.date, method: str, note: str = "", user
) -> FeeReminder:
    reminder = FeeReminder(
        bill=bill, sent_on=sent_on, method=method, note=note.strip(), recorded_by=user
    )
    reminder.full_clean()
    reminder.save()
    return reminder


def fee_arrears(*, user, today: datetime.date | None = None):
    """Bills not fully paid and past due, with paid, owed, reminders and the last reminder,
    the longest overdue first: one query (correlated sums, no join fan-out)."""
    if not can_read(user):
        return FeeBill.objects.none()
    today = today or timezone.localdate()
    money = DecimalField(max_digits=12, decimal_places=2)
    paid = (
        FeePayment.objects.filter(bill=OuterRef("pk"), reversed_at__isnull=True)
        .order_by()
        .values("bill")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    reminders = FeeReminder.objects.filter(bill=OuterRef("pk")).order_by().values("bill")
    return (
        FeeBill.objects.filter(due_on__lt=today)
        .select_related("dwelling__building", "owner")
        .annotate(
            paid=Coalesce(
                Subquery(paid, output_field=money), Value(Decimal("0")), output_field=money
            ),
            reminder_count=Coalesce(Subquery(reminders.annotate(n=Count("pk")).values("n")), 0),
            last_reminder=Subquery(reminders.annotate(d=Max("sent_on")).values("d")),
        )
        .filter(paid__lt=F("amount"))
        .order_by("due_on", "dwelling__building__code", "dwelling__room")
    )


def owed(bill) -> Decimal:
    return cents(bill.amount - bill.paid)

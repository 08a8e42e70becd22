"""Premises, leases, rent received, and what is due and in arrears."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.roles import Role, has_role
from core.reversals import record_reverse

from .models import Lease, Premises, RentPayment


def premises_create(
    *, code: str, kind: str, area: Decimal, building=None, asset_owner: str = ""
) -> Premises:
    premises = Premises(code=code.strip(), kind=kind, area=area, building=building)
    if asset_owner.strip():
        premises.asset_owner = asset_owner.strip()
    premises.full_clean()
    premises.save()
    return premises


@transaction.atomic
def lease_create(
    *,
    premises: Premises,
    tenant: str,
    started_on: datetime.date,
    ended_on: datetime.date,
    monthly_rent: Decimal,
    deposit: Decimal = Decimal("0"),
    tenant_phone: str = "",
) -> Lease:
    """A lease that overlaps no other lease of the premises.

    Why not a database constraint alone: PostgreSQL would hold it as an exclusion constraint
    over a date range, which needs the btree_gist extension (a superuser installs it) and
    does not exist on SQLite, the embedded default. Instead the overlap check runs while
    the premises row is locked (``select_for_update``): two leases of one premises are
    created one after the other on PostgreSQL, and SQLite serialises writes anyway; the
    unique (premises, started_on) index is the guard that holds on both without the lock.
    """
    premises = Premises.objects.select_for_update().get(pk=premises.pk)
    lease = Lease(
        premises=premises,
        tenant=tenant.strip(),
        tenant_phone=tenant_phone.strip(),
        started_on=started_on,
        ended_on=ended_on,
        monthly_rent=monthly_rent,
        deposit=deposit,
    )
    if ended_on < started_on:
        raise ValidationError({"ended_on": _("A lease cannot end before it starts.")})
    overlapping = (
        Lease.objects.filter(premises=premises, started_on__lte=ended_on, ended_on__gte=started_on)
        .order_by("started_on")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "started_on": _(
                    "%(premises)s is let to %(tenant)s from %(start)s to %(end)s: leases of one "
                    "premises may not overlap."
                )
                % {
                    "premises": premises,
                    "tenant": overlapping.tenant,
                    "start": overlapping.started_on,
                    "end": overlapping.ended_on,
                }
            }
        )
    lease.full_clean()
    lease.save()
    return lease


def rent_payment_record(
    *, lease: Lease, paid_on: datetime.date, amount: Decimal, note: str = ""
) -> RentPayment:
    payment = RentPayment(lease=lease, paid_on=paid_on, amount=amount, note=note.strip())
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    payment.full_clean()
    payment.save()
    return payment


@transaction.atomic
def rent_payment_reverse(*, payment: RentPayment, reason: str, user, request=None) -> RentPayment:
    """Reverse a wrong rent payment: it stays on record with who reversed it, when and why,
    and counts no longer (rent received, arrears, the community fund). Logged in the audit
    log. A payment is reversed once; the right payment is then recorded anew."""
    return record_reverse(
        model=RentPayment,
        pk=payment.pk,
        reason=reason,
        user=user,
        request=request,
        describe=lambda p: (
            f"rent payment {p.pk}",
            {
                "premises": p.lease.premises.code,
                "tenant": p.lease.tenant,
                "paid_on": p.paid_on.isoformat(),
                "amount": str(p.amount),
            },
        ),
    )


def rent_payment_get_for_manager(*, user, pk: int) -> RentPayment:
    """A rent payment for the staff who may reverse it; a 404 for anyone else."""
    if not may_manage_premises(user):
        raise Http404
    try:
        return RentPayment.objects.select_related("lease__premises", "reversed_by").get(pk=pk)
    except RentPayment.DoesNotExist:
        raise Http404 from None


# Rent due and arrears ------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass
class RentStatus:
    lease: Lease
    due: Decimal
    received: Decimal
    arrears: Decimal
    days_overdue: int  # since the first instalment not fully paid; 0 when nothing is owed


def rent_status(lease: Lease, *, today: datetime.date | None = None) -> RentStatus:
    """Rent is due in advance, one month's rent on the start day of each month of the lease
    up to today. Payments settle the oldest instalments first (a reversed one counts not); the days overdue count from
    the due date of the oldest instalment still unpaid. Uses ``lease.payments`` (prefetch)."""
    today = today or timezone.localdate()
    due_dates = []
    n = 0
    while True:
        day = add_months(lease.started_on, n)
        if day > today or day > lease.ended_on:
            break
        due_dates.append(day)
        n += 1
    received = sum((p.amount for p in lease.payments.all() if p.reversed_at is None), Decimal("0"))
    due = lease.monthly_rent * len(due_dates)
    arrears = max(due - received, Decimal("0"))
    days_overdue = 0
    if arrears > 0 and lease.monthly_rent > 0:
        paid_instalments = int(received // lease.monthly_rent)
        days_overdue = (today - due_dates[paid_instalments]).days
    return RentStatus(
        lease=lease, due=due, received=received, arrears=arrears, days_overdue=days_overdue
    )


# Reads ---------------------------------------------------------------------------------


def can_read_premises(user) -> bool:
    return user.has_perm("buildings.view_premises")


def premises_for_user(user):
    if not can_read_premises(user):
        return Premises.objects.none()
    leases = Lease.objects.prefetch_related("payments").order_by("-started_on")
    return Premises.objects.select_related("building").prefetch_related(
        Prefetch("leases", queryset=leases)
    )


def premises_get_for_user(*, user, pk: int) -> Premises:
    try:
        return premises_for_user(user).get(pk=pk)
    except Premises.DoesNotExist:
        raise Http404 from None


def leases_in_arrears(*, user, today: datetime.date | None = None) -> list[RentStatus]:
    """Every lease owing rent today, the longest overdue first (three queries)."""
    if not can_read_premises(user):
        return []
    today = today or timezone.localdate()
    leases = (
        Lease.objects.filter(started_on__lte=today)
        .select_related("premises")
        .prefetch_related("payments")
    )
    statuses = [rent_status(lease, today=today) for lease in leases]
    return sorted(
        (s for s in statuses if s.arrears > 0), key=lambda s: (-s.days_overdue, s.lease.pk)
    )


def may_manage_premises(user) -> bool:
    return has_role(user, Role.STAFF, Role.ADMINISTRATOR) and user.has_perm("buildings.add_lease")

"""The community fund ledger: entries, the balance by month, and what each source paid for
the property service this year. Read by staff, the owners' committee and the department
users of the units in ``settings.OWNERS_LEDGER_UNITS`` (县财政局, 县扶贫办).

Rent is posted to the ledger by reading it, not by copying it: the ledger's rent income is
the leases' rent payments themselves (``buildings.premises.RentPayment``), each under the
source its premises' kind names (``RENT_SOURCES``). A payment is therefore in the ledger
exactly once, from the moment it is saved; reversing a wrong one (staff, with a reason:
``rent_payment_reverse``) takes it out of the ledger while it stays on record; and rent income cannot be entered by hand (``fund_entry_record`` refuses it), so
nothing counts it twice. Owners' self-paid property fees are posted the same way: the
ledger's income of ``FundSource.OWNERS_FEES`` is the fee payments themselves
(``ownersassoc.FeePayment``), and that income is not entered by hand either. The ledger's
lines are ``LedgerLine``: the hand-entered ``FundEntry`` rows, the rent payments and the
fee payments, merged by date."""

import datetime
import heapq
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.utils.translation import gettext as _

from buildings.models import Premises, RentPayment
from community.selectors import department_of_user

from .models import FeePayment, FundEntry, FundExpense, FundSource
from .selectors import can_read, cents

ZERO = Decimal("0")

# The ledger's source of each kind of premises' rent.
RENT_SOURCES = {
    Premises.Kind.MARKET_STALL: FundSource.MARKET_RENT,
    Premises.Kind.STORAGE: FundSource.STORAGE_RENT,
    Premises.Kind.SHOP: FundSource.SHOP_RENT,
}
RENT_SOURCE_VALUES = frozenset(RENT_SOURCES.values())
# The ledger's source of the owners' property fee payments.
FEE_SOURCE = FundSource.OWNERS_FEES


def rent_payments():
    """The rent payments the ledger counts: all but the reversed ones."""
    return RentPayment.objects.filter(reversed_at__isnull=True)


def fee_payments():
    """The owners' property fee payments the ledger counts: all but the reversed ones."""
    return FeePayment.objects.filter(reversed_at__isnull=True)


def rent_source_expression(prefix: str = "lease__premises__"):
    """The ledger source of a rent payment's premises kind, in SQL."""
    return Case(
        *[
            When(**{f"{prefix}kind": kind}, then=Value(str(source)))
            for kind, source in RENT_SOURCES.items()
        ],
        output_field=CharField(),
    )


def can_read_ledger(user) -> bool:
    if can_read(user):
        return True
    department = department_of_user(user)
    return department is not None and department.code in settings.OWNERS_LEDGER_UNITS


def require_ledger_reader(user) -> None:
    if not can_read_ledger(user):
        raise Http404


@dataclass
class LedgerLine:
    """One line of the ledger: a hand-entered ``FundEntry``, a lease's rent payment or an
    owner's property fee payment."""

    entry_on: datetime.date
    direction: str
    source: str
    expense: str
    amount: Decimal
    description: str
    origin: str  # who entered it, or that it is a lease's rent or a fee payment
    pk: int
    is_rent: bool = False
    is_fee: bool = False

    @property
    def direction_label(self) -> str:
        return str(FundEntry.Direction(self.direction).label)

    @property
    def source_label(self) -> str:
        return str(FundSource(self.source).label)

    @property
    def expense_label(self) -> str:
        return str(FundExpense(self.expense).label) if self.expense else ""

    @classmethod
    def of_entry(cls, entry: FundEntry) -> "LedgerLine":
        user = entry.recorded_by
        profile = getattr(user, "profile", None)
        who = getattr(profile, "display_name", "") or user.get_username()
        return cls(
            entry_on=entry.entry_on,
            direction=entry.direction,
            source=entry.source,
            expense=entry.expense,
            amount=entry.amount,
            description=entry.description,
            origin=_("entered by %(user)s") % {"user": who},
            pk=entry.pk,
        )

    @classmethod
    def of_rent(cls, payment: RentPayment) -> "LedgerLine":
        lease = payment.lease
        text = _("Rent of %(premises)s (tenant %(tenant)s)") % {
            "premises": lease.premises.code,
            "tenant": lease.tenant,
        }
        if payment.note:
            text = f"{text} {payment.note}"
        return cls(
            entry_on=payment.paid_on,
            direction=FundEntry.Direction.INCOME,
            source=RENT_SOURCES[lease.premises.kind],
            expense="",
            amount=payment.amount,
            description=text,
            origin=_("rent payment of the lease"),
            pk=payment.pk,
            is_rent=True,
        )

    @classmethod
    def of_fee(cls, payment: FeePayment) -> "LedgerLine":
        bill = payment.bill
        return cls(
            entry_on=payment.paid_on,
            direction=FundEntry.Direction.INCOME,
            source=FEE_SOURCE,
            expense="",
            amount=payment.amount,
            description=_("Property fee of %(dwelling)s for %(month)s")
            % {"dwelling": bill.dwelling, "month": f"{bill.year}-{bill.month:02d}"},
            origin=_("payment of a property fee bill"),
            pk=payment.pk,
            is_fee=True,
        )


def _entries(year: int):
    return (
        FundEntry.objects.filter(entry_on__year=year)
        .select_related("recorded_by__profile")
        .order_by("-entry_on", "-pk")
    )


def _rent_payments(year: int):
    return (
        rent_payments()
        .filter(paid_on__year=year)
        .select_related("lease__premises")
        .order_by("-paid_on", "-pk")
    )


def _fee_payments(year: int):
    return (
        fee_payments()
        .filter(paid_on__year=year)
        .select_related("bill__dwelling__building")
        .order_by("-paid_on", "-pk")
    )


def ledger_lines(*, user, year: int, limit: int | None = None) -> list[LedgerLine]:
    """The ledger's lines of ``year``, newest first: the entries, the rent payments and the
    fee payments merged by date (three queries); at most ``limit`` lines."""
    if not can_read_ledger(user):
        return []
    entries, rents, fees = _entries(year), _rent_payments(year), _fee_payments(year)
    if limit is not None:
        entries, rents, fees = entries[:limit], rents[:limit], fees[:limit]
    lines = heapq.merge(
        (LedgerLine.of_entry(e) for e in entries),
        (LedgerLine.of_rent(p) for p in rents),
        (LedgerLine.of_fee(p) for p in fees),
        key=lambda line: line.entry_on,
        reverse=True,
    )
    lines = list(lines)
    return lines[:limit] if limit is not None else lines


def ledger_line_count(*, user, year: int) -> int:
    if not can_read_ledger(user):
        return 0
    return _entries(year).count() + _rent_payments(year).count() + _fee_payments(year).count()


@dataclass
class MonthRow:
    month: int
    income: Decimal
    expense: Decimal
    balance: Decimal  # at the end of the month


def monthly_balance(*, year: int) -> tuple[Decimal, list[MonthRow]]:
    """The opening balance of ``year`` and twelve months of income (the entries', the rent
    and the owners' fees received), spending and closing balance: six queries."""
    signed = Sum("amount", filter=Q(direction="income"), default=ZERO) - Sum(
        "amount", filter=Q(direction="expense"), default=ZERO
    )
    new_year = datetime.date(year, 1, 1)
    opening = FundEntry.objects.filter(entry_on__lt=new_year).aggregate(v=signed)["v"]
    for payments in (rent_payments(), fee_payments()):
        opening += payments.filter(paid_on__lt=new_year).aggregate(v=Sum("amount", default=ZERO))[
            "v"
        ]
    per_month = {
        row["m"]: row
        for row in FundEntry.objects.filter(entry_on__year=year)
        .annotate(m=ExtractMonth("entry_on"))
        .values("m")
        .annotate(
            income=Sum("amount", filter=Q(direction="income"), default=ZERO),
            expense=Sum("amount", filter=Q(direction="expense"), default=ZERO),
        )
        .order_by()
    }
    rent_per_month, fees_per_month = (
        dict(
            payments.filter(paid_on__year=year)
            .annotate(m=ExtractMonth("paid_on"))
            .values_list("m")
            .annotate(s=Sum("amount"))
            .order_by()
        )
        for payments in (rent_payments(), fee_payments())
    )
    rows, balance = [], cents(opening)
    for month in range(1, 13):
        figures = per_month.get(month, {"income": ZERO, "expense": ZERO})
        income = (
            cents(figures["income"])
            + cents(rent_per_month.get(month))
            + cents(fees_per_month.get(month))
        )
        expense = cents(figures["expense"])
        balance = balance + income - expense
        rows.append(MonthRow(month, income, expense, balance))
    return cents(opening), rows


def income_by_source(*, year: int) -> list[tuple[str, str, Decimal]]:
    """``(source, label, amount)`` of the income of ``year``, the rent under its premises'
    sources and the fee payments under the owners' fees, largest first (three queries)."""
    totals: dict[str, Decimal] = {}
    for source, amount in (
        FundEntry.objects.filter(entry_on__year=year, direction="income")
        .values_list("source")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        totals[source] = totals.get(source, ZERO) + cents(amount)
    for source, amount in (
        rent_payments()
        .filter(paid_on__year=year)
        .annotate(source=rent_source_expression())
        .values_list("source")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        totals[source] = totals.get(source, ZERO) + cents(amount)
    fees = fee_payments().filter(paid_on__year=year).aggregate(s=Sum("amount"))["s"]
    if fees is not None:
        totals[FEE_SOURCE] = totals.get(FEE_SOURCE, ZERO) + cents(fees)
    labels = dict(FundSource.choices)
    return sorted(((s, str(labels[s]), v) for s, v in totals.items()), key=lambda r: (-r[2], r[0]))


def property_service_paid_by_source(*, year: int) -> list[tuple[str, Decimal]]:
    """How much of the property-service spending of ``year`` each source paid (one query),
    largest first, with the total last."""
    paid = dict(
        FundEntry.objects.filter(
            entry_on__year=year, direction="expense", expense=FundExpense.PROPERTY_SERVICE
        )
        .values_list("source")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    labels = dict(FundSource.choices)
    rows = sorted(((str(labels[s]), cents(v)) for s, v in paid.items()), key=lambda r: -r[1])
    return rows


def fund_entry_record(
    *,
    entry_on: datetime.date,
    direction: str,
    source: str,
    amount: Decimal,
    description: str,
    user,
    expense: str = "",
) -> FundEntry:
    errors = {}
    if direction == FundEntry.Direction.INCOME and source in RENT_SOURCE_VALUES:
        errors["source"] = [
            _(
                "Rent is posted to the ledger from the rent payments of the leases: record the "
                "payment on the lease of the premises (Premises and leases)."
            )
        ]
    if direction == FundEntry.Direction.INCOME and source == FEE_SOURCE:
        errors["source"] = [
            _(
                "Owners' property fees are posted to the ledger from the fee payments: record "
                "the payment on the bill (Property fees)."
            )
        ]
    if direction == FundEntry.Direction.EXPENSE and not expense:
        errors["expense"] = [_("Say what kind of spending this is.")]
    if direction == FundEntry.Direction.INCOME:
        expense = ""
    if amount is None or amount <= 0:
        errors["amount"] = [_("The amount must be more than zero.")]
    if errors:
        raise ValidationError(errors)
    entry = FundEntry(
        entry_on=entry_on,
        direction=direction,
        source=source,
        expense=expense,
        amount=amount,
        description=description.strip(),
        recorded_by=user,
    )
    entry.full_clean()
    entry.save()
    return entry

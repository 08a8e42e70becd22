"""The community fund ledger: entries, the balance by month, and what each source paid for
the property service this year. Read by staff, the owners' committee and the department
users of the units in ``settings.OWNERS_LEDGER_UNITS`` (县财政局, 县扶贫办)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.utils.translation import gettext as _

from community.selectors import department_of_user

from .models import FundEntry, FundExpense, FundSource
from .selectors import can_read, cents

ZERO = Decimal("0")


def can_read_ledger(user) -> bool:
    if can_read(user):
        return True
    department = department_of_user(user)
    return department is not None and department.code in settings.OWNERS_LEDGER_UNITS


def require_ledger_reader(user) -> None:
    if not can_read_ledger(user):
        raise Http404


def ledger_entries(*, user, year: int):
    if not can_read_ledger(user):
        return FundEntry.objects.none()
    return FundEntry.objects.filter(entry_on__year=year).select_related("recorded_by")


@dataclass
class MonthRow:
    month: int
    income: Decimal
    expense: Decimal
    balance: Decimal  # at the end of the month


def monthly_balance(*, year: int) -> tuple[Decimal, list[MonthRow]]:
    """The opening balance of ``year`` and twelve months of income, spending and closing
    balance: two queries."""
    signed = Sum("amount", filter=Q(direction="income"), default=ZERO) - Sum(
        "amount", filter=Q(direction="expense"), default=ZERO
    )
    opening = FundEntry.objects.filter(entry_on__lt=datetime.date(year, 1, 1)).aggregate(v=signed)[
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
    rows, balance = [], opening
    for month in range(1, 13):
        figures = per_month.get(month, {"income": ZERO, "expense": ZERO})
        income, expense = cents(figures["income"]), cents(figures["expense"])
        balance = balance + income - expense
        rows.append(MonthRow(month, income, expense, balance))
    return opening, rows


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

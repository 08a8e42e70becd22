"""The community fund ledger under /owners/fund/."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors

from . import fund
from .forms import FundEntryForm

LINES_SHOWN = 500  # the page's newest lines; the Excel export has every line of the year


def ledger(request):
    fund.require_ledger_reader(request.user)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    may_record = request.user.has_perm("ownersassoc.add_fundentry")
    form = FundEntryForm(request.POST or None, initial={"entry_on": timezone.localdate()})
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                fund.fund_entry_record(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Entry recorded."))
                return redirect(f"{request.path}?year={form.cleaned_data['entry_on'].year}")
    opening, months = fund.monthly_balance(year=year)
    paid = fund.property_service_paid_by_source(year=year)
    income = fund.income_by_source(year=year)
    context = {
        "year": year,
        "opening": opening,
        "months": months,
        "paid": paid,
        "paid_total": sum((v for _label, v in paid), 0),
        "income": income,
        "income_total": sum((v for _s, _label, v in income), 0),
        "entries": fund.ledger_lines(user=request.user, year=year, limit=LINES_SHOWN),
        "lines_shown": LINES_SHOWN,
        "form": form,
        "may_record": may_record,
    }
    return render(request, "ownersassoc/ledger.html", context)

"""Owners' property fees under /owners/fees/: bills, arrears, payments and reminders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from core.paging import RegistryPaginator

from . import fees
from .forms import FeeIssueForm, FeePaymentForm, FeeReminderForm
from .models import FeeBill, ServiceContract
from .reports import can_run_arrears
from .views import _require_manage, _require_read


def fee_arrears(request):
    _require_read(request.user)
    today = timezone.localdate()
    form = FeeIssueForm(
        request.POST or None, contracts=ServiceContract.objects.select_related("company")
    )
    if request.method == "POST":
        _require_manage(request.user)
        if form.is_valid():
            try:
                n = fees.fee_bills_issue(**form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(n)d bills issued.") % {"n": n})
                return redirect("ownersassoc:fee_arrears")
    page = RegistryPaginator(fees.fee_arrears(user=request.user, today=today), 50).get_page(
        request.GET.get("page")
    )
    for bill in page:
        bill.owed = fees.owed(bill)
        bill.days_overdue = (today - bill.due_on).days
    context = {
        "page": page,
        "form": form,
        "payment_form": FeePaymentForm(initial={"paid_on": today}),
        "reminder_form": FeeReminderForm(initial={"sent_on": today}),
        "may_export": can_run_arrears(request.user),
    }
    return render(request, "ownersassoc/fee_arrears.html", context)


@require_POST
def fee_bill_action(request, pk):
    _require_manage(request.user)
    try:
        bill = FeeBill.objects.get(pk=pk)
    except FeeBill.DoesNotExist:
        raise Http404 from None
    if request.POST.get("action") == "pay":
        form = FeePaymentForm(request.POST)
        record = fees.fee_payment_record
    else:
        form = FeeReminderForm(request.POST)
        record = fees.fee_reminder_record
    if form.is_valid():
        try:
            record(bill=bill, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(
            request,
            " ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()),
        )
    return redirect("ownersassoc:fee_arrears")

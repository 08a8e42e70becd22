"""Owners' property fees under /owners/fees/: bills, arrears, payments and reminders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buildings.premises.forms import ReversalForm
from core.forms import add_service_errors
from core.paging import RegistryPaginator

from . import fees, selectors
from .forms import FeeIssueForm, FeePaymentForm, FeeReminderForm
from .models import FeeBill, FeePayment, ServiceContract
from .reports import can_run_arrears
from .views import _require_manage, _require_read

RECENT_PAYMENTS = 50  # the newest payments on the fees page, to reverse a wrong one


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
        "recent_payments": _recent_payments(request.user),
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


def _recent_payments(user):
    """The newest fee payments, for the staff who may reverse a wrong one (one query)."""
    if not selectors.can_manage(user):
        return []
    return list(
        FeePayment.objects.select_related("bill__dwelling__building", "bill__owner").order_by(
            "-pk"
        )[:RECENT_PAYMENTS]
    )


def fee_payment_reverse(request, pk):
    """Staff reverse a wrong fee payment with a reason; anyone else gets a 404."""
    if not selectors.can_manage(request.user):
        raise Http404
    try:
        payment = FeePayment.objects.select_related(
            "bill__dwelling__building", "bill__owner", "reversed_by"
        ).get(pk=pk)
    except FeePayment.DoesNotExist:
        raise Http404 from None
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and payment.reversed_at is None and form.is_valid():
        try:
            fees.fee_payment_reverse(
                payment=payment, user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The payment is reversed."))
            return redirect("ownersassoc:fee_arrears")
    bill = payment.bill
    return render(
        request,
        "buildings/payment_reverse.html",
        {
            "payment": payment,
            "form": form,
            "what": _("Property fee of %(dwelling)s for %(month)s")
            % {"dwelling": bill.dwelling, "month": f"{bill.year}-{bill.month:02d}"},
            "back": reverse("ownersassoc:fee_arrears"),
        },
    )

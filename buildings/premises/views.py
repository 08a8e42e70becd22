"""Staff pages of the premises under /buildings/premises/: out of scope is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors

from . import services
from .forms import LeaseForm, PremisesForm, RentPaymentForm, ReversalForm
from .models import Lease


def _require_read(user):
    if not services.can_read_premises(user):
        raise Http404


def premises_list(request):
    _require_read(request.user)
    form = PremisesForm(request.POST or None)
    if request.method == "POST":
        if not services.may_manage_premises(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.premises_create(**form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Premises recorded."))
                return redirect("buildings:premises_list")
    today = timezone.localdate()
    context = {
        "premises": services.premises_for_user(request.user),
        "arrears": services.leases_in_arrears(user=request.user, today=today),
        "form": form,
        "today": today,
        "can_manage": services.may_manage_premises(request.user),
    }
    return render(request, "buildings/premises_list.html", context)


def premises_detail(request, pk):
    premises = services.premises_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    lease_form = LeaseForm(request.POST if action == "lease" else None, prefix="lease")
    leases = Lease.objects.filter(premises=premises)
    payment_form = RentPaymentForm(
        request.POST if action == "pay" else None, prefix="pay", leases=leases
    )
    if action and not services.may_manage_premises(request.user):
        raise PermissionDenied
    form = {"lease": lease_form, "pay": payment_form}.get(action)
    if form is not None and form.is_valid():
        try:
            if action == "lease":
                services.lease_create(premises=premises, **form.cleaned_data)
            else:
                services.rent_payment_record(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(premises)
    today = timezone.localdate()
    context = {
        "premises": premises,
        "statuses": [services.rent_status(lease, today=today) for lease in premises.leases.all()],
        "lease_form": lease_form,
        "payment_form": payment_form,
        "can_manage": services.may_manage_premises(request.user),
    }
    return render(request, "buildings/premises_detail.html", context)


def rent_payment_reverse(request, pk):
    """Staff reverse a wrong rent payment with a reason; anyone else gets a 404."""
    payment = services.rent_payment_get_for_manager(user=request.user, pk=pk)
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and payment.reversed_at is None and form.is_valid():
        try:
            services.rent_payment_reverse(
                payment=payment, user=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The payment is reversed."))
            return redirect(payment.lease.premises)
    return render(
        request,
        "buildings/payment_reverse.html",
        {
            "payment": payment,
            "form": form,
            "what": _("Rent of %(premises)s (tenant %(tenant)s)")
            % {"premises": payment.lease.premises.code, "tenant": payment.lease.tenant},
            "back": payment.lease.premises.get_absolute_url(),
        },
    )

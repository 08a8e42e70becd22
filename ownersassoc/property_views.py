"""Pages of the property service under /owners/property/."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors

from . import property as prop
from .forms import CompanyForm, ContractForm, EvaluationForm, LinkRequestForm
from .models import Matter, Motion, PropertyCompany
from .views import _require_manage, _require_read


def contract_list(request):
    _require_read(request.user)
    form = CompanyForm(request.POST or None)
    if request.method == "POST":
        _require_manage(request.user)
        if form.is_valid():
            try:
                prop.company_create(**form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Property company recorded."))
                return redirect("ownersassoc:contract_list")
    context = {
        "contracts": prop.contracts_for_user(request.user),
        "companies": PropertyCompany.objects.all(),
        "form": form,
    }
    return render(request, "ownersassoc/contract_list.html", context)


def contract_create(request):
    _require_manage(request.user)
    form = ContractForm(
        request.POST or None,
        companies=PropertyCompany.objects.all(),
        motions=Motion.objects.filter(matter=Matter.PROPERTY_COMPANY).select_related("meeting"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contract = prop.contract_create(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Service contract recorded."))
            return redirect(contract)
    return render(request, "ownersassoc/contract_form.html", {"form": form})


def contract_detail(request, pk):
    contract = prop.contract_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    evaluation_form = EvaluationForm(
        request.POST if action == "evaluate" else None,
        contract=contract,
        initial={"year": timezone.localdate().year},
    )
    link_form = LinkRequestForm(
        request.POST if action == "link" else None,
        requests=prop.linkable_requests(user=request.user),
    )
    if action == "evaluate":
        if not request.user.has_perm("ownersassoc.add_contractevaluation"):
            raise PermissionDenied
        if evaluation_form.is_valid():
            data = evaluation_form.cleaned_data
            try:
                prop.evaluation_record(
                    contract=contract,
                    year=data["year"],
                    quarter=data["quarter"],
                    scores=evaluation_form.scores(),
                    problems=data["problems"],
                    follow_ups=data["follow_ups"],
                    user=request.user,
                )
            except ValidationError as exc:
                add_service_errors(evaluation_form, exc)
            else:
                messages.success(request, _("Evaluation recorded."))
                return redirect(contract)
    elif action == "link":
        _require_manage(request.user)
        if link_form.is_valid():
            try:
                prop.contract_request_link(
                    contract=contract, user=request.user, **link_form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(link_form, exc)
            else:
                messages.success(request, _("Request linked to the contract."))
                return redirect(contract)
    context = {
        "contract": contract,
        "trend": prop.evaluation_trend(contract),
        "closing": prop.request_closing_figures(contract),
        "evaluation_form": evaluation_form,
        "link_form": link_form,
        "payer_today": contract.payer_on(timezone.localdate()),
    }
    return render(request, "ownersassoc/contract_detail.html", context)

"""Public facilities: the list (out of order first, with since when), one facility with
its upkeep log and clinic staff, and the problem report (desk and phone)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from services.facilities import selectors, services
from services.facilities.forms import ClinicStaffForm, FacilityForm, ProblemReportForm, UpkeepForm
from services.facilities.models import FacilityKind, FacilityState


def facility_list(request):
    if not selectors.sees_facilities(request.user):
        raise Http404
    qs = selectors.facilities_for_user(request.user)
    state = request.GET.get("state", "")
    if state in FacilityState.values:
        qs = qs.filter(state=state)
    kind = request.GET.get("kind", "")
    if kind in FacilityKind.values:
        qs = qs.filter(kind=kind)
    return render(
        request,
        "services/facilities/facility_list.html",
        {
            "facilities": qs.order_by("state", "state_since", "kind", "name", "pk"),
            "state": state,
            "kind": kind,
            "states": FacilityState.choices,
            "kinds": FacilityKind.choices,
        },
    )


def facility_detail(request, pk):
    facility = selectors.facility_get_for_user(user=request.user, pk=pk)
    keeps = selectors.can_keep_facility(user=request.user, facility=facility)
    form = UpkeepForm(request.POST or None) if keeps else None
    if request.method == "POST":
        if not keeps:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.facility_upkeep_log(
                    facility=facility, user=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Upkeep entry saved."))
                return redirect(facility.get_absolute_url())
    return render(
        request,
        "services/facilities/facility_detail.html",
        {"facility": facility, "form": form, "keeps": keeps},
    )


def facility_report(request, pk, *, template="services/facilities/facility_report.html"):
    """Report a problem: the request goes to the facility's owner unit."""
    facility = selectors.facility_to_report_get(user=request.user, pk=pk)
    form = ProblemReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.facility_report_problem(
                facility=facility, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Request #%(pk)s sent to %(unit)s.")
                % {"pk": req.pk, "unit": facility.owner_unit.name},
            )
            if template.startswith("mobile/"):
                return redirect("mobile:request_detail", pk=req.pk)
            return redirect("services:request_detail", pk=req.pk)
    return render(request, template, {"facility": facility, "form": form})


def facility_create(request):
    if not selectors.sees_facilities(request.user):
        raise Http404
    if not selectors.manages_facilities(request.user):
        raise PermissionDenied
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.facility_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Facility added."))
            return redirect(facility.get_absolute_url())
    return render(request, "services/facilities/facility_form.html", {"form": form})


def clinic_staff_add(request, pk):
    facility = selectors.facility_get_for_user(user=request.user, pk=pk)
    if not selectors.can_keep_facility(user=request.user, facility=facility):
        raise PermissionDenied
    form = ClinicStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clinic_staff_add(facility=facility, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Staff member added."))
            return redirect(facility.get_absolute_url())
    return render(
        request, "services/facilities/facility_form.html", {"form": form, "facility": facility}
    )

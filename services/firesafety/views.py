"""Fire-safety inspections: the list (overdue rectifications first), record one, and one
inspection with its rectification."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from community.roles import Role, has_role
from community.selectors import department_of_user
from core.forms import add_service_errors
from services.firesafety import selectors, services
from services.firesafety.forms import InspectionForm, RectificationForm
from services.firesafety.models import InspectionResult

PAGE_SIZE = 50


def inspection_list(request):
    today = timezone.localdate()
    qs = selectors.inspections_for_user(request.user, today=today)
    show = request.GET.get("show", "open")
    if show == "overdue":
        qs = qs.filter(overdue=True)
    elif show == "open":
        qs = qs.filter(result=InspectionResult.RECTIFY, rectified_on__isnull=True)
    qs = qs.order_by("-overdue", "rectification_deadline", "-inspected_on", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/firesafety/inspection_list.html",
        {
            "page": page,
            "show": show,
            "query": f"show={show}",
            "today": today,
            "can_record": _recording_units(request.user) is not None,
        },
    )


def _recording_units(user):
    """The unit codes the user may record for, or None."""
    if has_role(user, Role.STAFF, Role.ADMINISTRATOR):
        return selectors.INSPECTING_UNITS
    dept = department_of_user(user) if has_role(user, Role.DEPARTMENT) else None
    if dept is not None and dept.code in selectors.INSPECTING_UNITS:
        return (dept.code,)
    return None


def inspection_create(request):
    if not selectors.sees_inspections(request.user):
        raise Http404
    units = _recording_units(request.user)
    if units is None:
        raise PermissionDenied
    form = InspectionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.fire_inspection_record(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect(inspection.get_absolute_url())
    return render(request, "services/firesafety/inspection_form.html", {"form": form})


def inspection_detail(request, pk):
    today = timezone.localdate()
    inspection = selectors.inspection_get_for_user(user=request.user, pk=pk, today=today)
    may_complete = inspection.needs_rectification and selectors.can_record_for(
        user=request.user, unit=inspection.unit
    )
    form = RectificationForm(request.POST or None, request.FILES or None) if may_complete else None
    if request.method == "POST":
        if not may_complete:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.fire_rectification_complete(
                    inspection=inspection,
                    user=request.user,
                    rectified_on=form.cleaned_data["rectified_on"],
                    note=form.cleaned_data["note"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Rectification recorded."))
                return redirect(inspection.get_absolute_url())
    return render(
        request,
        "services/firesafety/inspection_detail.html",
        {"inspection": inspection, "form": form, "today": today},
    )


def inspection_evidence(request, pk):
    inspection = selectors.inspection_get_for_user(
        user=request.user, pk=pk, today=timezone.localdate()
    )
    if not inspection.evidence:
        raise Http404
    return FileResponse(inspection.evidence.open("rb"), as_attachment=False)

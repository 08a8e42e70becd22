"""The building leaders' phone pages for hygiene checks, and the scope-checked photo view."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from buildings.hygiene import services as hygiene
from buildings.mobile.forms import HygieneCheckForm, HygieneFixForm
from buildings.selectors import buildings_for_user, leader_building_ids
from core.forms import add_service_errors


def hygiene_list(request):
    checks = hygiene.leader_hygiene_checks(request.user)
    open_checks = checks.filter(fixed_on__isnull=True).exclude(problems="")
    return render(
        request,
        "mobile/hygiene_list.html",
        {
            "open_checks": open_checks[:50],
            "recent": checks.order_by("-checked_on", "-recorded_at")[:30],
        },
    )


def hygiene_create(request):
    if not request.user.has_perm("buildings.add_hygienecheck"):
        raise PermissionDenied
    buildings = buildings_for_user(request.user).filter(pk__in=leader_building_ids(request.user))
    form = HygieneCheckForm(request.POST or None, request.FILES or None, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        check = hygiene.hygiene_check_create(checked_by=request.user, **form.cleaned_data)
        messages.success(request, _("Hygiene check recorded."))
        return redirect(check)
    return render(request, "mobile/hygiene_form.html", {"form": form})


def hygiene_detail(request, pk):
    check = hygiene.hygiene_check_get(user=request.user, pk=pk)
    form = HygieneFixForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("buildings.change_hygienecheck"):
            raise PermissionDenied
        if form.is_valid():
            try:
                hygiene.hygiene_check_fix(check=check, fixed_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Recorded as fixed."))
                return redirect(check)
    return render(request, "mobile/hygiene_detail.html", {"check": check, "form": form})


@cache_control(private=True, max_age=3600)
def hygiene_photo(request, pk):
    """Photos are served only here, after the scope check: never from a public /media/ URL."""
    check = hygiene.hygiene_photo_get(user=request.user, pk=pk)
    return FileResponse(check.photo.open("rb"), content_type="image/jpeg")

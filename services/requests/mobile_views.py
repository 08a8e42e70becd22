"""The building leader's phone pages for residents' requests (/m/requests/)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from buildings.selectors import buildings_for_user, leader_building_ids
from community.roles import sees_whole_registry
from households.selectors import household_get_for_user
from services.requests import services
from services.requests.forms import RequestFileForm, VerdictForm
from services.requests.selectors import (
    request_allowed_actions,
    request_get_for_user,
    request_list_for_user,
)
from services.requests.views import _error_messages, _file_kwargs

PAGE_SIZE = 30


def _require_filer(user):
    if not user.has_perm("services.add_residentrequest"):
        raise PermissionDenied


def request_create(request):
    """File a request; ``?household=<pk>`` preselects a household (404 out of scope)."""
    _require_filer(request.user)
    household = _household_in_scope(request.user, request.GET.get("household"))
    if request.method == "POST" and not sees_whole_registry(request.user):
        _household_in_scope(request.user, request.POST.get("household"))  # 404 out of scope
        _building_in_scope(request.user, request.POST.get("building"))
    initial = {"household": household}
    buildings = leader_building_ids(request.user)
    if len(buildings) == 1:
        initial["building"] = next(iter(buildings))
    form = RequestFileForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_file(user=request.user, **_file_kwargs(form))
        except ValidationError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("Request #%(pk)s filed.") % {"pk": req.pk})
            return redirect("mobile:request_detail", pk=req.pk)
    return render(
        request, "mobile/requests/request_form.html", {"form": form, "household": household}
    )


def _household_in_scope(user, raw):
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return household_get_for_user(user=user, pk=int(raw))


def _building_in_scope(user, raw):
    if raw and not buildings_for_user(user).filter(pk=int(raw) if raw.isdigit() else 0).exists():
        raise Http404


def request_list(request):
    """The requests of my buildings, newest first, with their state."""
    _require_filer(request.user)
    qs = request_list_for_user(request.user)
    buildings = leader_building_ids(request.user)
    if buildings:
        # and the facility problems the leader reported, which name no building
        qs = qs.filter(
            Q(building_id__in=buildings) | Q(building__isnull=True, filed_by=request.user)
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mobile/requests/request_list.html", {"page": page, "query": ""})


def request_detail(request, pk: int):
    """Progress of one request; on a resolved one the leader records the resident's verdict."""
    req = request_get_for_user(user=request.user, pk=pk)
    can_close = "close" in request_allowed_actions(user=request.user, resident_request=req)
    verdict_form = (
        VerdictForm(initial={"version": req.version}, prefix="close") if can_close else None
    )
    context = {"req": req, "verdict_form": verdict_form, "now": timezone.now()}
    return render(request, "mobile/requests/request_detail.html", context)

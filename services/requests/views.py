"""Staff and unit pages of residents' requests (/services/requests/), the protected photo
view and the user's notifications."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.models import Department
from community.roles import Role, has_role
from community.selectors import departments_for_user
from core.notifications import notifications_for, notifications_mark_read, unread_count
from core.redirects import local_next
from households.selectors import household_get_for_user
from services.requests import services
from services.requests.filters import OPEN, RequestFilter
from services.requests.forms import ACTION_FORMS, BulkAssignForm, RequestFileForm
from services.requests.selectors import (
    households_newest_requests,
    is_request_staff,
    request_allowed_actions,
    request_figures_by_unit,
    request_figures_total,
    request_get_for_user,
    request_list_for_user,
    request_photo_get_for_user,
)

PAGE_SIZE = 50


def _require_queue_user(user):
    if not has_role(user, Role.STAFF, Role.ADMINISTRATOR, Role.DEPARTMENT, Role.SUPERVISOR):
        raise PermissionDenied


def _error_messages(request, exc_or_form):
    if isinstance(exc_or_form, ValidationError):
        for text in exc_or_form.messages:
            messages.error(request, text)
        return
    for name, errors in exc_or_form.errors.items():
        label = exc_or_form.fields[name].label if name in exc_or_form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def _safe_next(request, default: str) -> str:
    return local_next(request, default)


def request_queue(request):
    _require_queue_user(request.user)
    qs = request_list_for_user(request.user)
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = OPEN  # closed requests are behind the state filter
    filterset = RequestFilter(
        data,
        queryset=qs,
        units=departments_for_user(request.user),
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "bulk_form": BulkAssignForm() if is_request_staff(request.user) else None,
    }
    return render(request, "services/requests/request_list.html", context)


@require_POST
def request_bulk_assign(request):
    if not is_request_staff(request.user):
        raise PermissionDenied
    form = BulkAssignForm(request.POST)
    back = _safe_next(request, reverse("services:request_queue"))
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if not form.is_valid():
        _error_messages(request, form)
        return redirect(back)
    try:
        done = services.request_bulk_accept(
            pks=ids, actor=request.user, unit=form.cleaned_data["unit"]
        )
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("%(n)d requests accepted and assigned to %(unit)s.")
        % {"n": len(done), "unit": form.cleaned_data["unit"]},
    )
    return redirect(back)


def request_detail(request, pk: int):
    # The scope first: a request the user may not see is "not found", like a missing one.
    req = request_get_for_user(user=request.user, pk=pk)
    _require_queue_user(request.user)
    return render(request, "services/requests/request_detail.html", _detail_context(request, req))


def _detail_context(request, req) -> dict:
    """The request, its timeline and one form per action the user may take now."""
    actions = request_allowed_actions(user=request.user, resident_request=req)
    forms = {}
    for action in actions:
        initial = {"version": req.version}
        if action == "accept":
            initial["unit"] = Department.objects.filter(
                code=services.request_suggested_unit_code(req.category)
            ).first()
        forms[action] = ACTION_FORMS[action](initial=initial, prefix=action)
    return {"req": req, "action_forms": forms, "now": timezone.now()}


@require_POST
def request_action(request, pk: int, action: str):
    """Apply one transition (accept, start, resolve, reject, reopen, close) from a form of
    the request page, on the desktop or the phone."""
    req = request_get_for_user(user=request.user, pk=pk)
    back = _safe_next(request, reverse("services:request_detail", args=[pk]))
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        _error_messages(request, form)
        return redirect(back)
    data = form.cleaned_data
    common = {"resident_request": req, "actor": request.user, "expected_version": data["version"]}
    calls = {
        "accept": lambda: services.request_accept(**common, unit=data["unit"], note=data["note"]),
        "start": lambda: services.request_start(**common, note=data["note"]),
        "resolve": lambda: services.request_resolve(**common, resolution=data["resolution"]),
        "reject": lambda: services.request_reject(**common, reason=data["reason"]),
        "reopen": lambda: services.request_reopen(**common, reason=data["reason"]),
        "close": lambda: services.request_close(
            **common, satisfaction=data["satisfaction"], note=data["note"]
        ),
    }
    try:
        req = calls[action]()
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect(back)
    messages.success(
        request, _("The request is now “%(state)s”.") % {"state": req.get_state_display()}
    )
    return redirect(back)


def request_create(request):
    if not is_request_staff(request.user):
        raise PermissionDenied
    raw = request.GET.get("household")
    household = (
        household_get_for_user(user=request.user, pk=int(raw)) if raw and raw.isdigit() else None
    )
    initial = {"household": household.number if household else None}
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
            return redirect("services:request_detail", pk=req.pk)
    return render(request, "services/requests/request_form.html", {"form": form})


def _file_kwargs(form) -> dict:
    data = form.cleaned_data
    return {
        "household": data["household"],
        "building": data["building"],
        "category": data["category"],
        "urgency": data["urgency"],
        "description": data["description"],
        "photos": data["photos"],
    }


def request_photo(request, pk: int):
    """A request's photo, only for users who may see the request; never a public URL."""
    photo = request_photo_get_for_user(user=request.user, pk=pk)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def request_figures(request):
    """Per unit: received, closed on time, overdue, satisfaction (supervisors, staff)."""
    if not has_role(request.user, Role.STAFF, Role.ADMINISTRATOR, Role.SUPERVISOR):
        raise PermissionDenied
    since = _parse_date(request.GET.get("since"))
    until = _parse_date(request.GET.get("until"))
    tz = timezone.get_current_timezone()
    rows = request_figures_by_unit(
        since=datetime.datetime.combine(since, datetime.time(), tz) if since else None,
        until=datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time(), tz)
        if until
        else None,
    )
    totals = request_figures_total(rows)
    context = {"rows": rows, "totals": totals, "since": since, "until": until}
    return render(request, "services/requests/request_figures.html", context)


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def notification_list(request):
    """The user's notifications, newest first; opening the page marks them read."""
    page = Paginator(notifications_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    notes = list(page.object_list)
    unread_ids = [n.pk for n in notes if n.read_at is None]
    if unread_ids:
        notifications_mark_read(user=request.user, ids=unread_ids)
    return render(
        request,
        "services/requests/notification_list.html",
        {"page": page, "notes": notes, "unread_ids": unread_ids},
    )


def notification_count(request):
    """The unread count for the badge in the navigation bar (fetched by the page)."""
    return JsonResponse({"unread": unread_count(user=request.user)})


HOUSEHOLD_SECTION_REQUESTS = 20  # the newest requests a household's page lists


def household_requests_sections(*, request, households, full_ids=False):
    """The household page's section (settings.HOUSEHOLD_PAGE_SECTIONS) for many households
    at once: each household's newest requests the user may see, open ones first, and a
    link to file one. One query for all the households (a window ranks each household's
    requests)."""
    if not has_role(request.user, Role.STAFF, Role.ADMINISTRATOR, Role.DEPARTMENT, Role.SUPERVISOR):
        return {h.pk: None for h in households}
    rows = {h.pk: [] for h in households}
    newest = households_newest_requests(
        request.user, household_ids=list(rows), n=HOUSEHOLD_SECTION_REQUESTS
    )
    for r in newest:
        rows[r.household_id].append(r)
    can_file = is_request_staff(request.user)
    return {
        h.pk: {
            "template": "services/requests/partials/_household_section.html",
            "context": {"rows": rows[h.pk], "household": h, "can_file": can_file},
        }
        for h in households
    }


def household_requests_section(*, request, household, full_ids=False):
    return household_requests_sections(request=request, households=[household])[household.pk]

"""Staff pages of the owners' side under /owners/. Out of scope is a 404 (the pages exist
only for users who read the owners' side); a reader who may not change is refused a write."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from buildings.selectors import dwellings_for_user
from core.forms import add_service_errors
from core.paging import RegistryPaginator
from households.selectors import people_for_user

from . import excel, selectors, services
from .forms import (
    BallotImportForm,
    MeetingForm,
    MotionForm,
    OwnershipForm,
    RejectForm,
    StaffSheetForm,
)
from .models import BallotSheet

PAGE_SIZE = 50


def _require_read(user):
    if not selectors.can_read(user):
        raise Http404


def _require_manage(user):
    _require_read(user)
    if not selectors.can_manage(user):
        raise PermissionDenied


def meeting_list(request):
    _require_read(request.user)
    page = RegistryPaginator(selectors.meetings_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "ownersassoc/meeting_list.html", {"page": page, "meetings": page})


def register(request):
    """The owners' register: built from the allocations the first time staff open it."""
    _require_read(request.user)
    if selectors.can_manage(request.user) and selectors.register_is_empty():
        created = services.owners_register_derive(user=request.user)
        if created:
            messages.info(
                request,
                _("The owners' register was built from the allocations: %(n)d owners.")
                % {"n": created},
            )
    form = OwnershipForm(
        request.POST or None,
        dwellings=dwellings_for_user(request.user),
        people=people_for_user(request.user),
    )
    if request.method == "POST":
        _require_manage(request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.ownership_start(
                    dwelling=data["dwelling"],
                    owner=data["owner"],
                    started_on=data["started_on"],
                    certificate_number=data["certificate_number"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Owner recorded."))
                return redirect("ownersassoc:register")
    page = RegistryPaginator(selectors.ownerships_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "totals": selectors.register_totals(), "form": form}
    return render(request, "ownersassoc/register.html", context)


def meeting_create(request):
    _require_manage(request.user)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Meeting recorded: now add its motions."))
            return redirect(meeting)
    return render(request, "ownersassoc/meeting_form.html", {"form": form})


def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    form = MotionForm(request.POST or None)
    if request.method == "POST":
        _require_manage(request.user)
        if form.is_valid():
            try:
                services.motion_add(meeting=meeting, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Motion added."))
                return redirect(meeting)
    context = {
        "meeting": meeting,
        "tally": selectors.meeting_tally(meeting=meeting),
        "form": form,
        "can_manage": selectors.can_manage(request.user),
    }
    return render(request, "ownersassoc/meeting_detail.html", context)


def meeting_notice(request, pk):
    """The public notice (公告) of the meeting and its result, for printing: totals and
    verdicts only; no names, ID numbers, phone numbers or per-owner choices."""
    meeting = _meeting(request, pk)
    context = {
        "meeting": meeting,
        "tally": selectors.meeting_tally(meeting=meeting),
        "today": timezone.localdate(),
    }
    return render(request, "ownersassoc/meeting_notice.html", context)


@require_POST
def meeting_close(request, pk):
    meeting = _meeting(request, pk)
    _require_manage(request.user)
    services.meeting_close_ballots(meeting=meeting)
    messages.success(request, _("Ballot collection closed."))
    return redirect(meeting)


def sheet_create(request, pk):
    meeting = _meeting(request, pk)
    _require_manage(request.user)
    form = StaffSheetForm(
        request.POST or None,
        request.FILES or None,
        motions=meeting.motions.all(),
        people=people_for_user(request.user),
        initial={"signed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_record(
                meeting=meeting,
                owner=form.cleaned_data["owner"],
                choices=form.choices(),
                source=BallotSheet.Source.STAFF,
                user=request.user,
                signed_on=form.cleaned_data["signed_on"],
                photo=form.cleaned_data.get("photo"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ballot sheet recorded."))
            return redirect("ownersassoc:sheet_create", pk=meeting.pk)
    return render(request, "ownersassoc/sheet_form.html", {"meeting": meeting, "form": form})


def sheet_import(request, pk):
    """Signed sheets from an Excel sheet of the voting form's shape: all rows or none."""
    meeting = _meeting(request, pk)
    _require_manage(request.user)
    form = BallotImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        result = excel.ballots_import(
            meeting=meeting, file=form.cleaned_data["file"], user=request.user
        )
        if not result.errors:
            messages.success(request, _("%(n)d ballot sheets imported.") % {"n": result.created})
            return redirect(meeting)
        errors = result.errors
    context = {
        "meeting": meeting,
        "form": form,
        "errors": errors,
        "headers": excel.example_headers(meeting),
    }
    return render(request, "ownersassoc/sheet_import.html", context)


def sheet_list(request, pk):
    meeting = _meeting(request, pk)
    status = request.GET.get("status") or None
    if status not in (None, *BallotSheet.Status.values):
        status = None
    page = RegistryPaginator(
        selectors.sheets_of_meeting(meeting=meeting, status=status), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "meeting": meeting,
        "page": page,
        "sheets": page,
        "status": status,
        "statuses": BallotSheet.Status.choices,
        "can_manage": selectors.can_manage(request.user),
        "query": f"status={status}" if status else "",
    }
    return render(request, "ownersassoc/sheet_list.html", context)


@require_POST
def sheet_review(request, pk):
    sheet = selectors.sheet_get_for_user(user=request.user, pk=pk)
    _require_manage(request.user)
    try:
        if request.POST.get("action") == "confirm":
            services.sheet_confirm(sheet=sheet, user=request.user)
            messages.success(request, _("Ballot sheet confirmed."))
        else:
            form = RejectForm(request.POST)
            reason = form.data.get("rejection_reason", "")
            services.sheet_reject(sheet=sheet, user=request.user, reason=reason)
            messages.success(request, _("Ballot sheet rejected; the owner may vote again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("ownersassoc:sheet_list", args=[sheet.meeting_id]) + "?status=pending")


@cache_control(private=True, max_age=3600)
def sheet_photo(request, pk):
    """Photos are served only here, after the scope check: never from a public /media/ URL."""
    sheet = selectors.sheet_get_for_user(user=request.user, pk=pk)
    if not sheet.photo:
        raise Http404
    return FileResponse(sheet.photo.open("rb"), content_type="image/jpeg")


def _meeting(request, pk):
    return selectors.meeting_get_for_user(user=request.user, pk=pk)

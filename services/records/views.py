"""Pages where responsible units record what they delivered, and staff and supervisors read
it: a home listing the unit's kinds, a list, a page and a form per kind."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.models import Department
from core.forms import add_service_errors
from core.history import history_entries
from core.paging import RegistryPaginator
from households.selectors import household_get_for_user, households_for_user, person_get_for_user
from services.records import services
from services.records.filters import RecordFilter
from services.records.forms import (
    ConvertForm,
    EndorseForm,
    LandEventForm,
    WillingnessForm,
    record_form_class,
)
from services.records.kinds import HOUSEHOLD, KINDS, cell, get_kind
from services.records.selectors import (
    can_convert_allowance,
    can_edit_record,
    editable_ids,
    is_records_staff,
    readable_kinds,
    record_get_for_user,
    recordable_kinds,
    recording_unit_of,
    records_for_user,
)

PAGE_SIZE = 50


def _require_readable(user, kind):
    if kind not in readable_kinds(user):
        raise PermissionDenied


def _require_recordable(user, kind):
    if kind not in recordable_kinds(user):
        raise PermissionDenied


def _staff_units(user, kind):
    """Staff choose the unit they record for; a department user never does."""
    if not is_records_staff(user):
        return None
    return Department.objects.filter(code__in=kind.units, is_active=True)


def record_home(request):
    kinds = readable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    may_record = {k.key for k in recordable_kinds(request.user)}
    return render(
        request,
        "services/records/home.html",
        {
            "unit": recording_unit_of(request.user),
            "rows": [(k, k.key in may_record) for k in kinds],
        },
    )


def record_list(request, kind):
    spec = get_kind(kind)
    _require_readable(request.user, spec)
    qs = records_for_user(request.user, spec).order_by(*spec.model._meta.ordering, "-pk")
    if spec.key == "landholding":
        qs = qs.prefetch_related("events")
    filterset = RecordFilter(
        request.GET or None,
        queryset=qs,
        kind=spec,
    )
    # As the registry's lists: at most 200 pages, the planner's estimate of an unfiltered
    # table's size (COUNT(*) of 1,821,354 medical-insurance records took 51 ms a page), and
    # deep pages by their keys first; a filtered list counted on its own (its dates are
    # not indexed: see RegistryPaginator).
    page = RegistryPaginator(filterset.qs, PAGE_SIZE, count_with_keys=False).get_page(
        request.GET.get("page")
    )
    records = list(page)
    editable = editable_ids(request.user, records)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/records/record_list.html",
        {
            "kind": spec,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "headers": [spec.model._meta.get_field(n).verbose_name for n in spec.columns],
            "rows": [(r, [cell(r, n) for n in spec.columns], r.pk in editable) for r in records],
            "may_record": spec in recordable_kinds(request.user),
            "today": timezone.localdate(),
        },
    )


def record_detail(request, kind, pk):
    spec = get_kind(kind)
    record = record_get_for_user(user=request.user, kind=spec, pk=pk)
    history = history_entries(
        record.history.select_related("history_user__profile").order_by("-history_date")[:50],
        label=str(spec.label_singular),
    )
    fields = [
        (spec.model._meta.get_field(n).verbose_name, cell(record, n))
        for n in (*spec.columns, "note")
        if n not in ("person",)
    ]
    context = {
        "kind": spec,
        "record": record,
        "fields": fields,
        "history": history,
        "can_edit": can_edit_record(request.user, record),
    }
    if spec.key == "landholding":
        context["events"] = record.events.select_related("recorded_unit").order_by(
            "-happened_on", "-pk"
        )
        context["may_add_event"] = spec in recordable_kinds(request.user)
    if spec.key == "allowance":
        context["may_convert"] = can_convert_allowance(request.user, record)
    if spec.key == "residencepermit":
        context["endorse_form"] = EndorseForm(
            initial={"endorsed_on": timezone.localdate(), "version": record.version}
        )
        context["suspended"] = record.is_suspended_on(timezone.localdate())
    return render(request, "services/records/record_detail.html", context)


def _preselected(request, spec):
    """``?person=`` / ``?household=`` / ``?household_number=`` from the url, in scope (404)."""
    person = household = None
    if request.GET.get("person", "").isdigit():
        person = person_get_for_user(user=request.user, pk=int(request.GET["person"]))
        household = person.household
    elif request.GET.get("household", "").isdigit():
        household = household_get_for_user(user=request.user, pk=int(request.GET["household"]))
    elif request.GET.get("household_number"):
        household = (
            households_for_user(request.user)
            .filter(number=request.GET["household_number"].strip())
            .first()
        )
        if household is None:
            messages.error(request, _("No household with this number in your scope."))
    return person, household


def record_create(request, kind):
    spec = get_kind(kind)
    _require_recordable(request.user, spec)
    person, household = _preselected(request, spec)
    form_class = record_form_class(spec)
    form = form_class(
        request.POST or None,
        kind=spec,
        user=request.user,
        person=person,
        household=household,
        units=_staff_units(request.user, spec),
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_create(
                user=request.user,
                record_kind=spec.key,
                unit=form.cleaned_data.get("unit"),
                **form.record_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(kind)s recorded.") % {"kind": spec.label_singular})
            return redirect("services:record_detail", kind=spec.key, pk=record.pk)
    context = {
        "kind": spec,
        "form": form,
        "household": household,
        "person": person,
        "pick_household": household is None
        and (spec.subject != HOUSEHOLD or spec.key == "allowance"),
    }
    return render(request, "services/records/record_form.html", context)


def record_edit(request, kind, pk):
    spec = get_kind(kind)
    record = record_get_for_user(user=request.user, kind=spec, pk=pk, write=True)
    form = record_form_class(spec)(
        request.POST or None, kind=spec, user=request.user, instance=record
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_update(
                user=request.user,
                record=record,
                expected_version=form.expected_version,
                **form.changed_record_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(kind)s saved.") % {"kind": spec.label_singular})
            return redirect("services:record_detail", kind=spec.key, pk=record.pk)
    return render(
        request, "services/records/record_form.html", {"kind": spec, "form": form, "record": record}
    )


@require_POST
def permit_endorse(request, pk):
    permit = record_get_for_user(
        user=request.user, kind=KINDS["residencepermit"], pk=pk, write=True
    )
    form = EndorseForm(request.POST)
    if form.is_valid():
        try:
            services.residence_permit_endorse(
                user=request.user,
                permit=permit,
                endorsed_on=form.cleaned_data["endorsed_on"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Endorsed: valid until %(date)s.") % {"date": permit.valid_until.isoformat()},
            )
    else:
        messages.error(request, _("Enter the endorsement date."))
    return redirect("services:record_detail", kind="residencepermit", pk=permit.pk)


def allowance_convert(request, pk):
    spec = KINDS["allowance"]
    allowance = record_get_for_user(user=request.user, kind=spec, pk=pk)
    _require_recordable(request.user, spec)
    form = ConvertForm(
        request.POST or None, allowance=allowance, units=_staff_units(request.user, spec)
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.allowance_convert(
                user=request.user,
                allowance=allowance,
                converted_on=form.cleaned_data["converted_on"],
                monthly_amount=form.cleaned_data["monthly_amount"],
                expected_version=form.cleaned_data["version"],
                unit=form.cleaned_data.get("unit"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Allowance converted."))
            return redirect("services:record_detail", kind="allowance", pk=new.pk)
    return render(
        request, "services/records/allowance_convert.html", {"allowance": allowance, "form": form}
    )


def land_event_create(request, pk):
    spec = KINDS["landholding"]
    holding = record_get_for_user(user=request.user, kind=spec, pk=pk)
    _require_recordable(request.user, spec)
    form = LandEventForm(request.POST or None, units=_staff_units(request.user, spec))
    if request.method == "POST" and form.is_valid():
        try:
            services.land_right_event_create(
                user=request.user,
                holding=holding,
                unit=form.cleaned_data.get("unit"),
                **form.event_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Land-right event recorded."))
            return redirect("services:record_detail", kind="landholding", pk=holding.pk)
    return render(
        request, "services/records/land_event_form.html", {"holding": holding, "form": form}
    )


def training_willingness(request):
    _require_recordable(request.user, KINDS["training"])
    person, household = _preselected(request, KINDS["training"])
    form = WillingnessForm(
        request.POST or None, user=request.user, person=person, household=household
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.subject_fields()["person"]
        try:
            services.training_willingness_set(
                user=request.user,
                person=chosen,
                willingness=form.cleaned_data["training_willingness"],
                expected_version=chosen.version,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s: willingness to train saved.") % {"name": chosen.name}
            )
            return redirect(chosen)
    return render(
        request,
        "services/records/willingness_form.html",
        {"form": form, "household": household, "person": person},
    )

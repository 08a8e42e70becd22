import datetime
from operator import attrgetter

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from buildings.selectors import building_get_for_user, dwelling_labels, dwellings_for_user
from community.roles import Role, has_role, sees_whole_registry
from core.audit import audit_log
from core.forms import add_service_errors
from core.history import history_entries, history_entries_by
from core.idnumbers import area_code_info
from core.models import AuditLog
from core.paging import RegistryPaginator
from core.querysets import first_per_group

from . import selectors, services
from .fieldlogs.models import Visit
from .filters import NAME_SEARCH_COUNT_CAP, HouseholdFilter, PersonFilter, is_name_search
from .forms import HeadForm, HouseholdForm, PersonForm, PersonLeaveForm
from .models import Household, LabourCapacity, Person, PovertyCause
from .representatives.selectors import household_representative

PAGE_SIZE = 50
MAX_PAGES = RegistryPaginator.max_pages


def _require_registry_reader(user):
    if not sees_whole_registry(user) and not user.has_perm("households.view_household"):
        raise PermissionDenied


def _show_full_ids(request, target: str) -> bool:
    """Full ID numbers only on request (``?ids=full``), for users with the permission;
    every such view is logged."""
    if request.GET.get("ids") != "full" or not selectors.can_see_full_id(request.user):
        return False
    audit_log(request=request, action="view_full_id", target=target)
    return True


def _extra_sections(setting: list[str], request, **kwargs) -> list[dict]:
    """Sections that apps above the registry add to a person page (settings
    ``PERSON_PAGE_SECTIONS``): each function returns ``{"template": ..., "context": {...}}``
    or None. The registry never imports those apps."""
    sections = []
    for path in setting:
        section = import_string(path)(request=request, **kwargs)
        if section:
            sections.append(section)
    return sections


def _household_sections(request, households, *, full_ids: bool) -> dict[int, list[dict]]:
    """``{household pk: [section, ...]}``: the sections apps above the registry add to the
    household pages (settings ``HOUSEHOLD_PAGE_SECTIONS``), each function called once for
    all the households, so that a building's print costs the queries of one household."""
    sections = {h.pk: [] for h in households}
    for path in settings.HOUSEHOLD_PAGE_SECTIONS:
        made = import_string(path)(request=request, households=households, full_ids=full_ids)
        for pk, section in made.items():
            if section:
                sections[pk].append(section)
    return sections


def dashboard(request):
    _require_registry_reader(request.user)
    counts = selectors.registry_counts(user=request.user)
    context = {
        **counts,
        "labour_rows": [(c.label, counts["labour"][c.value]) for c in LabourCapacity],
    }
    return render(request, "households/dashboard.html", context)


def _count_cap(filterset) -> int | None:
    """Name searches count at most ``NAME_SEARCH_COUNT_CAP`` rows (a surname: 李 names
    49,306 people, whose households took 65 ms to count)."""
    if filterset.is_bound and filterset.is_valid():
        if is_name_search(filterset.form.cleaned_data.get("q")):
            return NAME_SEARCH_COUNT_CAP
    return None


def household_list(request):
    _require_registry_reader(request.user)
    qs = selectors.household_list_for_user(request.user)
    filterset = HouseholdFilter(request.GET or None, queryset=qs)
    page = RegistryPaginator(filterset.qs, PAGE_SIZE, count_cap=_count_cap(filterset)).get_page(
        request.GET.get("page")
    )
    matched = filterset.matched_members(page.object_list) if filterset.is_valid() else {}
    for household in page:
        household.matched = matched.get(household.pk, [])
    query = request.GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    return render(
        request,
        "households/household_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            # The filter bar is the same on every page of a search: rendered once (crispy
            # renders its five fields in 6 of the page's 28 ms) and kept, keyed by what it
            # shows: the search, and the year its move-in years run to.
            "filter_key": f"{timezone.localdate().year}:{query}",
        },
    )


def person_search(request):
    """Staff find a person by name, ID number or phone, with the household beside each."""
    if not sees_whole_registry(request.user):
        raise PermissionDenied
    filterset = PersonFilter(
        request.GET or None, queryset=selectors.person_list_for_user(request.user)
    )
    searched = filterset.is_bound and filterset.is_valid() and filterset.form.cleaned_data["q"]
    qs = filterset.qs if searched else Person.objects.none()
    page = RegistryPaginator(qs, PAGE_SIZE, count_cap=_count_cap(filterset)).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    # ``query`` also keys the filter bar, kept once rendered (as the household list's).
    context = {"filter": filterset, "page": page, "query": query.urlencode(), "searched": searched}
    return render(request, "households/person_search.html", context)


def household_detail(request, pk):
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    full_ids = _show_full_ids(request, f"household {household.number}")
    members = list(selectors.household_members(household=household))
    history = history_entries(
        household.history.select_related("history_user__profile").order_by("-history_date")[:50],
        label=_("Household"),
        display={"secondary_causes": _cause_labels},
        related={"dwelling": dwelling_labels},
    )
    member_history = history_entries(
        Person.history.filter(household_id=household.pk)
        .select_related("history_user__profile")
        .order_by("-history_date")[:100],
        mask_ids=not full_ids,
    )
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": members,
            "full_ids": full_ids,
            "can_see_full_id": selectors.can_see_full_id(request.user),
            "can_edit": request.user.has_perm("households.change_household"),
            "representative": household_representative(household=household),
            "history": sorted(history + member_history, key=lambda e: e.when, reverse=True),
            "extra_sections": _household_sections(request, [household], full_ids=full_ids)[
                household.pk
            ],
        },
    )


FILE_HISTORY_ENTRIES = 12  # the change history summary of a household file
FILE_VISITS = 20  # the latest home visits of a household file


def _file_contexts(request, households, *, full_ids: bool) -> list[dict]:
    """The files (一户一档) of ``households``, in their order: facts, members, visits, the
    sections apps above the registry add (records, requests, obligations, monitoring) and
    the latest changes. Each part is read for all the households at once and handed out,
    so one household's file and a building's print run the same queries."""
    pks = [h.pk for h in households]
    members = selectors.members_by_household(household_ids=pks)
    visits = {pk: [] for pk in pks}
    for visit in first_per_group(
        Visit.objects.filter(household_id__in=pks).select_related("visited_by__profile"),
        group="household_id",
        order_by=("-visited_on", "-recorded_at", "-pk"),
        n=FILE_VISITS,
    ):
        visits[visit.household_id].append(visit)
    household_history = history_entries_by(
        first_per_group(
            Household.history.filter(id__in=pks).select_related("history_user__profile"),
            group="id",
            order_by=("-history_date", "-history_id"),
            n=FILE_HISTORY_ENTRIES,
        ),
        group=attrgetter("id"),
        label=_("Household"),
        display={"secondary_causes": _cause_labels},
        related={"dwelling": dwelling_labels},
    )
    member_history = history_entries_by(
        first_per_group(
            Person.history.filter(household_id__in=pks).select_related("history_user__profile"),
            group="household_id",
            order_by=("-history_date", "-history_id"),
            n=FILE_HISTORY_ENTRIES,
        ),
        group=attrgetter("household_id"),
        mask_ids=not full_ids,
    )
    sections = _household_sections(request, households, full_ids=full_ids)
    return [
        {
            "household": h,
            "members": members[h.pk],
            "visits": visits[h.pk],
            "history": sorted(
                household_history.get(h.pk, []) + member_history.get(h.pk, []),
                key=lambda e: e.when,
                reverse=True,
            )[:FILE_HISTORY_ENTRIES],
            "extra_sections": sections[h.pk],
            "full_ids": full_ids,
        }
        for h in households
    ]


def _print_full_ids(request, target: str) -> bool:
    """A print with full ID numbers (``?ids=full``, with the permission) is logged as a
    full view."""
    if request.GET.get("ids") != "full" or not selectors.can_see_full_id(request.user):
        return False
    audit_log(request=request, action="view_full_id", target=target, detail={"print": True})
    return True


def household_file(request, pk):
    """The printable A4 file of one household."""
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    full_ids = _print_full_ids(request, f"household file {household.number}")
    context = {
        "files": _file_contexts(request, [household], full_ids=full_ids),
        "title": _("Household file %(number)s") % {"number": household.number},
        "can_see_full_id": selectors.can_see_full_id(request.user),
        "full_ids": full_ids,
        "back": household.get_absolute_url(),
        "printed_at": timezone.now(),
    }
    return render(request, "households/household_file.html", context)


def building_files(request, building_pk):
    """The files of every household living in a building, one after another, for one
    print: the same fixed number of queries for any number of households."""
    _require_registry_reader(request.user)
    building = building_get_for_user(user=request.user, pk=building_pk)
    full_ids = _print_full_ids(request, f"household files of building {building.code}")
    households = list(
        selectors.households_for_user(request.user)
        .filter(dwelling__building=building, is_active=True)
        .select_related("dwelling__building")
        .order_by("dwelling__entrance", "dwelling__floor", "dwelling__room", "number")
    )
    context = {
        "files": _file_contexts(request, households, full_ids=full_ids),
        "title": _("Household files of %(building)s") % {"building": building.name},
        "can_see_full_id": selectors.can_see_full_id(request.user),
        "full_ids": full_ids,
        "back": building.get_absolute_url(),
        "printed_at": timezone.now(),
    }
    return render(request, "households/household_file.html", context)


def household_create(request):
    if not request.user.has_perm("households.add_household"):
        raise PermissionDenied
    dwellings = dwellings_for_user(request.user)
    form = HouseholdForm(request.POST or None, dwellings=dwellings).embed()
    head_form = HeadForm(request.POST or None, prefix="head")
    if request.method == "POST" and form.is_valid() and head_form.is_valid():
        head = {k: v for k, v in head_form.cleaned_data.items() if k != "version"}
        fields = form.service_fields(changed_only=False)
        try:
            household = services.household_create(
                number=form.cleaned_data["number"], head=head, **fields
            )
        except ValidationError as exc:
            add_service_errors(head_form, exc, other=form)
        else:
            messages.success(
                request, _("Household %(number)s created.") % {"number": household.number}
            )
            return redirect(household)
    return render(request, "households/household_form.html", {"form": form, "head_form": head_form})


def household_edit(request, pk):
    household = selectors.household_get_for_user(user=request.user, pk=pk, write=True)
    form = HouseholdForm(
        request.POST or None, instance=household, dwellings=dwellings_for_user(request.user)
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields(changed_only=True)
        try:
            services.household_update(
                household=household, expected_version=form.expected_version, **fields
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Household saved."))
            return redirect(household)
    return render(request, "households/household_form.html", {"form": form, "household": household})


def person_detail(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    full_ids = _show_full_ids(request, f"person {person.pk}")
    history = history_entries(
        person.history.select_related("history_user__profile").order_by("-history_date")[:100],
        mask_ids=not full_ids,
    )
    return render(
        request,
        "households/person_detail.html",
        {
            "person": person,
            "full_ids": full_ids,
            # The area code is shown in the masked number too: its place names reveal no more.
            "birthplace": area_code_info(person.id_number[:6]),
            "full_id_viewers": _full_id_viewers(request.user, person),
            "can_see_full_id": selectors.can_see_full_id(request.user),
            "can_edit": request.user.has_perm("households.change_person"),
            "history": history,
            "extra_sections": _extra_sections(
                settings.PERSON_PAGE_SECTIONS, request, person=person, full_ids=full_ids
            ),
        },
    )


def _full_id_viewers(user, person):
    """Who saw this person's full ID number (on their page or their household's), for the
    users who may see full numbers themselves or read the audit log: one row per user with
    the last time and the number of views."""
    if not (selectors.can_see_full_id(user) or has_role(user, Role.ADMINISTRATOR, Role.SUPERVISOR)):
        return None
    return list(
        AuditLog.objects.filter(
            action=AuditLog.Action.VIEW_FULL_ID,
            target__in=[f"person {person.pk}", f"household {person.household_id}"],
        )
        .values("user__username", "user__profile__display_name")
        .annotate(last=Max("at"), views=Count("pk"))
        .order_by("-last")[:20]
    )


def person_create(request, household_pk):
    household = selectors.household_get_for_user(user=request.user, pk=household_pk, write=True)
    if not request.user.has_perm("households.add_person"):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            person = services.person_create(household=household, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s added to the household.") % {"name": person.name})
            return redirect(household)
    return render(request, "households/person_form.html", {"form": form, "household": household})


def person_edit(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk, write=True)
    household = person.household
    # Like the person page, the form shows the ID number (and lets it be changed) only when
    # a user with the permission asks for it (?ids=full); each such opening is logged.
    may_see_full_id = selectors.can_see_full_id(request.user)
    show_full_id = may_see_full_id and request.GET.get("ids") == "full"
    if show_full_id and request.method == "GET":
        audit_log(request=request, action="view_full_id", target=f"person {person.pk} (edit)")
    form = PersonForm(request.POST or None, instance=person, show_full_id=show_full_id)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form.changed_data if k != "version"}
        try:
            services.person_update(person=person, expected_version=form.expected_version, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": person.name})
            return redirect(household)
    return render(
        request,
        "households/person_form.html",
        {
            "form": form,
            "household": household,
            "person": person,
            "offer_full_id": may_see_full_id and not show_full_id,
        },
    )


def person_leave(request, pk):
    person = selectors.person_get_for_user(user=request.user, pk=pk, write=True)
    form = PersonLeaveForm(
        request.POST or None, initial={"left_on": datetime.date.today(), "version": person.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_leave(
                person=person,
                expected_version=form.cleaned_data["version"],
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s has left the household.") % {"name": person.name})
            return redirect(person.household)
    return render(request, "households/person_leave.html", {"form": form, "person": person})


def _cause_labels(codes) -> str:
    labels = dict(PovertyCause.choices)
    return "、".join(str(labels.get(c, c)) for c in codes)

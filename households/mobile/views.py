"""The building leaders' phone pages (households side): home, household list and check,
proposals of identity changes, home visits and policy publicity."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from buildings.hygiene.services import open_problem_count
from buildings.selectors import leader_building_ids
from core.forms import add_service_errors
from households.fieldlogs import services as fieldlogs
from households.mobile import selectors as ms
from households.mobile import services as checks
from households.mobile.forms import (
    HouseholdContactForm,
    PersonStatusForm,
    ProposalChangeForm,
    ProposalLeaveForm,
    ProposalMemberForm,
    PublicityForm,
    VisitForm,
)
from households.proposals import services as proposals
from households.representatives import selectors as representatives


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def home_sections(request) -> list[dict]:
    """Sections that apps above the registry add to the phone home page (setting
    ``MOBILE_HOME_SECTIONS``: functions ``(*, request)`` returning ``{"template",
    "context"}`` or None). The registry never imports those apps."""
    sections = []
    for path in settings.MOBILE_HOME_SECTIONS:
        section = import_string(path)(request=request)
        if section:
            sections.append(section)
    return sections


def home(request):
    buildings = list(ms.leader_buildings(request.user))
    households = ms.with_attention(ms.leader_household_list(request.user))
    for b in buildings:
        mine = [h for h in households if h.dwelling.building_id == b.pk]
        b.household_total, b.attention_total = len(mine), sum(h.needs_attention for h in mine)
    return render(
        request,
        "mobile/home.html",
        {
            "buildings": buildings,
            "attention": [h for h in households if h.needs_attention],
            "open_problems": open_problem_count(building_ids=[b.pk for b in buildings])
            if buildings
            else 0,
            "extra_sections": home_sections(request),
        },
    )


def household_list(request):
    q = request.GET.get("q", "").strip()[:50]
    households = ms.with_attention(
        ms.leader_household_search(ms.leader_household_list(request.user), q)
    )
    only_attention = request.GET.get("attention") == "1"
    if only_attention:
        households = [h for h in households if h.needs_attention]
    return render(
        request,
        "mobile/household_list.html",
        {"households": households, "only_attention": only_attention, "q": q},
    )


def household_detail(request, pk):
    household = ms.leader_household_get(user=request.user, pk=pk)
    _require(request.user, "households.check_household")
    form = HouseholdContactForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form.changed_data if k != "version"}
        try:
            checks.household_confirm(
                household=household, expected_version=form.expected_version, **fields
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Household %(number)s checked and confirmed.") % {"number": household.number},
            )
            return redirect("mobile:household_detail", pk=household.pk)
    members = household.members.filter(is_active=True).order_by("relationship", "birth_date")
    return render(
        request,
        "mobile/household_detail.html",
        {
            "household": household,
            "form": form,
            "members": members,
            "proposals": ms.household_recent_proposals(household=household),
            "representative": representatives.household_representative(household=household),
        },
    )


def representative_list(request):
    """The household representatives (户长) of the leader's buildings and their households."""
    _require(request.user, "households.view_householdrepresentative")
    reps = list(representatives.leader_representatives(request.user))
    unrepresented = representatives.unrepresented_households(
        building_ids=leader_building_ids(request.user)
    ).count()
    return render(
        request,
        "mobile/representatives.html",
        {"representatives": reps, "unrepresented": unrepresented},
    )


def person_status(request, pk):
    person = ms.leader_person_get(user=request.user, pk=pk)
    _require(request.user, "households.check_household")
    form = PersonStatusForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form.changed_data if k != "version"}
        try:
            checks.person_status_update(
                person=person, expected_version=form.expected_version, **fields
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": person.name})
            return redirect("mobile:household_detail", pk=person.household_id)
    return render(request, "mobile/person_status.html", {"person": person, "form": form})


def _proposal_page(request, *, form, household, title, send, person=None):
    """A proposal form: when it is valid, ``send(cleaned_data)`` creates the proposal."""
    if request.method == "POST" and form.is_valid():
        try:
            send(dict(form.cleaned_data))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Proposal sent: community staff will review it. Nothing changes until they approve it."
                ),
            )
            return redirect("mobile:household_detail", pk=household.pk)
    context = {"form": form, "household": household, "person": person, "title": title}
    return render(request, "mobile/proposal_form.html", context)


def proposal_change(request, pk):
    person = ms.leader_person_get(user=request.user, pk=pk)
    _require(request.user, "households.add_memberchangeproposal")

    def send(data):
        fields = {k: data[k] for k in proposals.IDENTITY_FIELDS if data[k]}
        proposals.proposal_create_change(
            person=person, proposed_by=request.user, fields=fields, note=data["note"]
        )

    form = ProposalChangeForm(request.POST or None, person=person)
    return _proposal_page(
        request,
        form=form,
        household=person.household,
        person=person,
        title=_("Propose a change"),
        send=send,
    )


def proposal_leave(request, pk):
    person = ms.leader_person_get(user=request.user, pk=pk)
    _require(request.user, "households.add_memberchangeproposal")

    def send(data):
        proposals.proposal_create_leave(person=person, proposed_by=request.user, **data)

    form = ProposalLeaveForm(request.POST or None)
    title = _("Propose that a member leaves")
    return _proposal_page(
        request, form=form, household=person.household, person=person, title=title, send=send
    )


def proposal_member(request, pk):
    household = ms.leader_household_get(user=request.user, pk=pk)
    _require(request.user, "households.add_memberchangeproposal")

    def send(data):
        note = data.pop("note")
        proposals.proposal_create_member(
            household=household, proposed_by=request.user, fields=data, note=note
        )

    form = ProposalMemberForm(request.POST or None)
    return _proposal_page(
        request, form=form, household=household, title=_("Propose a new member"), send=send
    )


def visit_list(request):
    households = ms.leader_households(request.user)
    visits = fieldlogs.visits_for_user(request.user).filter(household__in=households)[:50]
    publicity = fieldlogs.publicity_for_user(request.user).filter(
        building__in=ms.leader_buildings(request.user)
    )[:20]
    return render(request, "mobile/visit_list.html", {"visits": visits, "publicity": publicity})


def visit_create(request):
    _require(request.user, "households.add_visit")
    households = ms.leader_household_list(request.user)
    initial = {}
    if request.GET.get("household"):
        # ?household=<pk> preselects it; one outside the leader's buildings is a 404.
        pk = request.GET["household"]
        initial["household"] = ms.leader_household_get(
            user=request.user, pk=int(pk) if pk.isdigit() else 0
        )
    form = VisitForm(request.POST or None, households=households, initial=initial)
    if request.method == "POST" and form.is_valid():
        fieldlogs.visit_create(visited_by=request.user, **form.cleaned_data)
        messages.success(request, _("Visit recorded."))
        return redirect("mobile:visit_list")
    return render(
        request, "mobile/fieldlog_form.html", {"form": form, "title": _("Record a home visit")}
    )


def publicity_create(request):
    _require(request.user, "households.add_publicityrecord")
    buildings = list(ms.leader_buildings(request.user))
    form = PublicityForm(
        request.POST or None,
        buildings=ms.leader_buildings(request.user),
        households=ms.leader_household_list(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            fieldlogs.publicity_create(recorded_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Publicity recorded."))
            return redirect("mobile:visit_list")
    return render(
        request,
        "mobile/fieldlog_form.html",
        {"form": form, "title": _("Record policy publicity"), "buildings": buildings},
    )


@login_not_required
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, served under /m/ so that its scope covers the phone pages."""
    response = render(request, "mobile/sw.js", content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/m/"
    return response


@login_not_required
def offline(request):
    """Shown by the service worker when a page cannot be loaded and was not kept."""
    return render(request, "mobile/offline.html")

"""The organisation at a glance (and its printable version), recruitment rounds, resident
groups, mass organisations and party members."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import add_service_errors
from core.idnumbers import mask_id_number

from . import selectors, services
from .forms import (
    ApplicantDecisionForm,
    ApplicantForm,
    GroupHouseholdForm,
    HoldingForm,
    OrganisationMemberForm,
    PartyMemberForm,
    RecruitmentRoundForm,
    TermForm,
)
from .models import Applicant


def organisation_chart(request):
    today = timezone.localdate()
    context = {
        "organisations": selectors.organisation_chart_for_user(request.user, today=today),
        "cadres": selectors.cadres_for_user(request.user),
        "today": today,
    }
    printable = request.GET.get("print") == "1"
    template = "community/organisation_print.html" if printable else "community/organisation.html"
    return render(request, template, context)


def recruitment_list(request):
    rounds = selectors.recruitments_for_user(request.user)
    return render(request, "community/recruitment_list.html", {"rounds": rounds})


def recruitment_detail(request, pk):
    rnd = selectors.recruitment_get_for_user(user=request.user, pk=pk)
    manages = selectors.manages_organisation(request.user)
    form = ApplicantForm(request.POST or None) if manages else None
    if request.method == "POST":
        if not manages:
            raise Http404
        if form.is_valid():
            try:
                services.applicant_add(round=rnd, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Applicant added."))
                return redirect(rnd.get_absolute_url())
    for applicant in rnd.applicant_list:
        applicant.masked_id = mask_id_number(applicant.id_number or "")
    return render(
        request,
        "community/recruitment_detail.html",
        {"round": rnd, "form": form, "manages": manages, "today": timezone.localdate()},
    )


def applicant_decide(request, pk):
    if not selectors.manages_organisation(request.user):
        raise Http404
    applicant = Applicant.objects.select_related("round").filter(pk=pk).first()
    if applicant is None:
        raise Http404
    form = ApplicantDecisionForm(request.POST or None, round=applicant.round)
    if request.method == "POST" and form.is_valid():
        try:
            services.applicant_decide(applicant=applicant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Result recorded."))
            return redirect(applicant.round.get_absolute_url())
    return render(
        request, "community/applicant_decide.html", {"applicant": applicant, "form": form}
    )


def resident_group_list(request):
    number = request.GET.get("household", "").strip()
    groups = selectors.resident_groups_for_user(request.user, household_number=number)
    return render(
        request, "community/resident_group_list.html", {"groups": groups, "household": number}
    )


def resident_group_detail(request, pk):
    group = selectors.resident_group_get_for_user(user=request.user, pk=pk)
    manages = selectors.manages_organisation(request.user)
    form = GroupHouseholdForm(request.POST or None) if manages else None
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.resident_group_add_household_by_number(
                    group=group, number=form.cleaned_data["number"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Household added to the group."))
                return redirect("community:resident_group_detail", pk=group.pk)
    return render(request, "community/resident_group_detail.html", {"group": group, "form": form})


def holding_start(request):
    """Staff record who takes a post from when (a single-holder post refuses a second)."""
    if not selectors.manages_organisation(request.user):
        raise Http404
    form = HoldingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_holding_start(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Post holder recorded."))
            return redirect("community:organisation")
    return render(request, "community/holding_form.html", {"form": form})


def people_registers(request):
    """Mass organisations with their member counts, and the party members; staff register
    a member or a party member by the resident's ID number."""
    organisations = selectors.mass_organisations_for_user(request.user)
    manages = selectors.manages_organisation(request.user)
    which = request.POST.get("form") if request.method == "POST" else None
    if which and not manages:
        raise PermissionDenied
    party_form = PartyMemberForm(request.POST if which == "party" else None, prefix="party")
    member_form = OrganisationMemberForm(
        request.POST if which == "member" else None, prefix="member"
    )
    form = {"party": party_form, "member": member_form}.get(which)
    if form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            person = services.resident_by_id_number(data.pop("id_number"))
            if which == "party":
                services.party_member_register(person=person, **data)
            else:
                services.organisation_member_add(person=person, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Member registered."))
            return redirect("community:people_registers")
    return render(
        request,
        "community/people_registers.html",
        {
            "organisations": organisations,
            "party_members": selectors.party_members_for_user(request.user),
            "party_form": party_form if manages else None,
            "member_form": member_form if manages else None,
        },
    )


def term_create(request):
    """Staff record a new term; member count and length are checked against the law."""
    if not selectors.manages_organisation(request.user):
        raise Http404
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_term_create(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Term recorded."))
            return redirect("community:organisation")
    return render(request, "community/holding_form.html", {"form": form, "title": _("New term")})


def recruitment_create(request):
    if not selectors.manages_organisation(request.user):
        raise Http404
    form = RecruitmentRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.recruitment_round_create(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(rnd.get_absolute_url())
    return render(
        request, "community/holding_form.html", {"form": form, "title": _("New recruitment round")}
    )
